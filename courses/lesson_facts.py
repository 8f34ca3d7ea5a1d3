"""Facts of lessons and cycles that other apps ask for: a lesson's video and quizzes, what
lessons show a video, a cycle's learners and what they did. Reads, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count

from media_pipeline.models import VideoAsset
from media_pipeline.selectors import video_player

from .models import (
    Attendance,
    CoursePage,
    Cycle,
    Enrolment,
    LessonCompletion,
    LessonPage,
    LessonQuiz,
    QuizAttempt,
)


def live_lessons_showing_video(*, video_id: int) -> list[str]:
    """Titles of published lessons that show the video. The page row holds what is live (a
    draft lives in its revision), so this is a plain query, never behind a publish."""
    return list(
        LessonPage.objects.live()
        .filter(video_id=video_id)
        .order_by("path")
        .values_list("title", flat=True)
    )


def lesson_video(*, lesson: LessonPage) -> VideoAsset | None:
    return lesson.video


def lesson_has_video(*, lesson: LessonPage) -> bool:
    return lesson.video_id is not None


def lesson_video_duration(*, lesson: LessonPage) -> float | None:
    """The length of the lesson's recording as the pipeline measured it, if it has one."""
    video = lesson_video(lesson=lesson)
    if video is None or not video.duration:
        return None
    return float(video.duration)


def lesson_quiz(*, lesson: LessonPage, key: str) -> LessonQuiz | None:
    """The lesson's quiz of that key, as it stands now (as published, for a live lesson)."""
    return LessonQuiz.objects.filter(lesson=lesson, key=key).first()


def course_quizzes(*, course: CoursePage) -> list[LessonQuiz]:
    """Every quiz of the course's published lessons, in lesson order, each with its lesson."""
    return list(
        LessonQuiz.objects.filter(lesson__in=LessonPage.objects.live().child_of(course))
        .select_related("lesson")
        .order_by("lesson__path", "sort_order")
    )


def lesson_contents(*, lesson: LessonPage) -> dict:
    """What the lesson page shows besides its body: the player for its video (values for
    ``media_pipeline/components/player.html``) and its quizzes. ``lesson`` may be a preview
    or a revision's object, so both are read through the lesson itself."""
    player = None
    video = lesson_video(lesson=lesson)
    if video is not None:
        player = video_player(
            asset=video,
            captions=lesson.video_captions,
            captions_language=lesson.video_captions_language,
            chapters=[chapter.value for chapter in lesson.video_chapters],
        )
    return {"player": player, "quizzes": list(lesson.quizzes.all())}


@dataclass
class CycleLearningFacts:
    """What a class's learners did in one course: lessons completed (in any cycle, since a
    lesson is credited once, ever), classroom sessions of the cycle attended, and whether each
    passed every quiz of the course."""

    lesson_ids: list[int]
    completed: dict[int, int]
    attended: dict[int, int]
    quizzes_total: int
    quizzes_passed: dict[int, int]


def cycle_learning_facts(*, cycle: Cycle, learner_ids: list[int]) -> CycleLearningFacts:
    """The facts a subsidy claim rests on, for many learners in a fixed number of queries."""
    course = cycle.course
    lesson_ids = list(
        LessonPage.objects.live().child_of(course).order_by("path").values_list("pk", flat=True)
    )
    completed = dict(
        LessonCompletion.objects.filter(learner_id__in=learner_ids, lesson_id__in=lesson_ids)
        .values("learner_id")
        .annotate(n=Count("id"))
        .values_list("learner_id", "n")
    )
    attended = dict(
        Attendance.objects.filter(
            learner_id__in=learner_ids,
            session__cycle=cycle,
            status=Attendance.Status.CONFIRMED,
        )
        .values("learner_id")
        .annotate(n=Count("id"))
        .values_list("learner_id", "n")
    )
    quizzes = {(q.lesson_id, q.key) for q in course_quizzes(course=course)}
    passed: dict[int, set] = {}
    if quizzes:
        for learner_id, lesson_id, key in (
            QuizAttempt.objects.filter(
                learner_id__in=learner_ids, lesson_id__in=lesson_ids, passed=True
            )
            .values_list("learner_id", "lesson_id", "block_id")
            .distinct()
        ):
            if (lesson_id, key) in quizzes:
                passed.setdefault(learner_id, set()).add((lesson_id, key))
    return CycleLearningFacts(
        lesson_ids=lesson_ids,
        completed=completed,
        attended=attended,
        quizzes_total=len(quizzes),
        quizzes_passed={learner: len(keys) for learner, keys in passed.items()},
    )


def cycle_learner_ids(*, cycle: Cycle) -> list[int]:
    """Learners enrolled in the cycle now (those who left are not on its roster)."""
    return list(
        Enrolment.objects.filter(joined_cycle=cycle, left_at__isnull=True)
        .order_by("joined_at", "pk")
        .values_list("learner_id", flat=True)
    )
