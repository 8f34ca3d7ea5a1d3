"""Reads for study-time accounting."""

from courses.models import LessonPage
from courses.selectors import lesson_video_duration


def lesson_media_duration(*, lesson: LessonPage) -> float | None:
    """The length of the lesson's recording as the server measured it, never as a browser says."""
    return lesson_video_duration(lesson=lesson)
