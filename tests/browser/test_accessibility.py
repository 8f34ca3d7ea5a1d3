"""The learner's pages on a phone, checked by axe-core against WCAG 2 A and AA: no serious or
critical violation on any of them."""

from django.urls import reverse

import pytest

from credits.certification import services as certification_services
from credits.certification.models import Certificate, CertificationProgramme
from credits.ledger import services as ledger_services
from lms.accounts.models import Organisation
from tests.factories import LessonQuizFactory, OrganisationFactory, ReviewerFactory, UserFactory
from tests.helpers import axe_violations, enrolled_in_a_video_lesson, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIZ = {
    "title": "小测验",
    "pass_mark": 50,
    "questions": [
        {"question": "红灯时", "choices": ["停", "走"], "correct": 1},
        {"question": "夜间骑行", "choices": ["开灯", "不开灯"], "correct": 1},
    ],
}


def a_verified_certificate(learner) -> str:
    """A certificate issued to ``learner``; returns the path of its public verification page."""
    evaluator = OrganisationFactory(name="市职业技能鉴定中心", kind=Organisation.Kind.EVALUATION)
    programme = CertificationProgramme.objects.create(
        name_zh="快递员五级学时证书",
        name_en="Courier level 5 hours",
        issuer=evaluator,
        class_hours_required=2,
    )
    admin = UserFactory(role="admin", is_superuser=True, is_staff=True)
    ledger_services.ledger_adjust(
        learner=learner, minutes=95, reason="站点培训记录转入", actor=admin, transfer=True
    )
    application = certification_services.application_submit(learner=learner, programme=programme)
    certification_services.application_decide(
        reviewer=ReviewerFactory(organisation=evaluator),
        application_id=application.pk,
        action="approve",
        reason="转入记录有站点盖章证明",
    )
    certificate = Certificate.objects.get(application=application)
    return reverse("verify", args=[certificate.public_id])


def test_learner_pages_have_no_serious_accessibility_violation(
    live_server, axe_phone, axe_script, tmp_path
):
    learner, lesson = enrolled_in_a_video_lesson(tmp_path, seconds=8)
    lesson.quizzes.add(LessonQuizFactory.build(**QUIZ))
    lesson.save_revision().publish()
    course = lesson.get_parent().specific
    verify = a_verified_certificate(learner)

    found: dict[str, list[dict]] = {}

    def check(path: str) -> None:
        response = axe_phone.goto(live_server.url + path)
        assert response.status < 400, (path, response.status)
        axe_phone.wait_for_load_state("networkidle")
        violations = axe_violations(axe_phone, axe_script)
        if violations:
            found[path] = violations

    check(reverse("account_login"))
    check(verify)
    log_in(axe_phone.context, live_server, learner)
    pages = (
        "/",
        course.get_parent().get_parent().url,
        course.url,
        "/hours/",
        "/accounts/identity/",
    )
    for path in (*pages, lesson.url):
        check(path)
    # The lesson page was checked with what makes it a lesson: the player and the quiz.
    assert axe_phone.locator("[data-nightschool-player] video").count() == 1
    assert axe_phone.locator("input[type=radio]").count() >= 4

    # The check itself is awake: a picture without a text alternative is caught on this page.
    axe_phone.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/none.png';"
        " document.querySelector('main').appendChild(i); }"
    )
    caught = axe_violations(axe_phone, axe_script)
    assert [v["id"] for v in caught] == ["image-alt"]

    report = [
        f"{path}: {v['impact']} {v['id']} ({v['help']}) at "
        + "; ".join(node["target"] for node in v["nodes"][:5])
        for path, violations in found.items()
        for v in violations
    ]
    assert report == [], "\n".join(report)
