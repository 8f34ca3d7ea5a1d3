"""Creating, retrying and deleting lesson videos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.db import transaction
from django.utils.text import get_valid_filename

from .. import storage
from ..models import VideoAsset
from .errors import VideoInUse
from .liveness import _holder_is_lost
from .queueing import _enqueue_on_commit


class _LocalFile(File):
    """Lets local storage move the part-file into place instead of copying gigabytes."""

    def temporary_file_path(self) -> str:
        return self.file.name


def stored_filename(name: str) -> str:
    """A name safe to store a file under; one that cleans away to nothing (``..``, ``?``)
    becomes ``upload.mp4`` rather than an error, since the name only labels the original."""
    try:
        return get_valid_filename(name)[:255]
    except SuspiciousFileOperation:
        return "upload.mp4"


@transaction.atomic
def video_asset_create(
    *,
    title: str,
    source: Path,
    filename: str | None = None,
    uploaded_by: Any = None,
    organisation: Any = None,
    demo_key: str | None = None,
    move: bool = False,
) -> VideoAsset:
    """Store the original and queue its transcode once this transaction commits.

    The video belongs to ``organisation``, by default the uploader's school.
    ``move`` hands the file over (an upload's part-file); otherwise it is copied.
    """
    if organisation is None and uploaded_by is not None:
        organisation = getattr(uploaded_by, "organisation", None)
    source = Path(source)
    name = stored_filename(filename or source.name)
    asset = VideoAsset(
        title=title.strip() or name,
        original_filename=name,
        original_size=source.stat().st_size,
        uploaded_by=uploaded_by,
        organisation=organisation,
        demo_key=demo_key,
        attempt=1,
    )
    with open(source, "rb") as handle:
        wrapped = _LocalFile(handle, name=name) if move else File(handle, name=name)
        asset.original.save(name, wrapped, save=False)
    asset.save()
    _enqueue_on_commit(asset.pk, asset.attempt)
    return asset


@transaction.atomic
def video_asset_ensure(
    *,
    demo_key: str,
    title: str,
    recipe: dict[str, Any],
    organisation: Any = None,
) -> VideoAsset:
    """The asset for a stable key: the first time, a queued row whose recording the worker
    generates from ``recipe`` (see :mod:`media_pipeline.demo`) and then transcodes.

    Nothing is generated here, so loading a demo costs no ffmpeg time, and loading it again
    finds the asset by its key and changes nothing. An existing asset without a school is
    given ``organisation``.
    """
    existing = VideoAsset.objects.filter(demo_key=demo_key).first()
    if existing is not None:
        if organisation is not None and existing.organisation_id is None:
            VideoAsset.objects.filter(pk=existing.pk, organisation__isnull=True).update(
                organisation=organisation
            )
            existing.organisation = organisation
        return existing
    asset = VideoAsset.objects.create(
        title=title.strip() or demo_key,
        original_filename=f"{demo_key}.mp4",
        organisation=organisation,
        demo_key=demo_key,
        source_recipe={**recipe, "title": recipe.get("title") or title},
        attempt=1,
    )
    _enqueue_on_commit(asset.pk, asset.attempt)
    return asset


@transaction.atomic
def video_asset_retry(*, asset_id: int) -> VideoAsset:
    """Start over with a new attempt; a message still queued for the old one is then ignored."""
    asset = VideoAsset.objects.select_for_update().get(pk=asset_id)
    if asset.status == VideoAsset.Status.PROCESSING and not _holder_is_lost(asset):
        return asset
    asset.attempt += 1
    asset.status = VideoAsset.Status.QUEUED
    asset.progress = 0.0
    asset.error_code = asset.error_message = asset.worker_id = asset.lost_worker_id = ""
    asset.error_params = {}
    asset.heartbeat_at = asset.finished_at = asset.worker_lost_at = None
    asset.save()
    _enqueue_on_commit(asset.pk, asset.attempt)
    return asset


def video_asset_delete(*, asset_id: int) -> None:
    """Remove the row, the original and every derived file.

    A video a published page shows is kept (``VideoInUse`` names the pages): its learners
    would be left with a lesson that can never be watched or credited. A worker still
    busy on it notices at its next heartbeat and cleans up its own run.
    """
    from ..selectors import video_asset_published_usage

    with transaction.atomic():
        asset = VideoAsset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None:
            return
        used_by = video_asset_published_usage(asset=asset)
        if used_by:
            raise VideoInUse(used_by)
        prefix = asset.storage_prefix
        asset.delete()
    storage.delete_prefix(prefix)


# --------------------------------------------------------------------------- the job
