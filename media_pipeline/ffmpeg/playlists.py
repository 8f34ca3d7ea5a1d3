"""Measuring the HLS renditions and writing the master playlist and thumbnail track.

ffmpeg's own master playlist lacks AVERAGE-BANDWIDTH and FRAME-RATE, so it is written
here from measured segment sizes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .constants import (
    AUDIO_CODECS,
    AUDIO_PLAYLIST,
    MASTER_PLAYLIST,
    SEGMENT_SECONDS,
    THUMBS_IMAGE,
    THUMBS_VTT,
)
from .errors import FailureCode, TranscodeFailed
from .ladder import Rung, ThumbnailGrid


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

    BANDWIDTH is the measured peak of the rendition, its muxed sound included (what a
    player actually downloads); AVERAGE-BANDWIDTH likewise. Apple requires both, plus
    FRAME-RATE, and BANDWIDTH within 10% of the measured peak; ffmpeg's own master writes
    nominal rates instead. With no video rungs, the audio rendition is the one variant.
    """
    out = Path(out_dir)
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    variants: list[Variant] = []
    if not rungs:
        audio = measure_playlist(out / audio_playlist)
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
        for rung in rungs:
            video = measure_playlist(out / rung.playlist)
            variant = Variant(
                name=rung.name,
                playlist=rung.playlist,
                bandwidth=video.peak_bps,
                average_bandwidth=video.average_bps,
                codecs=f"{_avc_codec(out / rung.init_file)},{AUDIO_CODECS}",
                width=rung.width,
                height=rung.height,
                frame_rate=round(rung.frame_rate, 3),
            )
            variants.append(variant)
            lines += [
                f"#EXT-X-STREAM-INF:BANDWIDTH={variant.bandwidth},"
                f"AVERAGE-BANDWIDTH={variant.average_bandwidth},"
                f'CODECS="{variant.codecs}",RESOLUTION={rung.width}x{rung.height},'
                f"FRAME-RATE={rung.frame_rate:.3f}",
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
        raise TranscodeFailed(
            FailureCode.FFMPEG_ERROR,
            f"{media_file.name} has no H.264 config.",
            detail="output_unreadable",
            params={"name": media_file.name},
        )
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
