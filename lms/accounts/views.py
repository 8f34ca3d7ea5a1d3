from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from allauth.account.internal.decorators import login_stage_required
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.stages import LoginByCodeStage
from allauth.account.views import ConfirmLoginCodeView as AllauthConfirmLoginCodeView

from .forms import IdentityForm
from .identity import identity_declare, identity_groups, identity_of
from .models import User


@method_decorator(
    login_stage_required(stage=LoginByCodeStage.key, redirect_urlname="account_request_login_code"),
    name="dispatch",
)
class ConfirmLoginCodeView(AllauthConfirmLoginCodeView):
    """allauth's code confirmation, saying so when a code has expired instead of going quiet."""

    def dispatch(self, request, *args, **kwargs):
        if not LoginCodeVerificationProcess(stage=request._login_stage).is_valid():
            messages.error(request, _("That code has expired. Ask for a new one."))
        return super().dispatch(request, *args, **kwargs)


confirm_login_code = ConfirmLoginCodeView.as_view()


@sensitive_post_parameters("id_number")
@login_required
@sensitive_variables()
def identity(request):
    """The learner's real-name details for subsidised training: declared once, corrected by
    entering the whole number again; only the masked number is ever shown back."""
    if request.user.role != User.Role.LEARNER:
        raise Http404
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    declared = identity_of(request.user)
    if request.method == "POST":
        form = IdentityForm(request.POST)
        if form.is_valid():
            try:
                identity_declare(
                    user=request.user,
                    real_name=form.cleaned_data["real_name"],
                    id_number=form.cleaned_data["id_number"],
                    groups=form.cleaned_data["groups"],
                )
            except ValidationError as error:
                form.add_refusal(error)
            else:
                messages.success(
                    request,
                    _("Your real-name details are saved.")
                    if declared is None
                    else _("Your real-name details are corrected."),
                )
                if next_url:
                    return redirect(next_url)
                return redirect("account_identity")
    else:
        form = IdentityForm(
            initial={
                "real_name": declared.real_name if declared else request.user.real_name,
                "groups": sorted(identity_groups(declared)),
            }
        )
    return render(
        request,
        "accounts/identity.html",
        {
            "form": form,
            "identity": declared,
            "group_labels": [
                label
                for value, label in User.LearnerGroup.choices
                if value in identity_groups(declared)
            ],
            "next_url": next_url,
            "correcting": declared is not None
            and (request.method == "POST" or "correct" in request.GET),
        },
    )
