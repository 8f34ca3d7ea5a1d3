"""Demo videos are queued at setup and made by the worker; until then a lesson says so."""

from __future__ import annotations

import pytest

from media_pipeline.demo import demo_video_ensure
from media_pipeline.models import VideoAsset
from media_pipeline.selectors import video_asset_minutes_left, video_asset_playback
from tests.helpers import enrolled_in_a_lesson_open_now, run_queued_tasks

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_database_worker_makes_and_transcodes_a_queued_demo_video(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        asset = demo_video_ensure(key="demo-1", title="第一讲", seconds=2)
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.QUEUED and not asset.original
    transcodes = DBTaskResult.objects.filter(task_path="media_pipeline.tasks.transcode_video_asset")
    assert transcodes.count() == 1

    run_queued_tasks()
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.READY, asset.error_message
    assert asset.original.name.endswith("/original/demo-1.mp4") and asset.original_size > 0
    assert abs(asset.duration - 2) < 0.5
    assert transcodes.get().status == "SUCCESSFUL"
    watch = DBTaskResult.objects.get(task_path="media_pipeline.tasks.watch_video_jobs")
    assert watch.status == "READY"  # deferred: it looks for lost jobs a minute later
    assert video_asset_playback(asset=asset).state == "ready"


def test_a_demo_recording_that_cannot_be_made_fails_with_a_reason(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        asset = demo_video_ensure(key="demo-2", title="第二讲", seconds=-1)  # ffmpeg refuses
    run_queued_tasks()
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.FAILED
    assert "demo recording could not be made" in asset.error_message
    assert not asset.original


def test_a_lesson_whose_video_is_not_made_yet_says_about_how_long_in_both_languages(client):
    learner, lesson = enrolled_in_a_lesson_open_now()
    first = demo_video_ensure(key="demo-a", title="第一讲", seconds=240)
    lesson.video = demo_video_ensure(key="demo-b", title="第二讲", seconds=180)
    lesson.save_revision().publish()
    # Nothing has finished yet to measure the pace by: a second of work per second recorded,
    # for this video and the one queued before it.
    assert video_asset_minutes_left(asset=lesson.video) == 7
    assert video_asset_minutes_left(asset=first) == 4

    client.force_login(learner)
    pages = {}
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        pages[language] = client.get(lesson.url).content.decode()
    assert "<video" not in pages["en"] and "<video" not in pages["zh-hans"]
    assert "This video is being prepared: it plays in about 7 minutes." in pages["en"]
    assert "视频正在准备，约 7 分钟后可以观看。" in pages["zh-hans"]


def test_the_wait_is_measured_by_the_pace_of_finished_jobs(small_src):
    import datetime as dt

    from django.utils import timezone

    from media_pipeline.services import video_asset_create

    done = video_asset_create(title="done", source=small_src)
    now = timezone.now()
    VideoAsset.objects.filter(pk=done.pk).update(
        status=VideoAsset.Status.READY,
        published_run=1,
        duration=100,
        started_at=now - dt.timedelta(seconds=30),
        finished_at=now,
    )
    waiting = demo_video_ensure(key="demo-c", title="第三讲", seconds=400)
    assert video_asset_minutes_left(asset=waiting) == 2  # 400 s at 0.3 s a second
    VideoAsset.objects.filter(pk=waiting.pk).update(status="processing", progress=0.9)
    waiting.refresh_from_db()
    assert video_asset_minutes_left(asset=waiting) == 1
