"""Writes for certification: applying, reviewing, issuing, revoking.

An application freezes what the ledger counted when the learner applied; an approval checks
that those entries are still in the learner's chain, unchanged, before a certificate is issued.
Every reviewer action goes into the audit log (``ReviewEvent``).
"""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credits.ledger.chain import check_chain
from credits.ledger.models import LearnerBalance, LedgerEntry
from credits.ledger.services import attendance_bank_closed
from lms.accounts.models import User

from .certificates import activity_period, certificate_sign
from .eligibility import programme_eligibility
from .models import Application, Certificate, CertificationProgramme, ReviewEvent


def reviewer_may_review(*, reviewer: User, application: Application) -> bool:
    """A reviewer of the issuing organisation, never for their own application."""
    return bool(
        reviewer.is_active
        and reviewer.role == User.Role.REVIEWER
        and reviewer.organisation_id is not None
        and reviewer.organisation_id == application.programme.issuer_id
        and application.learner_id != reviewer.pk
    )


@transaction.atomic
def application_submit(
    *,
    learner: User,
    programme: CertificationProgramme,
    note: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """Apply, freezing what was counted: the entries, their totals and the chain's head."""
    now = now or timezone.now()
    attendance_bank_closed(learner=learner, now=now)  # a class that has ended counts
    balance, _created = LearnerBalance.objects.get_or_create(learner=learner)
    balance = LearnerBalance.objects.select_for_update().get(pk=balance.pk)
    if not programme.active:
        raise ValidationError(_("This programme is not taking applications."))
    eligibility = programme_eligibility(learner=learner, programme=programme, now=now)
    if eligibility.certificate is not None:
        raise ValidationError(_("You already hold this certificate."))
    if eligibility.open_application is not None:
        raise ValidationError(_("Your application is already with the reviewers."))
    if not eligibility.eligible:
        raise ValidationError(
            _("Not yet eligible. Still missing: %(missing)s")
            % {"missing": "；".join(eligibility.missing)}
        )
    snapshot = {
        "entries": [
            {
                "id": e.pk,
                "seq": e.seq,
                "kind": e.kind,
                "minutes": e.minutes,
                "lesson": e.lesson_id,
                "attendance": e.attendance_id,
                "created_at": e.created_at.isoformat(),
                "hash": e.hash,
            }
            for e in eligibility.entries
        ],
        "requirements": [{"label": str(r.label), "met": r.met} for r in eligibility.requirements],
        "counted_minutes": eligibility.counted_minutes,
        "required_minutes": eligibility.required_minutes,
        "minutes_per_class_hour": programme.minutes_per_class_hour,
    }
    application = Application.objects.create(
        learner=learner,
        programme=programme,
        submitted_at=now,
        snapshot=snapshot,
        counted_minutes=eligibility.counted_minutes,
        chain_head_hash=balance.head_hash,
        chain_head_seq=balance.entries,
        learner_note=note.strip()[:2000],
    )
    return application


def _log(
    *,
    application: Application | None,
    actor: User,
    action: str,
    reason: str = "",
    now: dt.datetime | None = None,
    **detail: object,
) -> ReviewEvent:
    return ReviewEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        reason=reason,
        detail=detail,
        at=now or timezone.now(),
    )


def _locked_open_application(application_id: int) -> Application:
    application = (
        Application.objects.select_for_update().select_related("programme").get(pk=application_id)
    )
    if application.status not in Application.OPEN:
        raise ValidationError(_("This application has already been decided."))
    return application


def _require_scope(reviewer: User, application: Application) -> None:
    if not reviewer_may_review(reviewer=reviewer, application=application):
        raise PermissionError(_("This application is not yours to review."))


@transaction.atomic
def application_record_exam(
    *, reviewer: User, application_id: int, score: int, reason: str
) -> Application:
    application = _locked_open_application(application_id)
    _require_scope(reviewer, application)
    if not 0 <= score <= 100:
        raise ValidationError(_("An exam score is between 0 and 100."))
    application.exam_score = score
    application.save(update_fields=["exam_score"])
    _log(
        application=application, actor=reviewer, action="exam_recorded", reason=reason, score=score
    )
    return application


@transaction.atomic
def application_decide(
    *,
    reviewer: User,
    application_id: int,
    action: str,
    reason: str,
    now: dt.datetime | None = None,
    base_url: str = "",
) -> Application:
    """Approve, reject or ask for more; each with a reason, each in the audit log.

    An approval checks that the entries frozen at application are still in the learner's
    chain, unchanged, before it issues the certificate.
    """
    now = now or timezone.now()
    application = _locked_open_application(application_id)
    _require_scope(reviewer, application)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give a reason for the decision."))
    if action == "more_info":
        application.status = Application.Status.MORE_INFO
        application.decision_reason = reason
        application.save(update_fields=["status", "decision_reason"])
        _log(application=application, actor=reviewer, action="more_info", reason=reason, now=now)
        return application
    if action == "reject":
        application.status = Application.Status.REJECTED
    elif action == "approve":
        programme = application.programme
        if programme.assessment == CertificationProgramme.Assessment.EXAM and (
            application.exam_score is None or application.exam_score < programme.exam_pass_mark
        ):
            raise ValidationError(
                _("Record a passing exam result (at least %(mark)s%%) before approving.")
                % {"mark": programme.exam_pass_mark}
            )
        _check_snapshot_still_holds(application)
        application.status = Application.Status.APPROVED
    else:
        raise ValidationError(_("Unknown decision."))
    application.decided_at = now
    application.decided_by = reviewer
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    _log(
        application=application,
        actor=reviewer,
        action="approved" if action == "approve" else "rejected",
        reason=reason,
        now=now,
    )
    if application.status == Application.Status.APPROVED:
        certificate_issue(application=application, now=now, base_url=base_url)
    return application


def _check_snapshot_still_holds(application: Application) -> None:
    entries = LedgerEntry.objects.filter(learner=application.learner).order_by("seq", "id")
    balance = LearnerBalance.objects.filter(learner=application.learner).first()
    if check_chain(application.learner_id, entries, balance):
        raise ValidationError(_("The learner's ledger does not verify; approval is blocked."))
    frozen = {row["id"]: row["hash"] for row in application.snapshot.get("entries", [])}
    current = dict(LedgerEntry.objects.filter(pk__in=frozen).values_list("pk", "hash"))
    if current != frozen:
        raise ValidationError(
            _("Entries counted at application have changed; approval is blocked.")
        )


@transaction.atomic
def application_respond(*, learner: User, application_id: int, note: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application_id, learner=learner)
    if application.status != Application.Status.MORE_INFO:
        raise ValidationError(_("Nothing was asked of you on this application."))
    if not note.strip():
        raise ValidationError(_("Write your answer for the reviewer."))
    application.status = Application.Status.SUBMITTED
    application.learner_note = note.strip()[:2000]
    application.save(update_fields=["status", "learner_note"])
    _log(application=application, actor=learner, action="resubmitted", reason=note.strip()[:2000])
    return application


@transaction.atomic
def certificate_issue(
    *, application: Application, now: dt.datetime | None = None, base_url: str = ""
) -> Certificate:
    """A numbered certificate with an unguessable public id and its own status-list index."""
    now = now or timezone.now()
    period = activity_period(
        learner_id=application.learner_id, entries=application.snapshot.get("entries", [])
    )
    programme = application.programme
    certificate = Certificate.objects.create(
        application=application,
        learner=application.learner,
        programme=programme,
        number=f"pending-{secrets.token_hex(8)}",
        public_id=secrets.token_urlsafe(16),
        status_index=0,
        minutes=max(application.counted_minutes, 0),
        issued_at=now,
        valid_until=(
            now.replace(year=now.year + programme.validity_years)
            if programme.validity_years
            else None
        ),
        activity_start=timezone.localdate(period[0]) if period else None,
        activity_end=timezone.localdate(period[1]) if period else None,
    )
    certificate.number = f"NS-{now:%Y}-{certificate.pk:06d}"
    certificate.status_index = certificate.pk
    certificate.credential = certificate_sign(certificate=certificate)
    certificate.save(update_fields=["number", "status_index", "credential"])
    return certificate


@transaction.atomic
def certificate_revoke(
    *, actor: User, certificate_id: int, reason: str, now: dt.datetime | None = None
) -> Certificate:
    certificate = (
        Certificate.objects.select_for_update()
        .select_related("programme", "application")
        .get(pk=certificate_id)
    )
    allowed = actor.is_superuser or (
        actor.role == User.Role.REVIEWER
        and actor.organisation_id == certificate.programme.issuer_id
    )
    if not allowed or not actor.is_active:
        raise PermissionError(_("Only the issuing organisation revokes its certificates."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking."))
    if certificate.revoked_at is None:
        certificate.revoked_at = now or timezone.now()
        certificate.revoked_reason = reason.strip()
        certificate.revoked_by = actor
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        _log(
            application=certificate.application,
            actor=actor,
            action="revoked",
            reason=reason.strip(),
            now=certificate.revoked_at,
        )
    return certificate


def review_log_viewed(*, reviewer: User, application: Application) -> None:
    _log(application=application, actor=reviewer, action="viewed")


def review_log_export(*, reviewer: User, rows: int, fmt: str) -> None:
    _log(application=None, actor=reviewer, action="exported", rows=rows, format=fmt)
