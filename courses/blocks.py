"""The pieces a lesson body is built from. Small blocks with their own templates."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from media_pipeline.blocks import LessonVideoBlock


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


class QuizBlock(blocks.StructBlock):
    """A short check at the end of a lesson: a few questions and a pass mark."""

    title = blocks.CharBlock(label=_("Title"), max_length=120, default=_("Quick check"))
    questions = blocks.ListBlock(QuizQuestionBlock(), min_num=1, max_num=10)
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"), min_value=0, max_value=100, default=60
    )
    credit_minutes = blocks.IntegerBlock(
        label=_("Class-hour credit (minutes)"),
        min_value=0,
        max_value=480,
        default=0,
        required=False,
        help_text=_(
            "Minutes banked once, the first time a learner passes: for an end-of-course "
            "assessment, say. 0 banks nothing."
        ),
    )

    class Meta:
        icon = "tasks"
        template = "courses/blocks/quiz.html"
        description = _("A few multiple-choice questions with a pass mark")
        label = _("Quiz")
        preview_value = {
            "title": "小测验",
            "questions": [
                {
                    "question": "派件前应先做什么？",
                    "choices": ["核对地址", "直接出发"],
                    "correct": 1,
                }
            ],
            "pass_mark": 60,
            "credit_minutes": 0,
        }


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
        ("video", LessonVideoBlock()),
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
        ("quiz", QuizBlock()),
    ]
