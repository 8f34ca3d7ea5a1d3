"""Training vouchers: every change of state goes through ``voucher_transition``."""

import calendar
import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.demand import catalogue_entry_for, course_school, programme_year_current
from courses.models import CoursePage, Enrolment, Occupation
from courses.selectors import catalogue_courses
from courses.services import enrolment_join
from lms.accounts.identity import identity_groups, identity_of
from lms.accounts.models import Organisation, User
from lms.accounts.phones import mask_phone, normalize_phone

from .models import ClaimLine, TrainingVoucher, VoucherEvent
from .scope import hr_office_of

State = TrainingVoucher.State

# Which state may follow which. Anything else is refused with a reason.
TRANSITIONS: dict[str, set[str]] = {
    State.ISSUED: {State.CLAIMED, State.EXPIRED, State.REVOKED},
    State.CLAIMED: {State.REDEEMED, State.EXPIRED, State.REVOKED},
    State.REDEEMED: {State.SCHOOL_CLAIMED},
    State.SCHOOL_CLAIMED: {State.PAID, State.REFUSED},
    State.PAID: set(),
    State.REFUSED: set(),
    State.EXPIRED: set(),
    State.REVOKED: set(),
}
ACTIVE = TrainingVoucher.ACTIVE_STATES


@transaction.atomic
def voucher_transition(
    *, voucher: TrainingVoucher, to: str, actor: User | None, reason: str = "", **changes
) -> TrainingVoucher:
    """Move the voucher to ``to``, recording who and when; ``changes`` are other fields set
    in the same step (the enrolment on redemption, say). A move the table does not allow is
    refused with a ValidationError and changes nothing. The row is locked first, so two
    requests racing on one voucher cannot both move it."""
    locked = TrainingVoucher.objects.select_for_update().get(pk=voucher.pk)
    if to not in TRANSITIONS[locked.state]:
        raise ValidationError(
            _("A voucher that is %(state)s cannot become %(to)s.")
            % {"state": locked.get_state_display(), "to": State(to).label},
            code="transition",
        )
    from_state = locked.state
    locked.state = to
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    VoucherEvent.objects.create(
        voucher=locked,
        from_state=from_state,
        to_state=to,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )
    voucher.refresh_from_db()
    return locked


# --- Issuing, claiming, redeeming, expiring and revoking.

NUMBER_PREFIX = "HR"
CSV_HEADER = ["phone", "kind", "face_value", "target_occupation", "target_group", "expires_on"]
SPENT_STATES = (State.REDEEMED, State.SCHOOL_CLAIMED, State.PAID)


def valid_months() -> int:
    """How long a voucher stays valid, in calendar months (Fujian: at most three)."""
    return int(getattr(settings, "VOUCHER_VALID_MONTHS", 3))


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later; the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _active_message() -> str:
    return _("This person already holds an active voucher.")


def _face_value(value) -> Decimal:
    if isinstance(value, float):
        _refuse(_("Give the face value as an amount in yuan, such as 800.00."), "face_value")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        _refuse(_("Give the face value as an amount in yuan, such as 800.00."), "face_value")
    if not amount.is_finite() or amount <= 0:
        _refuse(_("The face value must be more than zero."), "face_value")
    if amount >= Decimal("100000000"):
        _refuse(_("The face value is too large."), "face_value")
    if amount != amount.quantize(Decimal("0.01")):
        _refuse(_("Give the face value in yuan with at most two decimals."), "face_value")
    return amount.quantize(Decimal("0.01"))


def _next_number(year: int) -> str:
    prefix = f"{NUMBER_PREFIX}-{year}-"
    last = (
        TrainingVoucher.objects.filter(number__startswith=prefix)
        .order_by(Length("number").desc(), "-number")  # past 999999 the numbers grow longer
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def voucher_issue(
    *,
    office: Organisation,
    holder: User,
    kind: str,
    face_value,
    target_occupation: Occupation | None = None,
    target_group: str = "",
    expires_on: dt.date | None = None,
    actor: User | None,
) -> TrainingVoucher:
    """Issue a voucher of the office's current programme year to one eligible learner.

    The holder must be an active learner with a real-name identity; one active voucher per
    person; a targeted voucher names an occupation on this year's catalogue or a learner
    group the holder belongs to; it expires ``VOUCHER_VALID_MONTHS`` calendar months after
    today unless an earlier day is given. Anything else is refused and changes nothing.
    """
    today = timezone.localdate()
    if office is None or office.kind != Organisation.Kind.HR_OFFICE:
        _refuse(_("Only an HR office issues vouchers."), "office")
    year = programme_year_current(city=office.city, on=today)
    if year is None or year.hr_office_id != office.pk:
        _refuse(
            _("This office has no published programme year covering today: publish one first."),
            "programme_year",
        )
    if holder is None or not holder.is_active or holder.role != User.Role.LEARNER:
        _refuse(_("Vouchers are issued to active learners only."), "holder")
    identity = identity_of(holder)
    if identity is None:
        _refuse(
            _("This learner has not given real-name details yet: vouchers need them."),
            "identity",
        )
    if kind not in TrainingVoucher.Kind.values:
        _refuse(_("Unknown voucher kind: choose face value, offset, general or targeted."), "kind")
    amount = _face_value(face_value)
    target_group = (target_group or "").strip()
    if kind == TrainingVoucher.Kind.TARGETED:
        if target_occupation is None and not target_group:
            _refuse(_("A targeted voucher names an occupation or a learner group."), "target")
    elif target_occupation is not None or target_group:
        _refuse(_("Only a targeted voucher names an occupation or a learner group."), "target")
    if target_group:
        if target_group not in User.LearnerGroup.values:
            _refuse(_("Unknown learner group: %(groups)s.") % {"groups": target_group}, "target")
        if target_group not in identity_groups(identity):
            _refuse(
                _("This learner has not declared the group the voucher is targeted to."),
                "target_group",
            )
    if (
        target_occupation is not None
        and not year.entries.filter(occupation=target_occupation).exists()
    ):
        _refuse(_("The target occupation is not on this year's catalogue."), "target_occupation")
    latest = months_after(today, valid_months())
    if expires_on is None:
        expires_on = latest
    elif expires_on < today:
        _refuse(_("The expiry date has already passed."), "expires_on")
    elif expires_on > latest:
        _refuse(
            _("A voucher is valid for at most %(months)s months: expire it by %(day)s.")
            % {"months": valid_months(), "day": latest.isoformat()},
            "expires_on",
        )
    if TrainingVoucher.objects.filter(holder=holder, state__in=ACTIVE).exists():
        _refuse(_active_message(), "active")
    for _attempt in range(20):
        try:
            with transaction.atomic():
                now = timezone.now()
                voucher = TrainingVoucher.objects.create(
                    number=_next_number(year.year),
                    programme_year=year,
                    hr_office=office,
                    holder=holder,
                    kind=kind,
                    face_value=amount,
                    target_occupation=target_occupation,
                    target_group=target_group,
                    state=State.ISSUED,
                    issued_at=now,
                    expires_on=expires_on,
                )
                VoucherEvent.objects.create(
                    voucher=voucher,
                    from_state="",
                    to_state=State.ISSUED,
                    actor=actor,
                    at=now,
                    reason=_("issued"),
                )
                return voucher
        except IntegrityError:
            # Either another request issued this person a voucher a moment ago, or took the
            # same number: the first is refused, the second tries the next number.
            if TrainingVoucher.objects.filter(holder=holder, state__in=ACTIVE).exists():
                _refuse(_active_message(), "active")
    _refuse(_("No voucher number could be given: please try again."), "number")


@dataclass
class CsvRow:
    line: int
    phone: str
    issued: TrainingVoucher | None = None
    reason: str = ""


def _row_issue(*, office: Organisation, row: dict, actor: User | None) -> TrainingVoucher:
    """One voucher from text fields as an officer types them (phone, kind, ...)."""
    try:
        phone = normalize_phone((row.get("phone") or "").strip())
    except ValidationError:
        _refuse(_("This is not a phone number."), "phone")
    holder = User.objects.filter(phone=phone).first()
    if holder is None:
        _refuse(_("No learner has this phone number."), "phone")
    code = (row.get("target_occupation") or "").strip()
    occupation = None
    if code:
        occupation = Occupation.objects.filter(code=code).first()
        if occupation is None:
            _refuse(_("Unknown occupation code: %(code)s.") % {"code": code}, "target_occupation")
    expires_text = (row.get("expires_on") or "").strip()
    expires_on = None
    if expires_text:
        try:
            expires_on = dt.date.fromisoformat(expires_text)
        except ValueError:
            _refuse(_("Give the expiry date as YYYY-MM-DD."), "expires_on")
    return voucher_issue(
        office=office,
        holder=holder,
        kind=(row.get("kind") or "").strip(),
        face_value=(row.get("face_value") or "").strip(),
        target_occupation=occupation,
        target_group=(row.get("target_group") or "").strip(),
        expires_on=expires_on,
        actor=actor,
    )


def voucher_issue_from_fields(
    *, office: Organisation, fields: dict, actor: User
) -> TrainingVoucher:
    """``voucher_issue`` from the fields of the desk's form (the same ones as a CSV row)."""
    return _row_issue(office=office, row=fields, actor=actor)


def vouchers_issue_csv(*, office: Organisation, text: str, actor: User) -> list[CsvRow]:
    """Issue a voucher for each row; the report says for each line whether it was issued
    or why it was refused. A file whose header is not the expected one changes nothing."""
    text = (text or "").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if header != CSV_HEADER:
        _refuse(
            _("The first line must be exactly: %(header)s") % {"header": ",".join(CSV_HEADER)},
            "header",
        )
    report = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        phone = cells[0].strip() if cells else ""
        entry = CsvRow(line=line, phone=mask_phone(phone))
        if len(cells) != len(CSV_HEADER):
            entry.reason = _("This line has %(found)s fields instead of %(expected)s.") % {
                "found": len(cells),
                "expected": len(CSV_HEADER),
            }
        else:
            try:
                entry.issued = _row_issue(
                    office=office, row=dict(zip(CSV_HEADER, cells, strict=True)), actor=actor
                )
            except ValidationError as error:
                entry.reason = " ".join(error.messages)
        report.append(entry)
    return report


def _expire_if_due(voucher: TrainingVoucher, today: dt.date) -> bool:
    if voucher.state in ACTIVE and voucher.expires_on < today:
        try:
            voucher_transition(voucher=voucher, to=State.EXPIRED, actor=None, reason="expired")
        except ValidationError:  # another request moved it first
            voucher.refresh_from_db()
        return True
    return False


def _holder_only(voucher: TrainingVoucher, learner: User) -> None:
    if learner is None or voucher.holder_id != learner.pk:
        _refuse(_("This voucher is not yours: a voucher is personal."), "holder")


def voucher_claim(*, voucher: TrainingVoucher, learner: User) -> TrainingVoucher:
    """The holder accepts an issued voucher; another person, or after expiry, is refused."""
    _holder_only(voucher, learner)
    if _expire_if_due(voucher, timezone.localdate()):
        _refuse(_("This voucher expired on %(day)s.") % {"day": voucher.expires_on}, "expired")
    return voucher_transition(voucher=voucher, to=State.CLAIMED, actor=learner)


def _already_subsidised(*, learner: User, course: CoursePage, voucher: TrainingVoucher) -> bool:
    if ClaimLine.objects.filter(
        learner=learner,
        occupation_id=course.occupation_id,
        level=course.level,
        subsidised=True,
        refused=False,
    ).exists():
        return True
    return (
        TrainingVoucher.objects.filter(
            holder=learner,
            state__in=SPENT_STATES,
            enrolment__course__occupation_id=course.occupation_id,
            enrolment__course__level=course.level,
        )
        .exclude(pk=voucher.pk)
        .exists()
    )


def voucher_course_refusal(
    *, voucher: TrainingVoucher, learner: User, course: CoursePage
) -> str | None:
    """Why the voucher cannot pay for this course today, or None when it can."""
    if not course.live:
        return _("This course is not open yet.")
    entry = catalogue_entry_for(course=course)
    if entry is None:
        return _("This course is not subsidised by the current catalogue.")
    school = course_school(course=course)
    if (
        school is None
        or school.city != voucher.hr_office.city
        or entry.programme_year.hr_office_id != voucher.hr_office_id
    ):
        return _("This voucher is for courses in %(city)s only.") % {"city": voucher.hr_office.city}
    if voucher.target_occupation_id and course.occupation_id != voucher.target_occupation_id:
        return _("This voucher is only for courses of %(occupation)s.") % {
            "occupation": voucher.target_occupation.name
        }
    if voucher.target_group and voucher.target_group not in identity_groups(identity_of(learner)):
        return _("This voucher is for the learner group %(group)s only.") % {
            "group": User.LearnerGroup(voucher.target_group).label
        }
    if _already_subsidised(learner=learner, course=course, voucher=voucher):
        return _("You were already subsidised for this occupation at this level.")
    return None


def voucher_redeem(*, voucher: TrainingVoucher, learner: User, course: CoursePage) -> Enrolment:
    """Enrol the holder in a subsidised course with a claimed voucher, in one step: the
    voucher becomes redeemed, naming the enrolment and the school. Refused with a reason
    otherwise; a voucher found past its expiry becomes expired on the way."""
    _holder_only(voucher, learner)
    voucher.refresh_from_db()
    if voucher.state in SPENT_STATES:
        _refuse(_("This voucher has already been used."), "redeemed")
    if _expire_if_due(voucher, timezone.localdate()):
        _refuse(_("This voucher expired on %(day)s.") % {"day": voucher.expires_on}, "expired")
    if voucher.state != State.CLAIMED:
        if voucher.state == State.ISSUED:
            _refuse(_("Claim the voucher before you use it."), "state")
        _refuse(
            _("A voucher that is %(state)s cannot be used.")
            % {"state": voucher.get_state_display()},
            "state",
        )
    refusal = voucher_course_refusal(voucher=voucher, learner=learner, course=course)
    if refusal:
        _refuse(refusal, "course")
    with transaction.atomic():
        enrolment = enrolment_join(learner=learner, course=course)
        if TrainingVoucher.objects.filter(enrolment=enrolment).exists():
            _refuse(_("You already used a voucher for this course."), "enrolment")
        voucher_transition(
            voucher=voucher,
            to=State.REDEEMED,
            actor=learner,
            reason=_("used for %(course)s") % {"course": course.title},
            enrolment=enrolment,
            school=course_school(course=course),
        )
    return enrolment


def vouchers_expire(*, today: dt.date | None = None) -> int:
    """Move every issued or claimed voucher past its expiry to expired; how many moved."""
    today = today or timezone.localdate()
    moved = 0
    due = TrainingVoucher.objects.filter(state__in=ACTIVE, expires_on__lt=today)
    for voucher in due.only("pk", "state", "expires_on"):
        try:
            voucher_transition(voucher=voucher, to=State.EXPIRED, actor=None, reason="expired")
        except ValidationError:  # moved by another request meanwhile
            continue
        moved += 1
    return moved


def voucher_revoke(*, voucher: TrainingVoucher, actor: User, reason: str) -> TrainingVoucher:
    """The issuing office takes back a voucher that is not used yet; a reason is required."""
    if hr_office_of(actor) is None or hr_office_of(actor).pk != voucher.hr_office_id:
        _refuse(_("Only the office that issued this voucher may revoke it."), "office")
    reason = (reason or "").strip()
    if not reason:
        _refuse(_("Say why the voucher is revoked."), "reason")
    return voucher_transition(voucher=voucher, to=State.REVOKED, actor=actor, reason=reason)


# --- Reading.


def _labelled(vouchers):
    """Words for the pages: the target group's and each event's state in the reader's language."""
    for voucher in vouchers:
        voucher.target_group_label = (
            User.LearnerGroup(voucher.target_group).label
            if voucher.target_group in User.LearnerGroup.values
            else voucher.target_group
        )
        for event in voucher.events.all():
            event.from_label = State(event.from_state).label if event.from_state else ""
            event.to_label = State(event.to_state).label
    return vouchers


def vouchers_of(*, learner: User) -> list[TrainingVoucher]:
    """A learner's vouchers with their history; any past its expiry is expired first."""
    vouchers_expire()
    return _labelled(
        list(
            TrainingVoucher.objects.filter(holder=learner)
            .select_related("target_occupation", "hr_office", "enrolment__course", "school")
            .prefetch_related("events__actor")
        )
    )


def voucher_of_holder(*, learner: User, number: str) -> TrainingVoucher | None:
    return TrainingVoucher.objects.filter(holder=learner, number=number).first()


def voucher_of_office(*, office: Organisation, number: str) -> TrainingVoucher | None:
    vouchers_expire()
    voucher = (
        TrainingVoucher.objects.filter(hr_office=office, number=number)
        .select_related("holder", "target_occupation", "enrolment__course", "school")
        .prefetch_related("events__actor")
        .first()
    )
    return _labelled([voucher])[0] if voucher else None


def vouchers_of_office(*, office: Organisation, state: str = "", kind: str = ""):
    vouchers_expire()
    vouchers = TrainingVoucher.objects.filter(hr_office=office).select_related(
        "holder", "target_occupation"
    )
    if state in State.values:
        vouchers = vouchers.filter(state=state)
    if kind in TrainingVoucher.Kind.values:
        vouchers = vouchers.filter(kind=kind)
    return vouchers


def voucher_courses_now(*, voucher: TrainingVoucher, learner: User, limit: int = 50) -> list:
    """The courses a claimed voucher can pay for today: subsidised, in its city, matching
    its target, and not an occupation and level the learner was subsidised for already."""
    if voucher.state != State.CLAIMED:
        return []
    year = programme_year_current(city=voucher.hr_office.city)
    if year is None:
        return []
    courses = catalogue_courses().filter(
        occupation_id__in=year.entries.values_list("occupation_id", flat=True)
    )
    if voucher.target_occupation_id:
        courses = courses.filter(occupation_id=voucher.target_occupation_id)
    usable = []
    for course in courses[: limit * 4]:
        if voucher_course_refusal(voucher=voucher, learner=learner, course=course) is None:
            usable.append(course)
        if len(usable) >= limit:
            break
    return usable


def course_open(*, course_id: int | None) -> CoursePage | None:
    """A live course by id, or None."""
    if course_id is None:
        return None
    return catalogue_courses().filter(pk=course_id).first()
