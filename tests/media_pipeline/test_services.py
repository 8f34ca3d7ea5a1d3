"""The transcode job against a real database, real ffmpeg and local storage."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

import pytest

from media_pipeline import services, storage
from media_pipeline.models import VideoAsset
from media_pipeline.selectors import video_asset_playback
from media_pipeline.services import transcoding

pytestmark = pytest.mark.django_db


def create(src: Path, capture, **kwargs) -> VideoAsset:
    with capture(execute=True):
        asset = services.video_asset_create(title="安全驾驶", source=src, **kwargs)
    asset.refresh_from_db()
    return asset


def test_upload_becomes_a_ready_ladder_with_every_file_in_storage(
    small_src, django_capture_on_commit_callbacks
):
    asset = create(small_src, django_capture_on_commit_callbacks)

    assert asset.status == VideoAsset.Status.READY
    assert asset.progress == 1.0
    assert asset.published_run == 1
    files = storage.list_files(asset.run_prefix(1))
    names = {name.rsplit("/", 1)[1] for name in files}
    made = {"master.m3u8", "low.m3u8", "v240.m3u8", "v240_000.m4s", "audio.m4a", "poster.jpg"}
    assert made <= names
    assert storage.list_files(f"videos/{asset.uuid}/original/")  # the original is kept
    playback = video_asset_playback(asset=asset)
    assert playback.state == "ready"
    assert playback.master_url.endswith("/r1/master.m3u8")


def test_low_playlist_offers_only_the_smallest_rung(
    landscape_src, django_capture_on_commit_callbacks
):
    asset = create(landscape_src, django_capture_on_commit_callbacks)
    low = storage.local_path(asset.run_prefix(1) + "low.m3u8").read_text()
    master = storage.local_path(asset.run_prefix(1) + "master.m3u8").read_text()
    assert master.count("#EXT-X-STREAM-INF") == 2
    assert low.count("#EXT-X-STREAM-INF") == 1
    assert "v240.m3u8" in low and "v360.m3u8" not in low
    assert 'CODECS="avc1.' in low and ',mp4a.40.2"' in low  # the sound is in the rung


def test_bad_upload_fails_with_its_reason_and_leaves_no_outputs(
    truncated_src, django_capture_on_commit_callbacks
):
    asset = create(truncated_src, django_capture_on_commit_callbacks)

    assert asset.status == VideoAsset.Status.FAILED
    assert asset.error_code in {"DURATION_MISMATCH", "FFMPEG_ERROR", "UNREADABLE"}
    assert asset.error_message
    assert asset.published_run is None and asset.preview_run is None
    remaining = storage.list_files(asset.storage_prefix)
    assert remaining and all("/original/" in name for name in remaining)
    assert video_asset_playback(asset=asset).state == "failed"


def test_running_the_same_job_again_does_nothing(small_src, django_capture_on_commit_callbacks):
    asset = create(small_src, django_capture_on_commit_callbacks)
    before = storage.list_files(asset.storage_prefix)

    outcome = services.video_asset_transcode(asset_id=asset.pk, attempt=asset.attempt)

    assert outcome == "skipped"
    asset.refresh_from_db()
    assert asset.run == 1
    assert storage.list_files(asset.storage_prefix) == before


def test_a_message_from_an_earlier_attempt_is_dropped(
    small_src, django_capture_on_commit_callbacks
):
    asset = create(small_src, django_capture_on_commit_callbacks)
    assert services.video_asset_transcode(asset_id=asset.pk, attempt=asset.attempt - 1) == "skipped"


def test_retry_publishes_a_new_run_and_removes_the_old_one(
    small_src, django_capture_on_commit_callbacks
):
    asset = create(small_src, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.video_asset_retry(asset_id=asset.pk)
    asset.refresh_from_db()

    assert asset.status == VideoAsset.Status.READY
    assert asset.attempt == 2 and asset.published_run == 2
    assert not storage.list_files(asset.run_prefix(1))
    assert storage.list_files(asset.run_prefix(2))


def test_a_live_job_is_not_taken_by_a_second_worker(small_src):
    asset = services.video_asset_create(title="t", source=small_src)  # not enqueued: no commit
    first = services.video_asset_claim(asset_id=asset.pk, attempt=1, worker_id="a")
    second = services.video_asset_claim(asset_id=asset.pk, attempt=1, worker_id="b")
    assert isinstance(first, services.Claim) and first.run == 1
    assert second == "busy"


def test_a_dead_workers_job_is_taken_over_and_its_files_removed(
    small_src, settings, django_capture_on_commit_callbacks
):
    asset = services.video_asset_create(title="t", source=small_src)
    dead = services.video_asset_claim(asset_id=asset.pk, attempt=1, worker_id="dead")
    orphan = Path(storage.local_path(dead.run_prefix + "video_240.mp4"))
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"half a file")
    VideoAsset.objects.filter(pk=asset.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.MEDIA_PIPELINE_STALE_AFTER_S + 5)
    )

    with django_capture_on_commit_callbacks(execute=True):
        reaped = services.video_assets_reap_stale()

    assert reaped == [asset.pk]
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.READY and asset.published_run == 2
    assert not orphan.exists()
    assert not storage.list_files(dead.run_prefix)


def test_a_worker_whose_job_was_deleted_stops_and_cleans_up(small_src, monkeypatch):
    asset = services.video_asset_create(title="t", source=small_src)
    uuid = asset.uuid
    real = transcoding._publish_preview

    def delete_midway(claim, files):
        real(claim, files)
        services.video_asset_delete(asset_id=claim.asset_id)

    monkeypatch.setattr(transcoding, "_publish_preview", delete_midway)
    outcome = services.video_asset_transcode(asset_id=asset.pk, attempt=1)

    assert outcome == "lost"
    assert not VideoAsset.objects.filter(pk=asset.pk).exists()
    assert storage.list_files(f"videos/{uuid}/") == []


def test_delete_removes_the_original_and_every_derived_file(
    small_src, django_capture_on_commit_callbacks
):
    asset = create(small_src, django_capture_on_commit_callbacks)
    services.video_asset_delete(asset_id=asset.pk)
    assert storage.list_files(f"videos/{asset.uuid}/") == []
    assert not VideoAsset.objects.filter(pk=asset.pk).exists()


def test_preview_plays_before_the_ladder_is_done(small_src, monkeypatch):
    asset = services.video_asset_create(title="t", source=small_src)
    seen = {}
    real = transcoding._publish_preview

    def look(claim, files):
        real(claim, files)
        current = VideoAsset.objects.get(pk=claim.asset_id)
        seen["status"] = current.status
        seen["playback"] = video_asset_playback(asset=current)

    monkeypatch.setattr(transcoding, "_publish_preview", look)
    services.video_asset_transcode(asset_id=asset.pk, attempt=1)

    assert seen["status"] == VideoAsset.Status.PROCESSING
    assert seen["playback"].state == "preview"
    assert seen["playback"].mp4_url.endswith("video_240.mp4")
    assert seen["playback"].master_url == ""


def test_demo_asset_is_queued_once_per_key_and_the_worker_makes_its_recording(
    django_capture_on_commit_callbacks,
):
    recipe = {"title": "Demo", "seconds": 2, "portrait": False}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = services.video_asset_ensure(demo_key="lesson-1", title="Demo", recipe=recipe)
        second = services.video_asset_ensure(demo_key="lesson-1", title="Demo", recipe=recipe)
    assert first.pk == second.pk and len(queued) == 1  # one job, nothing made yet
    first.refresh_from_db()
    assert (first.status, first.original.name, first.source_recipe) == (
        VideoAsset.Status.QUEUED,
        "",
        recipe,
    )

    queued[0]()  # the worker's turn (the immediate backend runs the job here)
    first.refresh_from_db()
    assert first.status == VideoAsset.Status.READY, first.error_message
    assert first.source_recipe == {}
    assert first.original.name == f"videos/{first.uuid}/original/lesson-1.mp4"
    assert storage.list_files(f"videos/{first.uuid}/original/") == [first.original.name]
    assert abs(first.duration - 2) < 0.5
