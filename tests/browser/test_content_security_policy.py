"""With the Content-Security-Policy on, every page a learner or an instructor opens works
without the browser refusing anything: the lesson plays, the admin edits."""

from django.urls import reverse

import pytest

from lms.accounts.models import User
from tests.factories import UserFactory
from tests.helpers import PHONE, enrolled_in_a_video_lesson, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each violation is also written to the console, so it is caught across page loads.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => console.error(
  'securitypolicyviolation ' + e.violatedDirective + ' ' + e.blockedURI + ' ' +
  e.sourceFile + ':' + e.lineNumber));
"""


class Watched:
    """A page whose console is read for refusals by the policy (or a bad policy header)."""

    def __init__(self, page) -> None:
        self.page = page
        self.refusals: list[str] = []
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if (
            "securitypolicyviolation" in text
            or "Content Security Policy" in text
            or "Content-Security-Policy" in text
            or "Permissions-Policy" in text
            or "Permissions policy" in text
        ):
            self.refusals.append(f"{self.page.url}: {text}")

    def visit(self, url: str):
        response = self.page.goto(url)
        assert response.status < 400, (url, response.status)
        self.page.wait_for_load_state("networkidle")
        headers = response.headers
        assert "content-security-policy" in headers, url
        assert "camera=()" in headers["permissions-policy"], url
        return headers


@pytest.fixture
def lesson_with_video(tmp_path):
    learner, lesson = enrolled_in_a_video_lesson(tmp_path, seconds=8)
    return learner, lesson, lesson.video


def test_learner_pages_play_and_load_with_no_policy_refusal(live_server, phone, lesson_with_video):
    learner, lesson, _asset = lesson_with_video
    course = lesson.get_parent().specific
    watched = Watched(phone)

    login = watched.visit(live_server.url + reverse("account_login"))
    assert "'unsafe-inline'" not in login["content-security-policy"]
    watched.visit(live_server.url + reverse("account_request_login_code"))

    log_in(phone.context, live_server, learner)
    for path in ("/", course.get_parent().get_parent().url, course.url):
        watched.visit(live_server.url + path)

    watched.visit(live_server.url + lesson.url)
    phone.evaluate(
        "() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }"
    )
    phone.wait_for_function(
        "() => document.querySelector('video').currentTime > 1.5", timeout=20_000
    )
    phone.evaluate("() => document.querySelector('video').pause()")
    screenshot(phone, "csp-01-lesson-playing")

    watched.visit(live_server.url + reverse("credits:my_hours"))
    watched.visit(live_server.url + reverse("certificates:mine"))

    assert watched.refusals == []


def test_admin_pages_work_under_their_policy_with_no_refusal(
    live_server, browser, lesson_with_video
):
    _learner, lesson, asset = lesson_with_video
    admin = UserFactory(
        role=User.Role.ADMIN,
        is_superuser=True,
        is_staff=True,
        phone=None,
        email="admin@nightschool.example",
    )
    # The admin is used at a desk, but must not break on a phone either.
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        watched = Watched(page)
        log_in(context, live_server, admin)
        for path in (
            "/admin/",
            "/admin/pages/",
            f"/admin/pages/{lesson.get_parent().pk}/",
            f"/admin/pages/{lesson.pk}/edit/",
            "/admin/videos/",
            f"/admin/videos/{asset.pk}/",
        ):
            watched.visit(live_server.url + path)
        screenshot(page, "csp-02-admin-videos")
        assert watched.refusals == []
    finally:
        context.close()
