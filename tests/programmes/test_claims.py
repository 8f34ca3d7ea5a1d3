"""Subsidy claims: the dossier from the ledger, filing, the office's review, the claim file."""

import datetime as dt
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from courses import services as course_services
from courses.models import Attendance, ClassroomSession, Enrolment
from credits.ledger import services as ledger_services
from credits.ledger.hours import class_hours_text
from credits.ledger.models import LedgerEntry
from lms.programmes.applications import class_application_decide, class_application_submit
from lms.programmes.claims import (
    claim_approve,
    claim_compute,
    claim_export_pdf,
    claim_export_xlsx,
    claim_file,
    claim_mark_paid,
    claim_refuse,
    minutes_to_class_hours,
)
from lms.programmes.models import ClaimLine, ClassApplication, SubsidyClaim, TrainingVoucher
from lms.programmes.vouchers import voucher_transition
from tests.factories import UserFactory
from tests.helpers import (
    complete_lessons,
    end_cycle,
    give_identity,
    lessons_of,
    make_hr_office,
    make_hr_officer,
    make_subsidised_course,
    valid_id_number,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Services answer in the active language; these tests read the English wording."""
    with translation.override("en"):
        yield


PLAN = {
    "teaching_plan": "第1课 安全派件\n第2课 客户沟通",
    "venue": "城东快递园区二楼教室",
    "assessment_plan": "每课小测验",
}


def _learner(klass, *, identity=True):
    learner = UserFactory()
    course_services.enrolment_join(learner=learner, course=klass.course)
    if identity:
        give_identity(learner)
    return learner


def _apply(klass, *, approve=True):
    application = class_application_submit(
        cycle=klass.cycle, actor=klass.instructor, instructors=[klass.instructor], **PLAN
    )
    officer = make_hr_officer(klass.office)
    if approve is not None:
        class_application_decide(
            application=application,
            office=klass.office,
            actor=officer,
            approve=approve,
            reason="" if approve else "场地不符合要求",
        )
    application.refresh_from_db()
    return application, officer


def _voucher(klass, learner, face_value, *, number="V-0001"):
    """A voucher the learner claimed and redeemed on enrolling in the course."""
    voucher = TrainingVoucher.objects.create(
        number=number,
        programme_year=klass.entry.programme_year,
        hr_office=klass.office,
        holder=learner,
        kind=TrainingVoucher.Kind.FACE_VALUE,
        face_value=Decimal(face_value),
        state=TrainingVoucher.State.CLAIMED,
        issued_at=timezone.now(),
        expires_on=timezone.localdate() + dt.timedelta(days=90),
    )
    enrolment = Enrolment.objects.get(learner=learner, course=klass.course, left_at__isnull=True)
    return voucher_transition(
        voucher=voucher,
        to=TrainingVoucher.State.REDEEMED,
        actor=learner,
        enrolment=enrolment,
        school=klass.school,
    )


@pytest.fixture
def klass():
    return make_subsidised_course(lessons=2, rate="10.00", cap="500.00")


# --- The refused side of filing.


def test_a_class_never_approved_cannot_be_claimed(klass):
    _learner(klass)
    application, _ = _apply(klass, approve=None)
    end_cycle(klass.cycle)
    with pytest.raises(ValidationError, match="not approved"):
        claim_file(application=application, actor=klass.instructor)
    assert not SubsidyClaim.objects.exists()


def test_a_refused_class_cannot_be_claimed(klass):
    application, _ = _apply(klass, approve=False)
    end_cycle(klass.cycle)
    with pytest.raises(ValidationError, match="refused"):
        claim_file(application=application, actor=klass.instructor)
    assert not SubsidyClaim.objects.exists()


def test_a_class_still_running_cannot_be_claimed(client, klass):
    application, _ = _apply(klass)
    with pytest.raises(ValidationError, match="not ended"):
        claim_file(application=application, actor=klass.instructor)
    client.force_login(klass.instructor)
    response = client.post(
        reverse("programmes_school_claim_file", args=[application.pk]), follow=True
    )
    assert response.status_code == 200
    assert not SubsidyClaim.objects.exists()


def test_a_class_is_claimed_once(klass):
    application, _ = _apply(klass)
    end_cycle(klass.cycle)
    claim_file(application=application, actor=klass.instructor)
    with pytest.raises(ValidationError, match="filed already"):
        claim_file(application=application, actor=klass.instructor)
    assert SubsidyClaim.objects.count() == 1


def test_an_instructor_of_another_school_cannot_file(client, klass):
    application, _ = _apply(klass)
    end_cycle(klass.cycle)
    other = make_subsidised_course(office=klass.office, school_name="城西培训学校")
    with pytest.raises(PermissionDenied):
        claim_file(application=application, actor=other.instructor)
    client.force_login(other.instructor)
    response = client.post(reverse("programmes_school_claim_file", args=[application.pk]))
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"] == reverse("wagtailadmin_home")
    assert not SubsidyClaim.objects.exists()


# --- The dossier, from real ledger entries.


def test_amounts_follow_the_ledger_the_standard_the_cap_and_the_vouchers(klass):
    settled = _learner(klass)  # both lessons, no voucher: hours × standard
    halfway = _learner(klass)  # one lesson of two: withheld
    nameless = _learner(klass, identity=False)  # no real-name identity: withheld
    voucher_small = _learner(klass)  # voucher below the cap: its face value
    voucher_big = _learner(klass)  # voucher above the cap: the cap
    for learner in (settled, nameless, voucher_small, voucher_big):
        complete_lessons(learner, klass.course)
    complete_lessons(halfway, klass.course, count=1)
    small = _voucher(klass, voucher_small, "300.00", number="V-1")
    big = _voucher(klass, voucher_big, "800.00", number="V-2")
    application, _ = _apply(klass)
    end_cycle(klass.cycle)

    minutes = sum(lesson.credit_minutes for lesson in lessons_of(klass.course))
    hours = Decimal(minutes) / Decimal(45)
    by_standard = min(hours * klass.entry.subsidy_per_class_hour, klass.entry.cap_per_person)
    dossier = claim_compute(application=application)
    lines = {line.learner.pk: line for line in dossier.lines}
    assert lines[settled.pk].minutes == minutes
    assert lines[settled.pk].amount == by_standard.quantize(Decimal("0.01"))
    assert lines[halfway.pk].subsidised is False
    assert lines[halfway.pk].amount == 0
    assert "lesson" in lines[halfway.pk].withheld_reason
    assert lines[nameless.pk].subsidised is False
    assert "identity" in lines[nameless.pk].withheld_reason
    assert lines[voucher_small.pk].amount == Decimal("300.00")
    assert lines[voucher_big.pk].amount == klass.entry.cap_per_person

    claim = claim_file(application=application, actor=klass.instructor)
    assert claim.amount_claimed == sum(line.amount for line in dossier.lines)
    assert claim.lines.count() == 5
    small.refresh_from_db()
    big.refresh_from_db()
    assert small.state == big.state == TrainingVoucher.State.SCHOOL_CLAIMED
    assert small.events.last().actor == klass.instructor


def test_classroom_attendance_counts_in_hours_and_sessions(klass):
    learner = _learner(klass)
    first, second = lessons_of(klass.course)
    complete_lessons(learner, klass.course, count=1)
    start = timezone.now() - dt.timedelta(hours=2)
    session = ClassroomSession.objects.create(
        cycle=klass.cycle,
        lesson=second,
        venue_name="园区教室",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
    )
    attendance = Attendance.objects.create(
        session=session,
        learner=learner,
        checked_in_at=start,
        checked_out_at=start + dt.timedelta(minutes=90),
        status=Attendance.Status.CONFIRMED,
    )
    entry = ledger_services.ledger_credit_attendance(attendance=attendance)
    course_services.lesson_complete(learner=learner, lesson=second, source="classroom")
    application, _ = _apply(klass)
    end_cycle(klass.cycle)
    (line,) = claim_compute(application=application).lines
    assert line.sessions_attended == 1
    assert line.minutes == first.credit_minutes + entry.minutes
    assert line.lessons_completed == 2
    assert line.subsidised


def test_an_unpassed_quiz_withholds_the_whole_course(klass):
    from tests.factories import LessonQuizFactory

    learner = _learner(klass)
    lesson = lessons_of(klass.course)[0]
    lesson.quizzes.add(LessonQuizFactory.build())
    lesson.save_revision().publish()
    complete_lessons(learner, klass.course)
    quiz_key = lesson.quizzes.first().key
    course_services.quiz_submit(learner=learner, lesson=lesson, block_id=quiz_key, answers={0: 0})
    application, _ = _apply(klass)
    end_cycle(klass.cycle)
    (line,) = claim_compute(application=application).lines
    assert line.assessment_passed is False
    assert line.subsidised is False and line.amount == 0
    course_services.quiz_submit(learner=learner, lesson=lesson, block_id=quiz_key, answers={0: 1})
    (line,) = claim_compute(application=application).lines
    assert line.assessment_passed is True and line.subsidised


def test_the_roster_is_taken_again_at_filing(klass):
    early = _learner(klass)
    application, _ = _apply(klass)
    late = _learner(klass)
    complete_lessons(early, klass.course)
    complete_lessons(late, klass.course)
    end_cycle(klass.cycle)
    claim_file(application=application, actor=klass.instructor)
    application.refresh_from_db()
    assert sorted(application.roster) == sorted([early.pk, late.pk])


# --- Never twice for one occupation and level.


def test_a_second_class_of_the_same_occupation_and_level_is_not_subsidised_again(klass):
    learner = _learner(klass)
    complete_lessons(learner, klass.course)
    application, _ = _apply(klass)
    end_cycle(klass.cycle)
    claim_file(application=application, actor=klass.instructor)

    again = make_subsidised_course(
        office=klass.office, school_name="城西培训学校", title="快递员（初级）夜班"
    )
    course_services.enrolment_join(learner=learner, course=again.course)
    complete_lessons(learner, again.course)
    second, _ = _apply(again)
    end_cycle(again.cycle)
    (line,) = claim_compute(application=second).lines
    assert line.subsidised is False
    assert "Already subsidised" in line.withheld_reason
    claim = claim_file(application=second, actor=again.instructor)
    assert claim.amount_claimed == 0


def test_the_database_refuses_a_second_subsidised_line(klass):
    learner = _learner(klass)
    complete_lessons(learner, klass.course)
    application, _ = _apply(klass)
    end_cycle(klass.cycle)
    claim = claim_file(application=application, actor=klass.instructor)
    line = claim.lines.get()
    other = make_subsidised_course(office=klass.office, school_name="城西培训学校")
    other_application, officer = _apply(other)
    other_claim = SubsidyClaim.objects.create(
        application=other_application,
        amount_claimed=Decimal("10.00"),
        filed_by=other.instructor,
        filed_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.create(
            claim=other_claim,
            learner=learner,
            occupation=line.occupation,
            level=line.level,
            minutes=90,
            class_hours=Decimal("2.00"),
            lessons_completed=2,
            lessons_total=2,
            sessions_attended=0,
            assessment_passed=True,
            amount=Decimal("20.00"),
            subsidised=True,
        )


def test_a_refused_claim_frees_its_learners_for_a_corrected_one(klass):
    learner = _learner(klass)
    complete_lessons(learner, klass.course)
    application, officer = _apply(klass)
    end_cycle(klass.cycle)
    claim = claim_file(application=application, actor=klass.instructor)
    claim_refuse(claim=claim, office=klass.office, actor=officer, reason="签到记录不全")
    again = make_subsidised_course(office=klass.office, school_name="城西培训学校")
    course_services.enrolment_join(learner=learner, course=again.course)
    complete_lessons(learner, again.course)
    second, _ = _apply(again)
    end_cycle(again.cycle)
    (line,) = claim_compute(application=second).lines
    assert line.subsidised


# --- The office reviews.


@pytest.fixture
def filed(klass):
    """A filed claim: one learner with a voucher, one without, both finished."""
    with_voucher = _learner(klass)
    plain = _learner(klass)
    for learner in (with_voucher, plain):
        complete_lessons(learner, klass.course)
    voucher = _voucher(klass, with_voucher, "200.00")
    application, officer = _apply(klass)
    end_cycle(klass.cycle)
    claim = claim_file(application=application, actor=klass.instructor)
    return klass, claim, officer, voucher, with_voucher, plain


def test_the_office_approves_refusing_one_line_then_pays(client, filed):
    klass, claim, officer, voucher, with_voucher, plain = filed
    client.force_login(officer)
    page = client.get(reverse("programmes:claim", args=[claim.pk]))
    assert page.status_code == 200
    voucher_line = claim.lines.get(learner=with_voucher)
    plain_line = claim.lines.get(learner=plain)
    response = client.post(
        reverse("programmes:claim_decide", args=[claim.pk]),
        {"action": "approve", f"refuse-{voucher_line.pk}": "1", f"reason-{voucher_line.pk}": ""},
        follow=True,
    )
    claim.refresh_from_db()
    assert claim.state == SubsidyClaim.State.FILED  # a refused line needs its reason
    client.post(
        reverse("programmes:claim_decide", args=[claim.pk]),
        {
            "action": "approve",
            f"refuse-{voucher_line.pk}": "1",
            f"reason-{voucher_line.pk}": "培训券持有人未签到",
        },
    )
    claim.refresh_from_db()
    voucher_line.refresh_from_db()
    voucher.refresh_from_db()
    assert claim.state == SubsidyClaim.State.APPROVED
    assert claim.decided_by == officer
    assert claim.amount_approved == plain_line.amount
    assert voucher_line.refused and voucher_line.refused_reason == "培训券持有人未签到"
    assert voucher.state == TrainingVoucher.State.REFUSED
    client.post(reverse("programmes:claim_decide", args=[claim.pk]), {"action": "paid"})
    claim.refresh_from_db()
    assert claim.state == SubsidyClaim.State.PAID
    assert claim.paid_by == officer and claim.paid_at is not None
    assert response.status_code == 200


def test_paying_moves_the_vouchers_to_paid(filed):
    klass, claim, officer, voucher, *_ = filed
    claim_approve(claim=claim, office=klass.office, actor=officer)
    claim_mark_paid(claim=claim, office=klass.office, actor=officer)
    voucher.refresh_from_db()
    assert voucher.state == TrainingVoucher.State.PAID
    assert [e.to_state for e in voucher.events.all()][-2:] == ["school_claimed", "paid"]


def test_refusing_a_claim_needs_a_reason_and_refuses_its_vouchers(filed):
    klass, claim, officer, voucher, *_ = filed
    with pytest.raises(ValidationError, match="reason"):
        claim_refuse(claim=claim, office=klass.office, actor=officer, reason="")
    claim.refresh_from_db()
    assert claim.state == SubsidyClaim.State.FILED
    claim_refuse(claim=claim, office=klass.office, actor=officer, reason="签到记录不全")
    claim.refresh_from_db()
    voucher.refresh_from_db()
    assert claim.state == SubsidyClaim.State.REFUSED and claim.reason == "签到记录不全"
    assert voucher.state == TrainingVoucher.State.REFUSED
    with pytest.raises(ValidationError, match="approved claim"):
        claim_mark_paid(claim=claim, office=klass.office, actor=officer)


def test_an_hr_officer_of_another_city_cannot_read_decide_or_export(client, filed):
    klass, claim, *_ = filed
    elsewhere = make_hr_office("济南市")
    client.force_login(make_hr_officer(elsewhere))
    for url in (
        reverse("programmes:claim", args=[claim.pk]),
        reverse("programmes:claim_export", args=[claim.pk, "pdf"]),
        reverse("programmes:claim_export", args=[claim.pk, "xlsx"]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("programmes:claim_decide", args=[claim.pk]), {"action": "approve"}
    )
    assert response.status_code == 404
    assert klass.course.title not in client.get(reverse("programmes:claims")).text
    with pytest.raises(PermissionDenied):
        claim_approve(claim=claim, office=elsewhere, actor=make_hr_officer(elsewhere))
    claim.refresh_from_db()
    assert claim.state == SubsidyClaim.State.FILED


def test_learners_instructors_and_anonymous_get_no_claim(client, filed):
    klass, claim, officer, voucher, with_voucher, plain = filed
    urls = [
        reverse("programmes:claims"),
        reverse("programmes:claim", args=[claim.pk]),
        reverse("programmes:claim_export", args=[claim.pk, "xlsx"]),
    ]
    for person in (with_voucher, klass.instructor):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# --- The claim file: the only place the clear ID number appears.


def test_the_claim_file_holds_the_clear_id_numbers_and_the_pages_only_masked(client, filed):
    klass, claim, officer, voucher, with_voucher, plain = filed
    numbers = {learner: valid_id_number(learner.pk) for learner in (with_voucher, plain)}
    client.force_login(officer)
    page = client.get(reverse("programmes:claim", args=[claim.pk])).text
    application_page = client.get(
        reverse("programmes:application", args=[claim.application.pk])
    ).text
    for learner, number in numbers.items():
        masked = learner.identity.id_number_masked
        assert masked in page and masked in application_page
        assert number not in page and number not in application_page

    response = client.get(reverse("programmes:claim_export", args=[claim.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value}
    assert set(numbers.values()) <= cells

    pdf = client.get(reverse("programmes:claim_export", args=[claim.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    text = "".join(page.extract_text() for page in pages).replace("\x00", "")
    for number in numbers.values():
        assert number in text


def test_the_school_sees_its_claim_with_masked_numbers(client, filed):
    klass, claim, officer, voucher, with_voucher, plain = filed
    client.force_login(klass.instructor)
    page = client.get(reverse("programmes_school_class", args=[claim.application.pk])).text
    assert with_voucher.identity.id_number_masked in page
    assert valid_id_number(with_voucher.pk) not in page
    assert str(claim.amount_claimed) in page


def test_exports_are_built_for_a_claim_of_many_lines(filed):
    klass, claim, *_ = filed
    assert claim_export_pdf(claim=claim).startswith(b"%PDF")
    assert claim_export_xlsx(claim=claim)[:2] == b"PK"


def test_ledger_minutes_outside_the_course_do_not_count(klass):
    from tests.helpers import bank

    learner = _learner(klass)
    complete_lessons(learner, klass.course)
    admin = UserFactory(role="admin", phone=None, is_superuser=True)
    bank(learner, admin, 600)
    application, _ = _apply(klass)
    end_cycle(klass.cycle)
    (line,) = claim_compute(application=application).lines
    course_minutes = sum(
        LedgerEntry.objects.filter(learner=learner, lesson__isnull=False).values_list(
            "minutes", flat=True
        )
    )
    assert line.minutes == course_minutes
    assert ClassApplication.objects.count() == 1


def test_the_school_files_its_claim_from_the_class_page(client, klass):
    learner = _learner(klass)
    complete_lessons(learner, klass.course)
    application, _ = _apply(klass)
    end_cycle(klass.cycle)
    client.force_login(klass.instructor)
    url = reverse("programmes_school_class", args=[application.pk])
    page = client.get(url).text
    assert reverse("programmes_school_claim_file", args=[application.pk]) in page
    assert learner.real_name in page
    response = client.post(reverse("programmes_school_claim_file", args=[application.pk]))
    assert response.status_code == 302 and response["Location"] == url
    claim = SubsidyClaim.objects.get(application=application)
    assert claim.filed_by == klass.instructor
    assert claim.amount_claimed == claim_compute(application=application).total


def test_the_claim_page_reads_class_hours_by_the_one_rule_while_the_line_pays_on_hundredths(
    client, filed
):
    _klass, claim, officer, *_rest = filed
    client.force_login(officer)
    page = client.get(reverse("programmes:claim", args=[claim.pk])).text
    for line in claim.lines.all():
        assert f'<td class="num">{class_hours_text(line.minutes)}<div' in page
        assert line.class_hours == minutes_to_class_hours(line.minutes)
