from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

PUBLISHING_ACTIONS = ("action-publish", "action-submit")


class CoursePageForm(WagtailAdminPageForm):
    """A course may be drafted freely, but not published (or sent for approval) without the
    facts a learner and a certificate rely on."""

    REQUIRED_TO_PUBLISH = (
        "occupation",
        "level",
        "learning_outcomes",
        "workload_class_hours",
        "assessment_type",
        "participation_form",
    )

    def clean(self):
        cleaned = super().clean()
        if not any(self.data.get(action) for action in PUBLISHING_ACTIONS):
            return cleaned
        missing = [name for name in self.REQUIRED_TO_PUBLISH if cleaned.get(name) in (None, "")]
        for name in missing:
            self.add_error(name, _("Required before the course can be published."))
        if missing:
            labels = ", ".join(str(self.fields[name].label) for name in missing)
            self.add_error(None, _("Fill in before publishing: %(fields)s.") % {"fields": labels})
        return cleaned


def _video_ids(body) -> set[int]:
    ids = set()
    for block in body or []:
        if block.block_type == "video" and block.value.get("video") is not None:
            ids.add(block.value["video"].pk)
    return ids


class LessonPageForm(WagtailAdminPageForm):
    """A lesson shows only its own school's videos.

    The chooser lists nothing else, but a hand-made form post could name any video's id; a
    video the lesson already shows may stay, a newly chosen one must be the editor's
    school's.
    """

    def clean(self):
        from media_pipeline.selectors import video_assets_for_user

        cleaned = super().clean()
        if self.for_user is None or "body" not in cleaned:
            return cleaned
        chosen = _video_ids(cleaned["body"]) - _video_ids(getattr(self.instance, "body", None))
        if not chosen:
            return cleaned
        allowed = set(
            video_assets_for_user(user=self.for_user)
            .filter(pk__in=chosen)
            .values_list("pk", flat=True)
        )
        if chosen - allowed:
            self.add_error("body", _("Choose a video of your own school for this lesson."))
        return cleaned
