from django.contrib import messages
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from allauth.account.internal.decorators import login_stage_required
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.stages import LoginByCodeStage
from allauth.account.views import ConfirmLoginCodeView as AllauthConfirmLoginCodeView


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
