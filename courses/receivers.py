"""What courses does when Wagtail publishes a page: lay out the course's cycles ahead."""

from . import services
from .models import CoursePage, LessonPage


def lay_out_cycles(sender, instance, **kwargs) -> None:
    """A published course, or a lesson of one, has its cycles rolled ahead."""
    course = None
    if isinstance(instance, CoursePage):
        course = instance
    elif isinstance(instance, LessonPage):
        course = instance.get_parent().specific_deferred
    if course is not None:
        services.cycles_roll_ahead(course=course)
