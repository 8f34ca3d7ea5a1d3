"""Plain helpers that tests in several folders share (fixtures stay in the conftest files)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.test import Client
from django.utils import timezone

from courses import services as course_services
from courses.models import CatalogueEntry, CoursePage, LessonPage, Occupation, ProgrammeYear
from credits.ledger import services as ledger_services
from lms.accounts.identity import id_number_check_character, identity_declare
from lms.accounts.models import Organisation, User
from media_pipeline.demo import make_demo_lecture
from media_pipeline.models import VideoAsset
from media_pipeline.services import video_asset_create
from tests.factories import (
    CoursePageFactory,
    InstructorFactory,
    LessonPageFactory,
    OrganisationFactory,
    UserFactory,
)

# --- Courses.


def make_school(catalogue, name="城东职业技能培训学校", city=""):
    org = OrganisationFactory(name=name, kind=Organisation.Kind.TRAINING_SCHOOL, city=city)
    return course_services.school_setup(organisation=org, catalogue=catalogue)


def make_course(
    school,
    occupation,
    *,
    title="快递员（初级）职业技能提升",
    lessons=8,
    weekdays="024",
    first=dt.date(2026, 11, 2),
    publish=True,
    session_time=dt.time(20, 30),
) -> CoursePage:
    """A course of ``lessons`` fifteen-minute lessons worth a class hour each."""
    course = CoursePageFactory(
        parent=school,
        title=title,
        occupation=occupation,
        schedule_weekdays=weekdays,
        first_cycle_starts=first,
        session_time=session_time,
        live=False,
        publish=False,
    )
    for n in range(1, lessons + 1):
        LessonPageFactory(parent=course, title=f"第{n}课", publish=publish)
    if publish:  # last, as an instructor would: its publish lays out the cycles
        course.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def lessons_of(course) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(course).order_by("path"))


# --- Community micro-training.


def make_community_centre(
    *, city="杭州市", name=None, district="西湖区", address="文三路 100 号"
) -> Organisation:
    """A community centre of ``city`` (residents ask for topics there)."""
    return OrganisationFactory(
        name=name or f"{city}{district}社区服务中心",
        kind=Organisation.Kind.COMMUNITY_CENTRE,
        city=city,
        district=district,
        address=address,
    )


def make_organiser(centre, **fields):
    """The community organiser acting for ``centre``."""
    return UserFactory(role=User.Role.ORGANISER, organisation=centre, phone=None, **fields)


def make_city_school(catalogue, *, city="杭州市", name=None, occupation=None):
    """A training school of ``city`` with one published course of two lessons, its cycles laid
    out from today, and an instructor. Returns (school page, course, instructor)."""
    school = make_school(catalogue, name=name or f"{city}职业技能培训学校")
    school.organisation.city = city
    school.organisation.save(update_fields=["city"])
    occupation = (
        occupation
        or Occupation.objects.get_or_create(code="4-10-01-01", defaults={"name_zh": "家政服务员"})[
            0
        ]
    )
    course = make_course(
        school,
        occupation,
        title=f"{school.title} 家政收纳",
        lessons=2,
        weekdays="0123456",
        first=timezone.localdate(),
    )
    instructor = InstructorFactory(organisation=school.organisation)
    course_services.instructor_sync_groups(user=instructor)
    return school, course, instructor


def next_local(weekday: int, hour: int, minute: int = 0) -> dt.datetime:
    """The next local ``weekday`` (0 = Monday) at ``hour:minute``, at least a day ahead."""
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# --- Study time and hours.

T0 = timezone.make_aware(dt.datetime(2026, 11, 30, 20, 30))


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def bank(learner, admin, minutes):
    """Hours from elsewhere, entered by an administrator (a transfer in)."""
    return ledger_services.ledger_adjust(
        learner=learner, minutes=minutes, reason="外部培训转入", actor=admin, transfer=True
    )


def start_production_settings(code: str = "import lms.settings.production", **environment):
    """Run ``code`` in a fresh interpreter with production settings and a complete, valid
    environment, changed by ``environment`` (a value of None removes the variable)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "nightschool.example",
        "CREDENTIAL_BASE_URL": "https://nightschool.example",
        "LEDGER_HMAC_KEY": "k" * 48,
        "IDENTITY_ENCRYPTION_KEYS": "T0ZmT3RqXzJtUlV3a3JJQm9aQ0VzSDhGUG5Ob2lCOEI=",
        "IDENTITY_DIGEST_KEY": "d" * 48,
    }
    for name, value in environment.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def certify(learner, programme, reviewer, *, score=80):
    """Apply, pass the exam and approve, through the services: the learner's certificate."""
    from credits.certification import services as certification

    application = certification.application_submit(learner=learner, programme=programme)
    certification.application_record_exam(
        reviewer=reviewer, application_id=application.pk, score=score, reason="笔试"
    )
    certification.application_decide(
        reviewer=reviewer, application_id=application.pk, action="approve", reason="齐全"
    )
    return application.certificate


# --- The browser.

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"width": 390, "height": 844}


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def empty_formset(prefix: str) -> dict[str, str]:
    """The management form of an inline formset posted with no rows (Wagtail's admin forms)."""
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def log_in(context, live_server, user) -> None:
    """Sign a browser context in as ``user`` without typing: the login journey is tested once."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def enrolled_in_a_lesson_open_now(*, lessons: int = 1, **course_facts):
    """A course of ``lessons`` with a session every day at 00:00 from today (lesson N comes
    around on day N), and a learner enrolled in it. ``course_facts`` set fields of the course.
    Returns the learner and the first lesson."""
    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school = make_school(course_services.catalogue_get_or_create())
    course = make_course(
        school,
        occupation,
        lessons=lessons,
        weekdays="0123456",
        first=timezone.localdate(),
        session_time=dt.time(0, 0),
    )
    if course_facts:
        for name, value in course_facts.items():
            setattr(course, name, value)
        course.save_revision().publish()
    learner = UserFactory(real_name="张小明")
    course_services.enrolment_join(learner=learner, course=course)
    return learner, lessons_of(course)[0]


def enrolled_in_a_video_lesson(tmp_path, *, seconds: int, **course_facts):
    """``enrolled_in_a_lesson_open_now``, its lesson playing a transcoded lecture of
    ``seconds``."""
    source = make_demo_lecture(tmp_path / "lecture.mp4", title="第一讲", seconds=seconds)
    asset = video_asset_create(title="第一讲", source=source)
    asset.refresh_from_db()
    assert asset.status == VideoAsset.Status.READY, asset.error_message
    learner, lesson = enrolled_in_a_lesson_open_now(**course_facts)
    lesson.video = asset
    lesson.save_revision().publish()
    return learner, LessonPage.objects.get(pk=lesson.pk)


def run_queued_tasks(*, limit: int = 50) -> int:
    """The database worker of `make run`, in this process: run each task that is due, oldest
    first, until none is (tasks deferred to later stay queued). Needs the database backend
    (``settings.TASKS``). Returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-process",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        task_result = DBTaskResult.objects.ready().first()
        if task_result is None:
            break
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
    return ran


# --- Accessibility (axe-core, installed by the browser tests' axe_script fixture).

AXE_RUN = """() => axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
  resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                            summary: n.failureSummary}))
})))"""


def axe_violations(page, axe_script: Path, *, impacts=("serious", "critical")) -> list[dict]:
    """What axe-core finds on the page as it stands, keeping only the given impacts."""
    page.add_script_tag(path=str(axe_script))
    found = page.evaluate(AXE_RUN)
    return [violation for violation in found if violation["impact"] in impacts]


# --- The subsidised-training programme.


def make_hr_office(city="福州市", name=None):
    """An HR office of ``city`` (one per city and name)."""
    return OrganisationFactory(
        name=name or f"{city}人力资源和社会保障局", kind=Organisation.Kind.HR_OFFICE, city=city
    )


def make_programme_year(office, entries=(), *, on=None, published=True, year=None):
    """A programme year of ``office`` covering ``on`` (default today), published unless told,
    with a catalogue entry for each of ``entries``: an Occupation, or a dict of the entry's
    fields (``occupation`` required; ``level``, ``sub_list``, ``subsidy_per_class_hour``,
    ``cap_per_person`` optional)."""
    on = on or timezone.localdate()
    programme = ProgrammeYear.objects.create(
        hr_office=office,
        year=year or on.year,
        title=f"{office.city}{on.year}年职业技能培训补贴目录",
        starts_on=on - dt.timedelta(days=200),
        ends_on=on + dt.timedelta(days=330),
        published_at=timezone.now() if published else None,
    )
    for entry in entries:
        fields = entry if isinstance(entry, dict) else {"occupation": entry}
        CatalogueEntry.objects.create(
            programme_year=programme,
            **{
                "sub_list": CatalogueEntry.SubList.URGENT_SHORTAGE,
                "subsidy_per_class_hour": Decimal("10.00"),
                "cap_per_person": Decimal("1500.00"),
                **fields,
            },
        )
    return programme


def valid_id_number(seed: int) -> str:
    """A resident ID number with a correct GB 11643 check character, different per seed."""
    born = dt.date(1970, 1, 1) + dt.timedelta(days=(seed * 37) % 12000)
    first_17 = f"350102{born:%Y%m%d}{seed % 1000:03d}"
    return first_17 + id_number_check_character(first_17)


def give_identity(user, groups=(), *, real_name=None, seed=None):
    """Record real-name details for ``user`` with a valid generated ID number."""
    return identity_declare(
        user=user,
        real_name=real_name or user.real_name or "张小明",
        id_number=valid_id_number(user.pk if seed is None else seed),
        groups=list(groups),
    )


def make_hr_officer(office, **facts):
    """An HR officer acting for the office."""
    return UserFactory(
        role=User.Role.HR_OFFICER,
        organisation=office,
        phone=None,
        email=f"hr{office.pk}-{User.objects.count()}@hr.example",
        real_name="王科长",
        **facts,
    )


def make_subsidised_course(
    *,
    office=None,
    city="泰安市",
    school_name="城东职业技能培训学校",
    occupation=None,
    title="快递员（初级）职业技能提升",
    lessons=2,
    rate="10.00",
    cap="500.00",
):
    """A course of a school in the city whose occupation the office's current catalogue
    subsidises at ``rate`` yuan a class hour up to ``cap``, with a cycle starting today, and
    an instructor of the school. Returns a namespace: office, school (the organisation),
    course, cycle, instructor, occupation, entry."""
    from decimal import Decimal
    from types import SimpleNamespace

    from courses.demand import catalogue_entry_for
    from courses.models import CatalogueEntry, Cycle, ProgrammeYear

    office = office or make_hr_office(city)
    occupation = (
        occupation
        or Occupation.objects.get_or_create(code="4-02-07-08", defaults={"name_zh": "快递员"})[0]
    )
    programme = ProgrammeYear.objects.filter(hr_office=office).first() or make_programme_year(
        office
    )
    CatalogueEntry.objects.get_or_create(
        programme_year=programme,
        occupation=occupation,
        level="",
        defaults={
            "sub_list": CatalogueEntry.SubList.URGENT_SHORTAGE,
            "subsidy_per_class_hour": Decimal(rate),
            "cap_per_person": Decimal(cap),
        },
    )
    school_page = make_school(course_services.catalogue_get_or_create(), name=school_name)
    school = school_page.organisation
    school.city = office.city
    school.save(update_fields=["city"])
    course = make_course(
        school_page,
        occupation,
        title=title,
        lessons=lessons,
        weekdays="0123456",
        first=timezone.localdate(),
        session_time=dt.time(0, 0),
    )
    instructor = InstructorFactory(organisation=school, real_name="李老师")
    return SimpleNamespace(
        office=office,
        school=school,
        course=course,
        cycle=Cycle.objects.filter(course=course).order_by("starts_on").first(),
        instructor=instructor,
        occupation=occupation,
        entry=catalogue_entry_for(course=course),
    )


def end_cycle(cycle):
    """Let the cycle's time pass: it ran and ended before today."""
    from courses.models import Cycle

    today = timezone.localdate()
    Cycle.objects.filter(pk=cycle.pk).update(
        starts_on=today - dt.timedelta(days=10), ends_on=today - dt.timedelta(days=1)
    )
    cycle.refresh_from_db()
    return cycle


def complete_lessons(learner, course, count=None):
    """Bank ``count`` of the course's lessons (all by default) as watched in full: ledger
    entries and completions, through the ledger's own service."""
    done = []
    for lesson in lessons_of(course)[:count]:
        done.append(
            ledger_services.ledger_credit_lesson(
                learner=learner,
                lesson=lesson,
                studied_seconds=lesson.credit_minutes * 60,
                now=timezone.now(),
            )
        )
    return done


def _statistics_hr_office(city="杭州", name=None):
    """An HR office of ``city`` and one of its officers. Returns (office, officer)."""
    office = OrganisationFactory(
        name=name or f"{city}市人力资源和社会保障局", kind=Organisation.Kind.HR_OFFICE, city=city
    )
    officer = UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)
    return office, officer


def _statistics_programme_year(office, entries=(), *, year=2026, published=True):
    """A programme year of ``office`` covering the calendar year, with catalogue ``entries``:
    (occupation, sub_list) or (occupation, sub_list, level) tuples."""
    programme = ProgrammeYear.objects.create(
        hr_office=office,
        year=year,
        title=f"{year}年职业技能培训补贴目录",
        starts_on=dt.date(year, 1, 1),
        ends_on=dt.date(year, 12, 31),
        published_at=timezone.now() if published else None,
    )
    for occupation, sub_list, *level in entries:
        CatalogueEntry.objects.create(
            programme_year=programme,
            occupation=occupation,
            level=level[0] if level else "",
            sub_list=sub_list,
            subsidy_per_class_hour=10,
            cap_per_person=1500,
        )
    return programme


def _local(day: str, hour: int = 20) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def make_statistics_year():
    """A small programme year of one city, with another city beside it, for the statistics.

    杭州: school 西湖 (district 西湖区) runs 快递员 (urgent shortage, 2 lessons); school 滨江
    (滨江区) runs 电工 (general, 2 lessons) and 家政 (not on the catalogue, 1 lesson). 宁波 has
    its own office, year and school running 快递员. Returns a dict of what it made; the
    figures it implies are worked out by hand in tests/programmes/test_statistics.py.
    """
    from courses.models import Cycle, Enrolment, LessonCompletion
    from credits.certification.models import Application, Certificate, CertificationProgramme
    from lms.accounts.identity import identity_declare
    from lms.programmes.models import ClassApplication, SubsidyClaim, TrainingVoucher

    catalogue = course_services.catalogue_get_or_create()
    office, officer = _statistics_hr_office(city="杭州")
    other_office, other_officer = _statistics_hr_office(city="宁波")
    courier = Occupation.objects.create(code="4-02-07-08", name_zh="快递员", name_en="Courier")
    electrician = Occupation.objects.create(
        code="6-31-01-03", name_zh="电工", name_en="Electrician"
    )
    housekeeper = Occupation.objects.create(
        code="4-10-01-06", name_zh="家政服务员", name_en="Housekeeper"
    )
    Sub = CatalogueEntry.SubList
    year = _statistics_programme_year(
        office, [(courier, Sub.URGENT_SHORTAGE), (electrician, Sub.GENERAL)]
    )
    other_year = _statistics_programme_year(other_office, [(courier, Sub.URGENT_SHORTAGE)])

    def school(name, city, district):
        org = OrganisationFactory(
            name=name, kind=Organisation.Kind.TRAINING_SCHOOL, city=city, district=district
        )
        return course_services.school_setup(organisation=org, catalogue=catalogue)

    west = school("西湖职业技能培训学校", "杭州", "西湖区")
    river = school("滨江职业技能培训学校", "杭州", "滨江区")
    ningbo = school("鄞州职业技能培训学校", "宁波", "鄞州区")
    c1 = make_course(west, courier, title="快递员职业技能提升", lessons=2)
    c2 = make_course(river, electrician, title="电工入门", lessons=2)
    c3 = make_course(river, housekeeper, title="家政收纳", lessons=1)
    c4 = make_course(ningbo, courier, title="宁波快递员培训", lessons=2)

    l1, l2, l3, l4 = (UserFactory() for _ in range(4))
    identity_declare(
        user=l1,
        real_name="张一",
        id_number="11010519491231002X",
        groups=["rural_migrant", "gig_worker"],
    )
    identity_declare(
        user=l2, real_name="李二", id_number="440304199001011233", groups=["job_seeker"]
    )

    def enrol(learner, course, day):
        return Enrolment.objects.create(learner=learner, course=course, joined_at=_local(day))

    e11 = enrol(l1, c1, "2026-03-05")
    e21 = enrol(l2, c1, "2026-03-20")
    enrol(l3, c1, "2026-04-02")
    enrol(l1, c2, "2026-04-10")
    enrol(l4, c3, "2026-05-01")
    enrol(l2, c4, "2026-03-10")
    Enrolment.objects.create(  # the year before: not trained this year
        learner=l4, course=c1, joined_at=_local("2025-12-20"), left_at=_local("2025-12-21")
    )

    def complete(learner, course, days):
        for lesson, day in zip(lessons_of(course), days, strict=False):
            LessonCompletion.objects.create(
                learner=learner, lesson=lesson, completed_at=_local(day), source="watched"
            )

    complete(l1, c1, ["2026-03-10", "2026-04-03"])  # completed, in April
    complete(l2, c1, ["2026-03-25"])  # one lesson of two: not completed
    complete(l4, c3, ["2026-05-06"])  # completed, in May
    complete(l2, c4, ["2026-03-12", "2026-03-14"])  # 宁波's

    evaluator = OrganisationFactory(name="浙江鉴定中心", kind=Organisation.Kind.EVALUATION)
    programme = CertificationProgramme.objects.create(
        name_zh="快递员（五级）", issuer=evaluator, occupation=courier, class_hours_required=2
    )

    def certify(learner, day, n, revoked=False):
        application = Application.objects.create(
            learner=learner,
            programme=programme,
            status=Application.Status.APPROVED,
            submitted_at=_local(day, 9),
            chain_head_hash="0" * 64,
        )
        return Certificate.objects.create(
            application=application,
            learner=learner,
            programme=programme,
            number=f"NS-{n}",
            public_id=f"p{n}",
            status_index=n,
            minutes=90,
            issued_at=_local(day, 10),
            revoked_at=_local(day, 12) if revoked else None,
            revoked_reason="错发" if revoked else "",
        )

    certify(l1, "2026-05-15", 1)  # certified, in May
    certify(l2, "2026-05-16", 2, revoked=True)  # revoked: not certified
    certify(l3, "2026-03-30", 3)  # issued before l3 joined: not from this training

    entries = {e.occupation_id: e for e in year.entries.all()}

    def claim(course, number, state, claimed, approved=None, filed="2026-04-20", paid=None):
        cycle = Cycle.objects.create(
            course=course,
            number=number,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 31),
        )
        application = ClassApplication.objects.create(
            cycle=cycle,
            school=course_school_of(course),
            hr_office=office,
            catalogue_entry=entries[course.occupation_id],
            teaching_plan="计划",
            venue="教室",
            assessment_plan="考核",
            state=ClassApplication.State.APPROVED,
            submitted_by=officer,
            submitted_at=_local("2026-02-20"),
        )
        return SubsidyClaim.objects.create(
            application=application,
            state=state,
            amount_claimed=claimed,
            amount_approved=approved,
            filed_by=officer,
            filed_at=_local(filed),
            paid_at=_local(paid) if paid else None,
        )

    State = SubsidyClaim.State
    claim(c1, 901, State.FILED, "300.00", filed="2026-04-20")
    claim(c2, 902, State.APPROVED, "200.00", "150.00", filed="2026-05-02")
    claim(c1, 903, State.PAID, "500.00", "480.00", filed="2026-05-20", paid="2026-06-10")
    claim(c2, 904, State.REFUSED, "999.00", filed="2026-05-21")

    def voucher(n, holder, enrolment, state):
        return TrainingVoucher.objects.create(
            number=f"V{n}",
            programme_year=year,
            hr_office=office,
            holder=holder,
            kind=TrainingVoucher.Kind.GENERAL,
            face_value="100.00",
            state=state,
            issued_at=_local("2026-02-01"),
            expires_on=dt.date(2026, 5, 1),
            enrolment=enrolment,
            school=west.organisation,
        )

    voucher(1, l2, e21, TrainingVoucher.State.REDEEMED)  # committed, in March
    voucher(2, l1, e11, TrainingVoucher.State.SCHOOL_CLAIMED)  # inside a claim already
    return {
        "office": office,
        "officer": officer,
        "other_office": other_office,
        "other_officer": other_officer,
        "year": year,
        "other_year": other_year,
        "schools": (west.organisation, river.organisation, ningbo.organisation),
        "courses": (c1, c2, c3, c4),
        "learners": (l1, l2, l3, l4),
        "occupations": (courier, electrician, housekeeper),
    }


def course_school_of(course) -> Organisation:
    return course.get_parent().specific.organisation
