"""Subsidy claims: the dossier a school files for an approved class, and the office's review.

``claim_compute`` reckons the dossier from the ledger, the lessons done, the classroom
attendance, the quizzes and the vouchers; ``claim_file`` files it. The office approves it
(refusing single lines if it must), refuses it, or marks it paid; the vouchers follow.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.lesson_facts import cycle_learner_ids, cycle_learning_facts
from courses.models import CatalogueEntry
from credits.certification.review import attention_summary, watch_evidence
from credits.ledger.selectors import ledger_minutes_for_lessons
from lms.accounts.identity import id_number_reveal
from lms.accounts.models import Organisation, User

from .applications import school_of
from .models import ClaimLine, ClassApplication, SubsidyClaim, TrainingVoucher
from .scope import schools_in_scope
from .statistics import statistics_refresh_soon
from .vouchers import voucher_transition

State = SubsidyClaim.State
CENT = Decimal("0.01")


# --- The amount rule.


def claim_line_amount(
    *,
    entry: CatalogueEntry,
    class_hours: Decimal,
    voucher: TrainingVoucher | None,
) -> Decimal:
    """What the school may ask for one learner who met every condition.

    By the catalogue's standard: class hours times the subsidy per class hour, at most the
    cap per person. A learner who redeemed a voucher on the enrolment paid nothing upfront,
    so the school claims the voucher's face value instead (research note R28), still at most
    the cap; ``SUBSIDY_VOUCHER_PAYS_FACE_VALUE = False`` makes a region pay by the standard
    for voucher holders too.
    """
    cap = entry.cap_per_person
    if voucher is not None and settings.SUBSIDY_VOUCHER_PAYS_FACE_VALUE:
        amount = voucher.face_value
    else:
        amount = class_hours * entry.subsidy_per_class_hour
    return min(amount, cap).quantize(CENT, rounding=ROUND_HALF_UP)


def minutes_to_class_hours(minutes: int) -> Decimal:
    """Whole minutes as class hours of ``STUDY_MINUTES_PER_CLASS_HOUR``, rounded down to the
    hundredth: no hour is paid that was not studied. This is the claim's money arithmetic;
    pages show the class hours by the platform's one display rule (``credits.ledger.hours``)
    from the same minutes."""
    per_hour = Decimal(settings.STUDY_MINUTES_PER_CLASS_HOUR)
    return (Decimal(minutes) / per_hour).quantize(CENT, rounding=ROUND_DOWN)


# --- The dossier.


@dataclass
class LineDraft:
    learner: User
    minutes: int
    class_hours: Decimal
    lessons_completed: int
    lessons_total: int
    sessions_attended: int
    assessment_passed: bool
    voucher: TrainingVoucher | None
    amount: Decimal
    subsidised: bool
    withheld_reason: str
    identity_masked: str = ""


@dataclass
class Dossier:
    application: ClassApplication
    entry: CatalogueEntry
    lines: list[LineDraft] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def subsidised_count(self) -> int:
        return sum(line.subsidised for line in self.lines)


VOUCHER_USED = (
    TrainingVoucher.State.REDEEMED,
    TrainingVoucher.State.SCHOOL_CLAIMED,
    TrainingVoucher.State.PAID,
)


def claim_compute(*, application: ClassApplication) -> Dossier:
    """The dossier of the class as it stands: one line per learner enrolled in the cycle now.

    A line is withheld (amount 0, with the reason) when the learner did not complete every
    lesson, did not pass every quiz of the course (an unfinished course test means the whole
    course is not credited, research note rule e), declared no real-name identity, or was
    subsidised for this occupation and level already by a claim not refused. Reads a fixed
    number of queries whatever the size of the class."""
    cycle = application.cycle
    course = cycle.course
    entry = application.catalogue_entry
    learner_ids = cycle_learner_ids(cycle=cycle)
    learners = {
        learner.pk: learner
        for learner in User.objects.filter(pk__in=learner_ids).select_related("identity")
    }
    facts = cycle_learning_facts(cycle=cycle, learner_ids=learner_ids)
    minutes = ledger_minutes_for_lessons(learner_ids=learner_ids, lesson_ids=facts.lesson_ids)
    vouchers = {
        voucher.holder_id: voucher
        for voucher in TrainingVoucher.objects.filter(
            holder_id__in=learner_ids, enrolment__course_id=course.pk, state__in=VOUCHER_USED
        )
    }
    subsidised_before = set(
        ClaimLine.objects.filter(
            learner_id__in=learner_ids,
            occupation_id=course.occupation_id,
            level=course.level,
            subsidised=True,
            refused=False,
        )
        .exclude(claim__application=application)
        .values_list("learner_id", flat=True)
    )
    dossier = Dossier(application=application, entry=entry)
    lessons_total = len(facts.lesson_ids)
    for learner_id in learner_ids:
        learner = learners[learner_id]
        banked = max(minutes.get(learner_id, 0), 0)
        hours = minutes_to_class_hours(banked)
        done = facts.completed.get(learner_id, 0)
        passed = facts.quizzes_passed.get(learner_id, 0) >= facts.quizzes_total
        identity = getattr(learner, "identity", None)
        voucher = vouchers.get(learner_id)
        reason = ""
        if settings.SUBSIDY_REQUIRE_ALL_LESSONS and done < lessons_total:
            reason = _("Not every lesson completed (%(done)s of %(total)s)") % {
                "done": done,
                "total": lessons_total,
            }
        elif not passed:
            reason = _("The course's assessment was not passed")
        elif identity is None:
            reason = _("No real-name identity declared")
        elif learner_id in subsidised_before:
            reason = _("Already subsidised for this occupation and level")
        amount = Decimal("0.00")
        if not reason:
            amount = claim_line_amount(entry=entry, class_hours=hours, voucher=voucher)
            if amount <= 0:
                reason = _("No class hours banked for this course")
                amount = Decimal("0.00")
        dossier.lines.append(
            LineDraft(
                learner=learner,
                minutes=banked,
                class_hours=hours,
                lessons_completed=done,
                lessons_total=lessons_total,
                sessions_attended=facts.attended.get(learner_id, 0),
                assessment_passed=passed,
                voucher=voucher,
                amount=amount,
                subsidised=not reason,
                withheld_reason=reason,
                identity_masked=identity.id_number_masked if identity else "",
            )
        )
    return dossier


def claim_refusal_reason(*, application: ClassApplication, today: dt.date | None = None) -> str:
    """Why the class cannot be claimed for now, or "" when it can."""
    today = today or timezone.localdate()
    if application.state == ClassApplication.State.SUBMITTED:
        return _("The HR office has not approved this class yet.")
    if application.state == ClassApplication.State.REFUSED:
        return _("The HR office refused this class: it cannot be claimed for.")
    if application.cycle.ends_on >= today:
        return _("The class's cycle has not ended yet: file the claim after %(day)s.") % {
            "day": application.cycle.ends_on.isoformat()
        }
    if SubsidyClaim.objects.filter(application=application).exists():
        return _("The claim for this class has been filed already.")
    return ""


@transaction.atomic
def claim_file(*, application: ClassApplication, actor: User) -> SubsidyClaim:
    """File the dossier of an approved class whose cycle has ended, refreshing its roster.

    Only an instructor of the school files; a class never approved, refused, still running
    or claimed before is refused with the reason and nothing changes. Each voucher redeemed
    by a learner on a subsidised line moves to "claimed by the school"."""
    if school_of(actor) is None or school_of(actor).pk != application.school_id:
        raise PermissionDenied(_("Only the school's own staff file its claims."))
    locked = (
        ClassApplication.objects.select_for_update()
        .select_related("cycle__course", "catalogue_entry__programme_year")
        .get(pk=application.pk)
    )
    reason = claim_refusal_reason(application=locked)
    if reason:
        raise ValidationError(reason)
    dossier = claim_compute(application=locked)
    locked.roster = [line.learner.pk for line in dossier.lines]
    locked.save(update_fields=["roster"])
    course = locked.cycle.course
    claim = SubsidyClaim.objects.create(
        application=locked,
        amount_claimed=dossier.total,
        filed_by=actor,
        filed_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(
                [
                    ClaimLine(
                        claim=claim,
                        learner=line.learner,
                        occupation_id=course.occupation_id,
                        level=course.level,
                        minutes=line.minutes,
                        class_hours=line.class_hours,
                        lessons_completed=line.lessons_completed,
                        lessons_total=line.lessons_total,
                        sessions_attended=line.sessions_attended,
                        assessment_passed=line.assessment_passed,
                        voucher=line.voucher,
                        amount=line.amount,
                        subsidised=line.subsidised,
                        withheld_reason=line.withheld_reason,
                    )
                    for line in dossier.lines
                ]
            )
    except IntegrityError:  # another claim subsidised one of these learners meanwhile
        raise ValidationError(
            _("A learner of this class was subsidised for this occupation meanwhile: try again.")
        ) from None
    for line in dossier.lines:
        voucher = line.voucher
        if line.subsidised and voucher and voucher.state == TrainingVoucher.State.REDEEMED:
            voucher_transition(
                voucher=voucher,
                to=TrainingVoucher.State.SCHOOL_CLAIMED,
                actor=actor,
                reason=_("Claimed in subsidy claim %(n)s") % {"n": claim.pk},
            )
    statistics_refresh_soon(office=application.hr_office)
    return claim


# --- Reads for the school and the office.


def office_claims(*, office: Organisation) -> QuerySet[SubsidyClaim]:
    """The office's claims: its city's schools only, filed ones first, oldest first."""
    return (
        SubsidyClaim.objects.filter(
            application__hr_office=office,
            application__school__in=schools_in_scope(office=office),
        )
        .annotate(
            waiting=Case(
                When(state=State.FILED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("application__cycle__course", "application__school")
        .order_by("waiting", "filed_at")
    )


def office_claim(*, office: Organisation, pk: int) -> SubsidyClaim | None:
    return office_claims(office=office).filter(pk=pk).first()


def claim_lines(*, claim: SubsidyClaim) -> list[ClaimLine]:
    return list(
        claim.lines.select_related("learner__identity", "voucher", "occupation").order_by(
            "learner__real_name", "pk"
        )
    )


@dataclass
class LineEvidence:
    line: ClaimLine
    attention: dict
    watch_sessions: int
    watched_minutes: int
    refused_minutes: int


def claim_evidence(*, claim: SubsidyClaim) -> list[LineEvidence]:
    """Each line with what a certificate reviewer sees of the learner: the watch sessions of
    the course's lessons, the seconds refused in them, and the attention checks."""
    cycle = claim.application.cycle
    lesson_ids = cycle_learning_facts(cycle=cycle, learner_ids=[]).lesson_ids
    found = []
    for line in claim_lines(claim=claim):
        sessions, refusals = watch_evidence(learner=line.learner, lesson_ids=lesson_ids)
        flat = [s for group in sessions.values() for s in group]
        refused = sum(seconds for s in flat for seconds in refusals.get(str(s.pk), {}).values())
        found.append(
            LineEvidence(
                line=line,
                attention=attention_summary(learner=line.learner),
                watch_sessions=len(flat),
                watched_minutes=round(sum(s.credited_seconds for s in flat) / 60),
                refused_minutes=round(refused / 60),
            )
        )
    return found


# --- The office decides.


def _locked_in_scope(*, claim: SubsidyClaim, office: Organisation) -> SubsidyClaim:
    locked = (
        SubsidyClaim.objects.select_for_update()
        .select_related("application__school")
        .get(pk=claim.pk)
    )
    application = locked.application
    if application.hr_office_id != office.pk or application.school.city != office.city:
        raise PermissionDenied
    return locked


def _vouchers_to(*, lines, to: str, actor: User, reason: str) -> None:
    for line in lines:
        voucher = line.voucher
        if voucher and voucher.state == TrainingVoucher.State.SCHOOL_CLAIMED:
            voucher_transition(voucher=voucher, to=to, actor=actor, reason=reason)


@transaction.atomic
def claim_approve(
    *,
    claim: SubsidyClaim,
    office: Organisation,
    actor: User,
    refused_lines: dict[int, str] | None = None,
) -> SubsidyClaim:
    """Approve a filed claim. ``refused_lines`` maps line ids to the reason each is refused:
    those lines drop out of the approved total and their vouchers are refused."""
    locked = _locked_in_scope(claim=claim, office=office)
    if locked.state != State.FILED:
        raise ValidationError(
            _("This claim was decided already (%(state)s).") % {"state": locked.get_state_display()}
        )
    refused_lines = {int(k): (v or "").strip() for k, v in (refused_lines or {}).items()}
    lines = {line.pk: line for line in locked.lines.select_related("voucher")}
    unknown = set(refused_lines) - set(lines)
    if unknown:
        raise ValidationError(_("A line refused is not part of this claim."))
    if any(not reason for reason in refused_lines.values()):
        raise ValidationError(_("Give the reason for every line you refuse."))
    for pk, reason in refused_lines.items():
        line = lines[pk]
        line.refused = True
        line.refused_reason = reason[:300]
        line.save(update_fields=["refused", "refused_reason"])
    _vouchers_to(
        lines=[lines[pk] for pk in refused_lines],
        to=TrainingVoucher.State.REFUSED,
        actor=actor,
        reason=_("Line refused by the HR office"),
    )
    locked.amount_approved = sum(
        (line.amount for line in lines.values() if line.subsidised and not line.refused),
        Decimal("0.00"),
    )
    locked.state = State.APPROVED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["amount_approved", "state", "decided_by", "decided_at"])
    statistics_refresh_soon(office=office)
    return locked


@transaction.atomic
def claim_refuse(
    *, claim: SubsidyClaim, office: Organisation, actor: User, reason: str
) -> SubsidyClaim:
    """Refuse a filed claim as a whole, with the reason. Its lines are refused too, so the
    learners on them may be subsidised by a corrected claim; their vouchers are refused."""
    locked = _locked_in_scope(claim=claim, office=office)
    if locked.state != State.FILED:
        raise ValidationError(
            _("This claim was decided already (%(state)s).") % {"state": locked.get_state_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for refusing, so the school can act on it."))
    lines = list(locked.lines.select_related("voucher"))
    locked.lines.update(refused=True, refused_reason=reason[:300])
    _vouchers_to(lines=lines, to=TrainingVoucher.State.REFUSED, actor=actor, reason=reason)
    locked.state = State.REFUSED
    locked.amount_approved = Decimal("0.00")
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.reason = reason
    locked.save(update_fields=["state", "amount_approved", "decided_by", "decided_at", "reason"])
    statistics_refresh_soon(office=office)
    return locked


@transaction.atomic
def claim_mark_paid(*, claim: SubsidyClaim, office: Organisation, actor: User) -> SubsidyClaim:
    """Record that the approved amount was paid; the vouchers of the lines paid become paid."""
    locked = _locked_in_scope(claim=claim, office=office)
    if locked.state != State.APPROVED:
        raise ValidationError(_("Only an approved claim can be marked paid."))
    lines = [line for line in locked.lines.select_related("voucher") if not line.refused]
    _vouchers_to(
        lines=lines,
        to=TrainingVoucher.State.PAID,
        actor=actor,
        reason=_("Subsidy claim %(n)s paid") % {"n": locked.pk},
    )
    locked.state = State.PAID
    locked.paid_at = timezone.now()
    locked.paid_by = actor
    locked.save(update_fields=["state", "paid_at", "paid_by"])
    statistics_refresh_soon(office=office)
    return locked


# --- The claim file: the one place the clear ID number is written.

EXPORT_HEADER = [
    "#",
    "姓名 Name",
    "身份证号 ID number",
    "分钟 Minutes",
    "课时 Class hours",
    "课程 Lessons",
    "出勤 Sessions",
    "考核 Assessment",
    "培训券 Voucher",
    "金额 Amount",
    "状态 Status",
]


def _export_rows(claim: SubsidyClaim) -> list[list]:
    rows = []
    for number, line in enumerate(claim_lines(claim=claim), start=1):
        identity = getattr(line.learner, "identity", None)
        if line.refused:
            status = f"核减 refused: {line.refused_reason}"
        elif line.subsidised:
            status = "申报 claimed"
        else:
            status = f"不申报 withheld: {line.withheld_reason}"
        rows.append(
            [
                number,
                identity.real_name if identity else line.learner.real_name,
                id_number_reveal(identity=identity) if identity else "",
                line.minutes,
                line.class_hours,
                f"{line.lessons_completed}/{line.lessons_total}",
                line.sessions_attended,
                "通过 passed" if line.assessment_passed else "未通过 not passed",
                f"{line.voucher.number} ¥{line.voucher.face_value}" if line.voucher else "",
                line.amount,
                status,
            ]
        )
    return rows


def _export_facts(claim: SubsidyClaim) -> list[tuple[str, str]]:
    application = claim.application
    cycle = application.cycle
    entry = application.catalogue_entry
    return [
        ("培训机构 School", application.school.name),
        ("课程 Course", f"{cycle.course.title} #{cycle.number}"),
        ("周期 Cycle", f"{cycle.starts_on.isoformat()} – {cycle.ends_on.isoformat()}"),
        ("职业 Occupation", f"{entry.occupation.code} {entry.occupation.name_zh}"),
        (
            "补贴标准 Standard",
            f"¥{entry.subsidy_per_class_hour}/课时, ≤ ¥{entry.cap_per_person}/人",
        ),
        ("申报金额 Claimed", f"¥{claim.amount_claimed}"),
        (
            "核定金额 Approved",
            "" if claim.amount_approved is None else f"¥{claim.amount_approved}",
        ),
        ("状态 State", claim.get_state_display()),
        ("申报时间 Filed", timezone.localtime(claim.filed_at).strftime("%Y-%m-%d %H:%M")),
    ]


def _claim_for_export(claim: SubsidyClaim) -> SubsidyClaim:
    return SubsidyClaim.objects.select_related(
        "application__school",
        "application__cycle__course",
        "application__catalogue_entry__occupation",
    ).get(pk=claim.pk)


def claim_export_xlsx(*, claim: SubsidyClaim) -> bytes:
    """The claim file as a spreadsheet, for the HR office of the school's city only."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    claim = _claim_for_export(claim)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "claim"
    for label, value in _export_facts(claim):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(EXPORT_HEADER)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in _export_rows(claim):
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJK", (5, 12, 22, 9, 10, 9, 8, 14, 22, 10, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def claim_export_pdf(*, claim: SubsidyClaim) -> bytes:
    """The claim file as a landscape A4 PDF with the embedded Chinese font, for the HR office
    of the school's city only."""
    from fpdf.fonts import FontFace

    from credits.certification.certificate_pdf import new_document, printable

    claim = _claim_for_export(claim)
    pdf = new_document(
        orientation="L",
        created_on=timezone.localdate(claim.filed_at),
        title=f"补贴申报 {claim.pk}",
        author=claim.application.school.name,
    )
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("sans", size=14)
    pdf.cell(0, 9, printable("职业技能培训补贴申报 Subsidy claim"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", size=9)
    for label, value in _export_facts(claim):
        pdf.cell(0, 5.5, printable(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("sans", size=7.5)
    widths = (8, 22, 36, 14, 16, 14, 13, 22, 36, 16, 80)
    headings = FontFace(emphasis="", fill_color=(230, 235, 245))
    with pdf.table(
        col_widths=widths, line_height=5, first_row_as_headings=True, headings_style=headings
    ) as table:
        heading = table.row()
        for text in EXPORT_HEADER:
            heading.cell(printable(text))
        for values in _export_rows(claim):
            row = table.row()
            for value in values:
                row.cell(printable(str(value)))
    return bytes(pdf.output())
