"""A lesson on weak data: nothing but the poster comes down before the learner taps play, and
once it plays (from the browser's own HLS and from hls.js), seeking included, no byte of a
media file comes down twice.

Seen from the learner's phone: every body it receives is counted through the DevTools
protocol, aborted ones included, by the byte ranges the server answered with."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from tests.helpers import enrolled_in_a_video_lesson, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEDIA = re.compile(r"\.(m3u8|mp4|m4a|m4s)(\?|$)")
CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class Bodies:
    """What the page received, per request, from the DevTools protocol's network events."""

    def __init__(self, page):
        self.requests: dict[str, dict] = {}
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.dataReceived", self._data)
        self.cdp.on("Network.requestWillBeSentExtraInfo", self._extra)
        self.cdp.send("Network.enable")

    def _sent(self, event):
        self.requests[event["requestId"]] = {
            "url": event["request"]["url"],
            "range": event["request"]["headers"].get("Range", ""),
            "status": 0,
            "start": 0,
            "received": 0,
        }

    def _extra(self, event):
        request = self.requests.get(event["requestId"])
        if request is not None:
            headers = {name.lower(): value for name, value in event["headers"].items()}
            request["range"] = headers.get("range", request["range"])

    def _response(self, event):
        request = self.requests.get(event["requestId"])
        if request is None:
            return
        response = event["response"]
        request["status"] = response["status"]
        headers = {name.lower(): value for name, value in response["headers"].items()}
        answered = CONTENT_RANGE.match(headers.get("content-range", ""))
        request["start"] = int(answered.group(1)) if answered else 0

    def _data(self, event):
        request = self.requests.get(event["requestId"])
        if request is not None:
            request["received"] += event["dataLength"]

    def media(self) -> list[dict]:
        return [r for r in self.requests.values() if MEDIA.search(r["url"]) and r["received"]]

    def received_twice(self) -> list[str]:
        """Each media byte range that came down more than once, as `file: start-end`."""
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for request in self.media():
            path = request["url"].split("?")[0]
            spans[path].append((request["start"], request["start"] + request["received"]))
        twice = []
        for path, ranges in spans.items():
            ranges.sort()
            for (_, end), (start, next_end) in zip(ranges, ranges[1:], strict=False):
                if start < end:
                    twice.append(f"{path.rsplit('/', 1)[-1]}: {start}-{min(end, next_end)}")
        return twice


def play_and_seek(page, seconds: float) -> None:
    page.locator("video").evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 1.5")
    page.locator("video").evaluate(f"v => {{ v.currentTime = {seconds}; }}")
    page.wait_for_function(
        f"() => document.querySelector('video').currentTime > {seconds + 1}", timeout=20_000
    )
    # Paused, the tracker sends its last report; the test ends once it has been answered.
    page.locator("video").evaluate("v => v.pause()")
    page.wait_for_load_state("networkidle")


def open_lesson(phone, live_server, learner, lesson, *, allowed=()) -> Bodies:
    log_in(phone.context, live_server, learner)
    bodies = Bodies(phone)
    phone.goto(f"{live_server.url}{lesson.url}")
    phone.wait_for_load_state("networkidle")
    phone.wait_for_timeout(1_000)
    before = [r["url"].rsplit("/", 1)[-1] for r in bodies.media()]
    assert [name for name in before if name not in allowed] == [], (
        f"media came down before play was tapped: {before}"
    )
    return bodies


def test_native_hls_sends_nothing_before_the_tap_and_no_byte_twice(live_server, phone, tmp_path):
    learner, lesson = enrolled_in_a_video_lesson(tmp_path, seconds=20)
    bodies = open_lesson(phone, live_server, learner, lesson)
    native = phone.evaluate(
        "document.createElement('video').canPlayType('application/vnd.apple.mpegurl')"
    )
    assert native, "Debian's Chromium plays HLS itself"

    play_and_seek(phone, 12)

    assert phone.locator("video").evaluate("v => v.currentSrc").endswith("master.m3u8")
    assert any(r["url"].endswith("master.m3u8") for r in bodies.media())
    assert bodies.received_twice() == []
    screenshot(phone, "weak-data-01-native-hls")


def test_hlsjs_sends_nothing_before_the_tap_and_no_byte_twice(
    live_server, phone, tmp_path, settings, hlsjs_dist
):
    settings.STATICFILES_DIRS = [("vendor/hls.js", hlsjs_dist)]
    settings.MEDIA_PIPELINE_HLSJS_STATIC = "vendor/hls.js/hls.min.js"
    learner, lesson = enrolled_in_a_video_lesson(tmp_path, seconds=20)
    # A browser without native HLS, as most Android browsers other than Chrome are.
    phone.add_init_script(
        """(() => {
          const can = HTMLMediaElement.prototype.canPlayType;
          HTMLMediaElement.prototype.canPlayType = function (type) {
            return /mpegurl/i.test(type) ? '' : can.call(this, type);
          };
        })()"""
    )
    # hls.js reads the master playlist (half a kilobyte) once it is there, which saves the
    # tap a round trip; the renditions wait for the tap.
    bodies = open_lesson(phone, live_server, learner, lesson, allowed=["master.m3u8"])

    play_and_seek(phone, 12)

    assert phone.locator("video").evaluate("v => v.currentSrc").startswith("blob:")
    assert any(r["url"].endswith("master.m3u8") for r in bodies.media())
    assert bodies.received_twice() == []
    screenshot(phone, "weak-data-02-hlsjs")
