"""Community micro-training (群众点餐、社区吹哨、学校上门).

Residents (who sign up as learners) ask for a topic at a community centre, at most
``TOPIC_REQUESTS_PER_DAY`` in 24 hours; others second it, once each, never their own. How
many want a topic is the one who asked plus those who seconded (shown as "N 人想学"). The
centre's organiser passes a request on to the training schools of the centre's city, with a
note, or declines it with a reason. A school of that city takes it up and schedules
classroom sessions at the centre, within ``COMMUNITY_SESSION_HOURS`` (weekday evenings and
weekends by default), for a lesson of one of its courses in its current cycle. Learners join
the course and check in as in any classroom session; once a session has ended, those who
checked in (and were not removed) rate it, once, one to five stars.

Writes raise ``PermissionDenied`` for someone who may not act at all (another centre's
organiser, a school of another city, a non-learner asking) and ``ValidationError`` with a
message for everything else refused; a refusal changes nothing. Reads are in
:mod:`courses.community_selectors`.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.accounts.models import Organisation, User

from .models import (
    Attendance,
    ClassroomSession,
    CoursePage,
    LessonPage,
    SessionRating,
    TopicRequest,
    TopicSecond,
)
from .questions import _clean
from .selectors import current_cycle, user_may_teach_course

RATE_WINDOW = dt.timedelta(hours=24)
COMMENT_MAX_CHARS = 300
ACTIVE_STATES = (
    TopicRequest.State.OPEN,
    TopicRequest.State.PASSED_ON,
    TopicRequest.State.TAKEN_UP,
    TopicRequest.State.SCHEDULED,
)
WEEKDAY_NAMES = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


# --- Who acts for what.


def may_ask(user) -> bool:
    """Any signed-in learner: residents sign up as learners."""
    return bool(user.is_authenticated and user.is_active and user.role == User.Role.LEARNER)


def centre_of(user) -> Organisation | None:
    """The community centre an active organiser acts for; None for everyone else."""
    if not (user.is_authenticated and user.is_active and user.role == User.Role.ORGANISER):
        return None
    centre = user.organisation
    if centre is None or centre.kind != Organisation.Kind.COMMUNITY_CENTRE:
        return None
    return centre


def school_of(user) -> Organisation | None:
    """The training school an active instructor (or school lead) teaches for."""
    if not (user.is_authenticated and user.is_active and user.role == User.Role.INSTRUCTOR):
        return None
    school = user.organisation
    if school is None or school.kind != Organisation.Kind.TRAINING_SCHOOL:
        return None
    return school


def _locked(request: TopicRequest) -> TopicRequest:
    return (
        TopicRequest.objects.select_for_update(of=("self",))
        .select_related("centre")
        .get(pk=request.pk)
    )


def _text(value: str, *, max_chars: int, empty: str) -> str:
    return _clean(
        value,
        max_chars=max_chars,
        empty=empty,
        too_long=_("Keep it to %(max)s characters; it has %(n)s."),
    )


# --- Session hours.


def _parse_time(text: str) -> dt.time:
    hours, minutes = text.strip().split(":")
    return dt.time(int(hours), int(minutes)) if hours != "24" else dt.time.max


def session_hours() -> dict[int, list[tuple[dt.time, dt.time]]]:
    """``COMMUNITY_SESSION_HOURS`` read into the hours allowed on each weekday (0 = Monday)."""
    raw = settings.COMMUNITY_SESSION_HOURS
    allowed: dict[int, list[tuple[dt.time, dt.time]]] = {day: [] for day in range(7)}
    try:
        for rule in filter(None, (part.strip() for part in raw.split(";"))):
            days, hours = rule.split("=")
            first, _sep, last = days.partition("-")
            start, end = (_parse_time(t) for t in hours.split("-"))
            if end <= start:
                raise ValueError(rule)
            for day in range(int(first), int(last or first) + 1):
                if not 0 <= day <= 6:
                    raise ValueError(rule)
                allowed[day].append((start, end))
    except (ValueError, AttributeError) as exc:
        raise ImproperlyConfigured(
            f"COMMUNITY_SESSION_HOURS: {raw!r} is not like '0-4=18:00-22:00;5-6=08:00-22:00'"
        ) from exc
    return allowed


def session_hours_words() -> list[str]:
    """The allowed hours as a school reads them: "Monday–Friday 18:00–22:00"."""
    allowed = session_hours()
    words, day = [], 0
    while day < 7:
        if not allowed[day]:
            day += 1
            continue
        last = day
        while last + 1 < 7 and allowed[last + 1] == allowed[day]:
            last += 1
        days = WEEKDAY_NAMES[day] if last == day else f"{WEEKDAY_NAMES[day]}–{WEEKDAY_NAMES[last]}"
        hours = ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in allowed[day])
        words.append(f"{days} {hours}")
        day = last + 1
    return words


def within_session_hours(*, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if start.date() != end.date():
        return False
    return any(
        opens <= start.time() and end.time() <= closes
        for opens, closes in session_hours()[start.weekday()]
    )


# --- Residents.


@transaction.atomic
def topic_request_create(
    *,
    user: User,
    centre: Organisation,
    topic: str,
    details: str = "",
    now: dt.datetime | None = None,
) -> TopicRequest:
    """Ask for a topic at a community centre, at most ``TOPIC_REQUESTS_PER_DAY`` a day."""
    now = now or timezone.now()
    if not may_ask(user):
        raise PermissionDenied
    if centre.kind != Organisation.Kind.COMMUNITY_CENTRE:
        raise ValidationError(_("Topics are asked for at a community centre."), code="not_centre")
    topic = _text(
        topic,
        max_chars=TopicRequest.TOPIC_MAX_CHARS,
        empty=_("Say which topic you want to learn, e.g. 家政收纳."),
    )
    if "\n" in topic:
        raise ValidationError(_("Give the topic in one line."), code="lines")
    details = (
        _text(details, max_chars=TopicRequest.DETAILS_MAX_CHARS, empty="")
        if (details or "").strip()
        else ""
    )
    # One person's requests are counted one at a time, so two taps cannot pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    same = TopicRequest.objects.filter(
        centre=centre, topic__iexact=topic, state__in=ACTIVE_STATES
    ).first()
    if same is not None:
        raise ValidationError(
            _("%(topic)s is already asked for at this centre: second it instead.")
            % {"topic": same.topic},
            code="duplicate",
        )
    limit = settings.TOPIC_REQUESTS_PER_DAY
    asked = TopicRequest.objects.filter(requested_by=user, created_at__gt=now - RATE_WINDOW)
    if asked.count() >= limit:
        raise ValidationError(
            _("You can ask for %(n)s topics a day. Ask again tomorrow.") % {"n": limit},
            code="rate_limited",
        )
    return TopicRequest.objects.create(
        centre=centre, topic=topic, details=details, requested_by=user, created_at=now
    )


def topic_request_second(
    *, request: TopicRequest, user: User, now: dt.datetime | None = None
) -> TopicSecond:
    """Second someone else's request: once per person, while it is still active."""
    if not may_ask(user):
        raise PermissionDenied
    request = TopicRequest.objects.get(pk=request.pk)  # its state as it stands now
    if request.requested_by_id == user.pk:
        raise ValidationError(
            _("You asked for this topic yourself: you are already counted."), code="own"
        )
    if request.state not in ACTIVE_STATES:
        raise ValidationError(_("This request is closed."), code="closed")
    if TopicSecond.objects.filter(request=request, user=user).exists():
        raise ValidationError(_("You have already seconded this request."), code="twice")
    try:
        with transaction.atomic():
            return TopicSecond.objects.create(request=request, user=user, at=now or timezone.now())
    except IntegrityError as exc:  # a second tap raced the first
        raise ValidationError(_("You have already seconded this request."), code="twice") from exc


# --- The centre's organiser.


def _as_organiser(request: TopicRequest, organiser: User) -> None:
    centre = centre_of(organiser)
    if centre is None or centre.pk != request.centre_id:
        raise PermissionDenied


@transaction.atomic
def topic_request_pass_on(
    *, request: TopicRequest, organiser: User, note: str = "", now: dt.datetime | None = None
) -> TopicRequest:
    """The organiser hands the request to the training schools of the centre's city."""
    request = _locked(request)
    _as_organiser(request, organiser)
    if request.state != TopicRequest.State.OPEN:
        raise ValidationError(
            _("Only a request waiting for the organiser can be passed on."), code="state"
        )
    if not request.centre.city:
        raise ValidationError(
            _("The centre has no city: ask an administrator to set it, so schools can see it."),
            code="no_city",
        )
    note = (
        _text(note, max_chars=TopicRequest.NOTE_MAX_CHARS, empty="") if (note or "").strip() else ""
    )
    request.state = TopicRequest.State.PASSED_ON
    request.passed_on_at, request.passed_on_by, request.note_to_schools = (
        now or timezone.now(),
        organiser,
        note,
    )
    request.save(update_fields=["state", "passed_on_at", "passed_on_by", "note_to_schools"])
    return request


@transaction.atomic
def topic_request_decline(
    *, request: TopicRequest, organiser: User, reason: str, now: dt.datetime | None = None
) -> TopicRequest:
    """The organiser declines a request no school has taken up, saying why."""
    request = _locked(request)
    _as_organiser(request, organiser)
    if request.state not in (TopicRequest.State.OPEN, TopicRequest.State.PASSED_ON):
        raise ValidationError(
            _("A request a school has taken up can no longer be declined."), code="state"
        )
    reason = _text(
        reason,
        max_chars=TopicRequest.NOTE_MAX_CHARS,
        empty=_("Say why you decline it; the residents who asked see the reason."),
    )
    request.state = TopicRequest.State.DECLINED
    request.declined_at, request.declined_by, request.decline_reason = (
        now or timezone.now(),
        organiser,
        reason,
    )
    request.save(update_fields=["state", "declined_at", "declined_by", "decline_reason"])
    return request


# --- Schools.


def _school_of_request(request: TopicRequest, instructor: User) -> Organisation:
    """The instructor's school, if it is the one that took the request up."""
    school = school_of(instructor)
    if school is None or request.school_id != school.pk:
        raise PermissionDenied
    return school


@transaction.atomic
def topic_request_take_up(
    *, request: TopicRequest, instructor: User, now: dt.datetime | None = None
) -> TopicRequest:
    """A school of the centre's city takes a passed-on request up; one school only."""
    request = _locked(request)
    school = school_of(instructor)
    if school is None or not school.city or school.city != request.centre.city:
        raise PermissionDenied
    if request.state != TopicRequest.State.PASSED_ON:
        raise ValidationError(_("This request is not waiting for a school any more."), code="state")
    request.state = TopicRequest.State.TAKEN_UP
    request.school, request.taken_up_by, request.taken_up_at = (
        school,
        instructor,
        now or timezone.now(),
    )
    request.save(update_fields=["state", "school", "taken_up_by", "taken_up_at"])
    return request


@transaction.atomic
def topic_session_schedule(
    *,
    request: TopicRequest,
    instructor: User,
    lesson: LessonPage,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int = 30,
    now: dt.datetime | None = None,
) -> ClassroomSession:
    """A classroom session at the centre for a lesson of the school's course, in the course's
    current cycle, within ``COMMUNITY_SESSION_HOURS``."""
    now = now or timezone.now()
    request = _locked(request)
    _school_of_request(request, instructor)
    if request.state not in (TopicRequest.State.TAKEN_UP, TopicRequest.State.SCHEDULED):
        raise ValidationError(_("This request is closed."), code="state")
    if not lesson.live:
        raise ValidationError(_("Choose a published lesson."), code="lesson")
    course = lesson.get_parent().specific
    if not isinstance(course, CoursePage) or not user_may_teach_course(
        user=instructor, course_id=course.pk
    ):
        raise PermissionDenied
    cycle = current_cycle(course=course, now=now)
    if cycle is None:
        raise ValidationError(
            _("%(course)s has no current cycle: publish its schedule first.")
            % {"course": course.title},
            code="no_cycle",
        )
    if ends_at <= starts_at:
        raise ValidationError(_("The session must end after it starts."), code="order")
    if starts_at <= now:
        raise ValidationError(_("Choose a time that is still to come."), code="past")
    if not within_session_hours(starts_at=starts_at, ends_at=ends_at):
        raise ValidationError(
            _(
                "Community sessions are held when residents are free: %(hours)s. "
                "Choose a time within these hours."
            )
            % {"hours": "; ".join(session_hours_words())},
            code="hours",
        )
    if not 0 < capacity <= 500:
        raise ValidationError(_("Capacity is a number from 1 to 500."), code="capacity")
    centre = request.centre
    session = ClassroomSession.objects.create(
        cycle=cycle,
        lesson=lesson,
        venue=centre,
        venue_name=centre.name,
        address=centre.address,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
    )
    request.sessions.add(session)
    if request.state != TopicRequest.State.SCHEDULED:
        request.state = TopicRequest.State.SCHEDULED
        request.save(update_fields=["state"])
    return session


@transaction.atomic
def topic_request_complete(
    *, request: TopicRequest, instructor: User, now: dt.datetime | None = None
) -> TopicRequest:
    """The school marks the request done once one of its sessions has ended."""
    now = now or timezone.now()
    request = _locked(request)
    _school_of_request(request, instructor)
    if request.state != TopicRequest.State.SCHEDULED:
        raise ValidationError(_("Only a request with sessions can be marked done."), code="state")
    if not request.sessions.filter(ends_at__lte=now).exists():
        raise ValidationError(_("Mark it done after a session has been held."), code="not_held")
    request.state, request.done_at = TopicRequest.State.DONE, now
    request.save(update_fields=["state", "done_at"])
    return request


# --- Ratings.


def _attended(*, session: ClassroomSession, learner: User) -> bool:
    return (
        Attendance.objects.filter(session=session, learner=learner)
        .exclude(status=Attendance.Status.REMOVED)
        .exists()
    )


def session_rate(
    *,
    session: ClassroomSession,
    learner: User,
    stars,
    comment: str = "",
    now: dt.datetime | None = None,
) -> SessionRating:
    """An attendee rates a session once it has ended: one to five stars, once."""
    now = now or timezone.now()
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise ValidationError(_("Choose from one to five stars."), code="stars")
    if not _attended(session=session, learner=learner):
        raise ValidationError(
            _("Only those who checked in to this session can rate it."), code="not_attended"
        )
    if now < session.ends_at:
        raise ValidationError(_("You can rate the session once it has ended."), code="not_ended")
    comment = (
        _text(comment, max_chars=COMMENT_MAX_CHARS, empty="") if (comment or "").strip() else ""
    )
    if SessionRating.objects.filter(session=session, learner=learner).exists():
        raise ValidationError(_("You have already rated this session."), code="twice")
    try:
        with transaction.atomic():
            return SessionRating.objects.create(
                session=session, learner=learner, stars=stars, comment=comment, rated_at=now
            )
    except IntegrityError as exc:
        raise ValidationError(_("You have already rated this session."), code="twice") from exc
