"""How allauth stores phones on our User and sends its codes through our SMS door."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.fields import PhoneField
from allauth.core.internal import ratelimit

from .models import User
from .phones import normalize_phone
from .sms import send_sms


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": gettext_lazy("Incorrect code. Check the text message and try again."),
        "too_many_login_attempts": gettext_lazy("Too many failed login attempts. Try again later."),
        "phone_taken": gettext_lazy("This phone number already has an account. Log in instead."),
    }

    def _login_failed_keys(self, request, **credentials: Any) -> dict[str, str]:
        """The cache keys of the failed-password limits, by action.

        allauth keys its per-account limit on the account alone, so anyone who knows an email
        can spend its allowance and lock its owner out. Here that limit counts one account's
        failures from one address; a looser limit counts the account's failures from all.
        """
        account = self._get_login_attempts_cache_key(request, **credentials)
        if account.endswith(":") and credentials.get("phone"):
            account += credentials["phone"]
        return {
            "login_failed": f"{ratelimit.get_ip(request)}@{account}",
            "login_failed_account": account,
        }

    def pre_authenticate(self, request, **credentials: Any) -> None:
        usages: list = []
        for action, key in self._login_failed_keys(request, **credentials).items():
            usage = ratelimit.consume(request, app="allauth.account", action=action, key=key)
            if usage is None:
                for spent in usages:
                    spent.rollback()
                raise self.validation_error("too_many_login_attempts")
            usages.extend(usage.usage)
        # allauth rolls this back when the password turns out right.
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=usages)

    def _delete_login_attempts_cached_email(self, request, **credentials: Any) -> None:
        for action, key in self._login_failed_keys(request, **credentials).items():
            ratelimit.clear(request, app="allauth.account", action=action, key=key)

    def get_login_redirect_url(self, request) -> str:
        """Staff land where their work waits; learners (and anyone else) on the home page.
        A ``next`` the login was asked for still wins: allauth only asks here without one."""
        landing = {
            User.Role.REVIEWER: "review:queue",
            User.Role.HR_OFFICER: "programmes:desk",
            User.Role.ORGANISER: "courses:community_organiser",
        }.get(getattr(request.user, "role", None))
        if landing is not None:
            return reverse(landing)
        return super().get_login_redirect_url(request)

    def phone_form_field(self, **kwargs: Any) -> PhoneField:
        # allauth insists on "+86..."; couriers type local numbers, which clean_phone parses.
        kwargs.setdefault("validators", [])
        kwargs.setdefault("label", _("Mobile phone"))
        field = PhoneField(**kwargs)
        field.widget.attrs.update({"placeholder": "138 0013 8000", "inputmode": "tel"})
        return field

    def get_login_stages(self) -> list[str]:
        return [
            "lms.accounts.stages.LearnerPhoneVerificationStage"
            if path == "allauth.account.stages.PhoneVerificationStage"
            else path
            for path in super().get_login_stages()
        ]

    def clean_phone(self, phone: str) -> str:
        return normalize_phone(phone)

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        if not user.phone:
            return None
        return user.phone, user.phone_verified

    def set_phone_verified(self, user: User, phone: str) -> None:
        User.objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        user.phone_verified = True

    def get_user_by_phone(self, phone: str) -> User | None:
        return User.objects.filter(phone=phone, is_active=True).first()

    def send_verification_code_sms(self, user: User, phone: str, code: str, **kwargs: Any) -> None:
        send_sms(
            phone=phone,
            text=_("Night School code: %(code)s. It expires in a few minutes; never share it.")
            % {"code": code},
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        send_sms(
            phone=phone,
            text=_("Night School: no account uses this number yet. Sign up with it to start."),
        )

    def send_account_already_exists_sms(self, phone: str) -> None:
        send_sms(
            phone=phone,
            text=_("Night School: this number already has an account. Log in with a code."),
        )
