"""Videos belong to a school: another school's instructor cannot list, preview, choose,
retry, delete or poll them, and nothing of theirs changes when they try."""

from __future__ import annotations

import json
from pathlib import Path

from django.urls import reverse

import pytest

from media_pipeline import services, storage
from media_pipeline.models import VideoAsset
from tests.factories import InstructorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_a():
    return OrganisationFactory(name="城东职业技能培训学校")


@pytest.fixture
def teacher_a(school_a):
    return InstructorFactory(organisation=school_a)


@pytest.fixture
def teacher_b():
    return InstructorFactory(organisation=OrganisationFactory(name="城西职业技能培训学校"))


def published_video(src: Path, uploader, title: str = "夜间安全驾驶") -> VideoAsset:
    """A ready video with its files in storage, without running ffmpeg."""
    asset = services.video_asset_create(title=title, source=src, uploaded_by=uploader)
    run = asset.run_prefix(1)
    for name in ("master.m3u8", "v240.mp4"):
        target = storage.local_path(run + name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"#EXTM3U\n" if name.endswith("m3u8") else b"\0" * 100)
    VideoAsset.objects.filter(pk=asset.pk).update(
        status=VideoAsset.Status.READY,
        progress=1.0,
        run=1,
        published_run=1,
        manifest={"master": "master.m3u8", "mp4": "v240.mp4"},
    )
    asset.refresh_from_db()
    return asset


def snapshot(asset: VideoAsset) -> tuple:
    row = VideoAsset.objects.filter(pk=asset.pk).values().first()
    files = {
        name: storage.local_path(name).read_bytes()
        for name in storage.list_files(asset.storage_prefix)
    }
    return row, files


@pytest.fixture
def a_video(small_src, teacher_a):
    return published_video(small_src, teacher_a)


def test_an_upload_belongs_to_the_uploaders_school(client, teacher_a, small_src):
    client.force_login(teacher_a)
    data = small_src.read_bytes()
    state = client.post(
        reverse("media_pipeline_admin:upload_start"),
        data=json.dumps({"title": "t", "filename": "a.mp4", "size": len(data)}),
        content_type="application/json",
    ).json()
    client.put(
        state["url"], data=data, content_type="application/octet-stream", HTTP_X_UPLOAD_OFFSET="0"
    )
    assert VideoAsset.objects.get().organisation_id == teacher_a.organisation_id


def test_the_list_shows_only_my_schools_videos(client, a_video, teacher_a, teacher_b):
    client.force_login(teacher_b)
    listing = client.get(reverse("media_pipeline_admin:index")).content.decode()
    assert a_video.title not in listing
    searched = client.get(reverse("media_pipeline_admin:index") + "?q=夜间").content.decode()
    assert a_video.title not in searched

    client.force_login(teacher_a)
    assert a_video.title in client.get(reverse("media_pipeline_admin:index")).content.decode()


def test_administrators_see_every_schools_videos(client, a_video):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, role="admin"))
    assert a_video.title in client.get(reverse("media_pipeline_admin:index")).content.decode()
    detail = client.get(reverse("media_pipeline_admin:detail", args=[a_video.pk]))
    assert detail.status_code == 200


def test_another_schools_video_cannot_be_previewed_or_polled(client, a_video, teacher_a, teacher_b):
    before = snapshot(a_video)
    client.force_login(teacher_b)
    assert client.get(reverse("media_pipeline_admin:detail", args=[a_video.pk])).status_code == 404
    status = client.get(reverse("media_pipeline_admin:status") + f"?id={a_video.pk}").json()
    assert status["assets"] == []
    assert snapshot(a_video) == before

    client.force_login(teacher_a)
    assert client.get(reverse("media_pipeline_admin:detail", args=[a_video.pk])).status_code == 200
    status = client.get(reverse("media_pipeline_admin:status") + f"?id={a_video.pk}").json()
    assert [row["id"] for row in status["assets"]] == [a_video.pk]


def test_another_schools_video_cannot_be_retried(
    client, a_video, teacher_a, teacher_b, django_capture_on_commit_callbacks
):
    before = snapshot(a_video)
    client.force_login(teacher_b)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("media_pipeline_admin:retry", args=[a_video.pk]))
    assert response.status_code == 404
    assert queued == []
    assert snapshot(a_video) == before

    client.force_login(teacher_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("media_pipeline_admin:retry", args=[a_video.pk]))
    assert response.status_code == 302 and len(queued) == 1
    a_video.refresh_from_db()
    assert a_video.attempt == 2


def test_another_schools_video_cannot_be_deleted(client, a_video, teacher_a, teacher_b):
    before = snapshot(a_video)
    client.force_login(teacher_b)
    assert client.get(reverse("media_pipeline_admin:delete", args=[a_video.pk])).status_code == 404
    assert client.post(reverse("media_pipeline_admin:delete", args=[a_video.pk])).status_code == 404
    assert snapshot(a_video) == before

    client.force_login(teacher_a)
    assert client.post(reverse("media_pipeline_admin:delete", args=[a_video.pk])).status_code == 302
    assert not VideoAsset.objects.filter(pk=a_video.pk).exists()
    assert storage.list_files(a_video.storage_prefix) == []


def test_the_chooser_offers_only_my_schools_videos(client, a_video, teacher_a, teacher_b):
    choose = reverse("video_asset_chooser:choose")
    results = reverse("video_asset_chooser:choose_results")
    chosen = reverse("video_asset_chooser:chosen", args=[a_video.pk])
    client.force_login(teacher_b)
    assert a_video.title not in client.get(choose).json()["html"]
    assert a_video.title not in client.get(results + "?q=夜间").content.decode()
    assert client.get(chosen).status_code == 404
    multiple = client.get(reverse("video_asset_chooser:chosen_multiple") + f"?id={a_video.pk}")
    assert a_video.title not in multiple.content.decode()

    client.force_login(teacher_a)
    assert a_video.title in client.get(choose).json()["html"]
    assert client.get(chosen).status_code == 200


def test_another_schools_upload_cannot_be_resumed(client, teacher_a, teacher_b):
    client.force_login(teacher_a)
    state = client.post(
        reverse("media_pipeline_admin:upload_start"),
        data=json.dumps({"title": "t", "filename": "a.mp4", "size": 100}),
        content_type="application/json",
    ).json()
    client.force_login(teacher_b)
    assert client.get(state["url"]).status_code == 404
    put = client.put(
        state["url"],
        data=b"x" * 10,
        content_type="application/octet-stream",
        HTTP_X_UPLOAD_OFFSET="0",
    )
    assert put.status_code == 404
    client.force_login(teacher_a)
    assert client.get(state["url"]).json()["offset"] == 0


def test_files_of_a_run_not_yet_published_are_not_served(client, a_video):
    published = a_video.run_prefix(1) + "v240.mp4"
    in_progress = a_video.run_prefix(2) + "v240.mp4"
    target = storage.local_path(in_progress)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"half a file")
    VideoAsset.objects.filter(pk=a_video.pk).update(status="processing", run=2)

    assert client.get(reverse("media_pipeline:file", kwargs={"path": published})).status_code == 200
    assert (
        client.get(reverse("media_pipeline:file", kwargs={"path": in_progress})).status_code == 404
    )
    # Once its preview is published, the running job's preview plays.
    VideoAsset.objects.filter(pk=a_video.pk).update(
        preview_run=2, preview_files={"mp4": in_progress}
    )
    assert (
        client.get(reverse("media_pipeline:file", kwargs={"path": in_progress})).status_code == 200
    )
