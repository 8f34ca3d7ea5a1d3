"""Lesson videos on S3, against a real S3-compatible HTTP server (moto) on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from media_pipeline import services, storage
from media_pipeline.models import VideoAsset
from media_pipeline.selectors import video_asset_playback
from tests.support import require_service

pytestmark = pytest.mark.django_db
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


@pytest.fixture(scope="session")
def s3_endpoint():
    """The server named by NIGHTSCHOOL_TEST_S3_ENDPOINT, else a moto server started here."""
    given = os.environ.get("NIGHTSCHOOL_TEST_S3_ENDPOINT")
    if given:
        yield given
        return
    binary = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    require_service("moto_server", Path(binary).exists(), 'pip install "moto[server]"')
    port = free_port()
    server = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        require_service("moto_server", wait_for_port(port), "it did not start listening")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_endpoint, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"nightschool-{uuid.uuid4().hex[:10]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    client.create_bucket(Bucket=bucket)
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = False
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "media_pipeline.storage.MediaS3Storage"},
    }
    assert not storage.is_local()
    return client, bucket


def keys(client, bucket: str, prefix: str = "") -> list[str]:
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_a_video_transcodes_into_s3_with_the_right_headers(
    s3, small_src, django_capture_on_commit_callbacks
):
    client, bucket = s3
    with django_capture_on_commit_callbacks(execute=True):
        asset = services.video_asset_create(title="s3", source=small_src)
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.READY, asset.error_message

    run = asset.run_prefix(asset.published_run)
    stored = keys(client, bucket, run)
    assert run + "master.m3u8" in stored and run + "v240_000.m4s" in stored
    master = client.head_object(Bucket=bucket, Key=run + "master.m3u8")
    assert master["ContentType"] == "application/vnd.apple.mpegurl"
    assert master["CacheControl"] == "public, max-age=60"
    segment = client.head_object(Bucket=bucket, Key=run + "v240_000.m4s")
    assert segment["ContentType"] == "video/mp4"
    assert "immutable" in segment["CacheControl"]
    poster = client.head_object(Bucket=bucket, Key=run + "poster.jpg")
    assert poster["ContentType"] == "image/jpeg"

    playback = video_asset_playback(asset=asset)
    assert playback.master_url.startswith(settings_endpoint(client))
    assert playback.master_url.endswith(run + "master.m3u8")

    services.video_asset_delete(asset_id=asset.pk)
    assert keys(client, bucket, asset.storage_prefix) == []


def settings_endpoint(client) -> str:
    return client.meta.endpoint_url


def test_a_large_file_goes_up_in_parts(s3, tmp_path):
    client, bucket = s3
    big = tmp_path / "big.mp4"
    with open(big, "wb") as handle:
        for _ in range(20):
            handle.write(os.urandom(1024 * 1024))
    name = f"videos/{uuid.uuid4()}/r1/v720.mp4"

    storage.put_file(big, name)

    head = client.head_object(Bucket=bucket, Key=name)
    assert head["ContentLength"] == big.stat().st_size
    assert "-" in head["ETag"]  # a multipart upload's ETag names its part count
    assert head["CacheControl"].endswith("immutable")
    body = client.get_object(Bucket=bucket, Key=name)["Body"].read()
    assert body == big.read_bytes()
