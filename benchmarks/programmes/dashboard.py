"""The HR office's statistics dashboard on a province's year of data: 10,000 against 1,000,000.

For each size it builds a fresh SQLite file: one city's HR office and programme year (catalogue
on every sub-list), 20 schools in 5 districts, 200 courses of 2 lessons, as many learners as
it takes (``enrolments / courses``, each in every course), declared learner groups, enrolments
spread over the year (raw ``executemany`` in transactions), lesson completions for about a
third of them, certificates, claims and redeemed vouchers. Then it times the rollup's refresh
(``statistics_refresh``) once and the dashboard (Django test Client GET as the HR officer,
best of 5), and prints both sizes' times and the growth ratio.

    .venv/bin/python benchmarks/programmes/dashboard.py                 # 10,000 and 1,000,000
    .venv/bin/python benchmarks/programmes/dashboard.py --sizes 10000 100000   # quicker
"""

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.sqlite_django import setup_django  # noqa: E402

SCHOOLS = 20
DISTRICTS = ("西湖区", "滨江区", "上城区", "拱墅区", "余杭区")
COURSES = 200
LESSONS = 2
OCCUPATIONS = 40
GROUPS = ("rural_migrant", "gig_worker", "job_seeker", "poverty_monitoring", "unemployed")
BATCH = 20_000


def progress(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {message}", flush=True)


def stamp(day: dt.date, seconds: int) -> str:
    """A UTC timestamp as Django stores it in SQLite."""
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def world(enrolments: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from courses import services as course_services
    from courses.models import (
        CatalogueEntry,
        CoursePage,
        Cycle,
        LessonPage,
        Occupation,
        ProgrammeYear,
    )
    from credits.certification.models import CertificationProgramme
    from lms.accounts.models import Organisation, User
    from lms.programmes.models import ClassApplication, SubsidyClaim

    rng = random.Random(11)
    office = Organisation.objects.create(name="杭州市人社局", kind="hr_office", city="杭州")
    officer = User.objects.create(username="hr", role="hr_officer", organisation=office)
    evaluator = Organisation.objects.create(name="鉴定中心", kind="evaluation")
    year = ProgrammeYear.objects.create(
        hr_office=office,
        year=2026,
        title="2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        published_at=timezone.now(),
    )
    occupations = [
        Occupation.objects.create(code=f"4-0{n // 10}-0{n % 10}-01", name_zh=f"职业{n}")
        for n in range(OCCUPATIONS)
    ]
    sub_lists = [choice for choice, _label in CatalogueEntry.SubList.choices]
    entries = {}
    for n, occupation in enumerate(occupations[: OCCUPATIONS * 3 // 4]):  # a quarter off it
        entries[occupation.pk] = CatalogueEntry.objects.create(
            programme_year=year,
            occupation=occupation,
            sub_list=sub_lists[n % len(sub_lists)],
            subsidy_per_class_hour=10,
            cap_per_person=1500,
        )
    programmes = {
        o.pk: CertificationProgramme.objects.create(
            name_zh=o.name_zh, issuer=evaluator, occupation=o, class_hours_required=2
        )
        for o in occupations
    }
    catalogue = course_services.catalogue_get_or_create()
    schools = []
    for n in range(SCHOOLS):
        org = Organisation.objects.create(
            name=f"学校{n}", kind="training_school", city="杭州", district=DISTRICTS[n % 5]
        )
        schools.append((org, course_services.school_setup(organisation=org, catalogue=catalogue)))
    courses, lessons = [], {}
    for n in range(COURSES):
        org, page = schools[n % SCHOOLS]
        course = page.add_child(
            instance=CoursePage(
                title=f"课程{n}", occupation=occupations[n % OCCUPATIONS], level="5", live=True
            )
        )
        lessons[course.pk] = [
            course.add_child(instance=LessonPage(title=f"第{k}课", live=True)).pk
            for k in range(LESSONS)
        ]
        courses.append((course, org))
    progress(f"{COURSES} courses of {SCHOOLS} schools")

    learners = -(-enrolments // COURSES)
    users = User.objects.bulk_create(
        [User(username=f"l{n}", role="learner", phone=f"+8613{n:09d}") for n in range(learners)],
        batch_size=5000,
    )
    user_ids = (
        [u.pk for u in users]
        if users[0].pk
        else list(User.objects.filter(role="learner").order_by("pk").values_list("pk", flat=True))
    )
    now = stamp(dt.date(2026, 1, 1), 0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO accounts_realnameidentity (user_id, real_name, id_number_ciphertext,"
            " id_number_digest, id_number_masked, birth_date, declared_at, updated_at)"
            " VALUES (%s, %s, '', %s, '110***********0000', '1990-01-01', %s, %s)",
            [(uid, "学员", f"{uid:064d}", now, now) for uid in user_ids if uid % 3],
        )
        cursor.execute("SELECT id, user_id FROM accounts_realnameidentity")
        memberships = []
        for identity_id, uid in cursor.fetchall():
            for group in rng.sample(GROUPS, 1 + uid % 2):
                memberships.append((identity_id, group))
        cursor.executemany(
            'INSERT INTO accounts_groupmembership (identity_id, "group") VALUES (%s, %s)',
            memberships,
        )
    progress(f"{learners} learners, {len(memberships)} group memberships")

    day0 = dt.date(2026, 1, 1)
    made = completed = 0
    rows, completions = [], []
    with connection.cursor() as cursor:
        for uid in user_ids:
            for course, _org in courses:
                if made == enrolments:
                    break
                offset = rng.randrange(0, 330 * 86400)
                rows.append((uid, course.pk, stamp(day0, offset)))
                if rng.random() < 0.35:
                    for k, lesson_id in enumerate(lessons[course.pk]):
                        completions.append(
                            (uid, lesson_id, stamp(day0, offset + (k + 1) * 86400), "watched")
                        )
                    completed += 1
                made += 1
                if len(rows) >= BATCH:
                    flush(cursor, rows, completions)
                    if made % 100_000 < BATCH:
                        progress(f"{made:,} enrolments")
        flush(cursor, rows, completions)
    progress(f"{made:,} enrolments, {completed:,} completed")

    # Certificates for one in ten completers, through approved applications.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.learner_id, c.occupation_id FROM courses_enrolment e JOIN"
            " courses_coursepage c ON c.page_ptr_id = e.course_id WHERE e.id % 29 = 0"
        )
        picked = cursor.fetchall()
        cursor.executemany(
            "INSERT INTO credits_application (learner_id, programme_id, status, submitted_at,"
            " decision_reason, learner_note, snapshot, counted_minutes, chain_head_hash,"
            " chain_head_seq) VALUES (%s, %s, 'approved', %s, '', '', '{}', 0, '', 0)",
            [(uid, programmes[occ].pk, stamp(dt.date(2026, 12, 1), 0)) for uid, occ in picked],
        )
        cursor.execute("SELECT id, learner_id, programme_id FROM credits_application")
        cursor.executemany(
            "INSERT INTO credits_certificate (application_id, learner_id, programme_id, number,"
            " public_id, status_index, minutes, issued_at, credential, revoked_reason)"
            " VALUES (%s, %s, %s, %s, %s, %s, 90, %s, '{}', '')",
            [
                (aid, uid, pid, f"N{aid}", f"P{aid}", aid, stamp(dt.date(2026, 12, 2), aid % 86400))
                for aid, uid, pid in cursor.fetchall()
            ],
        )
    progress(f"{len(picked):,} certificates")

    # One claim per course on the catalogue, in every state; vouchers on some enrolments.
    states = ["filed", "approved", "paid", "refused"]
    for n, (course, org) in enumerate(courses):
        entry = entries.get(course.occupation_id)
        if entry is None:
            continue
        cycle = Cycle.objects.create(
            course=course, number=1, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 31)
        )
        application = ClassApplication.objects.create(
            cycle=cycle,
            school=org,
            hr_office=office,
            catalogue_entry=entry,
            teaching_plan="-",
            venue="-",
            assessment_plan="-",
            state="approved",
            submitted_by=officer,
            submitted_at=timezone.now(),
        )
        filed = timezone.make_aware(dt.datetime(2026, 4 + n % 6, 10))
        SubsidyClaim.objects.create(
            application=application,
            state=states[n % 4],
            amount_claimed=1000 + n,
            amount_approved=900 + n if n % 4 else None,
            filed_by=officer,
            filed_at=filed,
            paid_at=filed + dt.timedelta(days=30) if states[n % 4] == "paid" else None,
        )
    with transaction.atomic(), connection.cursor() as cursor:
        school_of = {course.pk: org.pk for course, org in courses}
        cursor.execute("SELECT id, learner_id, course_id FROM courses_enrolment WHERE id % 50 = 0")
        cursor.executemany(
            "INSERT INTO programmes_trainingvoucher (number, programme_year_id, hr_office_id,"
            " holder_id, kind, face_value, target_group, state, issued_at, expires_on,"
            " enrolment_id, school_id) VALUES (%s, %s, %s, %s, 'general', '300.00', '',"
            " 'redeemed', %s, '2026-12-31', %s, %s)",
            [
                (f"V{eid}", year.pk, office.pk, uid, now, eid, school_of[cid])
                for eid, uid, cid in cursor.fetchall()
            ],
        )
    progress("claims and vouchers")
    return {"office": office, "officer": officer}


def flush(cursor, rows, completions) -> None:
    from django.db import transaction

    with transaction.atomic():
        cursor.executemany(
            "INSERT INTO courses_enrolment (learner_id, course_id, joined_at) VALUES (%s, %s, %s)",
            rows,
        )
        cursor.executemany(
            "INSERT INTO courses_lessoncompletion (learner_id, lesson_id, completed_at, source)"
            " VALUES (%s, %s, %s, %s)",
            completions,
        )
    rows.clear()
    completions.clear()


def measure(enrolments: int, repeat: int) -> dict:
    """Run in a process of its own: build, refresh, time the page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from lms.programmes.models import PersonTimeRollup
    from lms.programmes.statistics import statistics_refresh

    began = time.perf_counter()
    made = world(enrolments)
    built = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    began = time.perf_counter()
    rows = statistics_refresh(office=made["office"])
    refresh = time.perf_counter() - began
    progress(f"refresh: {refresh:.1f} s, {rows:,} rollup rows")
    setup_test_environment()  # so the response carries its context
    client = Client()
    client.force_login(made["officer"])
    url = reverse("programmes:statistics")
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    chart = response.context["sections"][0]["svg"]
    chart_times = []
    for _ in range(repeat):
        began = time.perf_counter()
        assert client.get(chart).status_code == 200
        chart_times.append(time.perf_counter() - began)
    trained = response.context["sections"][0]["total"][0]
    assert trained == enrolments, (trained, enrolments)  # every enrolment falls in 2026
    return {
        "enrolments": enrolments,
        "build_s": built,
        "refresh_s": refresh,
        "rollup_rows": PersonTimeRollup.objects.count(),
        "page_s": min(times),
        "chart_s": min(chart_times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        setup_django(Path(args.db))
        print("RESULT " + json.dumps(measure(args.one, args.repeat)), flush=True)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="ns-dashboard-") as folder:
        for size in args.sizes:
            print(f"{size:,} enrolments:", flush=True)
            db = Path(folder) / f"dashboard-{size}.sqlite3"
            run = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    str(size),
                    "--db",
                    str(db),
                    "--repeat",
                    str(args.repeat),
                ],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for line in run.stdout.splitlines():
                if line.startswith("RESULT "):
                    results.append(json.loads(line[7:]))
                else:
                    print(line, flush=True)
    small, large = results
    print()
    print(
        f"{'enrolments':>12} {'build s':>9} {'refresh s':>10} {'rollup rows':>12}"
        f" {'page ms':>9} {'chart ms':>9}"
    )
    for r in results:
        print(
            f"{r['enrolments']:>12,} {r['build_s']:>9.1f} {r['refresh_s']:>10.2f}"
            f" {r['rollup_rows']:>12,} {r['page_s'] * 1000:>9.1f} {r['chart_s'] * 1000:>9.1f}"
        )
    print(
        f"growth ratio of the dashboard's response, {large['enrolments']:,} over "
        f"{small['enrolments']:,}: {large['page_s'] / small['page_s']:.2f}"
    )
    print(
        f"growth ratio of the refresh: {large['refresh_s'] / small['refresh_s']:.1f}"
        f" (for {large['enrolments'] / small['enrolments']:.0f} times the enrolments)"
    )


if __name__ == "__main__":
    main()
