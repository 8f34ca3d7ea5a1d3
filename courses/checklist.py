"""The way from a new course to one a learner can play, as a checklist in the course editor.

Each step says whether it is done and where to do it, in the order an instructor takes
them: the facts a certificate relies on, the lessons, a ready video on each, sending the
course for approval, and the lead's approval that publishes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail.admin.panels import Panel

from .forms import CoursePageForm


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    note: str = ""
    link_url: str = ""
    link_text: str = ""


def course_checklist(*, course) -> list[Step]:
    """The steps for ``course`` (a course page, saved or not), each ticked or not."""
    from media_pipeline.selectors import video_asset_state_text

    from .models import LessonPage

    missing = [
        str(course._meta.get_field(name).verbose_name)
        for name in CoursePageForm.REQUIRED_TO_PUBLISH
        if getattr(course, name) in (None, "")
    ]
    steps = [
        Step(
            label=_("Fill in the credential facts"),
            done=not missing,
            note=(
                _("Below, under the credential facts, still empty: %(fields)s.")
                % {"fields": "、".join(missing)}
                if missing
                else ""
            ),
        )
    ]
    if course.pk is None:
        steps.append(Step(label=_("Add lessons"), done=False, note=_("Save the course first.")))
        return steps

    rows = list(LessonPage.objects.child_of(course).order_by("path"))
    lessons = [row.get_latest_revision_as_object() for row in rows]  # drafts included
    steps.append(
        Step(
            label=_("Add lessons"),
            done=bool(lessons),
            note=_("%(n)s lessons.") % {"n": len(lessons)} if lessons else "",
            link_url=reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]),
            link_text=_("Add a lesson"),
        )
    )
    waiting = []
    for lesson in lessons:
        video = lesson.video
        if video is None:
            waiting.append(_("“%(lesson)s” has no video") % {"lesson": lesson.title})
        elif video.status != video.Status.READY:
            waiting.append(
                _("“%(lesson)s”: %(state)s")
                % {"lesson": lesson.title, "state": video_asset_state_text(asset=video)}
            )
    steps.append(
        Step(
            label=_("Put a ready video on every lesson"),
            done=bool(lessons) and not waiting,
            note="；".join(waiting),
            link_url=reverse("media_pipeline_admin:upload"),
            link_text=_("Upload a lecture"),
        )
    )
    # Pages whose latest version learners do not see yet: each needs the lead's approval.
    pending = [page for page in [course, *rows] if not page.live or page.has_unpublished_changes]
    steps.append(
        Step(
            label=_("Send the course and its lessons for approval"),
            done=bool(rows) and all(page.workflow_in_progress for page in pending),
            note=_("In the menu at the bottom of each page's editor, choose “Submit to …”."),
            link_url=reverse("wagtailadmin_explore", args=[course.pk]),
            link_text=_("The course's lessons"),
        )
    )
    steps.append(
        Step(
            label=_("Approved by the school's lead and published"),
            done=bool(rows) and not pending,
            note=_("Learners see the course once it and its lessons are published."),
            link_url=course.url if course.live else "",
            link_text=_("Open it as a learner sees it"),
        )
    )
    return steps


class CourseChecklistPanel(Panel):
    """A read-only panel at the top of the course editor; it has no field of its own."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/course_checklist.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["steps"] = course_checklist(course=self.instance)
            return context
