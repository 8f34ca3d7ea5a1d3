"""Lessons' videos and quizzes become fields of the lesson, out of the body.

Forward, for every lesson and every revision of one:

- the first ``video`` block gives the lesson its ``video``, ``video_captions``,
  ``video_captions_language`` and ``video_chapters``; any further video block is dropped (a
  lesson plays one lecture);
- each ``quiz`` block becomes a ``LessonQuiz`` whose ``key`` is the block's id, so quiz
  attempts (``QuizAttempt.block_id``) and the ledger's ``quiz:<lesson>:<key>`` references
  still name it;
- both block types leave the body.

A revision's content is the page as modelcluster serialised it: ``body`` and
``video_chapters`` are JSON strings of their streams, ``video`` a primary key, ``quizzes``
the list of child rows (a quiz the live page has keeps that row's primary key, so publishing
the revision updates the row instead of making another).

Backward (best effort): the video goes back as the first block of the body and the quizzes
as its last blocks, each with its key as block id; where they stood among the other blocks
before is not known any more.
"""

import json
import uuid

from django.db import migrations

import wagtail.fields


def _as_stream(raw):
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return json.loads(raw)
    return list(raw)


def _list_items(raw):
    """A ListBlock's raw items, in either of its stored forms, as (id, value) pairs."""
    items = []
    for item in raw or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            items.append((item.get("id") or str(uuid.uuid4()), item["value"]))
        else:
            items.append((str(uuid.uuid4()), item))
    return items


def _as_list_block(stream):
    return [{"type": "item", "value": child["value"], "id": child["id"]} for child in stream]


def _to_stream(items, block_type):
    return [{"type": block_type, "value": value, "id": id} for id, value in items]


def _split(body):
    """The body without its video and quiz blocks; the first video's fields; the quizzes."""
    kept, video, quizzes, keys = [], None, [], set()
    for block in body:
        kind = block.get("type")
        value = block.get("value") or {}
        if kind == "video":
            if video is None:
                video = {
                    "video": value.get("video"),
                    "video_captions": value.get("captions"),
                    "video_captions_language": value.get("captions_language") or "zh-hans",
                    "video_chapters": _to_stream(_list_items(value.get("chapters")), "chapter"),
                }
        elif kind == "quiz":
            key = block.get("id") or str(uuid.uuid4())
            if key in keys:
                key = str(uuid.uuid4())
            keys.add(key)
            quizzes.append(
                {
                    "key": key,
                    "title": value.get("title") or "Quick check",
                    "pass_mark": value.get("pass_mark")
                    if value.get("pass_mark") is not None
                    else 60,
                    "credit_minutes": value.get("credit_minutes") or 0,
                    "questions": _to_stream(_list_items(value.get("questions")), "question"),
                }
            )
        else:
            kept.append(block)
    return kept, video, quizzes


NO_VIDEO = {
    "video": None,
    "video_captions": None,
    "video_captions_language": "zh-hans",
    "video_chapters": [],
}


def _existing(video, VideoAsset, Document):
    """A video block may name a video or captions deleted since: the field then stays empty."""
    video = dict(video)
    if video["video"] is not None and not VideoAsset.objects.filter(pk=video["video"]).exists():
        video["video"] = None
    captions = video["video_captions"]
    if captions is not None and not Document.objects.filter(pk=captions).exists():
        video["video_captions"] = None
    return video


def forward(apps, schema_editor):
    LessonPage = apps.get_model("courses", "LessonPage")
    LessonQuiz = apps.get_model("courses", "LessonQuiz")
    VideoAsset = apps.get_model("media_pipeline", "VideoAsset")
    Document = apps.get_model("wagtaildocs", "Document")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")

    for page in LessonPage.objects.order_by("pk").iterator():
        body, video, quizzes = _split(list(page.body.raw_data))
        if video is None and not quizzes:
            continue
        video = _existing(video or NO_VIDEO, VideoAsset, Document)
        LessonPage.objects.filter(pk=page.pk).update(
            body=body,
            video_id=video["video"],
            video_captions_id=video["video_captions"],
            video_captions_language=video["video_captions_language"],
            video_chapters=video["video_chapters"],
        )
        for order, quiz in enumerate(quizzes):
            row = LessonQuiz.objects.create(
                lesson_id=page.pk,
                sort_order=order,
                key=quiz["key"],
                title=quiz["title"],
                pass_mark=quiz["pass_mark"],
                credit_minutes=quiz["credit_minutes"],
                questions="[]",
            )
            LessonQuiz.objects.filter(pk=row.pk).update(questions=quiz["questions"])

    lesson_type = ContentType.objects.filter(app_label="courses", model="lessonpage").first()
    if lesson_type is None:
        return
    live_quizzes = {
        (lesson_id, key): pk
        for pk, lesson_id, key in LessonQuiz.objects.values_list("pk", "lesson_id", "key")
    }
    for revision in Revision.objects.filter(content_type=lesson_type).iterator():
        content = dict(revision.content)
        if "quizzes" in content:
            continue  # written by the current model already
        page_id = int(revision.object_id)
        body, video, quizzes = _split(_as_stream(content.get("body")))
        video = video or NO_VIDEO
        content["body"] = json.dumps(body)
        content["video"] = video["video"]
        content["video_captions"] = video["video_captions"]
        content["video_captions_language"] = video["video_captions_language"]
        content["video_chapters"] = json.dumps(video["video_chapters"])
        content["quizzes"] = [
            {
                "pk": live_quizzes.get((page_id, quiz["key"])),
                "sort_order": order,
                "lesson": page_id,
                "key": quiz["key"],
                "title": quiz["title"],
                "pass_mark": quiz["pass_mark"],
                "credit_minutes": quiz["credit_minutes"],
                "questions": json.dumps(quiz["questions"]),
            }
            for order, quiz in enumerate(quizzes)
        ]
        Revision.objects.filter(pk=revision.pk).update(content=content)


def _video_block(video):
    return {
        "type": "video",
        "value": {
            "video": video["video"],
            "captions": video["video_captions"],
            "captions_language": video["video_captions_language"] or "zh-hans",
            "chapters": _as_list_block(video["video_chapters"]),
        },
        "id": str(uuid.uuid4()),
    }


def _quiz_block(quiz):
    return {
        "type": "quiz",
        "value": {
            "title": quiz["title"],
            "questions": _as_list_block(quiz["questions"]),
            "pass_mark": quiz["pass_mark"],
            "credit_minutes": quiz["credit_minutes"],
        },
        "id": quiz["key"],
    }


def _joined(body, video, quizzes):
    head = [_video_block(video)] if video["video"] is not None else []
    return head + body + [_quiz_block(quiz) for quiz in quizzes]


def backward(apps, schema_editor):
    LessonPage = apps.get_model("courses", "LessonPage")
    LessonQuiz = apps.get_model("courses", "LessonQuiz")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")

    for page in LessonPage.objects.order_by("pk").iterator():
        quizzes = [
            {
                "key": quiz.key,
                "title": quiz.title,
                "pass_mark": quiz.pass_mark,
                "credit_minutes": quiz.credit_minutes,
                "questions": list(quiz.questions.raw_data),
            }
            for quiz in LessonQuiz.objects.filter(lesson_id=page.pk).order_by("sort_order", "pk")
        ]
        if page.video_id is None and not quizzes:
            continue
        video = {
            "video": page.video_id,
            "video_captions": page.video_captions_id,
            "video_captions_language": page.video_captions_language,
            "video_chapters": list(page.video_chapters.raw_data),
        }
        LessonPage.objects.filter(pk=page.pk).update(
            body=_joined(list(page.body.raw_data), video, quizzes)
        )
    LessonQuiz.objects.all().delete()

    lesson_type = ContentType.objects.filter(app_label="courses", model="lessonpage").first()
    if lesson_type is None:
        return
    for revision in Revision.objects.filter(content_type=lesson_type).iterator():
        content = dict(revision.content)
        if "quizzes" not in content and "video" not in content:
            continue
        video = {
            "video": content.pop("video", None),
            "video_captions": content.pop("video_captions", None),
            "video_captions_language": content.pop("video_captions_language", "zh-hans"),
            "video_chapters": _as_stream(content.pop("video_chapters", None)),
        }
        quizzes = [
            {
                "key": quiz.get("key") or str(uuid.uuid4()),
                "title": quiz.get("title") or "Quick check",
                "pass_mark": quiz.get("pass_mark", 60),
                "credit_minutes": quiz.get("credit_minutes") or 0,
                "questions": _as_stream(quiz.get("questions")),
            }
            for quiz in content.pop("quizzes", None) or []
        ]
        content["body"] = json.dumps(_joined(_as_stream(content.get("body")), video, quizzes))
        Revision.objects.filter(pk=revision.pk).update(content=content)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_lesson_video_and_quiz_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="lessonpage",
            name="body",
            field=wagtail.fields.StreamField(
                [("text", 0), ("image", 1), ("handout", 4)],
                blank=True,
                block_lookup={
                    0: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": ["h2", "h3", "bold", "italic", "ol", "ul", "link"],
                            "label": "Text",
                            "template": "courses/blocks/text.html",
                        },
                    ),
                    1: ("wagtail.images.blocks.ImageBlock", [], {"label": "Image"}),
                    2: ("wagtail.documents.blocks.DocumentChooserBlock", (), {"label": "Document"}),
                    3: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Title", "max_length": 120, "required": False},
                    ),
                    4: ("wagtail.blocks.StructBlock", [[("document", 2), ("title", 3)]], {}),
                },
                verbose_name="body",
            ),
        ),
    ]
