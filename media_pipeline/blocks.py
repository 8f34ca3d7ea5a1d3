"""The lesson video block: a video from the library, optional captions, optional chapters.

Courses put it in a Lesson's body; this app knows nothing of lessons beyond that.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

from .selectors import Playback, video_asset_playback
from .viewsets import video_asset_chooser_viewset

VideoChooserBlock = video_asset_chooser_viewset.get_block_class(
    name="VideoChooserBlock", module_path="media_pipeline.blocks"
)

TIMECODE = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)$")


def timecode_seconds(text: str) -> int:
    match = TIMECODE.match(text.strip())
    if match is None:
        raise ValueError(text)
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


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
        chapters = []
        for chapter in self.get("chapters") or []:
            try:
                seconds = timecode_seconds(chapter["start"])
            except ValueError:
                continue
            chapters.append(
                {"seconds": seconds, "start": chapter["start"], "title": chapter["title"]}
            )
        return sorted(chapters, key=lambda c: c["seconds"])


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
