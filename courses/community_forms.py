"""The form a school fills in to schedule a classroom session at a community centre."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CommunitySessionForm(forms.Form):
    lesson = forms.TypedChoiceField(label=_("Lesson"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=30)

    def __init__(self, *args, lessons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lessons = {lesson.pk: lesson for lesson in lessons}
        self.fields["lesson"].choices = [
            (lesson.pk, f"{lesson.course_title} · {lesson.title}") for lesson in lessons
        ]

    def _at(self, time: dt.time) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["day"], time))

    def schedule_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "lesson": self.lessons[data["lesson"]],
            "starts_at": self._at(data["starts"]),
            "ends_at": self._at(data["ends"]),
            "capacity": data["capacity"],
        }
