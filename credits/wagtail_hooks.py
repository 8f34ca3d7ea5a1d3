from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from lms.accounts.models import User
from lms.accounts.phones import normalize_phone

from .ledger.services import ledger_adjust


class AdjustHoursForm(forms.Form):
    phone = forms.CharField(label=_("Learner's mobile phone"), max_length=30)
    minutes = forms.IntegerField(
        label=_("Minutes"), help_text=_("Negative to take minutes away (a correction).")
    )
    transfer = forms.BooleanField(
        label=_("Transfer in from another programme"),
        required=False,
        help_text=_("Hours the learner studied elsewhere, with the proof named in the reason."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        learner = User.objects.filter(phone=phone).first()
        if learner is None:
            raise ValidationError(_("No learner has this phone number."))
        return learner

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if minutes == 0 or abs(minutes) > 100_000:
            raise ValidationError(_("Give a number of minutes other than 0."))
        return minutes


def _is_admin(user) -> bool:
    return user.is_active and (user.is_superuser or user.role == User.Role.ADMIN)


def adjust_hours(request):
    """A compensating entry with who and why: the only way hours are ever corrected."""
    if not _is_admin(request.user):
        raise PermissionDenied
    form = AdjustHoursForm(request.POST or None)
    entry = None
    if request.method == "POST" and form.is_valid():
        try:
            entry = ledger_adjust(
                learner=form.cleaned_data["phone"],
                minutes=form.cleaned_data["minutes"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                transfer=form.cleaned_data["transfer"],
            )
        except (ValueError, PermissionError) as exc:
            form.add_error(None, str(exc))
        else:
            form = AdjustHoursForm()
    return render(request, "credits/admin/adjust_hours.html", {"form": form, "entry": entry})


@hooks.register("register_admin_urls")
def credit_admin_urls():
    return [path("hours/adjust/", adjust_hours, name="credits_adjust_hours")]


class _AdminOnlyMenuItem(MenuItem):
    def is_shown(self, request):
        return _is_admin(request.user)


@hooks.register("register_admin_menu_item")
def adjust_hours_menu_item():
    return _AdminOnlyMenuItem(
        _("Adjust class hours"), reverse("credits_adjust_hours"), icon_name="edit", order=330
    )
