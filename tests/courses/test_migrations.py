"""Moving lessons' videos and quizzes out of the body keeps every lesson, draft and attempt."""

import datetime as dt
import json

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

import pytest

from courses.lesson_facts import lesson_quiz
from courses.models import LessonPage, LessonQuiz, QuizAttempt
from credits.ledger.services import ledger_credit_assessment
from tests.factories import UserFactory, VideoAssetFactory
from tests.helpers import lessons_of, make_course

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("courses", "0005_attendance_confirmation_and_code_misses")
QUIZ_ID = "6f1c1f7e-2b7a-4c39-9d1e-5b0e8f4a2c11"
QUESTION = {"question": "红灯时", "choices": ["停", "走"], "correct": 1}


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _old_body(video_id: int, *, pass_mark: int, chapter: str) -> list[dict]:
    return [
        {
            "type": "video",
            "value": {
                "video": video_id,
                "captions": None,
                "captions_language": "en",
                "chapters": [
                    {"type": "item", "value": {"start": chapter, "title": "开始"}, "id": "c1"}
                ],
            },
            "id": "3d9b8a52-0f2e-4c1e-9a55-7c2f3f0b1a10",
        },
        {
            "type": "text",
            "value": "<p>夜间骑行要开灯。</p>",
            "id": "a7e0c3f2-1111-4d2a-8f00-000000000001",
        },
        {
            "type": "quiz",
            "value": {
                "title": "结业考核",
                "questions": [{"type": "item", "value": QUESTION, "id": "q1"}],
                "pass_mark": pass_mark,
                "credit_minutes": 45,
            },
            "id": QUIZ_ID,
        },
    ]


@pytest.fixture
def lesson(school, occupation):
    return lessons_of(make_course(school, occupation, lessons=1))[0]


def test_videos_and_quizzes_leave_the_body_for_fields_in_lessons_and_their_drafts(lesson):
    learner = UserFactory()
    asset = VideoAssetFactory(duration=600)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    passed_at = timezone.make_aware(dt.datetime(2026, 11, 30, 21, 0))
    try:
        old = migrate([BEFORE])
        OldLesson = old.get_model("courses", "LessonPage")
        Revision = old.get_model("wagtailcore", "Revision")
        OldAttempt = old.get_model("courses", "QuizAttempt")
        OldLesson.objects.filter(pk=lesson.pk).update(
            body=_old_body(asset.pk, pass_mark=60, chapter="0:00")
        )
        published = Revision.objects.filter(object_id=str(lesson.pk)).latest("created_at")
        content = dict(published.content)
        content["body"] = json.dumps(_old_body(asset.pk, pass_mark=80, chapter="1:30"))
        draft = Revision.objects.create(
            content_type_id=published.content_type_id,
            base_content_type_id=published.base_content_type_id,
            object_id=published.object_id,
            object_str=published.object_str,
            content=content,
            created_at=timezone.now(),
        )
        OldAttempt.objects.create(
            learner_id=learner.pk,
            lesson_id=lesson.pk,
            block_id=QUIZ_ID,
            score=100,
            pass_mark=60,
            passed=True,
            answers=[1],
            submitted_at=passed_at,
        )
    finally:
        migrate(latest)

    migrated = LessonPage.objects.get(pk=lesson.pk)
    assert migrated.video_id == asset.pk
    assert migrated.video_captions_language == "en"
    assert [c.value["start"] for c in migrated.video_chapters] == ["0:00"]
    assert [block.block_type for block in migrated.body] == ["text"]
    quiz = LessonQuiz.objects.get(lesson=migrated)
    assert (quiz.key, quiz.title, quiz.pass_mark, quiz.credit_minutes) == (
        QUIZ_ID,
        "结业考核",
        60,
        45,
    )
    assert [q["value"] for q in quiz.questions.raw_data] == [QUESTION]

    from wagtail.models import Revision

    drafted = Revision.objects.get(pk=draft.pk).as_object()
    assert drafted.video == asset
    assert [block.block_type for block in drafted.body] == ["text"]
    assert [c.value["start"] for c in drafted.video_chapters] == ["1:30"]
    (draft_quiz,) = drafted.quizzes.all()
    assert (draft_quiz.pk, draft_quiz.key, draft_quiz.pass_mark) == (quiz.pk, QUIZ_ID, 80)
    assert draft_quiz.questions[0].value["question"] == "红灯时"

    attempt = QuizAttempt.objects.get(learner=learner)
    assert lesson_quiz(lesson=migrated, key=attempt.block_id) == quiz
    entry = ledger_credit_assessment(attempt=attempt)
    assert (entry.reference, entry.minutes) == (f"quiz:{lesson.pk}:{QUIZ_ID}", 45)


def test_going_back_puts_the_video_first_and_the_quizzes_last_in_the_body(lesson):
    asset = VideoAssetFactory()
    migrated = LessonPage.objects.get(pk=lesson.pk)
    migrated.video = asset
    migrated.body = [("text", "<p>夜间骑行要开灯。</p>")]
    migrated.quizzes = [
        LessonQuiz(key=QUIZ_ID, title="小测验", pass_mark=50, questions=[("question", QUESTION)])
    ]
    migrated.save_revision().publish()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate([BEFORE])
        OldLesson = old.get_model("courses", "LessonPage")
        Revision = old.get_model("wagtailcore", "Revision")
        blocks = list(OldLesson.objects.get(pk=lesson.pk).body.raw_data)
        revision = Revision.objects.filter(object_id=str(lesson.pk)).latest("created_at")
        in_revision = json.loads(revision.content["body"])
    finally:
        migrate(latest)

    for body in (blocks, in_revision):
        assert [block["type"] for block in body] == ["video", "text", "quiz"]
        assert body[0]["value"]["video"] == asset.pk
        assert body[2]["id"] == QUIZ_ID
        assert body[2]["value"]["pass_mark"] == 50
        assert body[2]["value"]["questions"][0]["value"]["question"] == "红灯时"
    assert "quizzes" not in revision.content
    again = LessonPage.objects.get(pk=lesson.pk)
    assert again.video_id == asset.pk
    assert list(again.quizzes.values_list("key", flat=True)) == [QUIZ_ID]
