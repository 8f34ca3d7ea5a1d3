"""What courses does when Wagtail publishes or unpublishes a page: lay out the course's cycles."""

from typing import Any

from wagtail.models import Page

from . import services
from .models import CoursePage, LessonPage


def lay_out_cycles(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    """A live course whose own page or one of whose lessons changed has its cycles rolled ahead.

    A lesson published under a course that is not live yet lays out nothing: the course's own
    publish does, with all its lessons, so no cycle that has begun is frozen half built.
    """
    course = None
    if isinstance(instance, CoursePage):
        course = instance
    elif isinstance(instance, LessonPage):
        parent = instance.get_parent()
        course = parent.specific if parent is not None else None
    if isinstance(course, CoursePage) and course.live:
        services.cycles_roll_ahead(course=course)
