"""The demo's first evening, in the demo as `load_demo --without-videos` leaves it: the courier a
lesson short finishes it, becomes eligible and applies; the reviewer, landing on the queue after
logging in, approves; the courier downloads the certificate."""

import re

from django.core.management import call_command

import pytest

from courses.models import LessonPage
from credits.certification.demo import PROGRAMME_NAME
from credits.certification.models import Application, Certificate
from lms.accounts.models import User
from lms.demo import DEMO_PASSWORD
from lms.demo_learners import APPLIED, NEAR
from tests.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_near_learner_finishes_applies_and_downloads_what_the_reviewer_approved(
    live_server, phone, browser, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--without-videos", verbosity=0)
    near = User.objects.get(phone=NEAR[0])
    course = Application.objects.get(learner__phone=APPLIED[0]).programme.required_courses.get()
    last = LessonPage.objects.child_of(course).live().order_by("path").last()

    def shot(page, name):
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)

    log_in(phone.context, live_server, near)
    phone.goto(live_server.url + "/certificates/")
    assert PROGRAMME_NAME in phone.content()
    assert phone.get_by_role("button", name="申请证书").count() == 0  # not yet eligible
    assert last.title in phone.content()  # the quiz still to pass is named
    shot(phone, "01-one-lesson-short")

    phone.goto(live_server.url + last.url)
    assert "结业考核" in phone.content()
    phone.get_by_label(last.summary).check()
    shot(phone, "02-final-assessment")
    phone.get_by_role("button", name="提交答案").click()
    phone.wait_for_load_state()
    assert re.search(r"45\s*分钟", phone.content())
    shot(phone, "03-passed")

    phone.goto(live_server.url + "/certificates/")
    phone.get_by_role("button", name="申请证书").click()
    phone.wait_for_load_state()
    assert "已提交申请" in phone.content()
    shot(phone, "04-applied")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    reviewer_page = desk.new_page()
    reviewer_page.goto(live_server.url + "/accounts/login/")
    reviewer_page.locator("summary").click()
    reviewer_page.locator("input[name=login]").fill("reviewer@nightschool.example")
    reviewer_page.locator("input[name=password]").fill(DEMO_PASSWORD)
    reviewer_page.locator("input[name=password]").press("Enter")
    reviewer_page.wait_for_url(re.compile(r"/review/$"))
    queue = reviewer_page.content()
    assert near.real_name in queue and User.objects.get(phone=APPLIED[0]).real_name in queue
    shot(reviewer_page, "05-review-queue")
    reviewer_page.get_by_role("link", name=near.real_name).click()
    assert "技术细节" in reviewer_page.content()  # the chain head, folded away
    reviewer_page.get_by_label("理由").fill("八节课与结业考核记录齐全，学时达标。")
    shot(reviewer_page, "06-evidence")
    reviewer_page.get_by_role("button", name="批准并发证").click()
    reviewer_page.wait_for_load_state()
    assert "决定已记录" in reviewer_page.content()
    desk.close()
    assert Certificate.objects.filter(learner=near).exists()

    phone.goto(live_server.url + "/certificates/")
    link = phone.get_by_role("link", name="下载证书（PDF）")
    pdf = phone.context.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    shot(phone, "07-certificate")
    assert len(list(tmp_path.glob("*.png"))) == 7
