"""Putting transcode jobs on the queue, and the watch that takes back the jobs of lost workers.

A job a killed worker held is re-enqueued; the claim lets only one run through, so a
duplicate is harmless.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import conf
from ..models import VideoAsset
from .liveness import _now, _worker_is_gone

logger = logging.getLogger(__name__)


def _enqueue_on_commit(asset_id: int, attempt: int) -> None:
    from ..tasks import transcode_video_asset

    def enqueue() -> None:
        transcode_video_asset.enqueue(asset_id, attempt)
        try:
            video_jobs_watch_schedule()
        except Exception:  # the watch is a safety net; the job itself is queued
            logger.exception("could not schedule the video job watch")

    transaction.on_commit(enqueue)


def _enqueue_later(asset_id: int, attempt: int, *, delay_s: float) -> None:
    from django_tasks.exceptions import InvalidTaskError

    from ..tasks import transcode_video_asset

    run_after = timezone.now() + timedelta(seconds=delay_s)
    try:
        transcode_video_asset.using(run_after=run_after).enqueue(asset_id, attempt)
    except InvalidTaskError:
        # A backend that cannot defer runs jobs inline, one at a time: nothing to wait for.
        logger.info("asset %s is busy and the task backend cannot defer; dropping", asset_id)


def video_assets_reap_stale(*, older_than_s: float | None = None) -> list[int]:
    """Re-enqueue jobs whose worker is gone (killed, machine lost).

    A job is taken back when its heartbeat is older than ``older_than_s`` (default
    ``MEDIA_PIPELINE_STALE_AFTER_S``), or sooner when its worker ran on this host and its
    process no longer exists. The database-backed worker never redelivers a task whose
    process died, so this is what finishes those jobs; the row records when and which
    worker was lost, for the admin. Marking the row first keeps two reapers from enqueuing
    it twice; a duplicate would be harmless anyway, the claim lets only one through.
    """
    threshold = conf.stale_after_s() if older_than_s is None else older_than_s
    now = _now()
    cutoff = now - timedelta(seconds=threshold)
    grace = min(threshold, conf.lost_worker_grace_s())
    candidates = VideoAsset.objects.filter(status=VideoAsset.Status.PROCESSING).filter(
        Q(heartbeat_at__lt=now - timedelta(seconds=grace)) | Q(heartbeat_at__isnull=True)
    )
    reaped = []
    for asset_id, attempt, worker, beat in candidates.values_list(
        "pk", "attempt", "worker_id", "heartbeat_at"
    ):
        lost = beat is None or beat < cutoff or _worker_is_gone(worker, beat, grace_s=grace)
        if not lost:
            continue
        with transaction.atomic():
            taken = VideoAsset.objects.filter(
                pk=asset_id,
                worker_id=worker,
                heartbeat_at=beat,
                attempt=attempt,
                status=VideoAsset.Status.PROCESSING,
            ).update(
                worker_id="",
                heartbeat_at=None,
                status=VideoAsset.Status.QUEUED,
                worker_lost_at=now,
                lost_worker_id=worker[:128],
                updated_at=now,
            )
            if taken:
                _enqueue_on_commit(asset_id, attempt)
                reaped.append(asset_id)
    if reaped:
        logger.warning("re-enqueued video jobs whose worker was lost: %s", reaped)
    return reaped


WATCH_SCHEDULED = "media_pipeline:watch-scheduled"


def video_jobs_watch() -> list[int]:
    """The pipeline's own heartbeat: reap lost jobs, and look again later while any is open.

    Runs as a task that re-enqueues itself every ``MEDIA_PIPELINE_WATCH_EVERY_S`` as long
    as a job is queued or processing, on the embedded worker and on Celery alike, so a
    killed worker's job comes back without waiting for another job to start. The chain
    ends when nothing is open and starts again with the next enqueued job.
    """
    reaped = video_assets_reap_stale()
    open_jobs = VideoAsset.objects.filter(
        status__in=[VideoAsset.Status.QUEUED, VideoAsset.Status.PROCESSING]
    )
    if open_jobs.exists():
        video_jobs_watch_schedule(again=True)
    return reaped


def video_jobs_watch_schedule(*, again: bool = False) -> bool:
    """Schedule the next :func:`video_jobs_watch`, unless one is already due within the
    interval (the shared cache remembers; a lost mark only costs an extra look)."""
    from django.core.cache import cache

    from django_tasks.exceptions import InvalidTaskError

    from ..tasks import watch_video_jobs

    interval = conf.watch_every_s()
    if again:
        cache.set(WATCH_SCHEDULED, 1, timeout=interval)
    elif not cache.add(WATCH_SCHEDULED, 1, timeout=interval):
        return False
    try:
        watch_video_jobs.using(run_after=_now() + timedelta(seconds=interval)).enqueue()
    except InvalidTaskError:
        # A backend that cannot defer runs jobs inline: there is no worker to lose.
        return False
    return True
