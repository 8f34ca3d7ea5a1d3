"""The pieces a lesson body is built from, and those of its quizzes and video chapters.
Small blocks with their own templates. A lesson's video and quizzes are fields of the lesson
(courses.models), not blocks of its body."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from media_pipeline.blocks import ChapterBlock


class QuizQuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=300)
    choices = blocks.ListBlock(
        blocks.CharBlock(label=_("Choice"), max_length=200),
        min_num=2,
        max_num=6,
        label=_("Choices"),
    )
    correct = blocks.IntegerBlock(
        label=_("Number of the correct choice"),
        min_value=1,
        max_value=6,
        help_text=_("1 for the first choice, 2 for the second, and so on."),
    )

    class Meta:
        icon = "help"
        label = _("Question")


class HandoutBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/handout.html"
        description = _("A handout learners can download")
        label = _("Handout")


def lesson_body_blocks() -> list[tuple[str, blocks.Block]]:
    return [
        (
            "text",
            blocks.RichTextBlock(
                label=_("Text"),
                features=["h2", "h3", "bold", "italic", "ol", "ul", "link"],
                template="courses/blocks/text.html",
            ),
        ),
        ("image", ImageBlock(label=_("Image"))),
        ("handout", HandoutBlock()),
    ]


def quiz_question_blocks() -> list[tuple[str, blocks.Block]]:
    return [("question", QuizQuestionBlock())]


def video_chapter_blocks() -> list[tuple[str, blocks.Block]]:
    return [("chapter", ChapterBlock())]
