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
