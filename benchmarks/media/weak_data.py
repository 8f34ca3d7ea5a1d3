"""What a lesson's video costs a learner on a slow 3G link: time to the first frame, and bytes
fetched against bytes played.

    .venv/bin/python benchmarks/media/weak_data.py [--source demo|camera|both]
        [--player native|hlsjs|mp4] [--seconds 60] [--runs 1] [--verbose]

It builds a lesson with a transcoded lecture on a SQLite file of its own (through the project's
services, as the browser tests do), serves the project with ``manage.py runserver`` and opens
the lesson as a signed-in, enrolled learner in Debian Chromium at 390x844, throttled through
the DevTools protocol to slow 3G (400 ms latency, 400 kbit/s each way, CPU 4x slower), in a new
browser context per run: the cache starts empty, as on a phone's first visit, and then keeps
what the server lets it keep (``--no-cache`` turns it off, as no phone does). Play is asked for
at DOMContentLoaded, as a learner who taps at once. It prints, per run: seconds from navigation
(and from the tap) to the first decoded frame, the bytes received before it, and after
``--seconds`` of playback the media bytes received over the bytes of the media that played
(the HLS segments overlapping what played, in every rendition that was fetched, or the MP4's
played fraction).

Sources: the demo's slide-and-voice lecture (``make_demo_lecture``, as long as a demo courier
lesson) and a camera-like lecture (a busy 1280x720 picture with noise, a voice-like sound).
Players: the browser's own HLS (Debian Chromium has it), hls.js (``--player hlsjs``, the
browser made to say it cannot play HLS) and the MP4 fallback (``--player mp4``: neither HLS
nor MediaSource).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.make_run import free_port  # noqa: E402
from benchmarks.sqlite_django import setup_django  # noqa: E402
from lms.announce import wait_for_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50_000,  # bytes/s: 400 kbit/s
    "uploadThroughput": 50_000,
}
CPU_SLOWDOWN = 4
HLSJS = ROOT / "var" / "npm" / "node_modules" / "hls.js" / "dist" / "hls.min.js"
FILES_PATH = "/media-pipeline/files/"
MEDIA_SUFFIXES = (".m3u8", ".m4s", ".mp4", ".m4a", ".ts", ".aac")
CAMERA_SECONDS = 90

# Runs in the page before its own scripts. For hls.js and the MP4 the browser is made one
# without native HLS: canPlayType says no, and the HLS <source> of the markup is dropped as the
# parser inserts it (such a browser would skip it); for the MP4 it also has no MediaSource.
# At DOMContentLoaded (the player's deferred script has run) it asks the video to play and
# notes the first decoded frame after that.
PAGE_SCRIPT = """
(() => {
  const player = %(player)r;
  if (player !== "native") {
    const canPlayType = HTMLMediaElement.prototype.canPlayType;
    HTMLMediaElement.prototype.canPlayType = function (type) {
      return /mpegurl/i.test(type) ? "" : canPlayType.call(this, type);
    };
    new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) {
        if (node.tagName === "SOURCE" && /mpegurl/i.test(node.type)) node.remove();
      }
    }).observe(document, {childList: true, subtree: true});
  }
  if (player === "mp4") {
    for (const name of ["MediaSource", "ManagedMediaSource", "WebKitMediaSource"]) {
      try { Object.defineProperty(window, name, {value: undefined, configurable: true}); }
      catch (e) { /* not there */ }
    }
  }
  const bench = window.__bench = {tap: null, frame: null, error: null, stalls: 0,
                                  stalled: 0, stalledSince: null};
  document.addEventListener("DOMContentLoaded", () => {
    const video = document.querySelector("video");
    if (!video) { bench.error = "no <video> on the page"; return; }
    const seen = (now) => {
      if (bench.frame === null && bench.tap !== null) bench.frame = now;
    };
    if (video.requestVideoFrameCallback) {
      video.requestVideoFrameCallback((now) => seen(now));
    }
    video.addEventListener("timeupdate", () => {
      if (video.readyState >= 2 && video.currentTime > 0) seen(performance.now());
    });
    video.addEventListener("waiting", () => {
      if (bench.frame === null || bench.stalledSince !== null) return;
      bench.stalls += 1;
      bench.stalledSince = performance.now();
    });
    video.addEventListener("playing", () => {
      if (bench.stalledSince === null) return;
      bench.stalled += performance.now() - bench.stalledSince;
      bench.stalledSince = null;
    });
    bench.tap = performance.now();
    const playing = video.play();
    if (playing) playing.catch((e) => { bench.error = String(e); });
  });
})();
"""

STATE_SCRIPT = """() => {
  const video = document.querySelector("video");
  const played = [];
  for (let i = 0; i < video.played.length; i++) {
    played.push([video.played.start(i), video.played.end(i)]);
  }
  const bench = window.__bench;
  const open = bench.stalledSince === null ? 0 : performance.now() - bench.stalledSince;
  return {stalls: bench.stalls, stalled: (bench.stalled + open) / 1000,
          currentTime: video.currentTime, duration: video.duration,
          currentSrc: video.currentSrc, paused: video.paused, ended: video.ended,
          readyState: video.readyState, played: played,
          error: video.error && (video.error.code + " " + video.error.message)};
}"""


# --------------------------------------------------------------------------- the sources


def make_camera_lecture(target: Path, *, seconds: int = CAMERA_SECONDS) -> Path:
    """A camera-like recording: a moving picture with sensor noise (what makes real video
    expensive), and a voice-band noise that comes and goes in syllables."""
    from media_pipeline import ffmpeg as mp

    ffmpeg, _ = mp.find_binaries()
    video = f"testsrc2=size=1280x720:rate=25:duration={seconds},noise=alls=4:allf=t"
    voice = (
        f"anoisesrc=color=pink:sample_rate=44100:amplitude=0.5:duration={seconds},"
        "bandpass=f=400:width_type=h:w=600,tremolo=f=4:d=0.8"
    )
    subprocess.run(  # noqa: S603 - fixed argument list
        [
            ffmpeg, "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", voice,
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "96k", "-shortest", "-movflags", "+faststart", str(target),
        ],
        check=True,
        timeout=600,
    )  # fmt: skip
    return target


def make_source(name: str, folder: Path) -> Path:
    if name == "camera":
        return make_camera_lecture(folder / "camera.mp4")
    from courses.demo.content import COURIER_LESSON_MINUTES, recording_seconds
    from media_pipeline.demo import make_demo_lecture

    return make_demo_lecture(
        folder / "demo.mp4",
        title="行业与岗位认知",
        seconds=recording_seconds(COURIER_LESSON_MINUTES),
    )


@dataclass
class Lecture:
    name: str
    asset: object
    folder: Path  # the published run's files, on disk
    manifest: dict


def transcode(name: str, folder: Path) -> Lecture:
    from media_pipeline import storage
    from media_pipeline.models import VideoAsset
    from media_pipeline.services import video_asset_create

    began = time.perf_counter()
    source = make_source(name, folder)
    made = time.perf_counter()
    asset = video_asset_create(title=name, source=source)  # transcoded inline (test settings)
    asset.refresh_from_db()
    if asset.status != VideoAsset.Status.READY:
        raise SystemExit(f"the {name} lecture did not transcode: {asset.error_message}")
    prefix = asset.run_prefix(asset.published_run)
    manifest = asset.manifest
    rungs = ", ".join(
        f"{r['name']} {r['average_bandwidth'] // 1000} kbit/s" for r in manifest["rungs"]
    )
    print(
        f"{name}: {manifest['duration']:.0f} s, made in {made - began:.0f} s, transcoded in "
        f"{time.perf_counter() - made:.0f} s; audio {manifest['audio']['channels']} channel(s) "
        f"at {manifest['audio']['bitrate']}bit/s, video+audio {rungs}",
        flush=True,
    )
    return Lecture(name, asset, storage.local_path(prefix), manifest)


def lesson_show(lesson, asset) -> None:
    """Put ``asset`` on the lesson, as an instructor would, and publish it."""
    lesson.video = asset
    lesson.save_revision().publish()


# --------------------------------------------------------------------------- the server


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    server = subprocess.Popen(  # noqa: S603 - fixed argument list
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    if wait_for_port("127.0.0.1", port, timeout=60, server_pid=server.pid):
        return server
    if server.poll() is not None:
        raise SystemExit(f"runserver exited; see {log}:\n{log.read_text()[-2000:]}")
    server.terminate()
    raise SystemExit(f"runserver did not answer within 60 s; see {log}")


# --------------------------------------------------------------------------- what played


@dataclass
class Segment:
    start: float
    end: float
    size: int
    name: str = ""  # its own file, when the rendition is one file per segment


@dataclass
class Rendition:
    playlist: str
    file: str
    init_size: int = 0
    segments: list[Segment] = field(default_factory=list)

    def played_bytes(self, until: float) -> int:
        return self.init_size + sum(s.size for s in self.segments if s.start < until)


BYTERANGE = re.compile(r"(\d+)(?:@(\d+))?")


def read_rendition(folder: Path, playlist: str) -> Rendition:
    """The segments of a byte-range rendition playlist, with their times and sizes."""
    rendition = Rendition(playlist=playlist, file="")
    clock, duration, size = 0.0, None, None
    for line in (folder / playlist).read_text().splitlines():
        if line.startswith("#EXT-X-MAP:"):
            uri = re.search(r'URI="([^"]+)"', line)
            span = re.search(r'BYTERANGE="([^"]+)"', line)
            rendition.file = uri.group(1) if uri else rendition.file
            if span:
                rendition.init_size = int(BYTERANGE.match(span.group(1)).group(1))
            elif uri:
                rendition.init_size = (folder / uri.group(1)).stat().st_size
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].split(",", 1)[0])
        elif line.startswith("#EXT-X-BYTERANGE:"):
            size = int(BYTERANGE.match(line.split(":", 1)[1]).group(1))
        elif line and not line.startswith("#") and duration is not None:
            rendition.file = rendition.file or line
            if size is None:
                size = (folder / line).stat().st_size
            own = line if line != rendition.file else ""
            rendition.segments.append(Segment(clock, clock + duration, size, own))
            clock += duration
            duration, size = None, None
    return rendition


def played_media(lecture: Lecture, fetched: list[str], state: dict) -> tuple[int, str]:
    """Bytes of the media that played, and what played it, from the video's source and the
    files fetched (in the order they were asked for).

    With one file per segment, each stretch of the lecture played from the segment fetched for
    it last (a player that switches rungs fetches a stretch again only to replace it), plus the
    init file of each rendition that played a stretch. With byte-range renditions, every
    segment before the position in each rendition any byte of which came."""
    until = state["currentTime"]
    source = state["currentSrc"]
    manifest = lecture.manifest
    if source.endswith(".mp4") or source.endswith(".m4a"):
        name = source.rsplit("/", 1)[1]
        size = (lecture.folder / name).stat().st_size
        return round(size * until / manifest["duration"]), name
    playlists = [manifest["audio"]["playlist"]] + [r["playlist"] for r in manifest["rungs"]]
    playlists = [name for name in playlists if name]  # the sound may be muxed into the rungs
    renditions = [read_rendition(lecture.folder, playlist) for playlist in playlists]
    if all(segment.name for r in renditions for segment in r.segments):
        owner = {seg.name: (r, seg) for r in renditions for seg in r.segments}
        stretches: dict[float, tuple[Rendition, Segment]] = {}
        for name in fetched:
            if name in owner and owner[name][1].start < until:
                stretches[round(owner[name][1].start, 3)] = owner[name]
        used = {r.playlist: r for r, _ in stretches.values()}
        total = sum(seg.size for _, seg in stretches.values())
        total += sum(r.init_size for r in used.values())
        return total, "+".join(sorted(p.removesuffix(".m3u8") for p in used))
    total, used_names = 0, []
    for rendition in renditions:
        if rendition.file in fetched:
            total += rendition.played_bytes(until)
            used_names.append(rendition.playlist.removesuffix(".m3u8"))
    return total, "+".join(used_names)


# --------------------------------------------------------------------------- one run


@dataclass
class Request:
    url: str
    range: str = ""
    status: int = 0
    finished: bool = False
    failed: str = ""
    started: float = 0.0  # wall-clock seconds
    arrivals: list[tuple[float, int]] = field(default_factory=list)  # (wall clock, bytes)

    @property
    def name(self) -> str:
        return self.url.split("?", 1)[0].rsplit("/", 1)[-1]

    @property
    def is_media(self) -> bool:
        path = self.url.split("?", 1)[0]
        return FILES_PATH in path and path.endswith(MEDIA_SUFFIXES)

    @property
    def bytes(self) -> int:
        return sum(n for _, n in self.arrivals)

    def bytes_by(self, wall: float) -> int:
        return sum(n for at, n in self.arrivals if at <= wall)


class NetworkLog:
    """Every request the page made, with the bytes the (throttled) network carried for it and
    when: headers and body as encoded, counted as they arrive, so an aborted response counts
    too. DevTools stamps events with a monotonic clock; the first request's wall time ties it
    to the page's."""

    def __init__(self, cdp) -> None:
        self.requests: dict[str, Request] = {}
        self.wall_offset: float | None = None
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.requestWillBeSentExtraInfo", self.sent_extra)
        cdp.on("Network.responseReceived", self.response)
        cdp.on("Network.dataReceived", self.data)
        cdp.on("Network.loadingFinished", self.finished)
        cdp.on("Network.loadingFailed", self.failed)

    def _get(self, request_id: str) -> Request:
        return self.requests.setdefault(request_id, Request(url=""))

    def _wall(self, event) -> float:
        return event["timestamp"] + (self.wall_offset or 0.0)

    def sent(self, event) -> None:
        if self.wall_offset is None and event.get("wallTime"):
            self.wall_offset = event["wallTime"] - event["timestamp"]
        request = self._get(event["requestId"])
        if request.url and event.get("redirectResponse"):  # keep the redirect as a request
            self.requests[f"{event['requestId']}-{len(self.requests)}"] = request
            request = self.requests[event["requestId"]] = Request(url="")
        request.url = event["request"]["url"]
        request.started = self._wall(event)
        headers = {k.lower(): v for k, v in event["request"].get("headers", {}).items()}
        request.range = request.range or headers.get("range", "")

    def sent_extra(self, event) -> None:
        """The headers as sent (a Range added below the page shows only here)."""
        headers = {k.lower(): v for k, v in event.get("headers", {}).items()}
        if "range" in headers:
            self._get(event["requestId"]).range = headers["range"]

    def response(self, event) -> None:
        self._get(event["requestId"]).status = event["response"]["status"]

    def data(self, event) -> None:
        request = self._get(event["requestId"])
        request.arrivals.append((self._wall(event), int(event.get("encodedDataLength", 0))))

    def finished(self, event) -> None:
        """The total as finished; what the chunks did not count (headers, mostly) lands now."""
        request = self._get(event["requestId"])
        rest = int(event.get("encodedDataLength", 0)) - request.bytes
        if rest > 0:
            request.arrivals.append((self._wall(event), rest))
        request.finished = True

    def failed(self, event) -> None:
        request = self._get(event["requestId"])
        request.failed = "canceled" if event.get("canceled") else event.get("errorText", "failed")

    def listed(self) -> list[Request]:
        return sorted(
            (r for r in self.requests.values() if r.url and not r.url.startswith("data:")),
            key=lambda r: r.started,
        )


def kb(n: float) -> str:
    return f"{n / 1000:,.0f} KB"


def new_learner_session(course) -> str:
    """The session of a learner just enrolled in ``course``, signed in as
    ``tests.helpers.log_in`` does it. A new learner each run: the study tracker resumes a
    lesson where its learner last stopped, on any device."""
    from django.test import Client

    from courses import services as course_services
    from tests.factories import UserFactory

    learner = UserFactory()
    course_services.enrolment_join(learner=learner, course=course)
    client = Client()
    client.force_login(learner)
    return client.cookies["sessionid"].value


def one_run(browser, base: str, lesson_url: str, session: str, lecture: Lecture, args) -> dict:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    try:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
        context.add_init_script(PAGE_SCRIPT % {"player": args.player})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        network = NetworkLog(cdp)
        cdp.send("Network.enable")
        if args.no_cache:
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})

        began = time.time()
        page.goto(base + lesson_url, wait_until="commit", timeout=120_000)
        page.wait_for_function(
            "() => window.__bench && (window.__bench.frame !== null || window.__bench.error)",
            timeout=180_000,
            polling=100,
        )
        bench = page.evaluate("() => ({...window.__bench, origin: performance.timeOrigin})")
        if bench["error"] and bench["frame"] is None:
            raise SystemExit(f"no first frame: {bench['error']}")
        frame_wall = (bench["origin"] + bench["frame"]) / 1000
        first_frame = frame_wall - began
        tap_to_frame = (bench["frame"] - bench["tap"]) / 1000

        # Playback time counts from the first frame, wherever the Python side noticed it.
        page.wait_for_timeout(max(0.0, frame_wall + args.seconds - time.time()) * 1000)
        measured_at = time.time()
        state = page.evaluate(STATE_SCRIPT)
    finally:
        context.close()

    after = network.listed()
    before_bytes = sum(r.bytes_by(frame_wall) for r in after)
    media = [r for r in after if r.is_media]
    playlists = sum(r.bytes_by(measured_at) for r in media if r.name.endswith(".m3u8"))
    media_bytes = sum(r.bytes_by(measured_at) for r in media if not r.name.endswith(".m3u8"))
    fetched = [r.name for r in sorted(media, key=lambda r: r.started) if r.bytes_by(measured_at)]
    played, played_from = played_media(lecture, fetched, state)
    ratio = media_bytes / played if played else float("inf")
    ratio_all = (media_bytes + playlists) / played if played else float("inf")
    print(
        f"  first frame {first_frame:.1f} s (tap to frame {tap_to_frame:.1f} s), before first "
        f"frame {kb(before_bytes)}, {args.seconds} s of playback: {kb(media_bytes)} received "
        f"for {kb(played)} played = {ratio:.2f}x (playlists {kb(playlists)}: {ratio_all:.2f}x); "
        f"at {state['currentTime']:.1f} s of {state['duration']:.0f} after {state['stalls']} "
        f"stalls ({state['stalled']:.1f} s), played from {played_from}, all requests "
        f"{kb(sum(r.bytes_by(measured_at) for r in after))}",
        flush=True,
    )
    spans = state["played"]
    if len(spans) != 1 or spans[0][0] > 0.5 or state["error"]:
        print(f"  played ranges {[[round(a, 1), round(b, 1)] for a, b in spans]}, {state['error']}")
    if args.verbose:
        for r in after:
            where = urllib.parse.unquote(r.url.removeprefix(base))
            if FILES_PATH in where:
                where = where.split("/")[-1]
            ended = "" if r.finished else f" ({r.failed or 'unfinished'})"
            print(
                f"    {r.started - began:6.1f} s {r.status or '-':>3} {where} "
                f"[{r.range or 'no range'}] {r.bytes:,} B{ended}"
            )
    return {
        "first_frame": first_frame,
        "tap_to_frame": tap_to_frame,
        "before": before_bytes,
        "ratio": ratio,
    }


# --------------------------------------------------------------------------- main


def ensure_hlsjs() -> None:
    if HLSJS.is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("--player hlsjs needs hls.js: install Node.js and npm")
    subprocess.run(  # noqa: S603 - fixed argument list
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(ROOT / "var" / "npm"),
            "hls.js@1",
        ],
        check=True,
        timeout=300,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=["demo", "camera", "both"], default="both")
    parser.add_argument("--player", choices=["native", "hlsjs", "mp4"], default="native")
    parser.add_argument("--seconds", type=int, default=60, help="of playback after the first frame")
    parser.add_argument("--runs", type=int, default=1, help="per source, each on a cold cache")
    parser.add_argument(
        "--no-cache", action="store_true", help="turn the browser's HTTP cache off altogether"
    )
    parser.add_argument("--verbose", action="store_true", help="list every request")
    args = parser.parse_args()
    if args.player == "hlsjs":
        ensure_hlsjs()  # before Django starts: the settings look for it

    sources = ["demo", "camera"] if args.source == "both" else [args.source]
    with tempfile.TemporaryDirectory(prefix="weak-data-bench-") as tmp:
        folder = Path(tmp)
        os.environ["MEDIA_ROOT"] = str(folder / "media")
        # Playwright's sync API runs an event loop in this thread, and the ORM is used in it.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        setup_django(folder / "db.sqlite3")
        from django.conf import settings

        # The test settings stop an ffmpeg that shows no progress for 30 s; a 720p ladder on
        # a busy two-core machine may pause longer than that.
        settings.MEDIA_PIPELINE_STALL_TIMEOUT_S = 300
        from django.db import connections

        from courses.models import LessonPage
        from tests.helpers import enrolled_in_a_lesson_open_now

        lectures = [transcode(name, folder) for name in sources]
        _, lesson = enrolled_in_a_lesson_open_now()

        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(
                f"Chromium {browser.version}, {args.player} player, slow 3G (400 ms, "
                f"400 kbit/s), CPU x{CPU_SLOWDOWN}, {PHONE['width']}x{PHONE['height']}",
                flush=True,
            )
            for lecture in lectures:
                # Every write of this process happens before the server starts: the test
                # settings' SQLite waits only briefly for a lock the server holds.
                lesson_show(lesson, lecture.asset)
                url = LessonPage.objects.get(pk=lesson.pk).url
                sessions = [
                    new_learner_session(lesson.get_parent().specific) for _ in range(args.runs)
                ]
                connections.close_all()
                port = free_port()
                server = serve(dict(os.environ), port, folder / f"runserver-{lecture.name}.log")
                try:
                    print(f"{lecture.name}:", flush=True)
                    base = f"http://127.0.0.1:{port}"
                    runs = [
                        one_run(browser, base, url, session, lecture, args) for session in sessions
                    ]
                finally:
                    server.terminate()
                    server.wait(timeout=10)
                if len(runs) > 1:
                    middle = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                    print(
                        f"  median of {len(runs)}: first frame {middle['first_frame']:.1f} s "
                        f"(tap to frame {middle['tap_to_frame']:.1f} s), before first frame "
                        f"{kb(middle['before'])}, {middle['ratio']:.2f}x",
                        flush=True,
                    )
            browser.close()


if __name__ == "__main__":
    main()
