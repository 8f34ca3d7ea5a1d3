"""Writes for courses: schools and their permissions, cycles, enrolment, completion, attendance."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from lms.accounts.models import Organisation, User

from .checkin import LOCKOUT, MAX_CODE_MISSES, CheckInRefused, code_matches, read_token
from .models import (
    Attendance,
    CatalogueIndexPage,
    CheckInCodeMiss,
    ClassroomSession,
    CoursePage,
    Cycle,
    Enrolment,
    LessonCompletion,
    LessonPage,
    QuizAttempt,
    ScheduledLesson,
    SchoolPage,
)
from .schedule import cycles_from, parse_weekdays
from .school_slugs import school_slug_base, slug_free

DEFAULT_HORIZON_DAYS = 60


# --- Schools: a page subtree, a collection, two groups and a publishing workflow each.


def _group_names(school: Organisation) -> tuple[str, str]:
    return f"{school.name} · instructors", f"{school.name} · leads"


@transaction.atomic
def school_setup(*, organisation: Organisation, catalogue: CatalogueIndexPage) -> SchoolPage:
    """Give a training school its corner of the catalogue and the permissions to work in it.

    Instructors may add and edit pages below the school's page but not publish; the school's
    leads approve through a moderation workflow. Running it again repairs what is missing.
    The page's slug is short and ASCII (see ``school_slugs``), since every lesson's address
    carries it; the school's leads may choose another in the admin.
    """
    if organisation.kind != Organisation.Kind.TRAINING_SCHOOL:
        raise ValidationError(_("Only a training school publishes courses."))
    page = SchoolPage.objects.filter(organisation=organisation).first()
    if page is None:
        taken = set(catalogue.get_children().values_list("slug", flat=True))
        slug = slug_free(
            school_slug_base(organisation_pk=organisation.pk, name=organisation.name), taken
        )
        page = SchoolPage(title=organisation.name, slug=slug, organisation=organisation)
        catalogue.add_child(instance=page)
        page.save_revision().publish()

    collection = Collection.objects.filter(name=organisation.name).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=organisation.name)

    instructors_name, leads_name = _group_names(organisation)
    instructors = Group.objects.get_or_create(name=instructors_name)[0]
    leads = Group.objects.get_or_create(name=leads_name)[0]
    page_actions = {
        instructors: ["add_page", "change_page"],
        leads: ["add_page", "change_page", "publish_page"],
    }
    for group, codenames in page_actions.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=page,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for app, codename in [
            ("wagtailimages", "add_image"),
            ("wagtailimages", "choose_image"),
            ("wagtaildocs", "add_document"),
            ("wagtaildocs", "choose_document"),
        ]:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(content_type__app_label=app, codename=codename),
            )

    # Named in the platform's language: the name is shown as it is stored ("提交到 …").
    with translation.override(settings.LANGUAGE_CODE):
        workflow_name = _("%(school)s · publishing") % {"school": organisation.name}
        task_name = _("%(school)s · lead approval") % {"school": organisation.name}
    linked = WorkflowPage.objects.filter(page=page).select_related("workflow").first()
    workflow = linked.workflow if linked else None
    if workflow is None:
        workflow = Workflow.objects.get_or_create(name=workflow_name)[0]
    if workflow.name != workflow_name:
        workflow.name = workflow_name
        workflow.save(update_fields=["name"])
    task = workflow.tasks.first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=task_name)
        task.specific.groups.set([leads])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    elif task.name != task_name:
        task.name = task_name
        task.save(update_fields=["name"])
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return page


def site_name_set(*, name: str) -> None:
    """The default site's name, which the admin shows in place of its host name."""
    Site.objects.filter(is_default_site=True).exclude(site_name=name).update(site_name=name)


@transaction.atomic
def instructor_sync_groups(*, user: User) -> None:
    """Put an instructor in their school's groups, and take them out of any other school's."""
    school_groups = Group.objects.filter(name__contains=" · ").filter(
        name__regex=r" · (instructors|leads)$"
    )
    user.groups.remove(*school_groups)
    if user.role != User.Role.INSTRUCTOR or not user.organisation_id or not user.is_active:
        return
    instructors_name, leads_name = _group_names(user.organisation)
    names = [instructors_name] + ([leads_name] if user.is_school_lead else [])
    user.groups.add(*Group.objects.filter(name__in=names))


# --- Cycles.


def _local_datetime(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


@transaction.atomic
def cycles_roll_ahead(
    *, course: CoursePage, today: dt.date | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> list[Cycle]:
    """Make sure the course's cycles are laid out until `horizon_days` from today.

    Cycles that have started are history and stay as they are. Cycles that have not started are
    laid out again from the current lessons, so adding or reordering a lesson moves them.
    """
    today = today or timezone.localdate()
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
    weekdays = parse_weekdays(course.schedule_weekdays)
    if not lessons or not weekdays or course.first_cycle_starts is None:
        return []
    CoursePage.objects.select_for_update().filter(pk=course.pk).first()  # one writer at a time
    started = list(course.cycles.filter(starts_on__lte=today).order_by("number"))
    future = {c.number: c for c in course.cycles.filter(starts_on__gt=today)}
    if started:
        last = started[-1]
        start = last.ends_on + dt.timedelta(days=1 + course.cycle_gap_days)
        number = last.number + 1
    else:
        start, number = course.first_cycle_starts, 1

    # What the future cycles hold now, read in one query: a roll-ahead that changes nothing
    # (every join runs one) then writes nothing.
    have_by_cycle: dict[int, list[tuple]] = {}
    for cycle_id, *row in (
        ScheduledLesson.objects.filter(cycle__in=list(future.values()))
        .order_by("cycle_id", "session_number")
        .values_list("cycle_id", "session_number", "lesson_id", "starts_at")
    ):
        have_by_cycle.setdefault(cycle_id, []).append(tuple(row))

    laid_out: list[Cycle] = []
    horizon = today + dt.timedelta(days=horizon_days)
    length = dt.timedelta(minutes=course.session_minutes)
    for dates in cycles_from(start, weekdays, len(lessons), course.cycle_gap_days):
        if dates[0] > horizon and laid_out:
            break
        cycle = future.pop(number, None) or Cycle(course=course, number=number)
        if cycle.pk is None or (cycle.starts_on, cycle.ends_on) != (dates[0], dates[-1]):
            cycle.starts_on, cycle.ends_on = dates[0], dates[-1]
            cycle.save()
        wanted = [
            (index + 1, lesson.pk, _local_datetime(day, course.session_time))
            for index, (lesson, day) in enumerate(zip(lessons, dates, strict=True))
        ]
        if have_by_cycle.get(cycle.pk, []) != wanted:
            cycle.sessions.all().delete()
            ScheduledLesson.objects.bulk_create(
                ScheduledLesson(
                    cycle=cycle,
                    session_number=n,
                    lesson_id=lesson_id,
                    starts_at=at,
                    ends_at=at + length,
                )
                for n, lesson_id, at in wanted
            )
        laid_out.append(cycle)
        number += 1
        if dates[0] > horizon:
            break
    if today < timezone.localdate():
        # A roll-ahead for a day gone by (a join recorded after the fact) lays out what that
        # day needed; what lies past its horizon is the present's layout, not stale.
        return laid_out
    for stale in future.values():
        if not stale.joiners.exists() and not stale.classroom_sessions.exists():
            stale.delete()
    return laid_out


# --- Enrolment and completion.


@transaction.atomic
def enrolment_join(
    *, learner: User, course: CoursePage, now: dt.datetime | None = None
) -> Enrolment:
    """Join the cycle running now, at the lesson being taught now; joining twice is harmless."""
    from .selectors import current_cycle

    now = now or timezone.now()
    if learner.role != User.Role.LEARNER:
        raise ValidationError(_("Only learners join courses."))
    if not course.live:
        raise ValidationError(_("This course is not open yet."))
    existing = Enrolment.objects.filter(
        learner=learner, course=course, left_at__isnull=True
    ).first()
    if existing:
        return existing
    cycles_roll_ahead(course=course, today=timezone.localdate(now))
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                learner=learner,
                course=course,
                joined_cycle=current_cycle(course=course, now=now),
                joined_at=now,
            )
    except IntegrityError:  # a second tap raced the first
        return Enrolment.objects.get(learner=learner, course=course, left_at__isnull=True)


@transaction.atomic
def enrolment_leave(*, learner: User, course: CoursePage, now: dt.datetime | None = None) -> int:
    """Leave a course. Lessons done stay done; joining again later picks up from there."""
    return Enrolment.objects.filter(learner=learner, course=course, left_at__isnull=True).update(
        left_at=now or timezone.now()
    )


@transaction.atomic
def lesson_complete(
    *, learner: User, lesson: LessonPage, source: str, now: dt.datetime | None = None
) -> tuple[LessonCompletion, bool]:
    """Record a lesson as done: once, ever, however many devices report it at the same moment."""
    try:
        with transaction.atomic():
            return LessonCompletion.objects.create(
                learner=learner, lesson=lesson, source=source, completed_at=now or timezone.now()
            ), True
    except IntegrityError:
        return LessonCompletion.objects.get(learner=learner, lesson=lesson), False


# --- Classroom attendance.


@transaction.atomic
def attendance_check_in(
    *, learner: User, session: ClassroomSession, now: dt.datetime | None = None
) -> tuple[Attendance, bool]:
    """Check a learner in once, pending the instructor's confirmation. The QR token and the
    screen's code have already been checked (``classroom_check_in`` does both)."""
    from .selectors import is_enrolled

    now = now or timezone.now()
    if not is_enrolled(learner=learner, course_id=session.lesson.get_parent().id):
        raise ValidationError(_("You are not enrolled in this course."), code="not_enrolled")
    if now > session.ends_at:
        raise ValidationError(_("This session has ended."), code="ended")
    if now < session.starts_at - dt.timedelta(minutes=30):
        raise ValidationError(_("Check-in opens 30 minutes before the session."), code="too_early")
    ClassroomSession.objects.select_for_update().filter(pk=session.pk).first()
    existing = Attendance.objects.filter(session=session, learner=learner).first()
    if existing and existing.status == Attendance.Status.REMOVED:
        raise ValidationError(
            _("Your instructor removed your check-in for this session. Speak to them in class."),
            code="removed",
        )
    if existing:
        return existing, False
    taken = Attendance.objects.filter(session=session).exclude(status=Attendance.Status.REMOVED)
    if taken.count() >= session.capacity:
        raise ValidationError(_("This session is full."), code="full")
    return Attendance.objects.create(
        session=session, learner=learner, checked_in_at=now, status=Attendance.Status.PENDING
    ), True


def classroom_check_in(
    *,
    learner: User,
    session: ClassroomSession,
    token: str,
    code: str,
    now: dt.datetime | None = None,
) -> tuple[Attendance, bool]:
    """A learner's check-in from the classroom screen: a fresh QR token for this session,
    the short code the screen shows now, and no more than ``MAX_CODE_MISSES`` wrong codes
    for this session within ``LOCKOUT``. Raises ``CheckInRefused`` or ``ValidationError``
    with the reason; a wrong code is counted (and kept even though the check-in fails)."""
    from .selectors import is_enrolled

    now = now or timezone.now()
    read_token(token=token, session_id=session.pk, now=now)
    if not is_enrolled(learner=learner, course_id=session.lesson.get_parent().id):
        raise ValidationError(_("You are not enrolled in this course."), code="not_enrolled")
    refusal = None
    with transaction.atomic():
        # One learner's guesses are counted one at a time; a miss is committed even though
        # the check-in is refused, so the refusal is raised after the block.
        User.objects.select_for_update().filter(pk=learner.pk).first()
        misses = CheckInCodeMiss.objects.filter(
            session=session, learner=learner, at__gt=now - LOCKOUT
        ).count()
        if misses >= MAX_CODE_MISSES:
            refusal = CheckInRefused(
                "locked",
                _(
                    "Too many wrong codes. Wait %(minutes)s minutes, then scan the code on "
                    "the screen again."
                )
                % {"minutes": int(LOCKOUT.total_seconds() // 60)},
            )
        elif not code_matches(session_id=session.pk, code=code, now=now):
            CheckInCodeMiss.objects.create(session=session, learner=learner, at=now)
            left = MAX_CODE_MISSES - misses - 1
            refusal = CheckInRefused(
                "wrong_code",
                _("That is not the code on the screen. %(left)s tries left.") % {"left": left}
                if left
                else _("That is not the code on the screen."),
            )
    if refusal is not None:
        raise refusal
    return attendance_check_in(learner=learner, session=session, now=now)


@transaction.atomic
def attendance_check_out(
    *, learner: User, session: ClassroomSession, now: dt.datetime | None = None
) -> Attendance:
    """Close a confirmed attendance at the time of leaving; for one still waiting for the
    instructor, only note the time, which closes it if and when it is confirmed."""
    now = min(now or timezone.now(), session.ends_at)
    attendance = Attendance.objects.select_for_update().get(session=session, learner=learner)
    left = max(now, attendance.checked_in_at)
    if attendance.status == Attendance.Status.CONFIRMED:
        if attendance.checked_out_at is None:
            attendance.checked_out_at = left
            attendance.save(update_fields=["checked_out_at"])
    elif attendance.left_at is None:
        attendance.left_at = left
        attendance.save(update_fields=["left_at"])
    return attendance


def _close_if_over(attendance: Attendance, now: dt.datetime) -> None:
    """A confirmed attendance closes when the learner left, or at the session's end."""
    session = attendance.session
    if attendance.checked_out_at is not None:
        return
    if attendance.left_at is not None:
        attendance.checked_out_at = max(attendance.left_at, attendance.checked_in_at)
    elif now >= session.ends_at:
        attendance.checked_out_at = max(session.ends_at, attendance.checked_in_at)


@transaction.atomic
def attendance_confirm(
    *, attendance: Attendance, by: User, now: dt.datetime | None = None
) -> Attendance:
    """The instructor saw the learner in the room. Also undoes a removal."""
    now = now or timezone.now()
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=attendance.pk)
    )
    if attendance.status != Attendance.Status.CONFIRMED:
        attendance.status = Attendance.Status.CONFIRMED
        attendance.decided_by, attendance.decided_at = by, now
        _close_if_over(attendance, now)
        attendance.save(update_fields=["status", "decided_by", "decided_at", "checked_out_at"])
    return attendance


@transaction.atomic
def attendance_remove(
    *, attendance: Attendance, by: User, now: dt.datetime | None = None
) -> Attendance:
    """The instructor did not see the learner in the room: the check-in banks nothing.

    The row stays (who checked in, and who removed it, is evidence). An attendance already
    closed may already be banked; the ledger is append-only, so that takes a reviewer's
    adjustment with a reason, not a removal here."""
    now = now or timezone.now()
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    if attendance.checked_out_at is not None:
        raise ValidationError(
            _(
                "This attendance is closed and may already be banked; "
                "ask a reviewer to adjust the hours with a reason."
            ),
            code="closed",
        )
    if attendance.status != Attendance.Status.REMOVED:
        attendance.status = Attendance.Status.REMOVED
        attendance.decided_by, attendance.decided_at = by, now
        attendance.save(update_fields=["status", "decided_by", "decided_at"])
    return attendance


@transaction.atomic
def attendance_confirm_remaining(
    *, session: ClassroomSession, by: User, now: dt.datetime | None = None
) -> int:
    """Close the roster: everyone still waiting is confirmed present. Removed check-ins
    stay removed."""
    now = now or timezone.now()
    pending = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session")
        .filter(session=session, status=Attendance.Status.PENDING)
    )
    confirmed = 0
    for attendance in pending:
        attendance.status = Attendance.Status.CONFIRMED
        attendance.decided_by, attendance.decided_at = by, now
        _close_if_over(attendance, now)
        attendance.save(update_fields=["status", "decided_by", "decided_at", "checked_out_at"])
        confirmed += 1
    return confirmed


@transaction.atomic
def attendance_close_ended(*, learner: User | None = None, now: dt.datetime | None = None) -> int:
    """Close every confirmed attendance left open at a session's end, at that end; only one
    learner's when ``learner`` is given (a page of theirs), so a page view locks nobody
    else's rows. A check-in still waiting for the instructor stays open: it banks nothing
    until confirmed, and is not lost."""
    now = now or timezone.now()
    open_ended = Attendance.objects.filter(
        checked_out_at__isnull=True,
        session__ends_at__lte=now,
        status=Attendance.Status.CONFIRMED,
    )
    if learner is not None:
        open_ended = open_ended.filter(learner=learner)
    closed = 0
    for attendance in open_ended.select_for_update(of=("self",)).select_related("session"):
        attendance.checked_out_at = max(attendance.session.ends_at, attendance.checked_in_at)
        attendance.save(update_fields=["checked_out_at"])
        closed += 1
    return closed


def catalogue_get_or_create(*, title: str = "课程", slug: str = "courses") -> CatalogueIndexPage:
    catalogue = CatalogueIndexPage.objects.first()
    if catalogue:
        return catalogue
    root = Page.get_first_root_node()
    home = root.get_children().first() or root
    catalogue = CatalogueIndexPage(title=title, slug=slug)
    home.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    return catalogue


@transaction.atomic
def quiz_submit(
    *,
    learner: User,
    lesson: LessonPage,
    block_id: str,
    answers: dict[int, int],
    now: dt.datetime | None = None,
) -> QuizAttempt:
    """Grade a quiz on the server; a pass completes a lesson that has no lecture video."""
    from .lesson_facts import lesson_has_video, lesson_quiz

    now = now or timezone.now()
    quiz = lesson_quiz(lesson=lesson, key=block_id)
    if quiz is None:
        raise ValidationError(_("This quiz no longer exists. Reload the lesson."), code="no_quiz")
    questions = [question.value for question in quiz.questions]
    if not questions:
        raise ValidationError(_("This quiz has no questions."), code="empty_quiz")
    chosen = [answers.get(index) for index in range(len(questions))]
    if any(choice is None for choice in chosen):
        raise ValidationError(_("Answer every question before you submit."), code="incomplete")
    right = sum(
        1
        for choice, question in zip(chosen, questions, strict=True)
        if choice == question["correct"]
    )
    score = round(100 * right / len(questions))
    pass_mark = quiz.pass_mark
    attempt = QuizAttempt.objects.create(
        learner=learner,
        lesson=lesson,
        block_id=block_id,
        score=score,
        pass_mark=pass_mark,
        passed=score >= pass_mark,
        answers=chosen,
        submitted_at=now,
    )
    if attempt.passed and not lesson_has_video(lesson=lesson):
        lesson_complete(
            learner=learner, lesson=lesson, source=LessonCompletion.Source.QUIZ, now=now
        )
    return attempt
