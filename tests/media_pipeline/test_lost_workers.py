"""A worker killed mid-job (kill -9): its job is queued again by the pipeline's own watch,
without another job having to start, and the admin says so."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from wagtail.users.models import UserProfile

import pytest

from media_pipeline import services, tasks
from media_pipeline.models import VideoAsset
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])


@pytest.fixture
def dead_worker_id():
    """The id a worker on this host had, whose process was killed with SIGKILL."""
    proc = _sleeper()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    return f"{socket.gethostname()}:{proc.pid}:dead01"


@pytest.fixture
def live_worker_id():
    proc = _sleeper()
    yield f"{socket.gethostname()}:{proc.pid}:live01"
    proc.kill()
    proc.wait(timeout=10)


@pytest.fixture
def teacher():
    return InstructorFactory()


def running_job(src, uploader, worker_id: str, *, beat_age_s: float) -> VideoAsset:
    """A job claimed by ``worker_id`` that last beat ``beat_age_s`` ago, at 0 %."""
    asset = services.video_asset_create(title="夜间安全", source=src, uploaded_by=uploader)
    claim = services.video_asset_claim(asset_id=asset.pk, attempt=1, worker_id=worker_id)
    assert isinstance(claim, services.Claim)
    VideoAsset.objects.filter(pk=asset.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=beat_age_s)
    )
    asset.refresh_from_db()
    return asset


def test_a_killed_workers_job_is_queued_again_by_the_watch_alone(
    small_src, teacher, dead_worker_id, settings, django_capture_on_commit_callbacks
):
    # Younger than the stale limit: only the worker's death tells it apart.
    asset = running_job(small_src, teacher, dead_worker_id, beat_age_s=30)
    assert settings.MEDIA_PIPELINE_STALE_AFTER_S > 30

    with django_capture_on_commit_callbacks(execute=False) as queued:
        reaped = tasks.watch_video_jobs.call()

    assert reaped == [asset.pk]
    assert len(queued) == 1  # the transcode, queued again for the same attempt
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.QUEUED
    assert asset.worker_id == ""
    assert asset.lost_worker_id == dead_worker_id
    assert asset.worker_lost_at is not None


def test_the_admin_list_says_the_worker_was_lost_and_the_job_queued_again(
    client, small_src, teacher, dead_worker_id
):
    asset = running_job(small_src, teacher, dead_worker_id, beat_age_s=30)
    client.force_login(teacher)

    chinese = client.get(reverse("media_pipeline_admin:index"))
    # The admin speaks each user's chosen language.
    profile = UserProfile.get_for_user(teacher)
    profile.preferred_language = "en"
    profile.save()
    english = client.get(reverse("media_pipeline_admin:index"))
    status = client.get(reverse("media_pipeline_admin:status") + f"?id={asset.pk}").json()

    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.QUEUED
    assert "was lost at" in english.content.decode()
    assert "queued again" in english.content.decode()
    assert "重新排队" in chinese.content.decode()
    assert status["assets"][0]["notice"]


def test_a_live_workers_job_is_left_alone(small_src, teacher, live_worker_id):
    asset = running_job(small_src, teacher, live_worker_id, beat_age_s=30)
    assert services.video_assets_reap_stale() == []
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.PROCESSING
    assert asset.worker_id == live_worker_id and asset.worker_lost_at is None


def test_a_worker_that_just_beat_is_given_its_grace(small_src, teacher, dead_worker_id):
    asset = running_job(small_src, teacher, dead_worker_id, beat_age_s=1)
    assert services.video_assets_reap_stale() == []
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.PROCESSING


def test_a_worker_of_another_host_is_judged_by_its_heartbeat(small_src, teacher, settings):
    asset = running_job(small_src, teacher, "elsewhere:1:abcdef", beat_age_s=30)
    assert services.video_assets_reap_stale() == []
    VideoAsset.objects.filter(pk=asset.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.MEDIA_PIPELINE_STALE_AFTER_S + 5)
    )
    assert services.video_assets_reap_stale() == [asset.pk]


def test_a_retry_clears_the_lost_worker_notice(
    small_src, teacher, dead_worker_id, django_capture_on_commit_callbacks
):
    asset = running_job(small_src, teacher, dead_worker_id, beat_age_s=30)
    with django_capture_on_commit_callbacks(execute=False):
        services.video_assets_reap_stale()
        services.video_asset_retry(asset_id=asset.pk)
    asset.refresh_from_db()
    assert asset.worker_lost_at is None and asset.lost_worker_id == ""


def test_the_watch_looks_again_while_a_job_is_open(small_src, teacher, settings):
    """On the database worker the watch re-enqueues itself, deferred; it stops when idle."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    asset = services.video_asset_create(title="t", source=small_src, uploaded_by=teacher)

    tasks.watch_video_jobs.call()
    watch = DBTaskResult.objects.filter(task_path="media_pipeline.tasks.watch_video_jobs")
    assert watch.count() == 1
    assert watch.get().run_after > timezone.now() + timedelta(
        seconds=settings.MEDIA_PIPELINE_WATCH_EVERY_S - 5
    )

    VideoAsset.objects.filter(pk=asset.pk).update(
        status=VideoAsset.Status.FAILED, error_code="INTERNAL"
    )
    watch.delete()
    tasks.watch_video_jobs.call()
    assert not watch.exists()
