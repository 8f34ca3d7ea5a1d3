"""Resumable uploads: a part-file on disk, written chunk by chunk, turned into a lesson video."""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from .. import conf
from ..ffmpeg.signatures import HEAD_BYTES, looks_like_media
from ..models import VideoAsset, VideoUpload
from .assets import stored_filename, video_asset_create
from .errors import READ_CHUNK, UploadOffsetMismatch, UploadRefused, _storage_refused
from .liveness import _now

logger = logging.getLogger(__name__)


def video_upload_start(*, user: Any, title: str, filename: str, size: int) -> VideoUpload:
    limit = conf.upload_max_bytes()
    if size <= 0:
        raise UploadRefused(_("The file is empty."))
    if size > limit:
        raise UploadRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1e6:.0f}", "limit": f"{limit / 1e6:.0f}"}
        )
    with transaction.atomic():
        upload = VideoUpload.objects.create(
            user=user,
            title=_printable(title).strip()[:255],
            filename=stored_filename(_printable(filename)),
            size=size,
        )
        part = _part_path(upload)
        try:
            part.parent.mkdir(parents=True, exist_ok=True)
            part.touch()
        except OSError as exc:
            # The row goes with the transaction: no upload without its part-file.
            raise _storage_refused(exc) from exc
    return upload


def _printable(text: str) -> str:
    """Control characters (NUL among them, which PostgreSQL refuses) have no place in a title."""
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")


def _part_path(upload: VideoUpload) -> Path:
    return conf.upload_dir() / f"{upload.uuid}.part"


def video_upload_append(
    *, upload: VideoUpload, offset: int, stream: IO[bytes], length: int
) -> VideoUpload:
    """Write one chunk at ``offset``; sending the same chunk again is harmless.

    The body is streamed to disk in small pieces under a file lock, outside any database
    transaction: a slow phone connection must not hold the database's write lock. A chunk
    cut short by a dropped connection still counts for the bytes that arrived. A chunk the
    disk refuses (full) is cut off again, so file and record agree and a retry succeeds.
    """
    if upload.asset_id is not None:
        return upload
    if offset < 0 or length < 0 or offset + length > upload.size:
        raise UploadRefused(_("The chunk does not fit the announced file size."))
    part = _part_path(upload)
    try:
        handle = open(part, "r+b", buffering=0)  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise UploadRefused(_("This upload has expired; start again.")) from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            before = os.fstat(handle.fileno()).st_size
            if offset > before:
                raise UploadOffsetMismatch(before)
            handle.seek(offset)
            remaining = length
            try:
                while remaining > 0:
                    piece = stream.read(min(READ_CHUNK, remaining))
                    if not piece:
                        break
                    _write_piece(handle.fileno(), piece)
                    remaining -= len(piece)
                os.fsync(handle.fileno())
            except OSError as exc:
                # A full disk leaves part of the chunk behind; cut the file back to what
                # the database says we hold, so the client's retry of this chunk fits.
                recorded = (
                    VideoUpload.objects.filter(pk=upload.pk)
                    .values_list("received", flat=True)
                    .first()
                )
                os.ftruncate(handle.fileno(), min(before, recorded or 0))
                logger.warning("upload %s: chunk at %s not stored: %s", upload.uuid, offset, exc)
                raise _storage_refused(exc) from exc
            have = max(before, handle.tell())
            head_needed = min(upload.size, HEAD_BYTES)
            if before < head_needed <= have:
                _refuse_unless_media(upload, handle.fileno(), head_needed)
            # Recorded while the file is still locked, so the next writer's ``before`` and
            # the database never disagree.
            VideoUpload.objects.filter(pk=upload.pk, received__lt=have).update(
                received=have, updated_at=_now()
            )
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    upload.refresh_from_db()
    return upload


def _refuse_unless_media(upload: VideoUpload, fd: int, head_needed: int) -> None:
    """Once the file's first bytes are in, a file that opens no audio or video container
    (a text file renamed ``.mp4``) is refused and the upload forgotten, part-file and all."""
    if looks_like_media(os.pread(fd, head_needed, 0)):
        return
    _part_path(upload).unlink(missing_ok=True)
    VideoUpload.objects.filter(pk=upload.pk).delete()
    raise UploadRefused(not_a_recording_message(upload.filename))


def not_a_recording_message(filename: str) -> str:
    return _(
        "“%(name)s” is not a video or sound recording: its contents are in none of the "
        "formats cameras and phones record in (MP4, MOV, MKV, WebM, AVI, MPEG-TS and "
        "others), and renaming a file does not change its contents. Choose the recording "
        "itself."
    ) % {"name": filename}


def _write_piece(fd: int, data: bytes) -> None:
    """Write all of ``data`` at the file position; a short write is continued, not lost."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def video_upload_finish(*, upload: VideoUpload) -> VideoAsset:
    """Turn a complete upload into a lesson video; finishing twice returns the same one."""
    with transaction.atomic():
        locked = VideoUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.asset_id is not None:
            return locked.asset
        if not locked.complete:
            raise UploadRefused(_("The upload is not complete yet."))
        part = _part_path(locked)
        try:
            asset = video_asset_create(
                title=locked.title or locked.filename,
                source=part,
                filename=locked.filename,
                uploaded_by=locked.user,
                move=True,
            )
        except OSError as exc:
            # The part-file stays whole; the client's next request finishes it.
            raise _storage_refused(exc) from exc
        locked.asset = asset
        locked.save(update_fields=["asset", "updated_at"])
    part.unlink(missing_ok=True)
    return asset


def video_uploads_discard_stale(*, older_than: timedelta = timedelta(days=2)) -> int:
    """Part-files of uploads abandoned for days go, so the disk does not fill up."""
    old = VideoUpload.objects.filter(asset__isnull=True, updated_at__lt=_now() - older_than)
    count = 0
    for upload in old:
        _part_path(upload).unlink(missing_ok=True)
        upload.delete()
        count += 1
    return count
