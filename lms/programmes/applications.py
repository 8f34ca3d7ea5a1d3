"""Class-opening applications: a school asks its city's HR office to subsidise one cycle.

A cycle counts for subsidy only once the office approved it. The school side acts through
its instructors and leads (in the admin); the office through its HR officers (the desk).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.demand import catalogue_entry_for, course_school
from courses.lesson_facts import cycle_learner_ids
from courses.models import CatalogueEntry, Cycle
from courses.selectors import courses_user_teaches, user_may_teach_course
from lms.accounts.models import Organisation, User

from .models import ClassApplication
from .scope import schools_in_scope

State = ClassApplication.State


# --- Who acts for a school.


def school_of(user: User) -> Organisation | None:
    """The training school an active instructor (or school lead) acts for; None otherwise.

    The same rule as the course admin follows (``courses.selectors.user_may_teach_course``):
    an instructor works for the school of their organisation, and for no other."""
    if not (user.is_authenticated and user.is_active and user.role == User.Role.INSTRUCTOR):
        return None
    school = user.organisation
    if school is None or school.kind != Organisation.Kind.TRAINING_SCHOOL:
        return None
    return school


def school_instructors(*, school: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        role=User.Role.INSTRUCTOR, organisation=school, is_active=True
    ).order_by("real_name", "pk")


def school_applications(*, school: Organisation) -> QuerySet[ClassApplication]:
    return (
        ClassApplication.objects.filter(school=school)
        .select_related("cycle__course", "catalogue_entry__occupation", "hr_office")
        .order_by("-submitted_at")
    )


def cycles_open_for_application(*, user: User) -> list[tuple[Cycle, CatalogueEntry]]:
    """Cycles of the user's school's courses that have not ended, have no application yet,
    and whose course the current catalogue subsidises, each with the entry that does."""
    if school_of(user) is None:
        return []
    today = timezone.localdate()
    cycles = (
        Cycle.objects.filter(course__in=courses_user_teaches(user=user), ends_on__gte=today)
        .filter(class_application__isnull=True)
        .select_related("course")
        .order_by("course__title", "starts_on")
    )
    entries: dict[int, CatalogueEntry | None] = {}
    found = []
    for cycle in cycles:
        if cycle.course_id not in entries:
            entries[cycle.course_id] = catalogue_entry_for(course=cycle.course)
        entry = entries[cycle.course_id]
        if entry is not None:
            found.append((cycle, entry))
    return found


def school_application(*, user: User, pk: int) -> ClassApplication:
    """One application of the user's school; another school's is refused as if absent."""
    school = school_of(user)
    application = (
        ClassApplication.objects.filter(pk=pk, school=school)
        .select_related("cycle__course", "catalogue_entry__occupation", "hr_office")
        .first()
        if school
        else None
    )
    if application is None:
        raise PermissionDenied
    return application


# --- The school applies.


@transaction.atomic
def class_application_submit(
    *,
    cycle: Cycle,
    actor: User,
    teaching_plan: str,
    instructors: list[User],
    venue: str,
    assessment_plan: str,
    now: dt.datetime | None = None,
) -> ClassApplication:
    """Apply to open a subsidised class for the cycle. The roster is the cycle's learners now.

    Refused with a ValidationError (and nothing saved) when the actor does not teach the
    course, the cycle has ended, it was applied for before, the course is not on the current
    catalogue, a field is empty, or an instructor named is not the school's.
    """
    now = now or timezone.now()
    school = school_of(actor)
    if school is None or not user_may_teach_course(user=actor, course_id=cycle.course_id):
        raise PermissionDenied(_("You do not teach at this course's school."))
    course = cycle.course
    if course_school(course=course) != school:
        raise PermissionDenied(_("You do not teach at this course's school."))
    if cycle.ends_on < timezone.localdate(now):
        raise ValidationError(_("This cycle has ended: apply for one still to come."))
    if ClassApplication.objects.filter(cycle=cycle).exists():
        raise ValidationError(_("This cycle has been applied for already."))
    entry = catalogue_entry_for(course=course, on=timezone.localdate(now))
    if entry is None:
        raise ValidationError(
            _("This course's occupation is not on the current subsidised-training catalogue.")
        )
    fields = {
        "teaching_plan": (teaching_plan or "").strip(),
        "venue": (venue or "").strip(),
        "assessment_plan": (assessment_plan or "").strip(),
    }
    if not all(fields.values()):
        raise ValidationError(_("Give the teaching plan, the venue and the assessment plan."))
    if not instructors:
        raise ValidationError(_("Name at least one instructor of the class."))
    allowed = set(school_instructors(school=school).values_list("pk", flat=True))
    if any(person.pk not in allowed for person in instructors):
        raise ValidationError(_("Every instructor named must teach at your school."))
    try:
        with transaction.atomic():
            application = ClassApplication.objects.create(
                cycle=cycle,
                school=school,
                hr_office=entry.programme_year.hr_office,
                catalogue_entry=entry,
                roster=cycle_learner_ids(cycle=cycle),
                submitted_by=actor,
                submitted_at=now,
                **fields,
            )
    except IntegrityError:  # a second submission raced the first
        raise ValidationError(_("This cycle has been applied for already.")) from None
    application.instructors.set(instructors)
    return application


# --- The HR office decides.


def office_applications(*, office: Organisation, state: str = "") -> QuerySet[ClassApplication]:
    """The office's queue: its city's schools only, waiting ones first, oldest first."""
    queue = ClassApplication.objects.filter(
        hr_office=office, school__in=schools_in_scope(office=office)
    )
    if state:
        queue = queue.filter(state=state)
    return (
        queue.annotate(
            waiting=Case(
                When(state=State.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("cycle__course", "school", "catalogue_entry__occupation")
        .order_by("waiting", "submitted_at")
    )


def office_application(*, office: Organisation, pk: int) -> ClassApplication | None:
    return office_applications(office=office).filter(pk=pk).first()


def application_roster(*, application: ClassApplication) -> list[User]:
    learners = User.objects.filter(pk__in=application.roster).select_related("identity")
    by_id = {learner.pk: learner for learner in learners}
    return [by_id[pk] for pk in application.roster if pk in by_id]


@transaction.atomic
def class_application_decide(
    *,
    application: ClassApplication,
    office: Organisation,
    actor: User,
    approve: bool,
    reason="",
    now: dt.datetime | None = None,
) -> ClassApplication:
    """Approve or refuse a submitted application, recording who, when and why.

    Only the office the application went to decides, only once; a refusal needs a reason."""
    locked = ClassApplication.objects.select_for_update().get(pk=application.pk)
    if locked.hr_office_id != office.pk or locked.school.city != office.city:
        raise PermissionDenied
    if locked.state != State.SUBMITTED:
        raise ValidationError(
            _("This application was decided already (%(state)s).")
            % {"state": locked.get_state_display()}
        )
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(_("Give the reason for refusing, so the school can act on it."))
    locked.state = State.APPROVED if approve else State.REFUSED
    locked.decided_by = actor
    locked.decided_at = now or timezone.now()
    locked.reason = reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    return locked
