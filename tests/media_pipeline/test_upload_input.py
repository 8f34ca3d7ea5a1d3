"""Upload endpoints given what a broken client or an attacker sends: a clear refusal, no 500,
nothing left behind; and a disk that fills up mid-chunk."""

from __future__ import annotations

import errno
import json
import os

from django.urls import reverse

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from media_pipeline import conf
from media_pipeline.models import VideoAsset, VideoUpload
from media_pipeline.services import uploads
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

START = "media_pipeline_admin:upload_start"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@pytest.fixture
def instructor_client(client):
    client.force_login(InstructorFactory())
    return client


def post_start(client, body: bytes | str):
    return client.post(reverse(START), data=body, content_type="application/json")


def put(client, url: str, offset, data: bytes):
    return client.put(
        url, data=data, content_type="application/octet-stream", HTTP_X_UPLOAD_OFFSET=str(offset)
    )


def part_size(upload_id: str) -> int:
    return os.path.getsize(conf.upload_dir() / f"{upload_id}.part")


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"size"', "12", "null", "true"])
def test_an_upload_start_that_is_not_an_object_is_a_clear_400(instructor_client, body):
    response = post_start(instructor_client, body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not VideoUpload.objects.exists()


@pytest.mark.parametrize(
    "size", ["Infinity", "NaN", "1e400", "true", "[1]", '{"a": 1}', '"12x"', "12.5"]
)
def test_an_upload_start_with_a_size_that_is_not_a_whole_number_is_refused(instructor_client, size):
    response = post_start(
        instructor_client, f'{{"title": "t", "filename": "a.mp4", "size": {size}}}'
    )
    assert response.status_code == 400
    assert not VideoUpload.objects.exists()


def test_a_title_with_control_characters_is_stored_without_them(instructor_client):
    response = post_start(
        instructor_client,
        json.dumps({"title": "夜\x00间\x07安全", "filename": "a\x00.mp4", "size": 10}),
    )
    assert response.status_code == 201
    upload = VideoUpload.objects.get()
    assert upload.title == "夜间安全"
    assert "\x00" not in upload.filename


def _disk_fills_after(monkeypatch, room: int) -> None:
    """The file layer takes ``room`` more bytes for real, then says the disk is full."""
    real = uploads._write_piece
    left = [room]

    def write(fd: int, data: bytes) -> None:
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fits = data[: left[0]]
        real(fd, fits)
        left[0] -= len(fits)
        if len(fits) < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(uploads, "_write_piece", write)


def test_a_chunk_the_full_disk_refuses_is_cut_back_and_its_retry_succeeds(
    instructor_client, monkeypatch
):
    # 256 KiB, four of the service's write pieces, opening as an MP4 does.
    data = MP4_HEAD + bytes(range(256)) * 1024
    state = json.loads(
        post_start(
            instructor_client, json.dumps({"title": "t", "filename": "a.mp4", "size": len(data)})
        ).content
    )
    first = put(instructor_client, state["url"], 0, data[:100_000])
    assert first.status_code == 200 and first.json()["offset"] == 100_000

    _disk_fills_after(monkeypatch, room=70_000)
    full = put(instructor_client, state["url"], 100_000, data[100_000:200_000])

    assert full.status_code == 507
    assert full.json()["error"]
    upload = VideoUpload.objects.get()
    assert upload.received == 100_000
    assert part_size(state["id"]) == 100_000  # the 70 000 bytes that fitted are gone again
    assert instructor_client.get(state["url"]).json()["offset"] == 100_000

    monkeypatch.undo()  # room again
    retry = put(instructor_client, state["url"], 100_000, data[100_000:200_000])
    assert retry.status_code == 200 and retry.json()["offset"] == 200_000
    last = put(instructor_client, state["url"], 200_000, data[200_000:])
    assert last.status_code == 200 and last.json()["done"] is True
    asset = VideoAsset.objects.get()
    from media_pipeline import storage

    assert storage.local_path(asset.original.name).read_bytes() == data


def test_an_upload_start_on_a_full_disk_leaves_no_upload(instructor_client, monkeypatch):
    from pathlib import Path

    def no_room(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "touch", no_room)
    response = post_start(
        instructor_client, json.dumps({"title": "t", "filename": "a.mp4", "size": 10})
    )
    assert response.status_code == 507
    assert not VideoUpload.objects.exists()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
START_BODIES = st.one_of(
    JSON_VALUES.map(json.dumps),
    st.fixed_dictionaries(
        {},
        optional={"title": JSON_VALUES, "filename": JSON_VALUES, "size": JSON_VALUES},
    ).map(json.dumps),
    st.binary(max_size=200),
)
FUZZ = hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(body=START_BODIES)
def test_upload_start_never_fails_on_what_it_is_sent(instructor_client, body):
    before = VideoUpload.objects.count()
    response = post_start(instructor_client, body)
    assert response.status_code < 500, response.content
    if response.status_code == 201:
        assert VideoUpload.objects.count() == before + 1
    else:
        assert response.status_code == 400 and response.json()["error"]
        assert VideoUpload.objects.count() == before


@FUZZ
@given(
    offset=st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.integers(min_value=0, max_value=600),
        st.text(max_size=20),
    ),
    body=st.binary(max_size=700),
)
def test_upload_chunk_never_fails_and_file_and_record_agree(instructor_client, offset, body):
    upload = VideoUpload.objects.order_by("pk").last()
    if upload is None or upload.complete:
        state = json.loads(
            post_start(
                instructor_client, json.dumps({"title": "t", "filename": "a.mp4", "size": 500})
            ).content
        )
        upload = VideoUpload.objects.get(uuid=state["id"])
    url = reverse("media_pipeline_admin:upload_chunk", args=[upload.uuid])
    assets = VideoAsset.objects.count()

    response = put(instructor_client, url, offset, body)

    assert response.status_code < 500, response.content
    if not VideoUpload.objects.filter(pk=upload.pk).exists():
        # Its first bytes were not a recording's: refused, and nothing of it is kept.
        assert response.status_code == 400 and response.json()["error"]
        assert not list(conf.upload_dir().glob(f"{upload.uuid}*"))
        assert VideoAsset.objects.count() == assets
        return
    upload.refresh_from_db()
    if upload.asset_id is None:
        assert part_size(str(upload.uuid)) == upload.received
    if response.status_code >= 400:
        assert VideoAsset.objects.count() == assets
