"""A courier on a phone narrows the catalogue to subsidised courses and sees what each pays."""

import datetime as dt

from django.utils import timezone

import pytest

from courses import services
from courses.demand import catalogue_import_csv, programme_year_create, programme_year_publish
from courses.models import Occupation
from lms.accounts.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import axe_violations, make_course, make_school, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "code,name_zh,name_en,level,sub_list,flags,subsidy_per_class_hour,cap_per_person\n"


def a_catalogue_with_one_subsidised_course():
    office = OrganisationFactory(
        name="泰安市人力资源和社会保障局", kind=Organisation.Kind.HR_OFFICE, city="泰安"
    )
    year = programme_year_create(hr_office=office, year=timezone.localdate().year, title="目录")
    catalogue_import_csv(
        programme_year=year, text=HEADER + "4-02-07-08,快递员,Courier,,URGENT_SHORTAGE,S,10,500\n"
    )
    officer = UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)
    programme_year_publish(programme_year=year, actor=officer)
    catalogue = services.catalogue_get_or_create()
    school = make_school(catalogue)
    school.organisation.city = "泰安"
    school.organisation.save()
    first = timezone.localdate() - dt.timedelta(days=3)
    make_course(school, Occupation.objects.get(code="4-02-07-08"), title="快递员入门", first=first)
    cook = Occupation.objects.create(code="4-03-02-01", name_zh="中式烹调师")
    make_course(school, cook, title="家常菜", first=first)
    return catalogue


def test_learner_filters_subsidised_courses_and_sees_the_badge(live_server, phone):
    catalogue = a_catalogue_with_one_subsidised_course()
    phone.goto(live_server.url + catalogue.url)
    assert phone.locator(".course-card").count() == 2
    phone.get_by_label("只看有补贴的课程").check()
    phone.get_by_role("button", name="查看课程").click()
    phone.wait_for_load_state()
    cards = phone.locator(".course-card")
    assert cards.count() == 1
    card = cards.first.inner_text()
    assert "快递员入门" in card and "补贴 10 元/课时" in card and "急需紧缺" in card
    assert (
        phone.locator(".course-card .chip-digital .visually-hidden").inner_text() == "数字职业（S）"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "catalogue-subsidised-only")

    cards.first.get_by_role("link", name="快递员入门").click()
    assert "补贴 10 元/课时" in phone.locator(".subsidy-badges").inner_text()


def test_subsidy_badges_and_filters_have_no_serious_accessibility_violation(
    live_server, axe_phone, axe_script
):
    catalogue = a_catalogue_with_one_subsidised_course()
    axe_phone.goto(live_server.url + catalogue.url + "?subsidised=1")
    axe_phone.wait_for_load_state("networkidle")
    assert axe_phone.locator(".badge-subsidy").count() == 1
    assert axe_violations(axe_phone, axe_script) == []
