"""Operator commands and the demo lectures."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

import pytest

from media_pipeline import ffmpeg as mp
from media_pipeline.demo import demo_video_ensure, make_demo_lecture
from media_pipeline.models import VideoAsset

ROOT = Path(__file__).resolve().parents[2]


def test_transcode_command_runs_the_pipeline_without_a_database(small_src, tmp_path):
    out = tmp_path / "lesson"
    done = subprocess.run(
        [sys.executable, "manage.py", "transcode", str(small_src), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "lms.settings.test", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stdout and "preview ready" in done.stdout
    assert {"master.m3u8", "low.m3u8", "v240.m3u8", "video_240.mp4"} <= {
        p.name for p in out.iterdir()
    }


def test_transcode_command_says_why_it_refuses_a_file(empty_src, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="EMPTY_FILE"):
        call_command("transcode", str(empty_src), "--out", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_demo_lecture_is_a_short_recording_with_picture_and_sound(tmp_path):
    landscape = mp.probe(make_demo_lecture(tmp_path / "a.mp4", title="第一讲", seconds=6))
    portrait = mp.probe(
        make_demo_lecture(tmp_path / "b.mp4", title="第二讲", seconds=4, portrait=True)
    )
    assert landscape.has_video and landscape.has_audio
    assert abs(landscape.duration - 6) < 0.5
    assert (landscape.display_width, landscape.display_height) == (640, 360)
    assert portrait.is_portrait


@pytest.mark.django_db
def test_demo_video_is_made_and_transcoded_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = demo_video_ensure(key="demo-lesson-1", title="第一讲", seconds=5)
        again = demo_video_ensure(key="demo-lesson-1", title="第一讲", seconds=5)
    first.refresh_from_db()
    assert first.pk == again.pk
    assert VideoAsset.objects.count() == 1
    assert first.status == VideoAsset.Status.READY


@pytest.mark.django_db
def test_reap_command_requeues_a_job_whose_worker_died(
    small_src, django_capture_on_commit_callbacks
):
    from media_pipeline import services

    asset = services.video_asset_create(title="t", source=small_src)
    services.video_asset_claim(asset_id=asset.pk, attempt=1, worker_id="gone")
    VideoAsset.objects.filter(pk=asset.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reap_video_jobs", "--older-than", "30")
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.READY
