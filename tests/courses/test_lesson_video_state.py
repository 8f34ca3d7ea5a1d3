"""The video chooser says each video's state; a failed video cannot be put on a lesson, and
a lesson is published (or sent for approval) only with a video that is ready to play.

Seen from the instructor who tries to attach a video that failed."""

import json

from django.urls import reverse

import pytest

from courses.models import LessonPage
from media_pipeline.models import VideoAsset
from tests.helpers import empty_formset, lessons_of

pytestmark = pytest.mark.django_db


def video(school, title, status, **fields):
    return VideoAsset.objects.create(
        title=title,
        original=f"videos/{title}/original/lecture.mp4",
        organisation=school.organisation,
        status=status,
        **fields,
    )


@pytest.fixture
def videos(school):
    return {
        "ready": video(school, "第一讲", "ready", published_run=1, progress=1.0),
        "processing": video(school, "第二讲", "processing", progress=0.42),
        "failed": video(school, "讲稿", "failed", error_code="UNREADABLE"),
    }


def lesson_form(lesson, video_id, **extra):
    return {
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": "",
        "duration_minutes": "15",
        "credit_minutes": "45",
        "video": str(video_id),
        "video_captions": "",
        "video_captions_language": "zh-hans",
        "video_chapters-count": "0",
        "body-count": "0",
        **empty_formset("quizzes"),
        **empty_formset("comments"),
        **extra,
    }


def test_the_chooser_shows_every_videos_state_and_offers_no_failed_one(client, instructor, videos):
    client.force_login(instructor)
    html = client.get(reverse("video_asset_chooser:choose")).json()["html"]
    assert "可以播放" in html
    assert "正在处理，已完成 42%" in html
    assert "失败：" in html and "无法把这个文件读取为视频或音频" in html
    chosen = reverse("video_asset_chooser:chosen", args=[videos["failed"].pk])
    assert chosen not in html
    assert reverse("video_asset_chooser:chosen", args=[videos["ready"].pk]) in html
    assert reverse("video_asset_chooser:chosen", args=[videos["processing"].pk]) in html


def test_an_instructor_cannot_choose_a_failed_video_by_its_address(client, instructor, videos):
    client.force_login(instructor)
    refused = client.get(reverse("video_asset_chooser:chosen", args=[videos["failed"].pk]))
    assert refused.status_code == 404
    ready = client.get(reverse("video_asset_chooser:chosen", args=[videos["ready"].pk]))
    assert ready.status_code == 200 and json.loads(ready.content)["result"]["id"]


def test_a_failed_video_posted_onto_a_lesson_is_refused_even_as_a_draft(
    client, instructor, course, videos
):
    lesson = lessons_of(course)[0]
    client.force_login(instructor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        lesson_form(lesson, videos["failed"].pk),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“讲稿”无法处理，不能播放" in page, page[:3000]
    # Wagtail's own banner, which its catalogue leaves in English, says it in Chinese too.
    assert "页面未保存：有内容需要修改" in page
    assert "validation errors" not in page and "click save" not in page
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.video_id is None
    assert lesson.get_latest_revision_as_object().video_id is None


@pytest.mark.parametrize("action", ["action-publish", "action-submit"])
def test_a_lesson_is_not_published_with_a_video_still_processing(
    client, admin_user, course, videos, action
):
    lesson = lessons_of(course)[0]
    client.force_login(admin_user)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        lesson_form(lesson, videos["processing"].pk, **{action: "1"}),
    )
    assert response.status_code == 200
    assert "视频可以播放后才能发布课节" in response.content.decode()
    assert LessonPage.objects.get(pk=lesson.pk).video_id is None


def test_a_draft_may_hold_a_video_still_processing_and_publishes_once_ready(
    client, admin_user, course, videos
):
    lesson = lessons_of(course)[0]
    client.force_login(admin_user)
    draft = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        lesson_form(lesson, videos["processing"].pk),
    )
    assert draft.status_code == 302
    assert LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object().video_id == (
        videos["processing"].pk
    )
    VideoAsset.objects.filter(pk=videos["processing"].pk).update(
        status="ready", published_run=1, progress=1.0
    )
    published = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        lesson_form(lesson, videos["processing"].pk, **{"action-publish": "1"}),
    )
    assert published.status_code == 302
    assert LessonPage.objects.get(pk=lesson.pk).video_id == videos["processing"].pk
