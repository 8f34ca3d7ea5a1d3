"""The file view answers an open-ended range with a bounded slice, and every other form exactly."""

from django.urls import reverse

import pytest

from media_pipeline import storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(client, small_src, django_capture_on_commit_callbacks, settings):
    from media_pipeline.services import video_asset_create

    settings.MEDIA_OPEN_RANGE_BYTES = 1000
    with django_capture_on_commit_callbacks(execute=True):
        asset = video_asset_create(title="t", source=small_src)
    name = asset.run_prefix(1) + "video_240.mp4"
    return reverse("media_pipeline:file", kwargs={"path": name}), storage.local_path(
        name
    ).read_bytes()


def test_open_range_is_answered_with_at_most_the_bound(client, served):
    url, whole = served
    response = client.get(url, HTTP_RANGE="bytes=100-")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == whole[100:1100]
    assert response["Content-Range"] == f"bytes 100-1099/{len(whole)}"
    assert response["Content-Length"] == "1000"


def test_open_range_near_the_end_stops_at_the_end(client, served):
    url, whole = served
    start = len(whole) - 10
    response = client.get(url, HTTP_RANGE=f"bytes={start}-")
    assert b"".join(response.streaming_content) == whole[start:]
    assert response["Content-Range"] == f"bytes {start}-{len(whole) - 1}/{len(whole)}"


def test_closed_range_larger_than_the_bound_is_answered_whole(client, served):
    url, whole = served
    response = client.get(url, HTTP_RANGE="bytes=0-4999")
    assert b"".join(response.streaming_content) == whole[:5000]
    assert response["Content-Range"] == f"bytes 0-4999/{len(whole)}"


def test_suffix_range_gives_the_last_bytes(client, served):
    url, whole = served
    response = client.get(url, HTTP_RANGE="bytes=-3000")
    assert b"".join(response.streaming_content) == whole[-3000:]
    assert response["Content-Range"] == f"bytes {len(whole) - 3000}-{len(whole) - 1}/{len(whole)}"


def test_no_range_gets_the_whole_file(client, served):
    url, whole = served
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == whole


def test_head_with_open_range_names_the_bounded_slice(client, served):
    url, whole = served
    response = client.head(url, HTTP_RANGE="bytes=0-")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-999/{len(whole)}"


@pytest.mark.parametrize("value", ["bytes={size}-", "bytes=500-100", "bytes=-0"])
def test_unsatisfiable_range_is_416(client, served, value):
    url, whole = served
    response = client.get(url, HTTP_RANGE=value.format(size=len(whole)))
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(whole)}"
