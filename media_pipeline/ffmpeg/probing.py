"""Reading a media file with ffprobe and refusing uploads that cannot become a lesson."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .binaries import find_binaries
from .constants import MAX_FPS, MAX_FRAME_SIDE, MIN_DURATION_S, PROBE_TIMEOUT_S, REFUSED_FORMATS
from .errors import MediaRejected, RejectCode

_LOG_PREFIX = re.compile(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")


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
    audio_channels: int = 0

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
        raise MediaRejected(RejectCode.EMPTY_FILE, "The file is empty (0 bytes).", detail="empty")
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
            RejectCode.UNREADABLE,
            f"Reading the file took longer than {timeout:g} s.",
            detail="probe_timeout",
            params={"seconds": f"{timeout:g}"},
        ) from None
    reason = _reason(done.stderr.decode("utf-8", "replace"), _file_url(path))
    try:
        data = json.loads(done.stdout or b"{}")
    except json.JSONDecodeError:
        data = {}
    if done.returncode != 0 or "format" not in data:
        detail = f" ({reason})" if reason else ""
        raise MediaRejected(
            RejectCode.UNREADABLE,
            f"The file could not be read as audio or video{detail}.",
            detail="unreadable",
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
        audio_channels=int(_float(audio.get("channels")) or 0) if audio else 0,
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
            detail="playlist",
            params={"format": info.format_name},
        )
    if not info.has_video and not info.has_audio:
        raise MediaRejected(
            RejectCode.NO_STREAMS,
            "The file has neither video nor sound in it.",
            detail="no_streams",
        )
    if info.duration < MIN_DURATION_S:
        raise MediaRejected(
            RejectCode.ZERO_LENGTH,
            f"The recording has no usable length ({info.duration:.2f} s).",
            detail="zero_length",
            params={"seconds": f"{info.duration:.2f}"},
        )
    if info.duration > max_duration_s:
        raise MediaRejected(
            RejectCode.TOO_LONG,
            f"The recording lasts {_clock(info.duration)}; the limit is {_clock(max_duration_s)}.",
            detail="too_long",
            params={"length": _clock(info.duration), "limit": _clock(max_duration_s)},
        )
    if max_size_bytes is not None and info.size_bytes > max_size_bytes:
        raise MediaRejected(
            RejectCode.TOO_LARGE,
            f"The file is {info.size_bytes / 1e6:.0f} MB; the limit is "
            f"{max_size_bytes / 1e6:.0f} MB.",
            detail="file_too_large",
            params={
                "size": f"{info.size_bytes / 1e6:.0f}",
                "limit": f"{max_size_bytes / 1e6:.0f}",
            },
        )
    if info.has_video and max(info.width, info.height) > max_frame_side:
        raise MediaRejected(
            RejectCode.TOO_LARGE,
            f"The picture is {info.width}x{info.height}; the limit is {max_frame_side} pixels "
            "on the long side.",
            detail="picture_too_large",
            params={"width": info.width, "height": info.height, "limit": max_frame_side},
        )


def _clock(seconds: float) -> str:
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
