"""Choosing the renditions, the audio channels and the seek-preview sprite, before encoding."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from .constants import (
    AUDIO_BITRATE,
    AUDIO_MONO_BITRATE,
    DEFAULT_SHORT_SIDE,
    LADDER,
    MAX_FPS,
    MIN_FPS,
    SILENCE_DB,
    STEREO_SIDE_THRESHOLD_DB,
    THUMB_COLUMNS,
    THUMB_MAX_COUNT,
    THUMB_SHORT_SIDE,
)
from .probing import Probe


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
    def init_file(self) -> str:
        return f"{self.stem}_init.mp4"

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


@dataclass(frozen=True)
class AudioPlan:
    """How every audio output of a lesson is encoded: the preview MP4, ``audio.m4a`` and HLS.

    ``mid_db``/``side_db`` are the measured levels (see :class:`MidSide`) behind the
    choice, floored at silence; None when nothing was measured (one channel, no sound,
    or a failed measure).
    """

    channels: int
    bitrate: str
    mid_db: float | None = None
    side_db: float | None = None

    @property
    def is_mono(self) -> bool:
        return self.channels == 1


STEREO_AUDIO = AudioPlan(channels=2, bitrate=AUDIO_BITRATE)
MONO_AUDIO = AudioPlan(channels=1, bitrate=AUDIO_MONO_BITRATE)


class MidSide(NamedTuple):
    """RMS levels in dBFS of a source's mid (L+R)/2 and side (L-R)/2 signals."""

    mid_db: float
    side_db: float


def plan_audio(info: Probe, levels: MidSide | None = None) -> AudioPlan:
    """Mono at the speech rate unless the source's sound is really stereo.

    One channel is mono; no sound is mono too (the generated silence has nothing to
    place). Two or more channels are stereo only when the side signal is within
    ``STEREO_SIDE_THRESHOLD_DB`` of the mid signal; a silent side is mono whatever the
    mid. Unmeasured multichannel sound stays stereo: folding what was never checked
    could cancel a voice recorded in opposite phase.
    """
    if not info.has_audio or info.audio_channels == 1:
        return MONO_AUDIO
    if levels is None:
        return STEREO_AUDIO
    mid, side = max(levels.mid_db, SILENCE_DB), max(levels.side_db, SILENCE_DB)
    mono = side <= SILENCE_DB or side - mid <= STEREO_SIDE_THRESHOLD_DB
    chosen = MONO_AUDIO if mono else STEREO_AUDIO
    return AudioPlan(
        channels=chosen.channels,
        bitrate=chosen.bitrate,
        mid_db=round(mid, 1),
        side_db=round(side, 1),
    )


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
