"""Whether the worker holding a job is still alive: its heartbeat, and on this host its process."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from .. import conf
from ..models import VideoAsset


def _now() -> datetime:
    return timezone.now()


def _is_stale(asset: VideoAsset) -> bool:
    beat = asset.heartbeat_at or asset.started_at
    return beat is None or beat < _now() - timedelta(seconds=conf.stale_after_s())


def _holder_is_lost(asset: VideoAsset) -> bool:
    return _is_stale(asset) or _worker_is_gone(
        asset.worker_id, asset.heartbeat_at or asset.started_at
    )


def _worker_is_gone(worker_id: str, beat: Any, *, grace_s: float | None = None) -> bool:
    """Whether the worker is known to be dead, which can be told before its heartbeat is stale.

    Only a worker of this host can be looked at: its id names the host and process, and a
    process that no longer exists (or is a zombie its parent has not reaped) holds no job.
    A short grace after its last beat keeps a look-alike host (a container sharing our
    host name, not our processes) from losing its jobs to us.
    """
    grace = conf.lost_worker_grace_s() if grace_s is None else grace_s
    if beat is not None and beat > _now() - timedelta(seconds=grace):
        return False
    host, _, rest = worker_id.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # someone else's live process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :].split()[:1] in (["Z"], ["X"])


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
