"""Reads for study-time accounting."""

from courses.models import LessonPage


def lesson_media_duration(*, lesson: LessonPage) -> float | None:
    """The length of the lesson's recording as the server measured it, never as a browser says."""
    for block in lesson.body:
        if block.block_type == "video":
            asset = block.value.get("video")
            if asset is not None and asset.duration:
                return float(asset.duration)
    return None
