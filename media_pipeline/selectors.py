"""Reads for lesson videos: what the player and the admin need to know."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from . import conf, storage
from .models import VideoAsset


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

    @property
    def playable(self) -> bool:
        return self.state in ("ready", "preview")

    @property
    def progress_percent(self) -> int:
        return int(self.progress * 100)


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
    state = "failed" if asset.status == VideoAsset.Status.FAILED else "preparing"
    return Playback(state=state, **common)


def video_assets_for_admin(*, search: str = "") -> QuerySet[VideoAsset]:
    assets = VideoAsset.objects.select_related("uploaded_by")
    if search:
        assets = assets.filter(title__icontains=search)
    return assets


FAILURE_REASONS = {
    "EMPTY_FILE": lambda: _("The file is empty."),
    "UNREADABLE": lambda: _("The file could not be read as a video or audio recording."),
    "ZERO_LENGTH": lambda: _("The recording has no usable length."),
    "NO_STREAMS": lambda: _("The file has neither picture nor sound."),
    "TOO_LONG": lambda: _("The recording is longer than allowed."),
    "TOO_LARGE": lambda: _("The file or its picture is larger than allowed."),
    "STALLED": lambda: _("Processing stopped making progress and was cancelled."),
    "TIMEOUT": lambda: _("Processing took too long and was cancelled."),
    "FFMPEG_ERROR": lambda: _("The video could not be converted."),
    "DURATION_MISMATCH": lambda: _(
        "The converted video is shorter than the upload; the file is probably cut short."
    ),
    "INTERNAL": lambda: _("Something went wrong on our side. Try again."),
}


def video_asset_failure_reason(*, asset: VideoAsset) -> str:
    """One translated sentence for the instructor; the technical detail is shown below it."""
    reason = FAILURE_REASONS.get(asset.error_code)
    return reason() if reason else ""


def video_assets_status(*, ids: list[int]) -> list[dict[str, Any]]:
    """What the admin list polls for its live progress bars."""
    rows = []
    for asset in VideoAsset.objects.filter(pk__in=ids[:200]):
        rows.append(
            {
                "id": asset.pk,
                "status": asset.status,
                "status_label": asset.get_status_display(),
                "progress": round(asset.progress, 4),
                "percent": int(asset.progress * 100),
                "preview_ready": asset.preview_run is not None,
                "error": video_asset_failure_reason(asset=asset),
            }
        )
    return rows
