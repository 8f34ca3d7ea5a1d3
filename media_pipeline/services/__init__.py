"""Writes for lesson videos: upload, enqueue, claim, transcode, retry, delete, reap.

A transcode job may be delivered twice (Celery redelivers the job of a killed worker;
the reaper re-enqueues one whose heartbeat stopped), so every step checks the row under a
lock or with a conditional update, and each run writes only to its own storage folder.

One module per seam: ``assets`` (create, retry, delete), ``uploads`` (resumable uploads),
``transcoding`` (one job, claim to publish), ``queueing`` (enqueue, the watch, reaping lost
jobs) and ``liveness`` (is a job's worker alive), over ``errors``. This package stays the
app's services entry point: every public name imports from ``media_pipeline.services``.
"""

from __future__ import annotations

from .assets import video_asset_create, video_asset_delete, video_asset_ensure, video_asset_retry
from .errors import (
    INTERNAL_ERROR,
    LOW_PLAYLIST,
    READ_CHUNK,
    JobLost,
    UploadOffsetMismatch,
    UploadRefused,
    UploadStorageFull,
    VideoInUse,
)
from .liveness import new_worker_id
from .queueing import (
    WATCH_SCHEDULED,
    video_assets_reap_stale,
    video_jobs_watch,
    video_jobs_watch_schedule,
)
from .transcoding import (
    BUSY,
    Claim,
    video_asset_claim,
    video_asset_transcode,
    write_low_playlist,
)
from .uploads import (
    video_upload_append,
    video_upload_finish,
    video_upload_start,
    video_uploads_discard_stale,
)

__all__ = [
    "BUSY",
    "INTERNAL_ERROR",
    "LOW_PLAYLIST",
    "READ_CHUNK",
    "WATCH_SCHEDULED",
    "Claim",
    "JobLost",
    "UploadOffsetMismatch",
    "UploadRefused",
    "UploadStorageFull",
    "VideoInUse",
    "new_worker_id",
    "video_asset_claim",
    "video_asset_create",
    "video_asset_delete",
    "video_asset_ensure",
    "video_asset_retry",
    "video_asset_transcode",
    "video_assets_reap_stale",
    "video_jobs_watch",
    "video_jobs_watch_schedule",
    "video_upload_append",
    "video_upload_finish",
    "video_upload_start",
    "video_uploads_discard_stale",
    "write_low_playlist",
]
