"""A courier watches part of a lesson on a phone; the server credits what really played."""

import datetime as dt

from django.utils import timezone

import pytest

from courses import services as course_services
from courses.models import Occupation
from credits.models import LessonProgress, ProgressReport
from media_pipeline.demo import make_demo_lecture
from media_pipeline.models import VideoAsset
from media_pipeline.services import video_asset_create
from tests.browser.conftest import screenshot
from tests.courses.conftest import lessons_of, make_course, make_school
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def log_in(page, live_server, user) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_watching_on_a_phone_banks_only_what_played(live_server, phone, tmp_path):
    source = make_demo_lecture(tmp_path / "lecture.mp4", title="第一讲", seconds=12)
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
    lesson = lessons_of(course)[0]
    lesson.body = [("video", {"video": asset, "captions": None, "chapters": []})]
    lesson.save_revision().publish()
    learner = UserFactory(real_name="张小明")
    course_services.enrolment_join(learner=learner, course=course)
    log_in(phone, live_server, learner)

    phone.goto(live_server.url + lesson.url)
    phone.wait_for_function(
        "document.querySelector('[data-study-tracker]') && window.fetch", timeout=10_000
    )
    video = phone.locator("video")
    credited = phone.evaluate(
        """() => new Promise(resolve => {
          document.addEventListener('nightschool:credited', e => resolve(e.detail), {once: true});
          const v = document.querySelector('video');
          v.muted = true;
          v.play().then(() => setTimeout(() => v.pause(), 4000));
        })"""
    )
    assert credited["credited"] > 0
    progress = LessonProgress.objects.get(learner=learner, lesson=lesson)
    played = video.evaluate("v => v.played.length ? v.played.end(0) - v.played.start(0) : 0")
    assert 0 < progress.credited_seconds <= played + 0.5
    report = ProgressReport.objects.get(session__learner=learner)
    assert report.event == "pause"
    screenshot(phone, "study-01-lesson-paused")

    phone.goto(live_server.url + "/hours/")
    assert "我的学时" in phone.content()
    screenshot(phone, "study-02-my-hours")
