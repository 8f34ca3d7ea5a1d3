"""The lesson video block: a video from the library, optional captions, optional chapters.

Any page's StreamField may offer it; this app knows nothing of the pages that do. A page
that renders the block includes ``media_pipeline/components/player_head.html`` in its
``<head>``: the block itself carries no ``<script>`` or ``<link>``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

from .selectors import Playback, video_asset_playback, video_chapter_list
from .timecodes import TIMECODE
from .timecodes import timecode_seconds as timecode_seconds
from .viewsets import video_asset_chooser_viewset

VideoChooserBlock = video_asset_chooser_viewset.get_block_class(
    name="VideoChooserBlock", module_path="media_pipeline.blocks"
)


class TimecodeBlock(blocks.CharBlock):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=9,
            validators=[
                RegexValidator(TIMECODE, _("Write the time as m:ss or h:mm:ss, e.g. 4:30."))
            ],
            **kwargs,
        )


class ChapterBlock(blocks.StructBlock):
    start = TimecodeBlock(label=_("starts at"), help_text=_("m:ss, e.g. 4:30"))
    title = blocks.CharBlock(label=_("title"), max_length=120)

    class Meta:
        icon = "list-ul"
        label = _("chapter")


class LessonVideoValue(blocks.StructValue):
    """Derived values for the player template, so it needs no logic of its own."""

    def playback(self) -> Playback | None:
        video = self.get("video")
        return video_asset_playback(asset=video) if video is not None else None

    def captions_url(self) -> str:
        captions = self.get("captions")
        return captions.url if captions is not None else ""

    def chapter_list(self) -> list[dict[str, Any]]:
        return video_chapter_list(chapters=self.get("chapters") or [])


class LessonVideoBlock(blocks.StructBlock):
    video = VideoChooserBlock(label=_("video"))
    captions = DocumentChooserBlock(
        label=_("captions"),
        required=False,
        help_text=_("A WebVTT file (.vtt) with the spoken words, for watching without sound."),
    )
    captions_language = blocks.ChoiceBlock(
        label=_("captions language"),
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
        required=False,
    )
    chapters = blocks.ListBlock(ChapterBlock(), label=_("chapters"), default=[])

    class Meta:
        icon = "media"
        label = _("Lesson video")
        template = "media_pipeline/blocks/lesson_video.html"
        value_class = LessonVideoValue
        description = _("A lecture video with optional captions and chapters, built for phones.")
        preview_value = {
            "video": None,
            "chapters": [
                {"start": "0:00", "title": _("Introduction")},
                {"start": "1:30", "title": _("Safety at night")},
            ],
        }

    def clean(self, value):
        value = super().clean(value)
        captions = value.get("captions")
        if captions is not None and captions.file_extension.lower() != "vtt":
            raise StructBlockValidationError(
                block_errors={
                    "captions": ValidationError(_("Captions must be a WebVTT file (.vtt)."))
                }
            )
        return value
