"""The demo's subsidised-training programme: a city's HR office and its year.

Everything goes through the services a real office, school and learner use: the catalogue
is imported and published, vouchers are issued, classes are applied for and approved, the
finished class's learners check in, pass their tests and bank their hours, and its claim is
filed from the ledger. Loading twice changes nothing.
"""

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from courses.demand import catalogue_import_csv, programme_year_create, programme_year_publish
from courses.demo.content import load_demo_year_courses
from courses.lesson_facts import course_quizzes
from courses.models import ClassroomSession, CoursePage, Cycle, Enrolment, ProgrammeYear
from courses.selectors import current_cycle
from courses.services import (
    attendance_check_in,
    attendance_check_out,
    attendance_confirm_remaining,
    enrolment_join,
    enrolment_leave,
    instructor_sync_groups,
    quiz_submit,
)
from credits.certification.demo import load_demo_year_programmes
from credits.certification.services import application_decide, application_submit
from credits.ledger.services import ledger_credit_assessment, ledger_credit_attendance
from lms.accounts.identity import id_number_check_character, identity_declare, identity_of
from lms.accounts.models import Organisation, User
from lms.accounts.services import organisation_get_or_create, user_create

from .applications import class_application_decide, class_application_submit
from .claims import claim_file
from .models import ClassApplication, TrainingVoucher
from .statistics import statistics_refresh
from .vouchers import voucher_claim, voucher_issue, voucher_redeem

CITY = "泰安市"
CATALOGUE_CSV = Path(__file__).resolve().parents[2] / "courses" / "demo" / "catalogue_2026.csv"
HR_EMAIL = "hr@nightschool.example"
HISTORY_LEARNERS = 240
CLASS_LEARNERS = 12
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
]
GROUPS = [
    User.LearnerGroup.RURAL_MIGRANT,
    User.LearnerGroup.GIG_WORKER,
    User.LearnerGroup.JOB_SEEKER,
    User.LearnerGroup.DELIVERY_RIDER,
    User.LearnerGroup.COURIER,
    User.LearnerGroup.POVERTY_MONITORING,
    User.LearnerGroup.UNEMPLOYED,
]


def demo_id_number(seed: int) -> str:
    """A made-up resident ID number of 泰山区 that passes the GB 11643 check."""
    born = dt.date(1975, 1, 1) + dt.timedelta(days=(seed * 97) % 10_000)
    first_17 = f"370902{born:%Y%m%d}{seed % 1000:03d}"
    return first_17 + id_number_check_character(first_17)


def quiz_answers(quiz) -> dict[int, int]:
    return {index: block.value["correct"] for index, block in enumerate(quiz.questions)}


def _pass_tests(*, learner: User, course: CoursePage, at: list[dt.datetime]) -> None:
    """Pass every test of the course, one per evening: a passed test completes a lesson
    without a video, and the final assessment banks its class hour."""
    now = timezone.now()
    for quiz, moment in zip(course_quizzes(course=course), at, strict=False):
        if moment > now:
            break
        attempt = quiz_submit(
            learner=learner,
            lesson=quiz.lesson,
            block_id=quiz.key,
            answers=quiz_answers(quiz),
            now=moment,
        )
        ledger_credit_assessment(attempt=attempt)


def _evenings(enrolment: Enrolment) -> list[dt.datetime]:
    """When the learner's lessons were taught: the joined cycle's evenings, an hour in."""
    if enrolment.joined_cycle is None:
        return [enrolment.joined_at + dt.timedelta(days=2 * n, hours=1) for n in range(8)]
    sessions = enrolment.joined_cycle.sessions.order_by("starts_at")
    return [max(s.starts_at, enrolment.joined_at) + dt.timedelta(hours=1) for s in sessions]


def _learner(seed: int, *, groups: list[str], with_identity: bool = True) -> User:
    phone = f"+86139{seed:08d}"
    learner = User.objects.filter(phone=phone).first()
    if learner is None:
        name = (
            SURNAMES[seed % len(SURNAMES)] + GIVEN[(seed // len(SURNAMES) + 3 * seed) % len(GIVEN)]
        )
        learner = user_create(
            role=User.Role.LEARNER, real_name=name, phone=phone, learner_group=groups[0]
        )
    if with_identity and identity_of(learner) is None:
        identity_declare(
            user=learner,
            real_name=learner.real_name,
            id_number=demo_id_number(seed),
            groups=groups,
        )
    return learner


def _history(*, courses: list[CoursePage], now: dt.datetime) -> None:
    """Eleven months of learners joining, finishing or leaving the city's courses."""
    rng = random.Random(2026)  # noqa: S311 - demo data, the same on every machine
    for seed in range(1, HISTORY_LEARNERS + 1):
        groups = rng.sample(GROUPS, k=rng.choice([1, 1, 2]))
        learner = _learner(seed, groups=groups, with_identity=rng.random() < 0.85)
        for course in rng.sample(courses, k=rng.choice([1, 1, 2])):
            days_ago = int(330 * (1 - rng.random() ** 0.7))  # more learners lately
            joined = now - dt.timedelta(days=max(days_ago, 20), hours=rng.randint(0, 3))
            enrolment = enrolment_join(learner=learner, course=course, now=joined)
            fate = rng.random()
            if fate < 0.62:
                _pass_tests(learner=learner, course=course, at=_evenings(enrolment))
            elif fate < 0.8:
                enrolment_leave(learner=learner, course=course, now=joined + dt.timedelta(days=5))


def _finished_class(
    *, course: CoursePage, instructor: User, office: Organisation, officer: User, reviewer: User
) -> None:
    """A class of the electrician course that ended last week: applied for and approved
    before it began, taught in the school's workshop with check-ins, and claimed."""
    today = timezone.localdate()
    cycle = (
        Cycle.objects.filter(course=course, ends_on__lt=today - dt.timedelta(days=2))
        .order_by("-ends_on")
        .first()
    )
    if cycle is None or ClassApplication.objects.filter(cycle=cycle).exists():
        return
    first_evening = cycle.sessions.order_by("starts_at").first().starts_at
    learners = [_learner(1000 + n, groups=[GROUPS[n % len(GROUPS)]]) for n in range(CLASS_LEARNERS)]
    application = class_application_submit(
        cycle=cycle,
        actor=instructor,
        teaching_plan=(
            "每周一、三、五晚上 20:30 开课，共 4 次课：安全用电、工具仪表、照明线路、"
            "故障排查；每次 90 分钟，理论与实操各半。"
        ),
        instructors=[instructor],
        venue="岱岳区职业技能培训学校 电工实训室（岱岳区迎胜东路 16 号）",
        assessment_plan="每次课后线上小测验；最后一次课结业考核（线上），100 分通过。",
        now=first_evening - dt.timedelta(days=2),
    )
    class_application_decide(
        application=application,
        office=office,
        actor=officer,
        approve=True,
        now=first_evening - dt.timedelta(days=1),
    )
    for learner in learners:  # they signed up once the class was approved
        enrolment_join(learner=learner, course=course, now=first_evening - dt.timedelta(hours=2))
    sessions = []
    for scheduled in cycle.sessions.order_by("starts_at"):
        sessions.append(
            ClassroomSession.objects.create(
                cycle=cycle,
                lesson=scheduled.lesson,
                venue=course.awarding_organisation,
                venue_name="电工实训室",
                address="岱岳区迎胜东路 16 号",
                starts_at=scheduled.starts_at,
                ends_at=scheduled.starts_at + dt.timedelta(minutes=90),
                capacity=30,
            )
        )
    # Ten finish; one misses the last two evenings; one never passes the final assessment.
    for number, learner in enumerate(learners):
        attended = sessions[:2] if number == 10 else sessions
        for session in attended:
            attendance, _new = attendance_check_in(
                learner=learner, session=session, now=session.starts_at - dt.timedelta(minutes=5)
            )
            attendance_check_out(learner=learner, session=session, now=session.ends_at)
        if number != 11:
            _pass_tests(
                learner=learner,
                course=course,
                at=[s.ends_at for s in attended],
            )
    for session in sessions:
        attendance_confirm_remaining(session=session, by=instructor, now=session.ends_at)
        for attendance in session.attendances.all():
            ledger_credit_attendance(attendance=attendance)
    claim_file(application=application, actor=instructor)
    # Those who finished asked for their class-hours certificate; the evaluator issued it.
    programme = load_demo_year_programmes(evaluator=reviewer.organisation)[0]
    last_evening = sessions[-1].ends_at
    for learner in learners[:10]:
        applied = application_submit(
            learner=learner, programme=programme, now=last_evening + dt.timedelta(hours=1)
        )
        application_decide(
            reviewer=reviewer,
            application_id=applied.pk,
            action="approve",
            reason="学时、出勤与结业考核记录齐全。",
            now=last_evening + dt.timedelta(days=1),
        )


def _approved_class(*, course: CoursePage, instructor: User, office: Organisation, officer: User):
    """The courier course's class now running (or starting next), approved by the office."""
    cycle = current_cycle(course=course) or (
        Cycle.objects.filter(course=course, starts_on__gt=timezone.localdate())
        .order_by("starts_on")
        .first()
    )
    if cycle is None or ClassApplication.objects.filter(cycle=cycle).exists():
        return
    application = class_application_submit(
        cycle=cycle,
        actor=instructor,
        teaching_plan=(
            "8 次晚课（周一、三、五 20:30），线上学习为主，第 8 次课在城东站集中实操与结业考核。"
        ),
        instructors=[instructor],
        venue="顺达快递 城东站培训室（城东区站前街 12 号）",
        assessment_plan="每课小测验；第 8 课结业考核，100 分通过；出勤与观看记录由平台留存。",
    )
    class_application_decide(application=application, office=office, actor=officer, approve=True)


def _vouchers(
    *, office: Organisation, officer: User, learner: User, courier_course: CoursePage
) -> None:
    """A voucher waiting for the demo learner, and some the office issued to others."""
    if TrainingVoucher.objects.filter(hr_office=office).exists():
        return
    if identity_of(learner) is None:
        identity_declare(
            user=learner,
            real_name=learner.real_name,
            id_number=demo_id_number(8000),
            groups=[User.LearnerGroup.COURIER, User.LearnerGroup.GIG_WORKER],
        )
    voucher_issue(
        office=office,
        holder=learner,
        kind=TrainingVoucher.Kind.GENERAL,
        face_value=Decimal("300.00"),
        actor=officer,
    )
    others = User.objects.filter(phone__startswith="+86139", identity__isnull=False).order_by(
        "phone"
    )[:20]
    for number, holder in enumerate(others):
        voucher = voucher_issue(
            office=office,
            holder=holder,
            kind=TrainingVoucher.Kind.FACE_VALUE,
            face_value=Decimal("200.00") if number % 2 else Decimal("300.00"),
            actor=officer,
        )
        if number % 3 == 0:
            voucher_claim(voucher=voucher, learner=holder)
        if number % 6 == 0:  # and enrolled with it in the courier class now running
            voucher_redeem(voucher=voucher, learner=holder, course=courier_course)


@transaction.atomic
def load_demo_programme(
    *,
    school: Organisation,
    instructor: User,
    reviewer: User,
    learner: User,
    courier_course: CoursePage,
    password_hash: str,
) -> list[tuple[str, str]]:
    """The city's HR office, its published catalogue, vouchers, an approved class, a finished
    class with its claim filed, a year of history, and the dashboard's figures."""
    now = timezone.now()
    if not school.city:
        school.city, school.district = CITY, "泰山区"
        school.save(update_fields=["city", "district"])
    office = organisation_get_or_create(
        name="泰安市人力资源和社会保障局",
        kind=Organisation.Kind.HR_OFFICE,
        city=CITY,
        address="泰安市泰山区东岳大街 296 号",
    )
    officer = User.objects.filter(email=HR_EMAIL).first() or user_create(
        role=User.Role.HR_OFFICER,
        real_name="孙科长",
        email=HR_EMAIL,
        password_hash=password_hash,
        organisation=office,
    )
    year = ProgrammeYear.objects.filter(hr_office=office, year=now.year).first()
    if year is None:
        year = programme_year_create(
            hr_office=office,
            year=now.year,
            title="泰安市职业技能培训补贴目录",
            actor=officer,
        )
        catalogue_import_csv(
            programme_year=year, text=CATALOGUE_CSV.read_text(encoding="utf-8"), actor=officer
        )
        programme_year_publish(programme_year=year, actor=officer)
    second_school = organisation_get_or_create(
        name="岱岳区职业技能培训学校",
        kind=Organisation.Kind.TRAINING_SCHOOL,
        city=CITY,
        district="岱岳区",
        address="岱岳区迎胜东路 16 号",
    )
    second_teacher = User.objects.filter(email="teacher2@nightschool.example").first()
    if second_teacher is None:
        second_teacher = user_create(
            role=User.Role.INSTRUCTOR,
            real_name="赵老师",
            email="teacher2@nightschool.example",
            password_hash=password_hash,
            organisation=second_school,
        )
    year_courses = load_demo_year_courses(
        schools={school.name: school, second_school.name: second_school}
    )
    instructor_sync_groups(user=second_teacher)
    if not Enrolment.objects.filter(learner__phone__startswith="+86139").exists():
        _history(courses=year_courses, now=now)
        electrician = next(c for c in year_courses if c.slug == "electrician-basic")
        _finished_class(
            course=electrician,
            instructor=second_teacher,
            office=office,
            officer=officer,
            reviewer=reviewer,
        )
    _vouchers(office=office, officer=officer, learner=learner, courier_course=courier_course)
    _approved_class(course=courier_course, instructor=instructor, office=office, officer=officer)
    transaction.on_commit(lambda: statistics_refresh(office=office))
    return [("hr office", HR_EMAIL), ("instructor 2", "teacher2@nightschool.example")]
