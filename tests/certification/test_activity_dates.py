"""A credential's activity dates: from the start of the first activity counted to the end of
the last, not the midnights of their days."""

import datetime as dt

from django.utils import timezone

import pytest

from courses import services as course_services
from courses.models import Attendance, ClassroomSession, Cycle, Occupation
from credits.certification.models import CertificationProgramme
from credits.ledger import services as ledger_services
from credits.study.models import LessonProgress, StudyClock, WatchSession
from tests.factories import UserFactory
from tests.helpers import certify, lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _zulu(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_activity_runs_from_the_first_watch_to_the_end_of_the_last_class_attended(
    evaluator, reviewer
):
    school = make_school(course_services.catalogue_get_or_create())
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    course = make_course(school, occupation, lessons=2)
    watched, attended = lessons_of(course)
    learner = UserFactory(real_name="张小明")
    course_services.enrolment_join(learner=learner, course=course)
    monday, wednesday = dt.date(2026, 11, 2), dt.date(2026, 11, 4)

    # Monday: the lesson is watched from 20:30 and banks at 20:48.
    began = _local(monday, 20, 30)
    WatchSession.objects.create(
        learner=learner,
        lesson=watched,
        started_at=began,
        last_report_at=began + dt.timedelta(minutes=18),
        progress=LessonProgress.objects.create(learner=learner, lesson=watched, updated_at=began),
        clock=StudyClock.objects.create(learner=learner),
    )
    ledger_services.ledger_credit_lesson(
        learner=learner,
        lesson=watched,
        studied_seconds=15 * 60,
        now=began + dt.timedelta(minutes=18),
    )
    # Wednesday: a class from 19:00 to 21:00, present until 20:50, banked only later (today).
    cycle = Cycle.objects.create(course=course, number=99, starts_on=wednesday, ends_on=wednesday)
    session = ClassroomSession.objects.create(
        cycle=cycle,
        lesson=attended,
        venue_name="站点",
        starts_at=_local(wednesday, 19, 0),
        ends_at=_local(wednesday, 21, 0),
    )
    left = _local(wednesday, 20, 50)
    ledger_services.ledger_credit_attendance(
        attendance=Attendance.objects.create(
            session=session,
            learner=learner,
            checked_in_at=_local(wednesday, 18, 55),
            checked_out_at=left,
        )
    )
    programme = CertificationProgramme.objects.create(
        name_zh="快递员五级",
        issuer=evaluator,
        class_hours_required=2,
        assessment=CertificationProgramme.Assessment.EXAM,
    )

    certificate = certify(learner, programme, reviewer)

    subject = certificate.credential["credentialSubject"]
    assert subject["activityStartDate"] == _zulu(began)
    assert subject["activityEndDate"] == _zulu(left)
    assert (certificate.activity_start, certificate.activity_end) == (monday, wednesday)
