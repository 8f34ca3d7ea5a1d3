"""Reads for lesson videos: what the player and the admin need to know."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import conf, storage
from .failures import failure_sentence
from .models import VideoAsset
from .timecodes import timecode_seconds


def file_url(name: str) -> str:
    """Local files go through our own view, which answers the Range requests players make."""
    if storage.is_local():
        return reverse("media_pipeline:file", kwargs={"path": name})
    return storage.url(name)


@dataclass(frozen=True)
class Playback:
    """Everything the player template needs, as flat values."""

    asset_uuid: str
    state: str  # "ready", "preview" (MP4 only), "preparing", "failed"
    title: str
    master_url: str = ""
    low_url: str = ""
    mp4_url: str = ""
    audio_url: str = ""
    poster_url: str = ""
    thumbs_vtt_url: str = ""
    duration: float | None = None
    portrait: bool = False
    progress: float = 0.0
    hlsjs_static: str = ""
    minutes_left: int | None = None  # while preparing: about how long until it plays

    @property
    def playable(self) -> bool:
        return self.state in ("ready", "preview")

    @property
    def progress_percent(self) -> int:
        return int(self.progress * 100)


def video_chapter_list(*, chapters) -> list[dict[str, Any]]:
    """Chapters in time order with the second each one seeks to; a start time that does not
    read as a timecode is left out rather than break the page."""
    listed = []
    for chapter in chapters:
        try:
            seconds = timecode_seconds(chapter["start"])
        except ValueError:
            continue
        listed.append({"seconds": seconds, "start": chapter["start"], "title": chapter["title"]})
    return sorted(listed, key=lambda c: c["seconds"])


def video_player(
    *, asset: VideoAsset, captions=None, captions_language: str = "", chapters=()
) -> dict[str, Any]:
    """The flat values ``media_pipeline/components/player.html`` renders: the playback of a
    video, its captions (a Wagtail document) and its chapters (``start``/``title`` pairs)."""
    return {
        "p": video_asset_playback(asset=asset),
        "captions_url": captions.url if captions is not None else "",
        "captions_language": captions_language or "zh-hans",
        "chapters": video_chapter_list(chapters=chapters),
    }


def video_asset_playback(*, asset: VideoAsset) -> Playback:
    common: dict[str, Any] = {
        "asset_uuid": str(asset.uuid),
        "title": asset.title,
        "progress": asset.progress,
        "hlsjs_static": conf.hlsjs_static_path(),
    }
    if asset.published_run is not None:
        prefix = asset.run_prefix(asset.published_run)
        manifest = asset.manifest or {}
        source = manifest.get("source") or {}

        def named(key: str) -> str:
            value = manifest.get(key)
            return file_url(prefix + value) if value else ""

        thumbs = manifest.get("thumbs") or {}
        return Playback(
            state="ready",
            master_url=named("master"),
            low_url=named("low"),
            mp4_url=named("mp4"),
            audio_url=named("m4a"),
            poster_url=named("poster"),
            thumbs_vtt_url=file_url(prefix + thumbs["vtt"]) if thumbs.get("vtt") else "",
            duration=manifest.get("duration"),
            portrait=source.get("display_height", 0) > source.get("display_width", 0),
            **common,
        )
    if asset.preview_run is not None and asset.preview_files.get("mp4"):
        files = asset.preview_files
        return Playback(
            state="preview",
            mp4_url=file_url(files["mp4"]),
            audio_url=file_url(files["m4a"]) if files.get("m4a") else "",
            poster_url=file_url(files["poster"]) if files.get("poster") else "",
            portrait=bool(asset.height and asset.width and asset.height > asset.width),
            **common,
        )
    if asset.status == VideoAsset.Status.FAILED:
        return Playback(state="failed", **common)
    return Playback(state="preparing", minutes_left=video_asset_minutes_left(asset=asset), **common)


# Work seconds per second of recording, when no job has finished yet to measure it by: the
# ladder of a phone-sized lecture encodes faster than real time on two cores, and a demo
# recording is generated first.
DEFAULT_WORK_PER_MEDIA_SECOND = 1.0
DEFAULT_MEDIA_SECONDS = 600.0


def _media_seconds(asset: VideoAsset, fallback: float) -> float:
    if asset.duration:
        return float(asset.duration)
    seconds = (asset.source_recipe or {}).get("seconds")
    return float(seconds) if seconds else fallback


def video_asset_minutes_left(*, asset: VideoAsset) -> int:
    """About how many minutes until a queued or processing video plays: its own work and that
    of the jobs queued before it, at the pace recent jobs took on this platform's workers."""
    finished = list(
        VideoAsset.objects.filter(
            status=VideoAsset.Status.READY,
            duration__gt=0,
            started_at__isnull=False,
            finished_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("started_at", "finished_at", "duration")[:10]
    )
    if finished:
        work = sum((end - start).total_seconds() for start, end, _d in finished)
        per_second = max(work / sum(d for _s, _e, d in finished), 0.05)
        typical = sum(d for _s, _e, d in finished) / len(finished)
    else:
        per_second, typical = DEFAULT_WORK_PER_MEDIA_SECOND, DEFAULT_MEDIA_SECONDS
    ahead = VideoAsset.objects.filter(
        status__in=[VideoAsset.Status.QUEUED, VideoAsset.Status.PROCESSING]
    ).filter(Q(created_at__lt=asset.created_at) | Q(pk=asset.pk))
    seconds = 0.0
    for job in ahead.only("duration", "source_recipe", "progress", "status"):
        left = 1 - job.progress if job.status == VideoAsset.Status.PROCESSING else 1
        seconds += _media_seconds(job, typical) * per_second * left
    return max(1, math.ceil(seconds / 60))


def video_run_is_public(*, asset_uuid: str, run: int) -> bool:
    try:
        key = uuid.UUID(asset_uuid)
    except ValueError:
        return False
    return (
        VideoAsset.objects.filter(uuid=key)
        .filter(Q(published_run=run) | Q(preview_run=run))
        .exists()
    )


def video_assets_for_user(*, user: Any) -> QuerySet[VideoAsset]:
    """The videos ``user`` may see and act on: their own school's; administrators all."""
    if not (user.is_authenticated and user.is_active):
        return VideoAsset.objects.none()
    if user.is_superuser:
        return VideoAsset.objects.all()
    if not getattr(user, "organisation_id", None):
        return VideoAsset.objects.none()
    return VideoAsset.objects.filter(organisation_id=user.organisation_id)


def video_assets_for_admin(*, user: Any, search: str = "") -> QuerySet[VideoAsset]:
    assets = video_assets_for_user(user=user).select_related("uploaded_by")
    if search:
        assets = assets.filter(title__icontains=search)
    return assets


USAGE_HOOK = "video_asset_published_usage"


def video_asset_published_usage(*, asset: VideoAsset) -> list[str]:
    """Titles of the published pages that show this video.

    Wagtail's reference index knows every page whose live content points at the video;
    it is brought up to date by a background task, so apps that hold videos in their own
    pages (courses: lessons) also answer through the ``video_asset_published_usage`` hook
    (a function given the asset, returning titles), which reads their pages directly.
    """
    from wagtail import hooks
    from wagtail.models import Page, ReferenceIndex

    page_type = ContentType.objects.get_for_model(Page)
    ids = [
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(asset)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
        if str(object_id).isdigit()
    ]
    titles = set(Page.objects.live().filter(pk__in=ids).values_list("title", flat=True))
    for finder in hooks.get_hooks(USAGE_HOOK):
        titles.update(finder(asset))
    return sorted(titles)


def video_asset_failure_reason(*, asset: VideoAsset) -> str:
    """One translated sentence for the instructor; the technical detail is shown below it."""
    if asset.status != VideoAsset.Status.FAILED and not asset.error_code:
        return ""
    return failure_sentence(code=asset.error_code, params=asset.error_params)


def video_assets_choosable(*, user: Any) -> QuerySet[VideoAsset]:
    """The videos ``user`` may put on a page: their school's, except those that failed (a
    video still processing may go on a draft; publishing waits for it to be ready)."""
    return video_assets_for_user(user=user).exclude(status=VideoAsset.Status.FAILED)


def video_asset_choosable(*, asset: VideoAsset) -> bool:
    return asset.status != VideoAsset.Status.FAILED


def video_asset_state_text(*, asset: VideoAsset) -> str:
    """The state of a video in one line, as the chooser and the lesson's checks say it."""
    if asset.status == VideoAsset.Status.READY:
        return _("Ready to play")
    if asset.status == VideoAsset.Status.PROCESSING:
        return _("Being processed, %(percent)s%% done") % {"percent": int(asset.progress * 100)}
    if asset.status == VideoAsset.Status.QUEUED:
        return _("Waiting to be processed")
    return _("Failed: %(reason)s") % {"reason": video_asset_failure_reason(asset=asset)}


def video_asset_notice(*, asset: VideoAsset) -> str:
    """Said in the admin when a job's worker was lost and the job queued again."""
    if asset.worker_lost_at is None:
        return ""
    when = date_format(timezone.localtime(asset.worker_lost_at), "Y-m-d H:i")
    return _("The worker processing this video was lost at %(time)s; the job was queued again.") % {
        "time": when
    }


def video_assets_status(*, user: Any, ids: list[int]) -> list[dict[str, Any]]:
    """What the admin list polls for its live progress bars; other schools' videos are left out."""
    rows = []
    for asset in video_assets_for_user(user=user).filter(pk__in=ids[:200]):
        rows.append(
            {
                "id": asset.pk,
                "status": asset.status,
                "status_label": asset.get_status_display(),
                "progress": round(asset.progress, 4),
                "percent": int(asset.progress * 100),
                "preview_ready": asset.preview_run is not None,
                "error": video_asset_failure_reason(asset=asset),
                "notice": video_asset_notice(asset=asset),
            }
        )
    return rows
