"""The pipeline's settings, with the defaults that apply when a deployment sets nothing."""

import tempfile
from pathlib import Path

from django.conf import settings

GB = 1024**3


def upload_max_bytes() -> int:
    return int(getattr(settings, "MEDIA_PIPELINE_UPLOAD_MAX_BYTES", 4 * GB))


def upload_dir() -> Path:
    configured = getattr(settings, "MEDIA_PIPELINE_UPLOAD_DIR", None)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "nightschool-uploads"


def work_dir() -> Path:
    configured = getattr(settings, "MEDIA_PIPELINE_WORK_DIR", None)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "nightschool-work"


def max_duration_s() -> float:
    return float(getattr(settings, "MEDIA_PIPELINE_MAX_DURATION_S", 4 * 3600))


def stall_timeout_s() -> float:
    return float(getattr(settings, "MEDIA_PIPELINE_STALL_TIMEOUT_S", 60))


def stale_after_s() -> float:
    """A running job whose heartbeat is older than this is taken to be dead."""
    return float(getattr(settings, "MEDIA_PIPELINE_STALE_AFTER_S", 300))


def lost_worker_grace_s() -> float:
    """A job whose worker process on this host is gone is taken back once its heartbeat is
    this old, without waiting for ``stale_after_s``."""
    return float(getattr(settings, "MEDIA_PIPELINE_LOST_WORKER_GRACE_S", 15))


def watch_every_s() -> float:
    """How often the pipeline's own watch task looks for lost jobs while any is open."""
    return float(getattr(settings, "MEDIA_PIPELINE_WATCH_EVERY_S", 60))


def hlsjs_static_path() -> str:
    return str(getattr(settings, "MEDIA_PIPELINE_HLSJS_STATIC", "") or "")


def open_range_bytes() -> int:
    """The most an open-ended range (``bytes=N-``) is answered with.

    Chromium's native HLS and MP4 players ask ``bytes=N-`` and abort once they have
    enough, so answering with the rest of the file wastes a weak link's bytes. 256 KiB is
    about 5 s of the 360p rung at its 400 kb/s maxrate; RFC 9110 lets a 206 cover less
    than an open range asked for, and the player asks on from where it ended.
    """
    return int(getattr(settings, "MEDIA_OPEN_RANGE_BYTES", 256 * 1024))
