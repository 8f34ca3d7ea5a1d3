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
    allowed = max(DURATION_TOLERANCE_S, DURATION_TOLERANCE_RATIO * source_duration)
    measured: dict[str, float] = {}
    for name in chosen:
        try:
            info = probe(out / name)
        except (MediaRejected, FileNotFoundError) as exc:
            raise TranscodeFailed(
                FailureCode.FFMPEG_ERROR,
                f"Output {name} is missing or unreadable: {exc}",
                detail="output_unreadable",
                params={"name": name},
            ) from exc
        measured[name] = info.duration
        if abs(info.duration - source_duration) > allowed:
            raise TranscodeFailed(
                FailureCode.DURATION_MISMATCH,
                f"{name} lasts {info.duration:.2f} s but the source lasts "
                f"{source_duration:.2f} s; the upload is probably cut short or damaged.",
                detail="duration_mismatch",
                params={
                    "name": name,
                    "output": f"{info.duration:.2f}",
                    "source": f"{source_duration:.2f}",
                },
            )
    return measured
