"""Real headless Chromium at a phone's size, one browser for the whole session."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import require_service

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE = {"width": 390, "height": 844}
# axe-core comes from the npm registry at test time, into a folder git ignores (as hls.js does).
AXE_PACKAGE = "axe-core@4"
NPM_PREFIX = Path(__file__).resolve().parents[2] / "var" / "npm"
AXE_SCRIPT = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    )


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    require_service("Chromium", executable is not None, "install the Debian package chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must not mistake the
    # test thread for async code when the test touches the database.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """The axe-core accessibility engine, installed with npm on first use."""
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        require_service("npm", npm is not None, f"install Node.js and npm to fetch {AXE_PACKAGE}")
        command = [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix"]
        try:
            subprocess.run(
                [*command, str(NPM_PREFIX), AXE_PACKAGE],
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            require_service("axe-core", False, f"npm install {AXE_PACKAGE} failed: {exc}")
    require_service("axe-core", AXE_SCRIPT.exists(), f"npm installed no {AXE_SCRIPT}")
    return AXE_SCRIPT


@pytest.fixture
def axe_phone(browser, axe_script):
    """A phone-sized page on which axe-core may run: the page's policy forbids the script it
    adds, so this context alone ignores the policy (the policy has its own tests)."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


AXE_RUN = """() => axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
  resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                            summary: n.failureSummary}))
})))"""


def axe_violations(page, axe_script: Path, *, impacts=("serious", "critical")) -> list[dict]:
    """What axe-core finds on the page as it stands, keeping only the given impacts."""
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate(AXE_RUN)
    return [violation for violation in found if violation["impact"] in impacts]


@pytest.fixture
def phone(browser, request):
    """A fresh phone-sized page; on the way out it leaves a screenshot named after the test."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",  # many phones say English; the site must still open in Chinese
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(context, live_server, user) -> None:
    """Sign a browser context in as ``user`` without typing: the login journey is tested once."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def enrolled_in_a_video_lesson(tmp_path, *, seconds: int, **course_facts):
    """A one-lesson course open every day, its lesson playing a transcoded lecture of
    ``seconds``, and a learner enrolled in it. ``course_facts`` set fields of the course.
    (Imported here, like the fixtures' Django imports: this module loads before Django.)"""
    import datetime as dt

    from django.utils import timezone

    from courses import services as course_services
    from courses.models import Occupation
    from media_pipeline.demo import make_demo_lecture
    from media_pipeline.models import VideoAsset
    from media_pipeline.services import video_asset_create
    from tests.courses.conftest import lessons_of, make_course, make_school
    from tests.factories import UserFactory

    source = make_demo_lecture(tmp_path / "lecture.mp4", title="第一讲", seconds=seconds)
    asset = video_asset_create(title="第一讲", source=source)
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.READY, asset.error_message
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(course_services.catalogue_get_or_create())
    course = make_course(
        school,
        occupation,
        lessons=1,
        weekdays="0123456",
        first=timezone.localdate(),
        session_time=dt.time(0, 0),
    )
    if course_facts:
        for name, value in course_facts.items():
            setattr(course, name, value)
        course.save_revision().publish()
    lesson = lessons_of(course)[0]
    lesson.body = [("video", {"video": asset, "captions": None, "chapters": []})]
    lesson.save_revision().publish()
    learner = UserFactory(real_name="张小明")
    course_services.enrolment_join(learner=learner, course=course)
    return learner, lesson
