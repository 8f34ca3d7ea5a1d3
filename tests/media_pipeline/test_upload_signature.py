"""A file that is not a recording is refused as soon as its first bytes arrive, in the
uploader's language, and leaves nothing behind; stored failures read in the reader's
language, whenever they were stored."""

from __future__ import annotations

import json
import zlib

from django.urls import reverse
from django.utils import translation

import pytest

from media_pipeline import conf
from media_pipeline.failures import failure_sentence
from media_pipeline.ffmpeg.signatures import HEAD_BYTES, looks_like_media
from media_pipeline.models import VideoAsset, VideoUpload
from tests.factories import InstructorFactory

START = "media_pipeline_admin:upload_start"
NOTES = ("第一课 讲稿\n夜间送餐要注意交通安全。\n" * 40).encode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + zlib.compress(b"\x00" * 600)
PDF = b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 30


@pytest.fixture
def instructor_client(client):
    client.force_login(InstructorFactory())
    return client


def start(client, name: str, size: int, **headers):
    return client.post(
        reverse(START),
        data=json.dumps({"title": "第一课", "filename": name, "size": size}),
        content_type="application/json",
        **headers,
    )


def put(client, url: str, offset: int, data: bytes, **headers):
    return client.put(
        url,
        data=data,
        content_type="application/octet-stream",
        HTTP_X_UPLOAD_OFFSET=str(offset),
        **headers,
    )


@pytest.mark.parametrize(
    "fixture", ["small_src", "landscape_src", "audio_only_src", "vfr_src", "no_audio_src"]
)
def test_recordings_of_every_kind_open_with_a_container_signature(request, fixture):
    head = request.getfixturevalue(fixture).read_bytes()[:HEAD_BYTES]
    assert looks_like_media(head)


@pytest.mark.parametrize("extension", ["mkv", "webm", "avi", "ts", "mov", "flv", "ogg", "mp3"])
def test_other_containers_are_recognised(make_media, extension):
    codecs = {
        "webm": ["-c:v", "libvpx", "-deadline", "realtime"],
        "ogg": ["-vn", "-c:a", "libvorbis"],
        "mp3": ["-vn", "-c:a", "libmp3lame"],
    }.get(extension, [])
    source = make_media(
        f"signature.{extension}",
        [
            "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1",
            "-f", "lavfi", "-i", "sine=duration=1",
            "-shortest", *codecs,
        ],
    )  # fmt: skip
    assert looks_like_media(source.read_bytes()[:HEAD_BYTES])


@pytest.mark.parametrize(
    "data",
    [NOTES, PNG, PDF, b"PK\x03\x04" + b"\x00" * 2000, b"#EXTM3U\n#EXTINF:4,\nfile:/etc/passwd\n"],
    ids=["text", "png", "pdf", "zip", "playlist"],
)
def test_files_that_are_not_recordings_have_no_signature(data):
    assert not looks_like_media(data[:HEAD_BYTES])


@pytest.mark.django_db
def test_a_text_file_renamed_mp4_is_refused_at_its_first_chunk_in_chinese(instructor_client):
    data = NOTES * 200  # larger than one chunk: refused before the rest is sent
    state = start(instructor_client, "第一课.mp4", len(data)).json()

    response = put(instructor_client, state["url"], 0, data[:65536])

    assert response.status_code == 400
    error = response.json()["error"]
    assert "“第一课.mp4”不是视频或录音文件" in error, error
    assert not VideoUpload.objects.exists()
    assert not VideoAsset.objects.exists()
    assert not list(conf.upload_dir().glob(f"{state['id']}*"))
    # What the uploader does next (resume, or send the next chunk) finds no upload.
    assert instructor_client.get(state["url"]).status_code == 404
    assert put(instructor_client, state["url"], 65536, data[65536:131072]).status_code == 404


@pytest.mark.django_db
def test_the_refusal_speaks_english_to_an_instructor_who_chose_english(client):
    from wagtail.users.models import UserProfile

    instructor = InstructorFactory()
    UserProfile.objects.update_or_create(user=instructor, defaults={"preferred_language": "en"})
    client.force_login(instructor)
    state = start(client, "notes.mp4", len(NOTES)).json()
    response = put(client, state["url"], 0, NOTES)
    assert response.status_code == 400
    assert "is not a video or sound recording" in response.json()["error"]


@pytest.mark.django_db
def test_a_refused_small_file_sent_in_tiny_chunks_is_judged_once_its_head_is_in(
    instructor_client,
):
    state = start(instructor_client, "notes.mp4", len(NOTES)).json()
    first = put(instructor_client, state["url"], 0, NOTES[:100])
    assert first.status_code == 200  # too little to tell yet
    refused = put(instructor_client, state["url"], 100, NOTES[100:HEAD_BYTES])
    assert refused.status_code == 400
    assert not VideoUpload.objects.exists()


@pytest.mark.django_db
def test_a_real_recording_passes_its_first_chunk(instructor_client, small_src):
    data = small_src.read_bytes()
    state = start(instructor_client, small_src.name, len(data)).json()
    response = put(instructor_client, state["url"], 0, data[:65536])
    assert response.status_code == 200
    assert response.json()["offset"] == 65536


def test_stored_failures_read_in_the_readers_language():
    params = {"detail": "too_long", "length": "5:00:00", "limit": "4:00:00"}
    with translation.override("zh-hans"):
        chinese = failure_sentence(code="TOO_LONG", params=params)
    with translation.override("en"):
        english = failure_sentence(code="TOO_LONG", params=params)
    assert english == "The recording lasts 5:00:00; the limit is 4:00:00."
    assert "5:00:00" in chinese and "4:00:00" in chinese and "recording" not in chinese


@pytest.mark.parametrize(
    "code",
    [
        "EMPTY_FILE",
        "UNREADABLE",
        "ZERO_LENGTH",
        "NO_STREAMS",
        "TOO_LONG",
        "TOO_LARGE",
        "STALLED",
        "TIMEOUT",
        "FFMPEG_ERROR",
        "DURATION_MISMATCH",
        "INTERNAL",
    ],
)
def test_a_failure_stored_before_its_sentence_was_named_still_reads_in_chinese(code):
    """Rows failed by an earlier version hold only a code and an English message."""
    with translation.override("zh-hans"):
        sentence = failure_sentence(code=code, params={})
    assert sentence and not any("a" <= ch.lower() <= "z" for ch in sentence), sentence


@pytest.mark.django_db
def test_a_truncated_upload_fails_with_a_translated_sentence_on_its_page(
    client, truncated_src, django_capture_on_commit_callbacks
):
    from media_pipeline.services import video_asset_create

    instructor = InstructorFactory()
    client.force_login(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        asset = video_asset_create(title="坏文件", source=truncated_src, uploaded_by=instructor)
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.FAILED
    assert asset.error_params.get("detail"), asset.error_params
    with translation.override("zh-hans"):
        expected = failure_sentence(code=asset.error_code, params=asset.error_params)
    page = client.get(reverse("media_pipeline_admin:detail", args=[asset.pk])).content.decode()
    assert expected in page
