from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.users.forms import UserCreationForm, UserEditForm

from allauth.account.forms import LoginForm, RequestLoginCodeForm
from allauth.core import context

from .models import User
from .ratelimits import limit_spent

STAFF_FIELDS = ["real_name", "phone", "role", "organisation", "is_school_lead"]


class _StaffFieldsMixin:
    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in (User.Role.INSTRUCTOR, User.Role.REVIEWER) and not cleaned.get("organisation"):
            self.add_error(
                "organisation", _("Instructors and reviewers belong to an organisation.")
            )
        phone = cleaned.get("phone")
        if phone:
            from .phones import normalize_phone

            try:
                cleaned["phone"] = normalize_phone(phone)
            except forms.ValidationError as exc:
                self.add_error("phone", exc)
        else:
            cleaned["phone"] = None
        return cleaned


class StaffUserCreationForm(_StaffFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(STAFF_FIELDS)


class StaffUserEditForm(_StaffFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(STAFF_FIELDS)


class RequestPhoneCodeForm(RequestLoginCodeForm):
    """Learners ask for a code by phone only; staff who use email sign in with a password."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        self.fields["phone"].required = True

    def clean_phone(self) -> str:
        try:
            return super().clean_phone()
        except forms.ValidationError as exc:
            if exc.code != "too_many_login_attempts":
                raise
            phone = self.cleaned_data.get("phone") or ""
            if limit_spent(
                context.request, action="request_login_code", scope="key", key=phone.lower()
            ):
                raise forms.ValidationError(
                    _("Too many codes asked for this number. Wait a few minutes and try again."),
                    code="too_many_code_requests",
                ) from exc
            raise forms.ValidationError(
                _(
                    "Too many codes asked from your network address. Try again later, or "
                    "from another network."
                ),
                code="too_many_code_requests_from_address",
            ) from exc


class StaffLoginForm(LoginForm):
    """Email and password for staff.

    Learners sign up without a password, so allauth would drop the password field from its
    login form; staff accounts have one, and this form keeps it.
    """

    def _setup_password_field(self) -> None:
        self.fields["login"].label = _("Email")


class IdentityForm(forms.Form):
    """A learner's real name, resident ID number and learner groups, as they declare them.

    The checks themselves (GB 11643, one number one account) live in
    ``lms.accounts.identity.identity_declare``; the view puts its refusals on these fields.
    """

    real_name = forms.CharField(
        label=_("Real name, as on your ID card"),
        max_length=100,
        error_messages={"required": _("Give your real name as on your ID card.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID number (18 characters)"),
        max_length=40,
        strip=True,
        error_messages={"required": _("Enter your resident ID number.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "maxlength": "40",
                "aria-describedby": "id-number-help",
            }
        ),
    )
    groups = forms.MultipleChoiceField(
        label=_("I am a"),
        choices=User.LearnerGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every group you belong to: some subsidies are for these groups."),
    )

    # Which field each refusal of identity_declare belongs to (its ValidationError code).
    FIELD_OF_CODE = {
        "name": "real_name",
        "required": "id_number",
        "shape": "id_number",
        "birth_date": "id_number",
        "checksum": "id_number",
        "taken": "id_number",
        "group": "groups",
    }

    def add_refusal(self, error: forms.ValidationError) -> None:
        self.add_error(self.FIELD_OF_CODE.get(error.code), error)
