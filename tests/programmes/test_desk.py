"""The HR office's desk counts what waits in each area, for its own city only."""

from decimal import Decimal

from django.urls import reverse

import pytest

from courses import services as course_services
from lms.accounts.models import User
from lms.programmes.applications import class_application_submit
from lms.programmes.desk import desk_summary
from lms.programmes.models import TrainingVoucher
from lms.programmes.vouchers import voucher_issue
from tests.factories import ReviewerFactory, UserFactory
from tests.helpers import (
    give_identity,
    make_community_centre,
    make_hr_office,
    make_hr_officer,
    make_organiser,
    make_programme_year,
    make_subsidised_course,
)

pytestmark = pytest.mark.django_db
PLAN = {"teaching_plan": "第1课 安全派件", "venue": "二楼教室", "assessment_plan": "小测验"}


def applied_class(**facts):
    klass = make_subsidised_course(**facts)
    learner = UserFactory()
    course_services.enrolment_join(learner=learner, course=klass.course)
    give_identity(learner)
    class_application_submit(
        cycle=klass.cycle, actor=klass.instructor, instructors=[klass.instructor], **PLAN
    )
    return klass


def test_the_desk_counts_the_offices_own_waiting_work_and_nothing_of_another_city():
    klass = applied_class(city="泰安市")
    officer = make_hr_officer(klass.office)
    holder = UserFactory()
    give_identity(holder, groups=[User.LearnerGroup.GIG_WORKER])
    voucher_issue(
        office=klass.office,
        holder=holder,
        kind=TrainingVoucher.Kind.GENERAL,
        face_value=Decimal("500.00"),
        actor=officer,
    )
    make_programme_year(klass.office, published=False, year=2099)
    applied_class(city="济南市", school_name="济南另一所学校")

    summary = desk_summary(office=klass.office)

    assert summary.applications_waiting == 1
    assert summary.claims_waiting == 0
    assert summary.vouchers_active == 1
    assert summary.draft_years == 1
    assert summary.current_year is not None
    assert summary.current_year.hr_office == klass.office


def test_an_office_without_a_published_year_is_told_so_on_its_desk(client):
    office = make_hr_office(city="临沂市")
    make_programme_year(office, published=False)
    client.force_login(make_hr_officer(office))

    page = client.get(reverse("programmes:desk"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert desk_summary(office=office).current_year is None
    assert "今天没有生效的已发布目录" in page
    assert "1 个年度目录尚未发布" in page


def test_the_desk_page_shows_each_count_with_its_link(client):
    klass = applied_class(city="泰安市")
    client.force_login(make_hr_officer(klass.office))

    page = client.get(reverse("programmes:desk")).content.decode()

    assert "1 个待您审批" in page
    assert f'href="{reverse("programmes:applications")}?state=submitted"' in page
    assert "0 个待审核" in page
    assert "0 张有效培训券" in page
    assert f"{klass.entry.programme_year.year} 年目录已发布" in page


def test_no_one_but_an_hr_officer_sees_the_desk(client):
    klass = applied_class()
    refused = [
        UserFactory(),
        ReviewerFactory(),
        make_organiser(make_community_centre(city=klass.office.city)),
        klass.instructor,
    ]
    for user in refused:
        client.force_login(user)
        assert client.get(reverse("programmes:desk")).status_code == 404
    client.logout()

    assert client.get(reverse("programmes:desk"))["Location"].startswith("/accounts/login/")
