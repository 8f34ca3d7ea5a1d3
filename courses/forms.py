from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm

from .text import SEARCH_MAX_CHARS, plain_text

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
        if not _publishing(self.data):
            return cleaned
        missing = [name for name in self.REQUIRED_TO_PUBLISH if cleaned.get(name) in (None, "")]
        for name in missing:
            self.add_error(name, _("Required before the course can be published."))
        if missing:
            labels = ", ".join(str(self.fields[name].label) for name in missing)
            self.add_error(None, _("Fill in before publishing: %(fields)s.") % {"fields": labels})
        return cleaned


class LessonPageForm(WagtailAdminPageForm):
    """A lesson shows only its own school's videos, with WebVTT captions.

    The chooser lists nothing else, but a hand-made form post could name any video's id; a
    video the lesson already shows may stay, a newly chosen one must be the editor's
    school's.
    """

    def clean(self):
        from media_pipeline.selectors import video_assets_for_user

        cleaned = super().clean()
        captions = cleaned.get("video_captions")
        if captions is not None and captions.file_extension.lower() != "vtt":
            self.add_error("video_captions", _("Captions must be a WebVTT file (.vtt)."))
        video = cleaned.get("video")
        if video is None:
            return cleaned
        self._check_video_state(video)
        if self.for_user is None or video.pk == getattr(self.instance, "video_id", None):
            return cleaned
        if not video_assets_for_user(user=self.for_user).filter(pk=video.pk).exists():
            self.add_error("video", _("Choose a video of your own school for this lesson."))
        return cleaned

    def _check_video_state(self, video) -> None:
        """A failed video never goes on a lesson; one still processing may go on a draft,
        but the lesson is published (or sent for approval) only once it is ready."""
        from media_pipeline.selectors import video_asset_failure_reason, video_asset_state_text

        if video.status == video.Status.FAILED:
            self.add_error(
                "video",
                _(
                    "“%(title)s” could not be processed and cannot be shown: %(reason)s "
                    "Retry it under Lesson videos, or choose another video."
                )
                % {"title": video.title, "reason": video_asset_failure_reason(asset=video)},
            )
        elif video.status != video.Status.READY and _publishing(self.data):
            state = video_asset_state_text(asset=video)
            self.add_error(
                "video",
                _(
                    "A lesson is published only with a video that is ready to play; "
                    "“%(title)s” is not yet (%(state)s). Save a draft now and publish "
                    "once it is ready."
                )
                % {"title": video.title, "state": state},
            )


def _publishing(data) -> bool:
    return any(data.get(action) for action in PUBLISHING_ACTIONS)


class PlainTextField(forms.CharField):
    """Text from the address as a person could have typed it: control characters (NUL among
    them) become spaces, cut to ``max_chars``. It never refuses: a filter always answers."""

    def __init__(self, *, max_chars: int, **kwargs) -> None:
        super().__init__(required=False, strip=False, **kwargs)
        self.max_chars = max_chars

    def to_python(self, value) -> str:
        return plain_text(super().to_python(value), max_chars=self.max_chars)


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters, read from the address."""

    occupation = PlainTextField(max_chars=20)
    demand = PlainTextField(max_chars=20)
    q = PlainTextField(max_chars=SEARCH_MAX_CHARS)
    # From the current published catalogue of each course's city (courses.demand).
    subsidised = forms.BooleanField(required=False)
    sub_list = PlainTextField(max_chars=20)
    green = forms.BooleanField(required=False)
    digital = forms.BooleanField(required=False)

    def filters(self) -> dict[str, str | bool]:
        self.is_valid()  # plain text fields never refuse, so cleaned_data holds every field
        return dict(self.cleaned_data)
