"""The signup form allauth builds its own on top of; kept apart since allauth imports it early."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class LearnerSignupForm(forms.Form):
    """The few facts a learner gives at signup, next to allauth's phone field."""

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=100,
        help_text=_("As on your ID card; it is printed on your certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    learner_group = forms.ChoiceField(
        label=_("I am a"), choices=User.LearnerGroup.choices, initial=User.LearnerGroup.COURIER
    )

    def signup(self, request, user: User) -> None:
        from .services import user_complete_learner_signup

        user_complete_learner_signup(
            user=user,
            real_name=self.cleaned_data["real_name"],
            learner_group=self.cleaned_data["learner_group"],
        )
