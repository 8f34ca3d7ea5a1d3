"""Many requests at once on vouchers: one active voucher per person, numbers never shared, a
voucher redeemed once. Runs in the PostgreSQL pass, where transactions really overlap."""

import threading
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

import pytest

from courses import services as course_services
from courses.models import Enrolment, Occupation
from lms.accounts.models import User
from lms.programmes.models import TrainingVoucher
from lms.programmes.vouchers import voucher_claim, voucher_issue, voucher_redeem
from tests.factories import UserFactory
from tests.helpers import (
    give_identity,
    make_course,
    make_hr_office,
    make_programme_year,
    make_school,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency runs in the PostgreSQL pass"
    ),
]

CALLERS = 8


def all_at_once(action, arguments):
    """Run ``action`` on each argument in its own thread and connection, released together;
    returns what each returned or raised."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list = [None] * len(arguments)

    def run(index, argument):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = action(argument)
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def office():
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    office = make_hr_office(city="福州市")
    make_programme_year(office, entries=[occupation])
    office.officer = UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)
    office.occupation = occupation
    return office


def issue_to(office, holder):
    return voucher_issue(
        office=office,
        holder=holder,
        kind=TrainingVoucher.Kind.GENERAL,
        face_value=Decimal("600"),
        actor=office.officer,
    )


def test_one_person_issued_at_once_from_many_desks_gets_one_voucher(office):
    learner = UserFactory()
    give_identity(learner)
    outcomes = all_at_once(lambda _: issue_to(office, learner), list(range(CALLERS)))
    issued = [o for o in outcomes if isinstance(o, TrainingVoucher)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(issued) == 1 and len(refused) == CALLERS - 1, outcomes
    assert all(error.code == "active" for error in refused)
    assert TrainingVoucher.objects.filter(holder=learner).count() == 1


def test_vouchers_issued_at_once_get_different_numbers(office):
    learners = [UserFactory() for _ in range(CALLERS)]
    for learner in learners:
        give_identity(learner)
    outcomes = all_at_once(lambda learner: issue_to(office, learner), learners)
    assert all(isinstance(o, TrainingVoucher) for o in outcomes), outcomes
    numbers = set(TrainingVoucher.objects.values_list("number", flat=True))
    assert len(numbers) == CALLERS


def test_a_voucher_redeemed_from_many_taps_at_once_is_used_once(office):
    school = make_school(course_services.catalogue_get_or_create(), city="福州市")
    course = make_course(
        school, office.occupation, lessons=1, weekdays="0123456", first=timezone.localdate()
    )
    learner = UserFactory()
    give_identity(learner)
    voucher = issue_to(office, learner)
    voucher_claim(voucher=voucher, learner=learner)
    outcomes = all_at_once(
        lambda _: voucher_redeem(
            voucher=TrainingVoucher.objects.get(pk=voucher.pk), learner=learner, course=course
        ),
        list(range(CALLERS)),
    )
    enrolled = [o for o in outcomes if isinstance(o, Enrolment)]
    assert len(enrolled) == 1, outcomes
    assert all(isinstance(o, (Enrolment, ValidationError)) for o in outcomes), outcomes
    voucher.refresh_from_db()
    assert voucher.state == TrainingVoucher.State.REDEEMED
    assert voucher.events.filter(to_state=TrainingVoucher.State.REDEEMED).count() == 1
    assert Enrolment.objects.filter(learner=learner, course=course).count() == 1
