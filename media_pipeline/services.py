"""Writes for lesson videos: upload, enqueue, claim, transcode, retry, delete, reap.

A transcode job may be delivered twice (Celery redelivers the job of a killed worker;
the reaper re-enqueues one whose heartbeat stopped), so every step checks the row under a
lock or with a conditional update, and each run writes only to its own storage folder.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import shutil
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from . import conf, storage
from . import ffmpeg as mp
from .models import VideoAsset, VideoUpload

logger = logging.getLogger(__name__)

LOW_PLAYLIST = "low.m3u8"
READ_CHUNK = 64 * 1024
INTERNAL_ERROR = "INTERNAL"


class JobLost(Exception):
    """The row no longer says this worker owns this run (deleted, retried or taken over)."""


class VideoInUse(Exception):
    """Published pages show this video; ``titles`` says which."""

    def __init__(self, titles: list[str]) -> None:
        super().__init__(", ".join(titles))
        self.titles = titles


class UploadRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UploadStorageFull(Exception):
    """The disk holding part-files refused a write; nothing of the failed chunk is kept."""

    def __init__(self, message: str, *, full: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.full = full


def _storage_refused(exc: OSError) -> UploadStorageFull:
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if full:
        message = _("The server has no room for this upload right now. Try again later.")
    else:
        message = _("The server could not store this upload right now. Try again later.")
    return UploadStorageFull(message, full=full)


class UploadOffsetMismatch(Exception):
    """The client sent bytes past what we hold; it should resume from ``expected``."""

    def __init__(self, expected: int) -> None:
        super().__init__(f"expected offset {expected}")
        self.expected = expected


# --------------------------------------------------------------------------- creating


class _LocalFile(File):
    """Lets local storage move the part-file into place instead of copying gigabytes."""

    def temporary_file_path(self) -> str:
        return self.file.name


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
    name = get_valid_filename(filename or source.name) or "upload.mp4"
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


def video_asset_ensure(
    *,
    demo_key: str,
    title: str,
    make_source: Callable[[Path], Path],
    organisation: Any = None,
) -> VideoAsset:
    """The asset for a stable key, made (and queued) only the first time.

    ``make_source(folder)`` writes the source file into ``folder`` and returns its path;
    it is not called when the asset exists, so loading a demo twice costs nothing. An
    existing asset without a school is given ``organisation``.
    """
    existing = VideoAsset.objects.filter(demo_key=demo_key).first()
    if existing is not None:
        if organisation is not None and existing.organisation_id is None:
            VideoAsset.objects.filter(pk=existing.pk, organisation__isnull=True).update(
                organisation=organisation
            )
            existing.organisation = organisation
        return existing
    folder = conf.work_dir() / f"source-{uuid.uuid4().hex}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        source = make_source(folder)
        return video_asset_create(
            title=title, source=source, demo_key=demo_key, organisation=organisation
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _enqueue_on_commit(asset_id: int, attempt: int) -> None:
    from .tasks import transcode_video_asset

    def enqueue() -> None:
        transcode_video_asset.enqueue(asset_id, attempt)
        try:
            video_jobs_watch_schedule()
        except Exception:  # the watch is a safety net; the job itself is queued
            logger.exception("could not schedule the video job watch")

    transaction.on_commit(enqueue)


def _enqueue_later(asset_id: int, attempt: int, *, delay_s: float) -> None:
    from django_tasks.exceptions import InvalidTaskError

    from .tasks import transcode_video_asset

    run_after = timezone.now() + timedelta(seconds=delay_s)
    try:
        transcode_video_asset.using(run_after=run_after).enqueue(asset_id, attempt)
    except InvalidTaskError:
        # A backend that cannot defer runs jobs inline, one at a time: nothing to wait for.
        logger.info("asset %s is busy and the task backend cannot defer; dropping", asset_id)


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
    from .selectors import video_asset_published_usage

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


def _now():
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


@dataclass(frozen=True)
class Claim:
    asset_id: int
    uuid: str
    run: int
    worker_id: str
    original: str
    run_prefix: str
    keep_prefix: str | None


BUSY = "busy"


def video_asset_claim(*, asset_id: int, attempt: int, worker_id: str) -> Claim | str:
    """Take the job if nobody live holds it, else say why not.

    The row lock (and SQLite's write lock) makes the check and the take one step, so two
    workers handed the same job never both run it. ``"busy"`` means another worker beat
    recently: it may be alive, or it may just have been killed and its job handed to us.
    """
    with transaction.atomic():
        asset = VideoAsset.objects.select_for_update().filter(pk=asset_id).first()
        if asset is None:
            return "deleted"
        if asset.attempt != attempt:
            return "superseded"
        if asset.status in (VideoAsset.Status.READY, VideoAsset.Status.FAILED):
            return "done"
        if asset.status == VideoAsset.Status.PROCESSING and not _holder_is_lost(asset):
            return BUSY
        now = _now()
        asset.run += 1
        asset.status = VideoAsset.Status.PROCESSING
        asset.worker_id = worker_id
        asset.heartbeat_at = asset.started_at = now
        asset.finished_at = None
        asset.progress = 0.0
        asset.error_code = asset.error_message = ""
        if asset.preview_run is not None and asset.preview_run != asset.published_run:
            asset.preview_run = None
            asset.preview_files = {}
        asset.save()
        keep = asset.run_prefix(asset.published_run) if asset.published_run else None
        return Claim(
            asset_id=asset.pk,
            uuid=str(asset.uuid),
            run=asset.run,
            worker_id=worker_id,
            original=asset.original.name,
            run_prefix=asset.run_prefix(asset.run),
            keep_prefix=keep,
        )


def _owned(claim: Claim):
    return VideoAsset.objects.filter(
        pk=claim.asset_id,
        worker_id=claim.worker_id,
        run=claim.run,
        status=VideoAsset.Status.PROCESSING,
    )


def _beat(claim: Claim, **fields: Any) -> None:
    now = _now()
    if not _owned(claim).update(heartbeat_at=now, updated_at=now, **fields):
        raise JobLost(f"asset {claim.asset_id} run {claim.run} is no longer ours")


def _remove_orphans(claim: Claim) -> None:
    """Files of runs that never finished (a killed worker) go before this run starts."""
    for folder in _run_folders(f"videos/{claim.uuid}/"):
        if folder != claim.keep_prefix:
            storage.delete_prefix(folder)


def _run_folders(prefix: str) -> list[str]:
    folders = set()
    for name in storage.list_files(prefix):
        rest = name[len(prefix) :]
        head = rest.split("/", 1)[0]
        if head.startswith("r") and head[1:].isdigit() and "/" in rest:
            folders.add(f"{prefix}{head}/")
    return sorted(folders)


def video_asset_transcode(*, asset_id: int, attempt: int, worker_id: str | None = None) -> str:
    """Run one job to the end; returns what happened ("ready", "failed", "skipped", "lost")."""
    worker_id = worker_id or new_worker_id()
    video_assets_reap_stale()
    claim = video_asset_claim(asset_id=asset_id, attempt=attempt, worker_id=worker_id)
    if claim == BUSY:
        # Look again once the holder would have gone stale: if it was killed, we take
        # over then; if it is alive, that look finds the job done.
        _enqueue_later(asset_id, attempt, delay_s=conf.stale_after_s() + 1)
        return "deferred"
    if isinstance(claim, str):
        return "skipped"
    work = conf.work_dir() / claim.uuid
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        _remove_orphans(claim)
        source = storage.fetch_original(claim.original, work / "source")
        _beat(claim)
        result = mp.transcode(
            source,
            work / "out",
            on_progress=lambda fraction: _beat(claim, progress=round(min(fraction, 0.99), 4)),
            on_preview_ready=lambda files: _publish_preview(claim, files),
            max_duration_s=conf.max_duration_s(),
            stall_timeout=conf.stall_timeout_s(),
        )
        write_low_playlist(result)
        preview_names = {Path(p).name for p in _preview_names(claim)}
        storage.put_folder(
            result.out_dir,
            claim.run_prefix,
            skip=preview_names,
            on_file=lambda _name: _beat(claim),
        )
        _finish(claim, result)
    except (mp.MediaRejected, mp.TranscodeFailed) as exc:
        # A job deleted under our feet fails too (its original is gone); that is "lost".
        return "failed" if _fail(claim, str(exc.code), exc.message) else "lost"
    except JobLost:
        logger.info("asset %s run %s was taken from us; cleaning up", claim.asset_id, claim.run)
        _discard_run(claim)
        return "lost"
    except Exception as exc:
        _fail(claim, INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return "ready"


def _preview_names(claim: Claim) -> list[str]:
    row = (
        VideoAsset.objects.filter(pk=claim.asset_id).values("preview_files", "preview_run").first()
    )
    if not row or row["preview_run"] != claim.run:
        return []
    return list((row["preview_files"] or {}).values())


def _publish_preview(claim: Claim, files: dict[str, Path]) -> None:
    """Upload the MP4, listen-only audio and poster so the lesson plays before the ladder."""
    names = {}
    for role, path in files.items():
        names[role] = storage.put_file(path, claim.run_prefix + path.name)
        _beat(claim)
    _beat(claim, preview_run=claim.run, preview_files=names)


def write_low_playlist(result: mp.TranscodeResult) -> None:
    """A master playlist holding only the lowest rung: the data-saver choice.

    Native HLS players pick their own rung from a master playlist; the only way to keep
    one on the smallest rendition is to offer it a playlist that lists nothing else.
    """
    master = result.out_dir / mp.MASTER_PLAYLIST
    lines = master.read_text(encoding="utf-8").splitlines()
    if not result.rungs:
        (result.out_dir / LOW_PLAYLIST).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    lowest = min(result.rungs, key=lambda rung: rung.short_side)
    kept: list[str] = []
    skip_next = False
    for index, line in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        if line.startswith("#EXT-X-STREAM-INF:"):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            skip_next = True
            if following.strip() == lowest.playlist:
                kept += [line, following]
            continue
        kept.append(line)
    (result.out_dir / LOW_PLAYLIST).write_text("\n".join(kept) + "\n", encoding="utf-8")


def _finish(claim: Claim, result: mp.TranscodeResult) -> None:
    info = result.probe
    manifest = dict(result.manifest)
    manifest["low"] = LOW_PLAYLIST
    with transaction.atomic():
        now = _now()
        updated = _owned(claim).update(
            status=VideoAsset.Status.READY,
            progress=1.0,
            published_run=claim.run,
            manifest=manifest,
            duration=info.duration,
            width=info.display_width or None,
            height=info.display_height or None,
            finished_at=now,
            heartbeat_at=now,
            updated_at=now,
        )
    if not updated:
        raise JobLost(f"asset {claim.asset_id} changed hands before run {claim.run} finished")
    for folder in _run_folders(f"videos/{claim.uuid}/"):
        if folder != claim.run_prefix:
            storage.delete_prefix(folder)


def _fail(claim: Claim, code: str, message: str) -> bool:
    now = _now()
    updated = _owned(claim).update(
        status=VideoAsset.Status.FAILED,
        error_code=code[:32],
        error_message=message[:10_000],
        finished_at=now,
        heartbeat_at=now,
        updated_at=now,
        preview_run=None,
        preview_files={},
    )
    storage.delete_prefix(claim.run_prefix)
    return bool(updated)


def _discard_run(claim: Claim) -> None:
    still_ours_or_gone = (
        not VideoAsset.objects.filter(pk=claim.asset_id, run=claim.run)
        .exclude(worker_id=claim.worker_id)
        .exists()
    )
    if still_ours_or_gone:
        storage.delete_prefix(claim.run_prefix)


# --------------------------------------------------------------------------- reaping


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

    from .tasks import watch_video_jobs

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


# --------------------------------------------------------------------------- uploads


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
            filename=(get_valid_filename(_printable(filename)) or "upload.mp4")[:255],
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
            # Recorded while the file is still locked, so the next writer's ``before`` and
            # the database never disagree.
            VideoUpload.objects.filter(pk=upload.pk, received__lt=have).update(
                received=have, updated_at=_now()
            )
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    upload.refresh_from_db()
    return upload


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
