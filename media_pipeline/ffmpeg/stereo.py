"""Measuring how much of a source's sound lives only in the difference between its channels."""

from __future__ import annotations

import logging
import math
import os
import re
import tempfile
from pathlib import Path

from .commands import build_mid_side_command
from .constants import STEREO_PROBE_SECONDS, STEREO_PROBE_TIMEOUT_S
from .errors import TranscodeFailed
from .ladder import MidSide
from .probing import Probe
from .runner import run_ffmpeg

logger = logging.getLogger(__name__)

_LEVEL = re.compile(r"^lavfi\.astats\.([12])\.RMS_level=(\S+)$", re.MULTILINE)


def measure_mid_side(
    src: str | os.PathLike[str],
    info: Probe,
    *,
    seconds: float = STEREO_PROBE_SECONDS,
    timeout: float = STEREO_PROBE_TIMEOUT_S,
    ffmpeg_path: str | None = None,
) -> MidSide | None:
    """RMS of mid and side over the first ``seconds`` of the sound, for :func:`plan_audio`.

    Only sound is decoded, so even a long lecture takes a second or two; ``timeout``
    bounds a file that decodes slowly. None when there is nothing to compare (no sound,
    one channel) or the measure does not finish: the lesson then keeps its stereo, and
    a file that cannot be decoded at all fails in the transcode, with its reason, as it
    always did.
    """
    if not info.has_audio or info.audio_stream is None or info.audio_channels == 1:
        return None
    with tempfile.TemporaryDirectory(prefix="mid-side-") as folder:
        levels_file = Path(folder) / "levels.txt"
        cmd = build_mid_side_command(
            src, info, levels_file, seconds=seconds, ffmpeg_path=ffmpeg_path
        )
        length = min(seconds, info.audio_duration or info.duration)
        try:
            run_ffmpeg(cmd, duration_s=length, timeout=timeout, stall_timeout=min(30.0, timeout))
            text = levels_file.read_text(encoding="utf-8", errors="replace")
        except (TranscodeFailed, OSError) as exc:
            logger.warning("Could not measure the stereo image of %s: %s", src, exc)
            return None
    return parse_mid_side(text)


def parse_mid_side(text: str) -> MidSide | None:
    """The last running levels ``ametadata`` printed; None if either is missing or NaN."""
    last: dict[str, float] = {}
    for channel, value in _LEVEL.findall(text):
        try:
            last[channel] = float(value)
        except ValueError:
            continue
    mid, side = last.get("1"), last.get("2")
    if mid is None or side is None or math.isnan(mid) or math.isnan(side):
        return None
    return MidSide(mid_db=mid, side_db=side)
