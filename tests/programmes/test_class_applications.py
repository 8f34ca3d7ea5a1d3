"""Class-opening applications: the school applies in the admin, its city's HR office decides."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from courses import services as course_services
from courses.models import Occupation
from lms.programmes.applications import class_application_decide, class_application_submit
from lms.programmes.models import ClassApplication
from tests.factories import InstructorFactory, UserFactory
from tests.helpers import (
    end_cycle,
    give_identity,
    make_hr_office,
    make_hr_officer,
    make_subsidised_course,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Services answer in the active language; these tests read the English wording."""
    with translation.override("en"):
        yield


PLAN = {
    "teaching_plan": "第1课 安全派件（线上）\n第2课 客户沟通（课堂）",
    "venue": "城东快递园区二楼教室",
    "assessment_plan": "每课小测验，结业考核合格线 60 分",
}


@pytest.fixture
def klass():
    return make_subsidised_course()


def _learners(klass, n):
    learners = [UserFactory() for _ in range(n)]
    for learner in learners:
        course_services.enrolment_join(learner=learner, course=klass.course)
    return learners


def refused_by_admin(response) -> bool:
    """The admin answers a refused permission by sending the user back to its dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def _submit(klass, **overrides):
    facts = {"instructors": [klass.instructor], **PLAN, **overrides}
    return class_application_submit(cycle=klass.cycle, actor=klass.instructor, **facts)


# --- The school applies.


def test_an_instructor_applies_for_a_subsidised_cycle_with_its_roster(klass):
    learners = _learners(klass, 3)
    application = _submit(klass)
    assert application.state == ClassApplication.State.SUBMITTED
    assert application.school == klass.school
    assert application.hr_office == klass.office
    assert application.catalogue_entry == klass.entry
    assert sorted(application.roster) == sorted(learner.pk for learner in learners)
    assert list(application.instructors.all()) == [klass.instructor]


def test_the_admin_form_sends_the_application(client, klass):
    learner = _learners(klass, 1)[0]
    client.force_login(klass.instructor)
    listing = client.get(reverse("programmes_school_classes"))
    assert listing.status_code == 200
    assert reverse("programmes_school_apply", args=[klass.cycle.pk]) in listing.text
    url = reverse("programmes_school_apply", args=[klass.cycle.pk])
    page = client.get(url)
    assert learner.real_name in page.text
    response = client.post(url, {**PLAN, "instructors": [klass.instructor.pk]})
    application = ClassApplication.objects.get(cycle=klass.cycle)
    assert response.status_code == 302
    assert response.url == reverse("programmes_school_class", args=[application.pk])
    assert application.roster == [learner.pk]


def test_one_application_per_cycle(klass):
    _submit(klass)
    with pytest.raises(ValidationError, match="applied for already"):
        _submit(klass)
    assert ClassApplication.objects.count() == 1


def test_a_cycle_that_has_ended_cannot_be_applied_for(klass):
    end_cycle(klass.cycle)
    with pytest.raises(ValidationError, match="ended"):
        _submit(klass)
    assert not ClassApplication.objects.exists()


def test_a_course_off_the_catalogue_cannot_be_applied_for(klass):
    other = Occupation.objects.create(code="4-10-01-01", name_zh="保育员")
    course = klass.course
    course.occupation = other
    course.save_revision().publish()
    klass.cycle.course.refresh_from_db()
    with pytest.raises(ValidationError, match="not on the current"):
        _submit(klass)
    assert not ClassApplication.objects.exists()


def test_an_empty_plan_or_a_missing_instructor_is_refused(klass):
    with pytest.raises(ValidationError, match="teaching plan"):
        _submit(klass, teaching_plan="   ")
    with pytest.raises(ValidationError, match="at least one instructor"):
        _submit(klass, instructors=[])
    assert not ClassApplication.objects.exists()


def test_an_instructor_of_another_school_cannot_be_named(klass):
    stranger = InstructorFactory(real_name="外校老师")
    with pytest.raises(ValidationError, match="must teach at your school"):
        _submit(klass, instructors=[klass.instructor, stranger])
    assert not ClassApplication.objects.exists()


def test_an_instructor_of_another_school_cannot_apply_for_this_schools_cycle(client, klass):
    other = make_subsidised_course(office=klass.office, school_name="城西培训学校")
    with pytest.raises(PermissionDenied):
        class_application_submit(
            cycle=klass.cycle, actor=other.instructor, instructors=[other.instructor], **PLAN
        )
    client.force_login(other.instructor)
    response = client.post(
        reverse("programmes_school_apply", args=[klass.cycle.pk]),
        {**PLAN, "instructors": [other.instructor.pk]},
    )
    assert refused_by_admin(response)
    assert not ClassApplication.objects.exists()


def test_an_instructor_of_another_school_cannot_see_this_schools_application(client, klass):
    application = _submit(klass)
    other = make_subsidised_course(office=klass.office, school_name="城西培训学校")
    client.force_login(other.instructor)
    response = client.get(reverse("programmes_school_class", args=[application.pk]))
    assert refused_by_admin(response)
    listing = client.get(reverse("programmes_school_classes"))
    assert reverse("programmes_school_class", args=[application.pk]) not in listing.text


def test_a_learner_cannot_reach_the_schools_class_pages(client, klass):
    learner = _learners(klass, 1)[0]
    client.force_login(learner)
    response = client.get(reverse("programmes_school_classes"))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "login" in response["Location"]


# --- The HR office decides.


def _desk(client, office):
    officer = make_hr_officer(office)
    client.force_login(officer)
    return officer


def test_the_office_approves_a_class_and_the_decision_is_recorded(client, klass):
    application = _submit(klass)
    officer = _desk(client, klass.office)
    queue = client.get(reverse("programmes:applications"))
    assert reverse("programmes:application", args=[application.pk]) in queue.text
    page = client.get(reverse("programmes:application", args=[application.pk]))
    assert PLAN["venue"] in page.text
    client.post(
        reverse("programmes:application_decide", args=[application.pk]), {"action": "approve"}
    )
    application.refresh_from_db()
    assert application.state == ClassApplication.State.APPROVED
    assert application.decided_by == officer
    assert application.decided_at is not None


def test_refusing_needs_a_reason_and_without_one_changes_nothing(client, klass):
    application = _submit(klass)
    _desk(client, klass.office)
    url = reverse("programmes:application_decide", args=[application.pk])
    response = client.post(url, {"action": "refuse", "reason": " "}, follow=True)
    assert "请写明不予通过的理由" in response.text
    application.refresh_from_db()
    assert application.state == ClassApplication.State.SUBMITTED
    client.post(url, {"action": "refuse", "reason": "教学计划缺少实操课时"})
    application.refresh_from_db()
    assert application.state == ClassApplication.State.REFUSED
    assert application.reason == "教学计划缺少实操课时"


def test_a_decided_application_is_not_decided_again(klass):
    application = _submit(klass)
    officer = make_hr_officer(klass.office)
    class_application_decide(
        application=application, office=klass.office, actor=officer, approve=True
    )
    with pytest.raises(ValidationError, match="decided already"):
        class_application_decide(
            application=application, office=klass.office, actor=officer, approve=False, reason="x"
        )


def test_an_hr_officer_of_another_city_cannot_read_or_decide(client, klass):
    application = _submit(klass)
    elsewhere = make_hr_office("济南市")
    _desk(client, elsewhere)
    assert client.get(reverse("programmes:application", args=[application.pk])).status_code == 404
    response = client.post(
        reverse("programmes:application_decide", args=[application.pk]), {"action": "approve"}
    )
    assert response.status_code == 404
    queue = client.get(reverse("programmes:applications"))
    assert klass.course.title not in queue.text
    with pytest.raises(PermissionDenied):
        class_application_decide(
            application=application,
            office=elsewhere,
            actor=make_hr_officer(elsewhere),
            approve=True,
        )
    application.refresh_from_db()
    assert application.state == ClassApplication.State.SUBMITTED


def test_a_learner_and_an_instructor_get_404_on_the_office_desk(client, klass):
    application = _submit(klass)
    learner = _learners(klass, 1)[0]
    for person in (learner, klass.instructor):
        client.force_login(person)
        for url in (
            reverse("programmes:applications"),
            reverse("programmes:application", args=[application.pk]),
        ):
            assert client.get(url).status_code == 404
        response = client.post(
            reverse("programmes:application_decide", args=[application.pk]), {"action": "approve"}
        )
        assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == ClassApplication.State.SUBMITTED


def test_the_office_page_shows_masked_id_numbers_only(client, klass):
    learner = _learners(klass, 1)[0]
    identity = give_identity(learner)
    application = _submit(klass)
    _desk(client, klass.office)
    page = client.get(reverse("programmes:application", args=[application.pk])).text
    from tests.helpers import valid_id_number

    assert identity.id_number_masked in page
    assert valid_id_number(learner.pk) not in page


def test_queue_lists_waiting_applications_first(client, klass):
    first = _submit(klass)
    other = make_subsidised_course(office=klass.office, school_name="城西培训学校")
    second = class_application_submit(
        cycle=other.cycle, actor=other.instructor, instructors=[other.instructor], **PLAN
    )
    ClassApplication.objects.filter(pk=second.pk).update(
        submitted_at=timezone.now() + dt.timedelta(minutes=5)
    )
    officer = make_hr_officer(klass.office)
    class_application_decide(application=first, office=klass.office, actor=officer, approve=True)
    from lms.programmes.applications import office_applications

    assert list(office_applications(office=klass.office)) == [second, first]
