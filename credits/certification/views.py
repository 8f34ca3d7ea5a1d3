"""Views for certification: the learner applies, the reviewer decides, anyone verifies."""

import csv
import io
import json
import re
import zipfile
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allauth.core.internal import ratelimit as allauth_ratelimit

from credits.ledger.hours import class_hours_text
from credits.ledger.services import attendance_bank_closed
from lms.accounts.identity import identity_of
from lms.accounts.models import Organisation, User
from lms.accounts.phones import mask_phone

from . import services
from .certificates import (
    credential_is_public,
    holder_identity,
    programme_achievement,
    status_list_allocated,
    status_list_credential,
    verification_url,
)
from .certificates import issuer_profile as profile
from .eligibility import learner_programmes
from .models import Application, Certificate, CertificationProgramme, VerificationLog
from .review import (
    ROSTER_HEADER,
    application_evidence,
    review_queue,
    reviewer_programmes,
    roster_rows,
)


def reviewer_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.role != User.Role.REVIEWER or not request.user.organisation_id:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _error(request, exc: Exception) -> None:
    message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, message)


# --- Learner.


@login_required
def my_certificates(request):
    attendance_bank_closed(learner=request.user)  # hours counted include ended classes
    return render(
        request,
        "credits/certificates.html",
        {
            "programmes": learner_programmes(learner=request.user),
            "certificates": Certificate.objects.filter(learner=request.user).select_related(
                "programme"
            ),
            "asked": Application.objects.filter(
                learner=request.user, status=Application.Status.MORE_INFO
            ).select_related("programme"),
        },
    )


@require_POST
@login_required
def apply(request, programme_id: int):
    programme = get_object_or_404(CertificationProgramme, pk=programme_id)
    try:
        services.application_submit(
            learner=request.user, programme=programme, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Applied. A reviewer will look at your hours."))
    return redirect("certificates:mine")


@require_POST
@login_required
def respond(request, application_id: int):
    try:
        services.application_respond(
            learner=request.user, application_id=application_id, note=request.POST.get("note", "")
        )
    except (ValidationError, Application.DoesNotExist) as exc:
        _error(
            request, exc if isinstance(exc, ValidationError) else ValidationError(_("Not found."))
        )
    else:
        messages.success(request, _("Your answer is with the reviewer."))
    return redirect("certificates:mine")


# --- Reviewer.


@reviewer_required
def queue(request):
    try:
        programme_id = int(request.GET.get("programme") or 0)
        older = int(request.GET.get("older_than_days") or 0)
    except ValueError:
        programme_id, older = 0, 0
    status = request.GET.get("status", "")
    if status not in dict(Application.Status.choices):
        status = ""
    return render(
        request,
        "credits/review_queue.html",
        {
            "applications": review_queue(
                reviewer=request.user,
                programme_id=programme_id,
                status=status,
                older_than_days=older,
            )[:200],
            "programmes": reviewer_programmes(reviewer=request.user),
            "statuses": Application.Status.choices,
            "selected": {"programme": programme_id, "status": status, "older": older},
        },
    )


def _application_for(request, application_id: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("learner__employer", "programme__occupation"),
        pk=application_id,
    )
    if not services.reviewer_may_review(reviewer=request.user, application=application):
        raise PermissionDenied
    return application


@reviewer_required
def review(request, application_id: int):
    application = _application_for(request, application_id)
    services.review_log_viewed(reviewer=request.user, application=application)
    evidence = application_evidence(application=application)
    return render(
        request,
        "credits/review.html",
        {"evidence": evidence, "a": application, "identity": identity_of(application.learner)},
    )


@require_POST
@reviewer_required
def decide(request, application_id: int):
    application = _application_for(request, application_id)
    try:
        services.application_decide(
            reviewer=request.user,
            application_id=application.pk,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            base_url=request.build_absolute_uri("/"),
        )
    except (ValidationError, PermissionError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("review:application", application_id=application.pk)


@require_POST
@reviewer_required
def record_exam(request, application_id: int):
    application = _application_for(request, application_id)
    try:
        score = int(request.POST.get("score", ""))
        services.application_record_exam(
            reviewer=request.user,
            application_id=application.pk,
            score=score,
            reason=request.POST.get("reason", ""),
        )
    except ValueError:
        messages.error(request, _("An exam score is between 0 and 100."))
    except (ValidationError, PermissionError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Exam result recorded."))
    return redirect("review:application", application_id=application.pk)


@require_POST
@reviewer_required
def revoke(request, certificate_id: int):
    certificate = get_object_or_404(Certificate, pk=certificate_id)
    try:
        services.certificate_revoke(
            actor=request.user,
            certificate_id=certificate.pk,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionError) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Certificate revoked."))
    return redirect("review:application", application_id=certificate.application_id)


@reviewer_required
def roster(request, fmt: str):
    try:
        programme_id = int(request.GET.get("programme") or 0)
    except ValueError:
        programme_id = 0
    rows = roster_rows(reviewer=request.user, programme_id=programme_id)
    services.review_log_export(reviewer=request.user, rows=len(rows), fmt=fmt)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so spreadsheet programs read the Chinese as UTF-8
        writer = csv.writer(buffer)
        writer.writerow(ROSTER_HEADER)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook  # loaded by the spreadsheet export only: it is large

        book = Workbook()
        sheet = book.active
        sheet.title = "roster"
        sheet.append(ROSTER_HEADER)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="roster-{stamp}.{fmt}"'
    return response


# --- Public.


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def verify(request, public_id: str):
    """What anyone holding the QR code may see: enough to trust it, little about the person.

    Limited per network address (``RATE_LIMIT_VERIFY``), so the page cannot be used to try
    certificate ids by the thousand; an employer checking a pile of certificates stays within it.
    """
    if not allauth_ratelimit.consume(
        request,
        app="credits",
        action="verify",
        config={"verify": settings.RATE_LIMIT_VERIFY},
        limit_get=True,
    ):
        return render(request, "credits/verify_limited.html", status=429)
    certificate = None
    # Ids are URL-safe tokens; anything else (a NUL byte, which PostgreSQL refuses in a
    # query, say) is no certificate, without asking the database.
    if PUBLIC_ID.fullmatch(public_id):
        certificate = (
            Certificate.objects.select_related(
                "programme__issuer", "programme__occupation", "learner"
            )
            .filter(public_id=public_id)
            .first()
        )
    if certificate is None:
        # Rendered here rather than raised: whoever scanned a code gets the site's page in
        # their language, with a way back, in every mode (DEBUG's technical 404 included).
        return render(request, "credits/verify_not_found.html", status=404)
    VerificationLog.objects.create(
        certificate=certificate,
        at=timezone.now(),
        via="page",
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )
    programme = certificate.programme
    return render(
        request,
        "credits/verify.html",
        {
            "c": certificate,
            "programme": programme,
            "holder": mask_name(certificate.learner.real_name),
            "phone": mask_phone(certificate.learner.phone or ""),
            "hours": class_hours_text(certificate.minutes, programme.minutes_per_class_hour),
            "expired": bool(certificate.valid_until and certificate.valid_until < timezone.now()),
        },
    )


# --- Documents: the PDF, the credential, the transcript.


def _may_see_certificate(user, certificate: Certificate) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == certificate.learner_id or user.is_superuser:
        return True
    return (
        user.role == User.Role.REVIEWER and user.organisation_id == certificate.programme.issuer_id
    )


def _certificate_content(request, certificate: Certificate):
    # The PDF modules bring fpdf and fontTools: loaded by the downloads that draw PDFs only.
    from .certificate_pdf import CertificateContent, skill_level_text

    programme = certificate.programme
    occupation = programme.occupation
    return CertificateContent(
        number=certificate.number,
        learner_name=certificate.learner.real_name or str(certificate.learner),
        programme_name_zh=programme.name_zh,
        programme_name_en=programme.name_en,
        occupation=f"{occupation.code} {occupation.name_zh} {occupation.name_en}".strip()
        if occupation
        else "",
        level=skill_level_text(programme.level),
        class_hours=class_hours_text(certificate.minutes, programme.minutes_per_class_hour),
        minutes=certificate.minutes,
        issued_on=timezone.localdate(certificate.issued_at),
        issuer_name=programme.issuer.name,
        verify_url=verification_url(public_id=certificate.public_id),
    )


@login_required
def certificate_pdf(request, public_id: str):
    from .certificate_pdf import render_certificate_pdf  # see _certificate_content

    certificate = get_object_or_404(
        Certificate.objects.select_related("programme__issuer", "programme__occupation", "learner"),
        public_id=public_id,
    )
    if not _may_see_certificate(request.user, certificate):
        raise PermissionDenied
    response = HttpResponse(
        render_certificate_pdf(_certificate_content(request, certificate)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


@login_required
def transcript(request):
    """All of a learner's certificates in one download: a transcript PDF and each signed
    credential as its own JSON file, so each can be checked on its own."""
    from .transcript_pdf import TranscriptRow, render_transcript_pdf  # see _certificate_content

    certificates = list(
        Certificate.objects.filter(learner=request.user).select_related("programme", "learner")
    )
    rows = [
        TranscriptRow(
            number=c.number,
            programme_name_zh=c.programme.name_zh,
            programme_name_en=c.programme.name_en,
            class_hours=class_hours_text(c.minutes, c.programme.minutes_per_class_hour),
            minutes=c.minutes,
            issued_on=timezone.localdate(c.issued_at),
            revoked=c.revoked_at is not None,
            verify_url=verification_url(public_id=c.public_id),
        )
        for c in certificates
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(
            "transcript.pdf",
            render_transcript_pdf(
                request.user.real_name or str(request.user), rows, timezone.localdate()
            ),
        )
        for c in certificates:
            bundle.writestr(
                f"{c.number}.credential.json",
                json.dumps(c.credential, ensure_ascii=False, indent=2),
            )
            identity = holder_identity(certificate=c)
            if identity is not None:  # private: for the holder to share as they choose
                bundle.writestr(
                    f"{c.number}.holder-identity.json",
                    json.dumps(identity, ensure_ascii=False, indent=2),
                )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="night-school-transcript.zip"'
    return response


def _jsonld(document: dict) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/ld+json"
    )
    response["Access-Control-Allow-Origin"] = "*"  # verifiers anywhere may fetch it
    return response


def credential(request, public_id: str):
    certificate = get_object_or_404(
        Certificate.objects.select_related("programme"), public_id=public_id
    )
    if not credential_is_public(certificate=certificate) and not _may_see_certificate(
        request.user, certificate
    ):
        return JsonResponse(
            {
                "error": "This credential is shared by its holder, not published. Its "
                "status is public on the verification page.",
                "verify": verification_url(public_id=certificate.public_id),
            },
            status=403,
        )
    VerificationLog.objects.create(
        certificate=certificate,
        at=timezone.now(),
        via="credential",
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )
    return _jsonld(certificate.credential)


def issuer_profile(request, org_id: int):
    org = get_object_or_404(Organisation, pk=org_id, kind=Organisation.Kind.EVALUATION)
    return _jsonld(profile(org=org))


def achievement(request, programme_id: int):
    programme = get_object_or_404(
        CertificationProgramme.objects.select_related("issuer", "occupation"), pk=programme_id
    )
    return _jsonld(programme_achievement(programme=programme))


def status_list(request, org_id: int, list_id: int):
    if not status_list_allocated(org_id=org_id, list_id=list_id):
        raise Http404
    response = _jsonld(status_list_credential(org_id=org_id, list_id=list_id))
    response["Cache-Control"] = "public, max-age=300"
    return response
