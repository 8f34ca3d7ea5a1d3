"""At a desk: the HR officer approves a school's class, then reviews and approves its claim."""

import pytest

from courses import services as course_services
from lms.programmes.applications import class_application_submit
from lms.programmes.claims import claim_file
from lms.programmes.models import ClassApplication, SubsidyClaim
from tests.factories import UserFactory
from tests.helpers import (
    ARTIFACTS,
    complete_lessons,
    end_cycle,
    give_identity,
    log_in,
    make_hr_officer,
    make_subsidised_course,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PLAN = {
    "teaching_plan": "第1课 安全派件（线上）\n第2课 客户沟通（课堂）",
    "venue": "城东快递园区二楼教室",
    "assessment_plan": "每课小测验，合格线 60 分",
}


def test_hr_officer_approves_a_class_and_then_its_claim(live_server, browser):
    klass = make_subsidised_course(lessons=2, rate="10.00", cap="500.00")
    learners = [UserFactory(real_name=name) for name in ("张小明", "李小红", "王大力")]
    for learner in learners:
        course_services.enrolment_join(learner=learner, course=klass.course)
        give_identity(learner)
    application = class_application_submit(
        cycle=klass.cycle, actor=klass.instructor, instructors=[klass.instructor], **PLAN
    )
    officer = make_hr_officer(klass.office)

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(context, live_server, officer)
    page.goto(live_server.url + "/programme/")
    page.get_by_role("link", name="开班申请").click()
    page.get_by_role("link", name=f"{klass.course.title} #{klass.cycle.number}").click()
    assert PLAN["venue"] in page.content()
    for learner in learners:
        assert learner.identity.id_number_masked in page.content()
    page.get_by_role("button", name="批准开班").click()
    page.wait_for_load_state()
    assert "已批准开班" in page.content()
    application.refresh_from_db()
    assert application.state == ClassApplication.State.APPROVED
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hr-claim-01-class-approved.png"), full_page=True)

    # The class runs: two learners finish, one stops halfway; the school files its claim.
    for learner in learners[:2]:
        complete_lessons(learner, klass.course)
    complete_lessons(learners[2], klass.course, count=1)
    end_cycle(klass.cycle)
    claim = claim_file(application=application, actor=klass.instructor)

    page.goto(live_server.url + "/programme/")
    page.get_by_role("link", name="补贴申报").click()
    page.get_by_role("link", name=f"{klass.course.title} #{klass.cycle.number}").click()
    content = page.content()
    assert "未完成全部课程" in content  # the withheld line says why
    assert str(claim.amount_claimed) in content
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state()
    assert "补贴申报已审核通过" in page.content()
    claim.refresh_from_db()
    assert claim.state == SubsidyClaim.State.APPROVED
    assert claim.decided_by == officer
    assert claim.amount_approved == claim.amount_claimed
    page.screenshot(path=str(ARTIFACTS / "hr-claim-02-claim-approved.png"), full_page=True)
    context.close()
