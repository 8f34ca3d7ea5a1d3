"""Two demo couriers close to a certificate: one a lesson short of it, one who has applied.

Their evenings are played through the services a learner's phone calls: they join the courier
course's first cycle (which ended last week), open each lesson on its evening and report what
played every 30 s, answer the attention checks put to them, pass each lesson's quiz, and the
second applies the next morning. Nothing is written to the ledger but by those services.

A lesson without a recording (``load_demo --without-videos``) is completed by its quiz, as on
the site. A recording is studied only once the worker has measured it, so with videos the
history is played by a background job that waits for them (``lms.demo_tasks``).
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from courses.lesson_facts import course_quizzes, lesson_video
from courses.models import CoursePage, Cycle, LessonCompletion, LessonPage
from courses.services import enrolment_join, quiz_submit
from credits.certification.models import CertificationProgramme
from credits.certification.services import application_submit
from credits.ledger.services import ledger_credit_assessment
from credits.study import attention
from credits.study.services import study_report, study_session_start
from lms.accounts.models import Organisation, User
from lms.accounts.services import user_create
from media_pipeline.models import VideoAsset

from .programmes.demo import quiz_answers

logger = logging.getLogger(__name__)

NEAR = ("+8613800138001", "陈晓东")  # seven lessons of eight done
APPLIED = ("+8613800138002", "李春梅")  # all eight and the final assessment; applied
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 12; M2006C3LC) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.230 Mobile Safari/537.36"
)
REPORT_EVERY_S = 30
NETWORK_DELAY_S = 0.4
READ_CHECK_S = 8  # the time a person takes to read the picture and type its number


def demo_logins(*, state: str) -> list[tuple[str, str, str]]:
    """(role, login, how) for the terminal, beside the demo's other logins; ``state`` is what
    ``load_demo_learners`` answered."""
    later = {
        "waiting": " (their evenings appear once the worker has transcoded the videos)",
        "failed": " (a demo video failed, so their evenings could not be played)",
    }.get(state, "")
    return [
        ("learner 2", _spaced(NEAR[0]), f"phone + code; one lesson from a certificate{later}"),
        (
            "learner 3",
            _spaced(APPLIED[0]),
            f"phone + code; has applied, in the review queue{later}",
        ),
    ]


def _spaced(phone: str) -> str:
    digits = phone.removeprefix("+86")
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"


def _learner(phone: str, name: str, station: Organisation) -> User:
    return User.objects.filter(phone=phone).first() or user_create(
        role=User.Role.LEARNER,
        real_name=name,
        phone=phone,
        learner_group=User.LearnerGroup.COURIER,
        employer=station,
    )


def recordings_state(*, lessons: list[LessonPage]) -> str:
    """ "ready" when every lesson's recording is measured or it has none, "failed" when one
    cannot be, else "waiting"."""
    videos = [lesson_video(lesson=lesson) for lesson in lessons]
    if any(v is not None and v.status == VideoAsset.Status.FAILED for v in videos):
        return "failed"
    if any(v is not None and not v.duration for v in videos):
        return "waiting"
    return "ready"


def _watch(*, learner: User, lesson: LessonPage, start: dt.datetime) -> dt.datetime:
    """Play the lesson's recording through once, as the page's tracker reports it; answer
    each attention check as a person at the screen does. Returns when it ended."""
    session, _progress = study_session_start(
        learner=learner, lesson=lesson, user_agent=PHONE_AGENT, now=start
    )
    played, seq, now = 0.0, 0, start
    while played < session.duration:
        played = min(session.duration, played + REPORT_EVERY_S)
        seq += 1
        now = start + dt.timedelta(seconds=played + seq * NETWORK_DELAY_S)
        result = study_report(
            learner=learner,
            session_id=session.pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(0.0, played)],
            position=played,
            event="ended" if played >= session.duration else "progress",
            now=now,
        )
        pending = (result.attention or {}).get("id")
        if pending:
            check = attention.pending_check(learner=learner, check_id=pending)
            now += dt.timedelta(seconds=READ_CHECK_S)
            attention.attention_answer(
                learner=learner, check_id=check.pk, number=check.number, now=now
            )
            start += dt.timedelta(seconds=READ_CHECK_S)  # the video waited for the answer
    return now


def _evening(*, learner: User, lesson: LessonPage, quizzes, at: dt.datetime) -> dt.datetime:
    """One lesson's evening: its recording if it has one, then its quiz."""
    now = at
    if lesson_video(lesson=lesson) is not None:
        now = _watch(learner=learner, lesson=lesson, start=at)
    for quiz in quizzes:
        now += dt.timedelta(minutes=1)
        attempt = quiz_submit(
            learner=learner,
            lesson=lesson,
            block_id=quiz.key,
            answers=quiz_answers(quiz),
            now=now,
        )
        ledger_credit_assessment(attempt=attempt)
    return now


@transaction.atomic
def load_demo_learners(
    *, station: Organisation, programme: CertificationProgramme, course: CoursePage
) -> str:
    """The two learners, and their history in the course's first cycle when the recordings
    allow it: returns ``recordings_state``'s answer ("ready" once their history is in place).
    Loading again adds nothing: a learner who has studied or passed a quiz had their evenings."""
    near, applied = (_learner(phone, name, station) for phone, name in (NEAR, APPLIED))
    cycle = Cycle.objects.filter(course=course, number=1).first()
    if cycle is None:
        return "failed"
    evenings = list(cycle.sessions.select_related("lesson").order_by("starts_at"))
    lessons = [evening.lesson for evening in evenings]
    state = recordings_state(lessons=lessons)
    if state != "ready":
        return state
    quizzes = course_quizzes(course=course)
    for learner, done in ((near, len(evenings) - 1), (applied, len(evenings))):
        if LessonCompletion.objects.filter(learner=learner, lesson__in=lessons).exists():
            continue
        enrolment_join(
            learner=learner, course=course, now=evenings[0].starts_at - dt.timedelta(hours=3)
        )
        now = evenings[0].starts_at
        for evening in evenings[:done]:
            now = _evening(
                learner=learner,
                lesson=evening.lesson,
                quizzes=[q for q in quizzes if q.lesson_id == evening.lesson_id],
                at=max(now, evening.starts_at) + dt.timedelta(minutes=5),
            )
        if learner == applied:
            morning = timezone.localtime(now).replace(hour=9, minute=0) + dt.timedelta(days=1)
            application_submit(
                learner=learner,
                programme=programme,
                note="八节课和结业考核都已完成，请审核。",
                now=morning,
            )
    return "ready"
