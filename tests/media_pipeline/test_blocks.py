"""The lesson video block renders the right player for each state of its video."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import translation

from wagtail.blocks import StructBlockValidationError
from wagtail.documents.models import Document

import pytest

from media_pipeline.blocks import LessonVideoBlock, timecode_seconds
from media_pipeline.models import VideoAsset
from media_pipeline.services import video_asset_create

pytestmark = pytest.mark.django_db


def render(asset: VideoAsset, **extra) -> str:
    block = LessonVideoBlock()
    value = block.to_python({"video": asset.pk, "captions": None, "chapters": [], **extra})
    return block.render(value)


def test_a_video_still_processing_says_it_is_being_prepared(small_src):
    asset = video_asset_create(title="t", source=small_src)  # not committed: stays queued
    with translation.override("zh-hans"):
        html_zh = render(asset)
    with translation.override("en"):
        html_en = render(asset)
    assert "<video" not in html_en
    assert "being prepared" in html_en
    assert "being prepared" not in html_zh  # shown in Chinese


def test_preview_files_play_as_mp4_before_the_ladder(small_src):
    asset = video_asset_create(title="t", source=small_src)
    VideoAsset.objects.filter(pk=asset.pk).update(
        status="processing",
        preview_run=1,
        preview_files={"mp4": f"videos/{asset.uuid}/r1/video_240.mp4"},
    )
    asset.refresh_from_db()
    html = render(asset)
    assert 'data-state="preview"' in html
    assert 'data-master=""' in html
    assert "video_240.mp4" in html


def test_chapters_are_listed_in_time_order_with_seek_targets(
    small_src, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asset = video_asset_create(title="t", source=small_src)
    html = render(
        asset,
        chapters=[{"start": "1:05", "title": "Second"}, {"start": "0:00", "title": "First"}],
    )
    assert html.index("First") < html.index("Second")
    assert 'data-seek="65"' in html
    assert timecode_seconds("1:02:03") == 3723


def test_captions_must_be_webvtt(small_src):
    asset = video_asset_create(title="t", source=small_src)
    srt = Document.objects.create(title="c", file=ContentFile(b"1\n", name="c.srt"))
    vtt = Document.objects.create(title="c", file=ContentFile(b"WEBVTT\n", name="c.vtt"))
    block = LessonVideoBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"video": asset.pk, "captions": srt.pk, "chapters": []}))
    value = block.clean(block.to_python({"video": asset.pk, "captions": vtt.pk, "chapters": []}))
    assert value["captions"].pk == vtt.pk
