"""How long a school's claim and its claim file take for a 500-learner class.

Builds, on a SQLite file, an approved subsidised class whose learners each declared a
real-name identity and banked every lesson in the ledger (through the ledger's services),
a fifth of them with a redeemed voucher; then times ``claim_compute`` + ``claim_file`` and the
PDF and XLSX exports. A class of ``--baseline`` learners is timed the same way in the same run,
and the growth per learner is printed as a ratio (goal: at most 2, i.e. the claim grows
linearly with the class, with no query per learner hiding in a loop).

    .venv/bin/python benchmarks/programmes/claim_export.py [--learners 500] [--baseline 50]
"""

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.sqlite_django import setup_django  # noqa: E402


def approved_class(*, learners: int, lessons: int, school_name: str, office=None, first_id=0):
    """An approved class of ``learners`` who completed every lesson; its cycle has ended."""
    from decimal import Decimal

    from django.utils import timezone

    from courses import services as course_services
    from courses.models import Enrolment
    from lms.accounts.models import User
    from lms.programmes.applications import class_application_decide, class_application_submit
    from lms.programmes.models import TrainingVoucher
    from lms.programmes.vouchers import voucher_transition
    from tests.helpers import (
        complete_lessons,
        end_cycle,
        give_identity,
        make_hr_officer,
        make_subsidised_course,
    )

    klass = make_subsidised_course(
        office=office, school_name=school_name, title=f"{school_name} 快递员", lessons=lessons
    )
    people = []
    for n in range(first_id, first_id + learners):
        learner = User.objects.create(
            username=f"learner{n}", phone=f"+86139{n:08d}", role="learner", real_name=f"学员{n}"
        )
        course_services.enrolment_join(learner=learner, course=klass.course)
        give_identity(learner, groups=["courier"], seed=n)
        complete_lessons(learner, klass.course)
        people.append(learner)
    application = class_application_submit(
        cycle=klass.cycle,
        actor=klass.instructor,
        instructors=[klass.instructor],
        teaching_plan="8 课时线上 + 课堂",
        venue="园区教室",
        assessment_plan="每课小测验",
    )
    officer = make_hr_officer(klass.office)
    class_application_decide(
        application=application, office=klass.office, actor=officer, approve=True
    )
    for n, learner in enumerate(people[::5]):
        voucher = TrainingVoucher.objects.create(
            number=f"B{first_id + n:07d}",
            programme_year=klass.entry.programme_year,
            hr_office=klass.office,
            holder=learner,
            kind=TrainingVoucher.Kind.FACE_VALUE,
            face_value=Decimal("300.00"),
            state=TrainingVoucher.State.CLAIMED,
            issued_at=timezone.now(),
            expires_on=timezone.localdate() + dt.timedelta(days=90),
        )
        voucher_transition(
            voucher=voucher,
            to=TrainingVoucher.State.REDEEMED,
            actor=learner,
            enrolment=Enrolment.objects.get(learner=learner, course=klass.course),
            school=klass.school,
        )
    end_cycle(klass.cycle)
    application.refresh_from_db()
    return klass, application


def time_claim(klass, application) -> dict[str, float]:
    from lms.programmes.claims import (
        claim_compute,
        claim_export_pdf,
        claim_export_xlsx,
        claim_file,
    )

    began = time.perf_counter()
    claim_compute(application=application)  # what the school's page shows before filing
    claim = claim_file(application=application, actor=klass.instructor)
    filed = time.perf_counter()
    pdf = claim_export_pdf(claim=claim)
    pdf_done = time.perf_counter()
    xlsx = claim_export_xlsx(claim=claim)
    xlsx_done = time.perf_counter()
    return {
        "file": filed - began,
        "pdf": pdf_done - filed,
        "xlsx": xlsx_done - pdf_done,
        "pdf_kb": len(pdf) / 1024,
        "xlsx_kb": len(xlsx) / 1024,
        "lines": claim.lines.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--baseline", type=int, default=50)
    parser.add_argument("--lessons", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        print(f"building classes of {args.baseline} and {args.learners} learners ...", flush=True)
        small_class = approved_class(
            learners=args.baseline, lessons=args.lessons, school_name="城北培训学校"
        )
        big_class = approved_class(
            learners=args.learners,
            lessons=args.lessons,
            school_name="城东培训学校",
            office=small_class[0].office,
            first_id=args.baseline,
        )
        small = time_claim(*small_class)
        big = time_claim(*big_class)
    for label, result in ((args.baseline, small), (args.learners, big)):
        print(
            f"{label:>5} learners ({result['lines']} lines): claim_compute + claim_file "
            f"{result['file']:.2f} s · PDF {result['pdf']:.2f} s ({result['pdf_kb']:.0f} KB) · "
            f"XLSX {result['xlsx']:.2f} s ({result['xlsx_kb']:.0f} KB)"
        )
    scale = args.learners / args.baseline
    for step in ("file", "pdf", "xlsx"):
        ratio = (big[step] / scale) / small[step] if small[step] else float("nan")
        print(f"{step:>5}: per-learner time, {args.learners} over {args.baseline}: {ratio:.2f}")


if __name__ == "__main__":
    main()
