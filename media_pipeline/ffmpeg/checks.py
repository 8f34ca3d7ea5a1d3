"""Checking that every output lasts as long as the source.

A truncated upload can decode "successfully" into a short lesson; this is the check
that catches it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .constants import DURATION_TOLERANCE_RATIO, DURATION_TOLERANCE_S
from .errors import FailureCode, MediaRejected, TranscodeFailed
from .playlists import measure_playlist
from .probing import probe


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
    measured: dict[str, float] = {}
    for name in chosen:
        try:
            info = probe(out / name)
        except (MediaRejected, FileNotFoundError) as exc:
            raise _unreadable(name, exc) from exc
        measured[name] = info.duration
    _check_lengths(measured, source_duration)
    return measured


def check_playlist_durations(
    out_dir: str | os.PathLike[str], source_duration: float, *, playlists: Iterable[str]
) -> dict[str, float]:
    """``check_durations`` for HLS renditions of one file per segment: a rendition lasts
    what its playlist's segments add up to (ffmpeg writes each EXTINF from the packets it
    muxed, so a decode cut short leaves a short playlist). Returns the measured durations."""
    out = Path(out_dir)
    measured: dict[str, float] = {}
    for name in playlists:
        try:
            stats = measure_playlist(out / name)
        except (OSError, ValueError) as exc:
            raise _unreadable(name, exc) from exc
        if not stats.durations:
            raise _unreadable(name, ValueError("no segments"))
        measured[name] = sum(stats.durations)
    _check_lengths(measured, source_duration)
    return measured


def _unreadable(name: str, exc: Exception) -> TranscodeFailed:
    return TranscodeFailed(
        FailureCode.FFMPEG_ERROR,
        f"Output {name} is missing or unreadable: {exc}",
        detail="output_unreadable",
        params={"name": name},
    )


def _check_lengths(measured: dict[str, float], source_duration: float) -> None:
    allowed = max(DURATION_TOLERANCE_S, DURATION_TOLERANCE_RATIO * source_duration)
    for name, duration in measured.items():
        if abs(duration - source_duration) > allowed:
            raise TranscodeFailed(
                FailureCode.DURATION_MISMATCH,
                f"{name} lasts {duration:.2f} s but the source lasts "
                f"{source_duration:.2f} s; the upload is probably cut short or damaged.",
                detail="duration_mismatch",
                params={
                    "name": name,
                    "output": f"{duration:.2f}",
                    "source": f"{source_duration:.2f}",
                },
            )
