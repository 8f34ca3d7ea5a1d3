"""The instructor's first evening at a laptop, in the Chinese admin: a text file renamed
.mp4 is refused at once, a real lecture uploads and becomes ready, goes on a lesson, the
lesson and its course are sent for approval, and the school's lead approves them.

Every page on the way is read for English left in it. Screenshots stay in the test's
temporary folder."""

from __future__ import annotations

import json
import re

import pytest

from courses import services as course_services
from courses.models import CoursePage, LessonPage, Occupation
from media_pipeline.demo import make_demo_lecture
from media_pipeline.models import VideoAsset
from tests.factories import InstructorFactory
from tests.helpers import lessons_of, log_in, make_course, make_school
from tests.latin_scan import ALLOWED, page_latin_words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def desk(browser):
    def open_desk():
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    return open_desk


class Walk:
    """Takes a screenshot of each step and collects the English found on it."""

    def __init__(self, folder, *, names=()):
        self.folder = folder
        # The sidebar shows the log-in name (Wagtail reads first_name, which we leave
        # empty): a person's own name, not a word of the page's language.
        self.allowed = ALLOWED | set(names)
        self.english: dict[str, list[str]] = {}
        self.shots: list[str] = []

    def step(self, page, name: str) -> None:
        page.wait_for_load_state("load")
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path.name)
        words = page_latin_words(page, self.allowed, labels=False)
        if words:
            self.english[name] = words


def test_an_instructor_uploads_attaches_and_submits_and_the_lead_approves(
    live_server, desk, tmp_path
):
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(course_services.catalogue_get_or_create())
    course_services.site_name_set(name="夜校")
    course = make_course(school, occupation, title="快递员夜间安全", lessons=1, publish=False)
    lesson = lessons_of(course)[0]
    teacher = InstructorFactory(organisation=school.organisation, real_name="李老师")
    lead = InstructorFactory(
        organisation=school.organisation, real_name="张校长", is_school_lead=True
    )
    for user in (teacher, lead):
        course_services.instructor_sync_groups(user=user)
    walk = Walk(tmp_path, names=[teacher.get_username(), lead.get_username()])

    page = desk()
    log_in(page.context, live_server, teacher)
    page.goto(f"{live_server.url}/admin/")
    walk.step(page, "dashboard")

    # A text file renamed .mp4 is refused as soon as its first bytes arrive.
    notes = tmp_path / "第一课讲稿.mp4"
    notes.write_text("第一课 讲稿\n夜间送餐要注意交通安全。\n" * 200, encoding="utf-8")
    page.goto(f"{live_server.url}/admin/videos/upload/")
    page.fill("#video-title", "第一课讲稿")
    page.set_input_files("#video-file", str(notes))
    page.get_by_role("button", name="上传").click()
    message = page.locator("[data-upload-message]")
    message.filter(has_text="不是视频或录音文件").wait_for()
    walk.step(page, "refused")
    assert not VideoAsset.objects.exists()

    # A real lecture uploads, is processed, and is ready to play.
    lecture = make_demo_lecture(tmp_path / "第一讲.mp4", title="第一讲 夜间安全", seconds=6)
    page.fill("#video-title", "第一讲 夜间安全")
    page.set_input_files("#video-file", str(lecture))
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r"/admin/videos/\d+/$"), timeout=120_000)
    asset = VideoAsset.objects.get()
    page.locator("[data-video-status-label]", has_text="就绪").wait_for(timeout=120_000)
    walk.step(page, "video-ready")
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.READY

    # It goes on the lesson through the chooser, which says each video's state.
    page.goto(f"{live_server.url}/admin/pages/{lesson.pk}/edit/")
    walk.step(page, "lesson-editor")
    page.get_by_role("button", name="选择课程视频").click()
    modal = page.locator(".modal-content")
    modal.get_by_text("可以播放").wait_for()
    walk.step(page, "video-chooser")
    modal.get_by_role("link", name="第一讲 夜间安全").click()
    modal.wait_for(state="hidden")
    submit_for_approval(page)
    walk.step(page, "lesson-submitted")

    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    walk.step(page, "course-editor")
    submit_for_approval(page)
    walk.step(page, "course-submitted")
    page.context.close()

    # The lead approves both from the dashboard's list of pages awaiting review.
    page = desk()
    log_in(page.context, live_server, lead)
    for item in (lesson, course):
        page.goto(f"{live_server.url}/admin/")
        walk.step(page, f"lead-dashboard-{item.pk}")
        page.goto(f"{live_server.url}/admin/pages/{item.pk}/edit/")
        walk.step(page, f"lead-review-{item.pk}")
        approve = page.locator(
            "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
        )
        if not approve.is_visible():
            open_action_menu(page)
        with page.expect_navigation():
            approve.click()
        walk.step(page, f"approved-{item.pk}")
    page.context.close()

    lesson = LessonPage.objects.get(pk=lesson.pk)
    course = CoursePage.objects.get(pk=course.pk)
    assert lesson.live and lesson.video_id == asset.pk
    assert course.live
    assert not walk.english, json.dumps(walk.english, ensure_ascii=False)


def open_action_menu(page) -> None:
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()


def submit_for_approval(page) -> None:
    open_action_menu(page)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^提交")).click()
