"""Thin views: the public file view for local storage, and the admin's video screens."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import conf, selectors, services, storage
from .models import VideoAsset, VideoUpload

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
SERVED_PREFIX = "videos/"
STREAM_CHUNK = 256 * 1024


# --------------------------------------------------------------------------- public files


def serve_file(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a derived lesson file from local storage, with the Range answers players need.

    An open-ended range gets at most ``conf.open_range_bytes()`` so an aborted read wastes
    little; a closed range is what the player chose and is answered whole, and no Range
    at all (a learner saving the listen-only file) still gets the whole file with 200.

    Only the published run and the preview of the run in progress are served: originals,
    a run still being written and the leftovers of a killed one stay private.
    """
    parts = path.split("/")
    if (
        not path.startswith(SERVED_PREFIX)
        or ".." in parts
        or len(parts) != 4
        or not re.fullmatch(r"r\d+", parts[2])
        or not selectors.video_run_is_public(asset_uuid=parts[1], run=int(parts[2][1:]))
    ):
        raise Http404
    local = storage.local_path(path)
    if local is None or not local.is_file():
        raise Http404
    size = local.stat().st_size
    headers = {
        "Content-Type": storage.content_type_for(path),
        "Cache-Control": storage.cache_control_for(path),
        "Accept-Ranges": "bytes",
    }
    match = RANGE.match(request.headers.get("Range", ""))
    if match is None or not any(match.groups()):
        response = FileResponse(open(local, "rb"))  # noqa: SIM115 - closed by the response
        for key, value in headers.items():
            response[key] = value
        return response
    first, last = match.groups()
    if first:
        start = int(first)
        end = int(last) if last else start + conf.open_range_bytes() - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    end = min(end, size - 1)
    if start > end or start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    response = StreamingHttpResponse(_read_range(local, start, end - start + 1), status=206)
    for key, value in headers.items():
        response[key] = value
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    return response


def _read_range(path: Path, start: int, length: int):
    with open(path, "rb") as handle:
        handle.seek(start)
        while length > 0:
            piece = handle.read(min(STREAM_CHUNK, length))
            if not piece:
                return
            length -= len(piece)
            yield piece


# --------------------------------------------------------------------------- admin screens
# Registered through Wagtail's register_admin_urls hook, so the admin's own access check
# (instructors and administrators only) guards every one of them.


def admin_index(request: HttpRequest) -> TemplateResponse:
    # Looking at the list also looks for jobs whose worker was lost, so what it shows is
    # current even when the worker's own watch has not come round yet.
    services.video_assets_reap_stale()
    search = request.GET.get("q", "").strip()
    assets = list(selectors.video_assets_for_admin(user=request.user, search=search)[:200])
    rows = [
        {
            "asset": asset,
            "reason": selectors.video_asset_failure_reason(asset=asset),
            "notice": selectors.video_asset_notice(asset=asset),
        }
        for asset in assets
    ]
    return TemplateResponse(
        request,
        "media_pipeline/admin/index.html",
        {
            "page_title": _("Lesson videos"),
            "header_icon": "media",
            "rows": rows,
            "search": search,
            "status_url": reverse("media_pipeline_admin:status"),
        },
    )


def admin_upload(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request,
        "media_pipeline/admin/upload.html",
        {
            "page_title": _("Upload a lecture"),
            "header_icon": "upload",
            "max_bytes": conf.upload_max_bytes(),
            "max_mb": conf.upload_max_bytes() // (1024 * 1024),
            "start_url": reverse("media_pipeline_admin:upload_start"),
        },
    )


@require_POST
def admin_upload_start(request: HttpRequest) -> JsonResponse:
    not_understood = JsonResponse({"error": _("The request was not understood.")}, status=400)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return not_understood
    if not isinstance(data, dict):
        return JsonResponse(
            {"error": _("Send the upload's title, file name and size as a JSON object.")},
            status=400,
        )
    size = data.get("size", 0)
    if isinstance(size, bool) or not isinstance(size, int | str):
        return not_understood
    try:
        size = int(size)
    except ValueError:
        return not_understood
    try:
        upload = services.video_upload_start(
            user=request.user,
            title=str(data.get("title") or ""),
            filename=str(data.get("filename") or ""),
            size=size,
        )
    except services.UploadRefused as exc:
        return JsonResponse({"error": exc.message}, status=400)
    except services.UploadStorageFull as exc:
        return _storage_full(exc)
    return JsonResponse(_upload_state(upload), status=201)


def _storage_full(exc: services.UploadStorageFull) -> JsonResponse:
    response = JsonResponse({"error": exc.message}, status=507 if exc.full else 503)
    response["Retry-After"] = "60"
    return response


def _upload_state(upload: VideoUpload) -> dict:
    state = {
        "id": str(upload.uuid),
        "offset": upload.received,
        "size": upload.size,
        "url": reverse("media_pipeline_admin:upload_chunk", args=[upload.uuid]),
        "done": upload.asset_id is not None,
    }
    if upload.asset_id is not None:
        state["asset_url"] = reverse("media_pipeline_admin:detail", args=[upload.asset_id])
    return state


def admin_upload_chunk(request: HttpRequest, upload_id: str) -> JsonResponse:
    """GET tells a returning uploader where to resume; PUT appends the chunk at X-Upload-Offset."""
    upload = get_object_or_404(VideoUpload, uuid=upload_id, user=request.user)
    if request.method == "GET":
        return JsonResponse(_upload_state(upload))
    if request.method not in ("PUT", "POST"):
        return HttpResponseNotAllowed(["GET", "PUT", "POST"])
    try:
        offset = int(request.headers.get("X-Upload-Offset", ""))
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return JsonResponse({"error": _("The request was not understood.")}, status=400)
    try:
        upload = services.video_upload_append(
            upload=upload, offset=offset, stream=request, length=length
        )
        if upload.complete and upload.asset_id is None:
            services.video_upload_finish(upload=upload)
            upload.refresh_from_db()
    except services.UploadOffsetMismatch as exc:
        return JsonResponse({**_upload_state(upload), "offset": exc.expected}, status=409)
    except services.UploadRefused as exc:
        return JsonResponse({"error": exc.message}, status=400)
    except services.UploadStorageFull as exc:
        return _storage_full(exc)
    return JsonResponse(_upload_state(upload))


def _own_asset(request: HttpRequest, pk: int) -> VideoAsset:
    """Another school's video answers 404, as if it did not exist."""
    return get_object_or_404(selectors.video_assets_for_user(user=request.user), pk=pk)


def admin_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    asset = _own_asset(request, pk)
    return TemplateResponse(
        request,
        "media_pipeline/admin/detail.html",
        {
            "page_title": asset.title,
            "header_icon": "media",
            "asset": asset,
            "reason": selectors.video_asset_failure_reason(asset=asset),
            "notice": selectors.video_asset_notice(asset=asset),
            # The same player template lessons use, so what staff preview is what learners get.
            "player": selectors.video_player(asset=asset),
            "status_url": reverse("media_pipeline_admin:status"),
        },
    )


@require_POST
def admin_retry(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _own_asset(request, pk)
    services.video_asset_retry(asset_id=asset.pk)
    messages.success(request, _("“%(title)s” will be processed again.") % {"title": asset.title})
    return redirect("media_pipeline_admin:detail", pk=asset.pk)


def admin_delete(request: HttpRequest, pk: int) -> HttpResponse:
    asset = _own_asset(request, pk)
    if request.method == "POST":
        try:
            services.video_asset_delete(asset_id=asset.pk)
        except services.VideoInUse as exc:
            messages.error(request, _in_use_message(asset, exc.titles))
            return redirect("media_pipeline_admin:detail", pk=asset.pk)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": asset.title})
        return redirect("media_pipeline_admin:index")
    used_by = selectors.video_asset_published_usage(asset=asset)
    return TemplateResponse(
        request,
        "media_pipeline/admin/delete.html",
        {
            "page_title": _("Delete lesson video"),
            "header_icon": "bin",
            "asset": asset,
            "used_by": used_by,
            "in_use_message": _in_use_message(asset, used_by) if used_by else "",
        },
    )


def _in_use_message(asset: VideoAsset, titles: list[str]) -> str:
    return _(
        "“%(title)s” is shown by published lessons and cannot be deleted: %(lessons)s. "
        "Take it out of those lessons first."
    ) % {"title": asset.title, "lessons": "、".join(f"“{t}”" for t in titles)}


def admin_status(request: HttpRequest) -> JsonResponse:
    try:
        ids = [int(value) for value in request.GET.getlist("id")]
    except ValueError:
        ids = []
    if ids:
        services.video_assets_reap_stale()
    return JsonResponse({"assets": selectors.video_assets_status(user=request.user, ids=ids)})
