"""Subsidy claims: the school files one in the admin; the HR office reviews it on the desk."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import applications, claims
from .scope import hr_officer_required

# --- The school, in the admin.


@require_POST
def school_claim_file(request, pk: int):
    application = applications.school_application(user=request.user, pk=pk)
    try:
        claims.claim_file(application=application, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Claim filed with the HR office."))
    return redirect("programmes_school_class", pk)


# --- The HR office, on the desk.


def _claim_or_404(office, pk):
    claim = claims.office_claim(office=office, pk=pk)
    if claim is None:
        raise Http404
    return claim


@hr_officer_required
def office_queue(request, *, office):
    return render(
        request,
        "programmes/claim_queue.html",
        {"office": office, "claims": claims.office_claims(office=office)},
    )


@hr_officer_required
def office_detail(request, pk: int, *, office):
    claim = _claim_or_404(office, pk)
    evidence = claims.claim_evidence(claim=claim)
    return render(
        request,
        "programmes/claim_detail.html",
        {
            "office": office,
            "claim": claim,
            "application": claim.application,
            "entry": claim.application.catalogue_entry,
            "evidence": evidence,
            "withheld": sum(not item.line.subsidised for item in evidence),
        },
    )


@require_POST
@hr_officer_required
def office_decide(request, pk: int, *, office):
    claim = _claim_or_404(office, pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            line_ids = [
                key.removeprefix("refuse-")
                for key in request.POST
                if key.startswith("refuse-") and key.removeprefix("refuse-").isdigit()
            ]
            refused = {pk: request.POST.get(f"reason-{pk}", "") for pk in line_ids}
            claims.claim_approve(
                claim=claim, office=office, actor=request.user, refused_lines=refused
            )
            messages.success(request, _("Claim approved."))
        elif action == "refuse":
            reason = request.POST.get("reason", "")
            claims.claim_refuse(claim=claim, office=office, actor=request.user, reason=reason)
            messages.success(request, _("Claim refused."))
        elif action == "paid":
            claims.claim_mark_paid(claim=claim, office=office, actor=request.user)
            messages.success(request, _("Claim marked paid."))
        else:
            messages.error(request, _("Choose what to do with the claim."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("programmes:claim", pk)


@hr_officer_required
def office_export(request, pk: int, fmt: str, *, office):
    """The claim file, the one document with the clear ID numbers: for this office only."""
    claim = _claim_or_404(office, pk)
    if fmt == "pdf":
        body, content_type = claims.claim_export_pdf(claim=claim), "application/pdf"
    elif fmt == "xlsx":
        body = claims.claim_export_xlsx(claim=claim)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="claim-{claim.pk}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
