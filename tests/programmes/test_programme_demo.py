"""The demo holds a whole programme year an HR office can walk through after `make run`."""

from django.core.management import call_command
from django.urls import reverse

import pytest

from courses.models import Enrolment, ProgrammeYear, TopicRequest
from lms.accounts.identity import identity_of
from lms.accounts.models import User
from lms.demo import DEMO_PASSWORD
from lms.programmes.models import ClassApplication, SubsidyClaim, TrainingVoucher

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_programme_year_and_its_hr_office_logs_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--without-videos", verbosity=0)
    counts = [
        m.objects.count()
        for m in (User, Enrolment, TrainingVoucher, ClassApplication, SubsidyClaim)
    ]
    call_command("load_demo", "--without-videos", verbosity=0)
    assert [
        m.objects.count()
        for m in (User, Enrolment, TrainingVoucher, ClassApplication, SubsidyClaim)
    ] == counts

    year = ProgrammeYear.objects.get(published_at__isnull=False)
    assert year.entries.count() == 12
    learner = User.objects.get(phone="+8613800138000")
    assert identity_of(learner) is not None
    assert learner.vouchers.get().state == TrainingVoucher.State.ISSUED
    states = set(ClassApplication.objects.values_list("state", flat=True))
    assert states == {ClassApplication.State.APPROVED}
    claim = SubsidyClaim.objects.get()
    assert claim.state == SubsidyClaim.State.FILED
    assert claim.amount_claimed > 0
    assert claim.lines.filter(subsidised=True).count() >= 10
    assert claim.lines.filter(subsidised=False).exclude(withheld_reason="").exists()
    months = {e.joined_at.strftime("%Y-%m") for e in Enrolment.objects.all()}
    assert len(months) >= 10  # a year of history
    assert TopicRequest.objects.count() == 2

    response = client.post(
        reverse("account_login"), {"login": "hr@nightschool.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    dashboard = client.get(reverse("programmes:statistics"))
    joined_this_year = Enrolment.objects.filter(joined_at__year=year.year).count()
    assert dashboard.context["headline"]["trained"] == f"{joined_this_year:,}"
    assert dashboard.context["headline"]["certified"] != "0"
    assert client.get(reverse("programmes:claim", args=[claim.pk])).status_code == 200
    assert client.get(reverse("programmes:applications")).status_code == 200
