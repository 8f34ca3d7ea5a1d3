"""An instructor previews a transcoded lecture on a phone: it plays, and the data-saver
choice (listen only) is remembered after a reload."""

from __future__ import annotations

import pytest

from media_pipeline.demo import make_demo_lecture
from media_pipeline.models import VideoAsset
from media_pipeline.services import video_asset_create
from tests.factories import InstructorFactory
from tests.helpers import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lecture_plays_and_listen_only_is_remembered(live_server, phone, tmp_path):
    instructor = InstructorFactory()
    source = make_demo_lecture(tmp_path / "lecture.mp4", title="第一讲 夜间安全", seconds=10)
    # Uploaded by the instructor, so the video is their school's; transcoded inline on commit.
    asset = video_asset_create(title="夜间安全", source=source, uploaded_by=instructor)
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.READY, asset.error_message
    log_in(phone.context, live_server, instructor)

    phone.goto(f"{live_server.url}/admin/videos/{asset.pk}/")
    player = phone.locator("[data-nightschool-player]")
    video = player.locator("video")
    assert player.get_attribute("data-state") == "ready"
    phone.evaluate(
        """() => {
          window.seen = [];
          const root = document.querySelector('[data-nightschool-player]');
          for (const name of ['play', 'pause', 'timeupdate']) {
            root.addEventListener('nightschool:' + name, (e) => window.seen.push(
              {name, t: e.detail.currentTime, ranges: e.detail.played.length}));
          }
        }"""
    )
    native_hls = phone.evaluate(
        "document.querySelector('video').canPlayType('application/vnd.apple.mpegurl')"
    )
    video.evaluate("v => { v.muted = true; return v.play(); }")
    phone.wait_for_function(
        "() => document.querySelector('video').currentTime > 1.5", timeout=20_000
    )
    src = video.evaluate("v => v.currentSrc")
    assert src.endswith("master.m3u8") if native_hls else src.endswith(".mp4")
    video.evaluate("v => v.pause()")
    events = [event["name"] for event in phone.evaluate("window.seen")]
    assert "play" in events and "pause" in events
    screenshot(phone, "player-01-playing")

    phone.get_by_role("button", name="Listen only").or_(
        phone.get_by_role("button", name="只听声音")
    ).click()
    phone.wait_for_function(
        "() => document.querySelector('video').currentSrc.endsWith('audio.m4a')", timeout=10_000
    )
    phone.reload()
    phone.wait_for_function(
        "() => document.querySelector('video').currentSrc.endsWith('audio.m4a')", timeout=10_000
    )
    assert player.get_attribute("data-mode") == "audio"
    pressed = player.locator("button[data-mode=audio]").get_attribute("aria-pressed")
    assert pressed == "true"
    width = phone.evaluate(
        "document.querySelector('[data-nightschool-player]').getBoundingClientRect().right"
    )
    assert width <= 390, "the player must fit a phone screen"
    screenshot(phone, "player-02-listen-only")
