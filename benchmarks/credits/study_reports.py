"""How the cost of one progress report grows with a learner's history.

The accounting locks one row per learner and merges intervals; it should cost about the same
for a learner's first report as for one with thousands of earlier reports and a fragmented
watch history. Prints milliseconds per report for both and their ratio (goal: at most 2).

    .venv/bin/python benchmarks/credits/study_reports.py [--reports 300] [--history 3000]
"""

import argparse
import datetime as dt
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.sqlite_django import setup_django  # noqa: E402


def world(lessons: int):
    from django.utils import timezone

    from courses import services as course_services
    from courses.models import CoursePage, LessonPage, Occupation
    from lms.accounts.models import Organisation, User
    from media_pipeline.models import VideoAsset

    occupation = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    school_org = Organisation.objects.create(name="学校", kind="training_school")
    school = course_services.school_setup(
        organisation=school_org, catalogue=course_services.catalogue_get_or_create()
    )
    course = CoursePage(
        title="课程",
        occupation=occupation,
        level="5",
        learning_outcomes="x",
        workload_class_hours=8,
        assessment_type="quiz",
        participation_form="online",
        schedule_weekdays="0123456",
        first_cycle_starts=timezone.localdate() - dt.timedelta(days=lessons + 1),
        session_time=dt.time(0, 0),
    )
    school.add_child(instance=course)
    course.save_revision().publish()
    asset = VideoAsset.objects.create(
        title="讲座", original="videos/x.mp4", status="ready", published_run=1, duration=36_000
    )
    for number in range(1, lessons + 1):
        lesson = LessonPage(
            title=f"第{number}课",
            video=asset,
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    course = CoursePage.objects.get(pk=course.pk)
    course_services.cycles_roll_ahead(course=course)
    learners = []
    for n in range(2):
        learner = User.objects.create(username=f"l{n}", phone=f"+8613800000{n:03d}", role="learner")
        course_services.enrolment_join(
            learner=learner, course=course, now=timezone.now() - dt.timedelta(days=lessons + 2)
        )
        learners.append(learner)
    return list(LessonPage.objects.child_of(course).order_by("path")), learners


def give_history(learner, lessons, history: int, start: dt.datetime) -> int:
    """Months of study: thousands of earlier reports spread over the course's lessons, each
    lesson's watch history broken into pieces (seeking about). Returns pieces per lesson."""
    from credits.study import services

    sessions = {
        lesson.pk: services.study_session_start(learner=learner, lesson=lesson, now=start)[0]
        for lesson in lessons
    }
    for seq in range(1, history + 1):
        lesson = lessons[seq % len(lessons)]
        piece = 20.0 * (seq // len(lessons))
        services.study_report(
            learner=learner,
            session_id=sessions[lesson.pk].pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(piece, piece + 5)],
            now=start + dt.timedelta(seconds=10 * seq),
        )
    return history // len(lessons)


def time_reports(learner, lesson, count: int, start: dt.datetime) -> tuple[float, int]:
    from credits.study import services

    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=start)
    tracemalloc.start()
    began = time.perf_counter()
    for seq in range(1, count + 1):
        t = start + dt.timedelta(seconds=30 * seq)
        services.study_report(
            learner=learner,
            session_id=session.pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(30_000 + 0, 30_000 + 30.0 * seq)],
            now=t,
        )
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return 1000 * elapsed / count, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--history", type=int, default=3000)
    parser.add_argument("--lessons", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.utils import timezone

        lessons, (fresh, veteran) = world(args.lessons)
        lesson = lessons[0]
        start = timezone.now() - dt.timedelta(hours=26)
        pieces = give_history(veteran, lessons, args.history, start)
        print(
            f"history: {args.history} reports over {len(lessons)} lessons, "
            f"about {pieces} watched pieces in each"
        )
        later = start + dt.timedelta(hours=12)
        base_ms, base_mem = time_reports(fresh, lesson, args.reports, later)
        vet_ms, vet_mem = time_reports(veteran, lesson, args.reports, later)
        rows = [("fresh learner", base_ms, base_mem), (f"{args.history} earlier", vet_ms, vet_mem)]
        for label, ms, mem in rows:
            print(f"{label:>16}: {ms:7.2f} ms/report, peak {mem / 1024:7.0f} KiB")
        time_ratio, mem_ratio = vet_ms / base_ms, vet_mem / max(base_mem, 1)
        print(f"ratio (goal <= 2): time {time_ratio:.2f}, memory {mem_ratio:.2f}")


if __name__ == "__main__":
    main()
