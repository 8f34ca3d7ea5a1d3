"""The admin's video screens: resumable upload, list, detail, retry, delete, chooser.

Permissions are checked from the side of those who must be refused: learners and reviewers.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

import pytest

from media_pipeline import storage
from media_pipeline.models import VideoAsset, VideoUpload
from tests.factories import InstructorFactory, ReviewerFactory, UserFactory

pytestmark = pytest.mark.django_db

CHUNK = 64 * 1024


@pytest.fixture
def instructor_client(client):
    client.instructor = InstructorFactory()
    client.force_login(client.instructor)
    return client


def start(client, path: Path, title: str = "Night safety") -> dict:
    response = client.post(
        reverse("media_pipeline_admin:upload_start"),
        data=json.dumps({"title": title, "filename": path.name, "size": path.stat().st_size}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def put(client, url: str, offset: int, data: bytes):
    return client.put(
        url, data=data, content_type="application/octet-stream", HTTP_X_UPLOAD_OFFSET=str(offset)
    )


def test_chunked_upload_resumes_after_a_dropped_connection_and_queues_a_transcode(
    instructor_client, small_src, django_capture_on_commit_callbacks
):
    data = small_src.read_bytes()
    state = start(instructor_client, small_src)
    put(instructor_client, state["url"], 0, data[:CHUNK])
    # The connection drops mid-chunk: only part of the second chunk arrives.
    put(instructor_client, state["url"], CHUNK, data[CHUNK : CHUNK + 1000])
    # The page is reloaded; the uploader asks where to resume.
    resume = instructor_client.get(state["url"]).json()
    assert resume["offset"] == CHUNK + 1000
    # A chunk sent twice is harmless.
    put(instructor_client, state["url"], 0, data[:CHUNK])
    # A chunk past what we hold is refused with the right offset.
    gap = put(instructor_client, state["url"], len(data) - 10, data[-10:])
    assert gap.status_code == 409 and gap.json()["offset"] == CHUNK + 1000

    offset = resume["offset"]
    with django_capture_on_commit_callbacks(execute=True):
        while offset < len(data):
            reply = put(instructor_client, state["url"], offset, data[offset : offset + CHUNK])
            assert reply.status_code == 200
            offset = reply.json()["offset"]
    final = reply.json()

    assert final["done"] is True
    asset = VideoAsset.objects.get()
    assert asset.title == "Night safety"
    assert asset.original_size == len(data)
    assert storage.local_path(asset.original.name).read_bytes() == data
    assert asset.status == VideoAsset.Status.READY
    assert not list(_upload_dir().glob(f"{state['id']}*"))


def _upload_dir() -> Path:
    from media_pipeline import conf

    return conf.upload_dir()


def test_upload_over_the_size_limit_is_refused_before_any_byte(instructor_client, settings):
    settings.MEDIA_PIPELINE_UPLOAD_MAX_BYTES = 1000
    response = instructor_client.post(
        reverse("media_pipeline_admin:upload_start"),
        data=json.dumps({"title": "big", "filename": "big.mp4", "size": 1001}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "limit" in response.json()["error"] or "上限" in response.json()["error"]
    assert not VideoUpload.objects.exists()


def test_a_chunk_beyond_the_announced_size_is_refused(instructor_client, small_src):
    state = start(instructor_client, small_src)
    response = put(instructor_client, state["url"], 0, small_src.read_bytes() + b"extra")
    assert response.status_code == 400
    assert not VideoAsset.objects.exists()


def test_another_instructor_cannot_write_into_my_upload(client, instructor_client, small_src):
    state = start(instructor_client, small_src)
    client.force_login(InstructorFactory())
    assert put(client, state["url"], 0, b"x" * 10).status_code == 404
    assert client.get(state["url"]).status_code == 404


@pytest.mark.parametrize("make_user", [UserFactory, ReviewerFactory], ids=["learner", "reviewer"])
def test_only_admin_users_reach_the_video_screens(client, make_user, small_src):
    from media_pipeline.services import video_asset_create

    asset = video_asset_create(title="t", source=small_src)
    client.force_login(make_user())
    urls = [
        reverse("media_pipeline_admin:index"),
        reverse("media_pipeline_admin:upload"),
        reverse("media_pipeline_admin:status") + f"?id={asset.pk}",
        reverse("media_pipeline_admin:detail", args=[asset.pk]),
        reverse("media_pipeline_admin:delete", args=[asset.pk]),
        reverse("wagtailadmin_home") + "video-chooser/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
    posts = [
        reverse("media_pipeline_admin:upload_start"),
        reverse("media_pipeline_admin:retry", args=[asset.pk]),
        reverse("media_pipeline_admin:delete", args=[asset.pk]),
    ]
    for url in posts:
        response = client.post(url, data="{}", content_type="application/json")
        assert response.status_code in (302, 403), url
    assert VideoAsset.objects.filter(pk=asset.pk).exists()
    assert not VideoUpload.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("media_pipeline_admin:upload"))
    assert response.status_code == 302


def test_failed_video_shows_its_reason_and_can_be_retried(
    instructor_client, truncated_src, small_src, django_capture_on_commit_callbacks
):
    from media_pipeline.services import video_asset_create

    with django_capture_on_commit_callbacks(execute=True):
        asset = video_asset_create(
            title="broken", source=truncated_src, uploaded_by=instructor_client.instructor
        )
    page = instructor_client.get(reverse("media_pipeline_admin:detail", args=[asset.pk]))
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.FAILED
    assert page.status_code == 200
    text = page.content.decode()
    assert "data-video-error" in text and asset.error_message[:20] in text

    listing = instructor_client.get(reverse("media_pipeline_admin:index")).content.decode()
    assert "broken" in listing and reverse("media_pipeline_admin:retry", args=[asset.pk]) in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(reverse("media_pipeline_admin:retry", args=[asset.pk]))
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.attempt == 2


def test_status_endpoint_reports_progress_for_the_live_bar(instructor_client, small_src):
    from media_pipeline.services import video_asset_create

    asset = video_asset_create(
        title="t", source=small_src, uploaded_by=instructor_client.instructor
    )
    VideoAsset.objects.filter(pk=asset.pk).update(
        status="processing", progress=0.42, worker_id="elsewhere:1:abc", heartbeat_at=timezone.now()
    )
    data = instructor_client.get(reverse("media_pipeline_admin:status") + f"?id={asset.pk}").json()
    assert data["assets"][0]["percent"] == 42
    assert data["assets"][0]["status"] == "processing"


def test_delete_removes_every_file(
    instructor_client, small_src, django_capture_on_commit_callbacks
):
    from media_pipeline.services import video_asset_create

    with django_capture_on_commit_callbacks(execute=True):
        asset = video_asset_create(
            title="t", source=small_src, uploaded_by=instructor_client.instructor
        )
    assert (
        instructor_client.get(reverse("media_pipeline_admin:delete", args=[asset.pk])).status_code
        == 200
    )
    response = instructor_client.post(reverse("media_pipeline_admin:delete", args=[asset.pk]))
    assert response.status_code == 302
    assert storage.list_files(f"videos/{asset.uuid}/") == []


def test_chooser_lists_videos_for_instructors(instructor_client, small_src):
    from media_pipeline.services import video_asset_create

    video_asset_create(title="夜间安全", source=small_src, uploaded_by=instructor_client.instructor)
    response = instructor_client.get(reverse("video_asset_chooser:choose"))
    assert response.status_code == 200
    assert "夜间安全" in response.json()["html"]


def test_file_view_answers_range_requests_and_hides_originals(
    client, small_src, django_capture_on_commit_callbacks
):
    from media_pipeline.services import video_asset_create

    with django_capture_on_commit_callbacks(execute=True):
        asset = video_asset_create(title="t", source=small_src)
    name = asset.run_prefix(1) + "v240_000.m4s"
    url = reverse("media_pipeline:file", kwargs={"path": name})
    whole = storage.local_path(name).read_bytes()

    partial = client.get(url, HTTP_RANGE="bytes=100-199")
    assert partial.status_code == 206
    assert b"".join(partial.streaming_content) == whole[100:200]
    assert partial["Content-Range"] == f"bytes 100-199/{len(whole)}"
    playlist = client.get(
        reverse("media_pipeline:file", kwargs={"path": asset.run_prefix(1) + "master.m3u8"})
    )
    assert playlist["Content-Type"] == "application/vnd.apple.mpegurl"
    assert "max-age=60" in playlist["Cache-Control"]
    assert "immutable" in partial["Cache-Control"]
    original = reverse("media_pipeline:file", kwargs={"path": asset.original.name})
    assert client.get(original).status_code == 404
