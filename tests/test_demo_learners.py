"""The demo's couriers near a certificate, their history made by the services alone."""

import datetime as dt
import io
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from courses.demo.content import recording_seconds
from courses.models import LessonCompletion, LessonPage, LessonQuiz, QuizAttempt
from courses.selectors import lesson_view
from courses.services import quiz_submit
from credits.certification.eligibility import programme_eligibility
from credits.certification.models import Application, CertificationProgramme
from credits.certification.review import review_queue
from credits.ledger.models import LedgerEntry
from credits.ledger.services import ledger_credit_assessment
from credits.study.models import AttentionCheck, ProgressReport, RefusedTime, WatchSession
from lms.accounts.models import Organisation, User
from lms.demo import DEMO_PASSWORD
from lms.demo_learners import APPLIED, NEAR, load_demo_learners
from lms.programmes.demo import quiz_answers

pytestmark = pytest.mark.django_db


def _programme() -> CertificationProgramme:
    return CertificationProgramme.objects.get(required_courses__slug="courier-basic")


def test_the_demo_has_a_learner_a_lesson_short_and_one_in_the_reviewers_queue(client):
    out = io.StringIO()
    call_command("load_demo", "--without-videos", stdout=out)
    printed = out.getvalue()
    assert "138 0013 8001" in printed and "138 0013 8002" in printed

    programme = _programme()
    near = User.objects.get(phone=NEAR[0])
    e = programme_eligibility(learner=near, programme=programme)
    assert not e.eligible
    course = programme.required_courses.get()
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
    last = lessons[-1]
    done = set(LessonCompletion.objects.filter(learner=near).values_list("lesson_id", flat=True))
    assert done == {lesson.pk for lesson in lessons[:-1]}
    passed = set(QuizAttempt.objects.filter(learner=near, passed=True).values_list("lesson_id"))
    assert passed == {(lesson.pk,) for lesson in lessons[:-1]}
    # The lesson left is open to them tonight, not next week.
    assert lesson_view(lesson=last, user=near)["may_study"]
    quiz = LessonQuiz.objects.get(lesson=last)
    attempt = quiz_submit(learner=near, lesson=last, block_id=quiz.key, answers=quiz_answers(quiz))
    ledger_credit_assessment(attempt=attempt)
    assert programme_eligibility(learner=near, programme=programme).eligible

    applied = User.objects.get(phone=APPLIED[0])
    application = Application.objects.get(learner=applied)
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at < timezone.now() - dt.timedelta(days=3)
    reviewer = User.objects.get(email="reviewer@nightschool.example")
    assert list(review_queue(reviewer=reviewer)) == [application]
    client.post(
        reverse("account_login"),
        {"login": "reviewer@nightschool.example", "password": DEMO_PASSWORD},
    )
    assert applied.real_name in client.get(reverse("review:queue")).content.decode()

    # Every credit was made by the services and every learner's chain holds.
    assert not LedgerEntry.objects.filter(
        learner__in=[near, applied],
        kind__in=[LedgerEntry.Kind.ADJUSTMENT, LedgerEntry.Kind.TRANSFER],
    ).exists()
    call_command("verify_ledger", stdout=io.StringIO(), stderr=io.StringIO())

    counts = [User.objects.count(), LedgerEntry.objects.count(), Application.objects.count()]
    call_command("load_demo", "--without-videos", stdout=io.StringIO())
    assert [User.objects.count(), LedgerEntry.objects.count(), Application.objects.count()] == (
        counts
    )


@pytest.fixture
def recorded_course(db, settings):
    """Three two-minute lessons with measured recordings, in a course asking attention checks,
    whose first cycle ended last week."""
    from courses import services as course_services
    from courses.models import CoursePage, Occupation
    from tests.factories import VideoAssetFactory
    from tests.helpers import lessons_of, make_course, make_school

    settings.STUDY_ATTENTION_MEAN_SECONDS = 100  # a check every minute or two of study
    today = timezone.localdate()
    school = make_school(course_services.catalogue_get_or_create())
    course = make_course(
        school,
        Occupation.objects.create(code="4-02-07-08", name_zh="快递员"),
        lessons=3,
        first=today - dt.timedelta(days=today.weekday() + 21),
    )
    CoursePage.objects.filter(pk=course.pk).update(attention_checks=True)
    for lesson in lessons_of(course):
        lesson.credit_minutes = lesson.duration_minutes = 2
        lesson.video = VideoAssetFactory(title=lesson.title, duration=recording_seconds(2))
        lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def demo_parts(recorded_course):
    from tests.factories import OrganisationFactory

    evaluator = OrganisationFactory(name="鉴定中心", kind=Organisation.Kind.EVALUATION)
    programme = CertificationProgramme.objects.create(
        name_zh="快递员五级", issuer=evaluator, class_hours_required=Decimal("0.1")
    )
    programme.required_courses.set([recorded_course])
    station = OrganisationFactory(name="城东站", kind=Organisation.Kind.EMPLOYER)
    return {"station": station, "programme": programme, "course": recorded_course}


def test_the_demo_learners_watch_every_recording_through_the_study_service(demo_parts):
    assert load_demo_learners(**demo_parts) == "ready"
    near, applied = User.objects.get(phone=NEAR[0]), User.objects.get(phone=APPLIED[0])
    lessons = list(LessonPage.objects.child_of(demo_parts["course"]).order_by("path"))
    for learner, watched in ((near, lessons[:-1]), (applied, lessons)):
        sessions = WatchSession.objects.filter(learner=learner)
        assert sorted(s.lesson_id for s in sessions) == sorted(x.pk for x in watched)
        assert all("Android" in s.user_agent for s in sessions)
        assert ProgressReport.objects.filter(session__learner=learner).count() >= 5 * len(watched)
        assert not RefusedTime.objects.filter(session__learner=learner).exists()
        entries = LedgerEntry.objects.filter(learner=learner).order_by("seq")
        assert [(e.kind, e.lesson_id, e.minutes) for e in entries] == [
            (LedgerEntry.Kind.LESSON, lesson.pk, 2) for lesson in watched
        ]
        checks = AttentionCheck.objects.filter(learner=learner)
        assert checks.exists() and not checks.exclude(passed=True).exists()
    assert not programme_eligibility(learner=near, programme=demo_parts["programme"]).eligible
    application = Application.objects.get(learner=applied)
    assert application.counted_minutes == 6
    assert not Application.objects.filter(learner=near).exists()
    call_command("verify_ledger", stdout=io.StringIO(), stderr=io.StringIO())

    reports = ProgressReport.objects.count()
    assert load_demo_learners(**demo_parts) == "ready"
    assert ProgressReport.objects.count() == reports


def test_the_demo_learners_wait_for_recordings_still_being_measured(demo_parts):
    from media_pipeline.models import VideoAsset

    last = LessonPage.objects.child_of(demo_parts["course"]).order_by("path").last()
    VideoAsset.objects.filter(pk=last.video_id).update(duration=None, status="processing")
    assert load_demo_learners(**demo_parts) == "waiting"
    assert not WatchSession.objects.exists() and not LedgerEntry.objects.exists()
    VideoAsset.objects.filter(pk=last.video_id).update(status=VideoAsset.Status.FAILED)
    assert load_demo_learners(**demo_parts) == "failed"
    assert not WatchSession.objects.exists()


def test_the_background_job_plays_the_evenings_once_the_recordings_are_measured(recorded_course):
    from credits.certification.demo import PROGRAMME_NAME
    from lms.demo import STATION_NAME
    from lms.demo_tasks import demo_learners_history
    from media_pipeline.models import VideoAsset
    from tests.factories import OrganisationFactory

    OrganisationFactory(name=STATION_NAME, kind=Organisation.Kind.EMPLOYER)
    evaluator = OrganisationFactory(name="鉴定中心", kind=Organisation.Kind.EVALUATION)
    programme = CertificationProgramme.objects.create(
        name_zh=PROGRAMME_NAME, issuer=evaluator, class_hours_required=Decimal("0.1")
    )
    programme.required_courses.set([recorded_course])
    first = LessonPage.objects.child_of(recorded_course).order_by("path").first()
    VideoAsset.objects.filter(pk=first.video_id).update(duration=None, status="queued")

    assert demo_learners_history.call() == "waiting"
    assert not WatchSession.objects.exists()

    VideoAsset.objects.filter(pk=first.video_id).update(duration=recording_seconds(2))
    assert demo_learners_history.call() == "ready"
    assert Application.objects.get().learner.phone == APPLIED[0]
    assert WatchSession.objects.filter(learner__phone=NEAR[0]).count() == 2
