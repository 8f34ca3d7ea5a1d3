"""One transcode job, from its claim to the published run.

A job may be delivered twice, so the claim is taken under a row lock, every later step
checks that the row still names this worker and run, and each run writes only to its own
storage folder.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from .. import conf, storage
from .. import ffmpeg as mp
from ..models import VideoAsset
from .errors import INTERNAL_ERROR, LOW_PLAYLIST, JobLost
from .liveness import _holder_is_lost, _now, new_worker_id
from .queueing import _enqueue_later, video_assets_reap_stale

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    asset_id: int
    uuid: str
    run: int
    worker_id: str
    original: str
    run_prefix: str
    keep_prefix: str | None
    recipe: dict[str, Any] | None = None


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
        asset.error_params = {}
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
            recipe=asset.source_recipe or None,
        )


def _owned(claim: Claim) -> QuerySet[VideoAsset]:
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
        if claim.original:
            source = storage.fetch_original(claim.original, work / "source")
        else:
            source = _generate_original(claim, work)
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
        params = {"detail": exc.detail, **exc.params} if exc.detail else {}
        return "failed" if _fail(claim, str(exc.code), exc.message, params) else "lost"
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


def _generate_original(claim: Claim, work: Path) -> Path:
    """Make a queued demo asset's recording from its recipe and keep it as the original, so a
    later run (a retry, a lost worker's job) transcodes the same file without making it again."""
    from ..demo import make_recipe_source
    from ..models import original_upload_to

    if not claim.recipe:
        raise mp.MediaRejected(mp.RejectCode.EMPTY_FILE, "The video has no original file.")
    target = work / "source.mp4"
    try:
        make_recipe_source(claim.recipe, target)
    except (OSError, subprocess.SubprocessError) as exc:
        raise mp.TranscodeFailed(
            mp.FailureCode.FFMPEG_ERROR, f"The demo recording could not be made: {exc}"
        ) from exc
    asset = VideoAsset.objects.only("uuid", "original_filename").get(pk=claim.asset_id)
    # Always the same name: a second run that makes it again overwrites, leaving no orphan.
    name = storage.put_file(target, original_upload_to(asset, asset.original_filename))
    now = _now()
    if not _owned(claim).update(
        original=name,
        original_size=target.stat().st_size,
        source_recipe={},
        heartbeat_at=now,
        updated_at=now,
    ):
        raise JobLost(f"asset {claim.asset_id} run {claim.run} is no longer ours")
    return target


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


def _fail(claim: Claim, code: str, message: str, params: dict | None = None) -> bool:
    now = _now()
    updated = _owned(claim).update(
        status=VideoAsset.Status.FAILED,
        error_code=code[:32],
        error_message=message[:10_000],
        error_params=params or {},
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
