"""A courier with real-name details claims a training voucher on a phone and enrols with it."""

from decimal import Decimal

from django.utils import timezone

import pytest

from courses import services
from courses.models import Enrolment, Occupation
from lms.accounts.models import User
from lms.programmes.models import TrainingVoucher
from lms.programmes.vouchers import voucher_claim, voucher_issue
from tests.factories import UserFactory
from tests.helpers import (
    axe_violations,
    give_identity,
    log_in,
    make_course,
    make_hr_office,
    make_programme_year,
    make_school,
    screenshot,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_learner_claims_a_voucher_and_enrols_with_it(live_server, phone):
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(services.catalogue_get_or_create(), city="福州市")
    course = make_course(
        school, occupation, lessons=2, weekdays="0123456", first=timezone.localdate()
    )
    office = make_hr_office(city="福州市")
    make_programme_year(office, entries=[occupation])
    officer = UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)
    learner = UserFactory(real_name="张小明")
    give_identity(learner, groups=[User.LearnerGroup.GIG_WORKER])
    voucher = voucher_issue(
        office=office,
        holder=learner,
        kind=TrainingVoucher.Kind.TARGETED,
        face_value=Decimal("800.00"),
        target_occupation=occupation,
        actor=officer,
    )
    log_in(phone.context, live_server, learner)

    phone.goto(live_server.url + "/")
    phone.get_by_role("link", name="我的培训券").click()
    phone.wait_for_load_state()
    card = phone.locator(f"[data-voucher='{voucher.number}']")
    assert "800.00" in card.inner_text()
    assert "已发放" in card.locator(".voucher-state").inner_text()
    assert "快递员" in card.inner_text()
    screenshot(phone, "voucher-01-issued")

    card.get_by_role("button", name="领用这张培训券").click()
    phone.wait_for_load_state()
    card = phone.locator(f"[data-voucher='{voucher.number}']")
    assert "已领用" in card.locator(".voucher-state").inner_text()
    assert course.title in card.locator(".voucher-courses").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "voucher-02-claimed")

    card.locator(".voucher-courses").get_by_role("button", name="用券报名").click()
    phone.wait_for_load_state()
    assert phone.get_by_role("heading", level=1).inner_text() == course.title
    assert "您已加入本课程" in phone.content()
    screenshot(phone, "voucher-03-enrolled")

    phone.get_by_role("link", name="我的培训券").click()
    phone.wait_for_load_state()
    card = phone.locator(f"[data-voucher='{voucher.number}']")
    assert "已使用" in card.locator(".voucher-state").inner_text()
    assert course.title in card.inner_text()
    screenshot(phone, "voucher-04-redeemed")

    voucher.refresh_from_db()
    assert voucher.state == TrainingVoucher.State.REDEEMED
    assert voucher.enrolment == Enrolment.objects.get(learner=learner, course=course)


def test_the_course_page_leads_a_learner_to_vouchers(live_server, phone):
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(services.catalogue_get_or_create(), city="福州市")
    course = make_course(
        school, occupation, lessons=1, weekdays="0123456", first=timezone.localdate()
    )
    make_programme_year(make_hr_office(city="福州市"), entries=[occupation])
    learner = UserFactory(real_name="王芳")
    log_in(phone.context, live_server, learner)

    phone.goto(live_server.url + course.url)
    phone.get_by_role("link", name="有培训券？用券报名").click()
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/programme/vouchers/?course={course.pk}")
    assert "人社部门向已登记真实姓名" in phone.content()
    assert phone.get_by_role("link", name="填写实名信息").get_attribute("href") == (
        "/accounts/identity/"
    )
    screenshot(phone, "voucher-05-no-identity")


def test_the_vouchers_page_has_no_serious_accessibility_violation(
    live_server, axe_phone, axe_script
):
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(services.catalogue_get_or_create(), city="福州市")
    course = make_course(
        school, occupation, lessons=1, weekdays="0123456", first=timezone.localdate()
    )
    office = make_hr_office(city="福州市")
    make_programme_year(office, entries=[occupation])
    officer = UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)
    learner = UserFactory(real_name="张小明")
    give_identity(learner)
    voucher = voucher_issue(
        office=office,
        holder=learner,
        kind=TrainingVoucher.Kind.GENERAL,
        face_value=Decimal("500"),
        actor=officer,
    )
    voucher_claim(voucher=voucher, learner=learner)
    log_in(axe_phone.context, live_server, learner)
    axe_phone.goto(f"{live_server.url}/programme/vouchers/?course={course.pk}")
    assert axe_phone.locator(".voucher-courses button").count() == 1
    assert axe_violations(axe_phone, axe_script) == []
