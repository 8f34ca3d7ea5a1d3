"""Training vouchers: issued to an eligible learner, claimed, redeemed on enrolment, expired,
revoked; every refusal tested from the side of the one who must not get through."""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from courses import services as course_services
from courses.models import Enrolment, Occupation
from lms.accounts.models import User
from lms.programmes.models import (
    ClaimLine,
    ClassApplication,
    SubsidyClaim,
    TrainingVoucher,
    VoucherEvent,
)
from lms.programmes.vouchers import (
    months_after,
    voucher_claim,
    voucher_courses_now,
    voucher_issue,
    voucher_redeem,
    voucher_revoke,
    voucher_transition,
    vouchers_expire,
    vouchers_issue_csv,
)
from tests.factories import UserFactory
from tests.helpers import (
    give_identity,
    make_course,
    make_hr_office,
    make_programme_year,
    make_school,
)

pytestmark = pytest.mark.django_db
State = TrainingVoucher.State


class World:
    pass


@pytest.fixture(autouse=True)
def _english():
    """The services' reasons are read in English here (pages default to Chinese)."""
    with translation.override("en"):
        yield


def hr_officer(office):
    return UserFactory(role=User.Role.HR_OFFICER, organisation=office, phone=None)


@pytest.fixture
def world():
    w = World()
    w.courier = Occupation.objects.create(code="4-02-07-08", name_zh="快递员")
    w.cleaner = Occupation.objects.create(code="4-10-01-06", name_zh="家政服务员")
    w.welder = Occupation.objects.create(code="6-18-02-04", name_zh="焊工")
    catalogue = course_services.catalogue_get_or_create()
    w.school = make_school(catalogue, city="福州市")
    today = timezone.localdate()
    facts = {"lessons": 1, "weekdays": "0123456", "first": today}
    w.course = make_course(w.school, w.courier, title="快递员技能提升", **facts)
    w.course_cleaner = make_course(w.school, w.cleaner, title="家政服务入门", **facts)
    w.course_welder = make_course(w.school, w.welder, title="焊工基础", **facts)
    w.office = make_hr_office(city="福州市")
    w.year = make_programme_year(w.office, entries=[w.courier, w.cleaner])
    w.officer = hr_officer(w.office)
    w.other_office = make_hr_office(city="厦门市")
    make_programme_year(w.other_office, entries=[w.courier])
    w.other_officer = hr_officer(w.other_office)
    w.other_school = make_school(catalogue, name="思明培训学校", city="厦门市")
    w.course_elsewhere = make_course(w.other_school, w.courier, title="厦门快递员", **facts)
    w.learner = UserFactory(real_name="张小明")
    give_identity(w.learner, groups=[User.LearnerGroup.GIG_WORKER])
    w.stranger = UserFactory(real_name="李四")
    give_identity(w.stranger)
    return w


def issue(w, holder=None, **fields):
    fields = {"kind": TrainingVoucher.Kind.GENERAL, "face_value": Decimal("800.00"), **fields}
    return voucher_issue(office=w.office, holder=holder or w.learner, actor=w.officer, **fields)


def claimed(w, **fields):
    voucher = issue(w, **fields)
    voucher_claim(voucher=voucher, learner=w.learner)
    voucher.refresh_from_db()
    return voucher


def reason_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- Issuing.


def test_issue_numbers_the_voucher_and_expires_it_in_three_calendar_months(world):
    voucher = issue(world)
    today = timezone.localdate()
    assert re.fullmatch(rf"HR-{world.year.year}-\d{{6}}", voucher.number)
    assert voucher.expires_on == months_after(today, 3)
    assert voucher.programme_year == world.year
    assert voucher.state == State.ISSUED
    (event,) = voucher.events.all()
    assert (event.from_state, event.to_state, event.actor) == ("", State.ISSUED, world.officer)
    other = issue(world, holder=world.stranger)
    assert int(other.number[-6:]) == int(voucher.number[-6:]) + 1


def test_numbers_keep_counting_past_six_digits(world):
    first = issue(world)
    TrainingVoucher.objects.filter(pk=first.pk).update(number=f"HR-{world.year.year}-999999")
    second = issue(world, holder=world.stranger)
    assert second.number == f"HR-{world.year.year}-1000000"
    third_holder = UserFactory()
    give_identity(third_holder)
    assert issue(world, holder=third_holder).number == f"HR-{world.year.year}-1000001"


def test_validity_follows_the_setting(world, settings):
    settings.VOUCHER_VALID_MONTHS = 1
    assert issue(world).expires_on == months_after(timezone.localdate(), 1)


def test_calendar_months_end_on_the_last_day_of_a_shorter_month():
    assert months_after(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert months_after(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert months_after(dt.date(2026, 10, 15), 3) == dt.date(2027, 1, 15)


def test_a_learner_without_real_name_details_gets_no_voucher(world):
    bare = UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        issue(world, holder=bare)
    assert "real-name" in reason_of(excinfo)
    assert not TrainingVoucher.objects.exists()


def test_only_active_learners_get_vouchers(world):
    world.learner.is_active = False
    world.learner.save()
    with pytest.raises(ValidationError):
        issue(world)
    with pytest.raises(ValidationError):
        issue(world, holder=world.officer)
    assert not TrainingVoucher.objects.exists()


def test_a_second_active_voucher_is_refused_until_the_first_is_gone(world):
    first = issue(world)
    with pytest.raises(ValidationError) as excinfo:
        issue(world)
    assert "already holds an active voucher" in reason_of(excinfo)
    assert TrainingVoucher.objects.count() == 1
    voucher_revoke(voucher=first, actor=world.officer, reason="发错了")
    assert issue(world).state == State.ISSUED


@pytest.mark.parametrize(
    "value", [Decimal("0"), Decimal("-5"), 12.5, "abc", Decimal("1.005"), "NaN", "1e9"]
)
def test_face_value_must_be_a_positive_amount(world, value):
    with pytest.raises(ValidationError):
        issue(world, face_value=value)
    assert not TrainingVoucher.objects.exists()


def test_targeted_vouchers_name_a_target_the_holder_fits(world):
    with pytest.raises(ValidationError):
        issue(world, kind=TrainingVoucher.Kind.TARGETED)
    with pytest.raises(ValidationError) as excinfo:
        issue(world, kind=TrainingVoucher.Kind.TARGETED, target_group=User.LearnerGroup.JOB_SEEKER)
    assert "group" in reason_of(excinfo)
    with pytest.raises(ValidationError):  # not on this year's catalogue
        issue(world, kind=TrainingVoucher.Kind.TARGETED, target_occupation=world.welder)
    with pytest.raises(ValidationError):  # a general voucher names no target
        issue(world, target_occupation=world.courier)
    assert not TrainingVoucher.objects.exists()
    voucher = issue(
        world, kind=TrainingVoucher.Kind.TARGETED, target_group=User.LearnerGroup.GIG_WORKER
    )
    assert voucher.target_group == "gig_worker"


def test_expiry_cannot_pass_the_longest_validity_or_be_in_the_past(world):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        issue(world, expires_on=months_after(today, 3) + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        issue(world, expires_on=today - dt.timedelta(days=1))
    assert issue(
        world, expires_on=today + dt.timedelta(days=10)
    ).expires_on == today + dt.timedelta(days=10)


def test_an_office_without_a_current_published_year_issues_nothing(world):
    world.year.published_at = None
    world.year.save()
    with pytest.raises(ValidationError) as excinfo:
        issue(world)
    assert "programme year" in reason_of(excinfo)


# --- CSV.


def test_csv_issues_row_by_row_and_reports_each_line(world):
    newcomer = UserFactory(phone="+8613900139000")
    give_identity(newcomer)
    text = (
        "phone,kind,face_value,target_occupation,target_group,expires_on\n"
        f"{world.learner.phone},targeted,600,4-02-07-08,,\n"
        f"{world.learner.phone},general,600,,,\n"
        "139 0013 9000,general,abc,,,\n"
        "13700000000,general,500,,,\n"
        "139 0013 9000,general,500.50,,,\n"
    )
    report = vouchers_issue_csv(office=world.office, text=text, actor=world.officer)
    assert [(row.line, bool(row.issued)) for row in report] == [
        (2, True),
        (3, False),
        (4, False),
        (5, False),
        (6, True),
    ]
    assert "already holds" in report[1].reason
    assert report[2].reason and report[3].reason
    assert report[0].issued.target_occupation == world.courier
    assert report[4].issued.face_value == Decimal("500.50")
    assert "0013" not in report[4].phone  # the report masks phone numbers


def test_csv_with_a_bad_header_changes_nothing(world):
    text = f"phone,face_value\n{world.learner.phone},600\n"
    with pytest.raises(ValidationError):
        vouchers_issue_csv(office=world.office, text=text, actor=world.officer)
    assert not TrainingVoucher.objects.exists()


# --- Claiming.


def test_only_the_holder_claims_and_not_after_expiry(world):
    voucher = issue(world)
    with pytest.raises(ValidationError):
        voucher_claim(voucher=voucher, learner=world.stranger)
    voucher.refresh_from_db()
    assert voucher.state == State.ISSUED
    TrainingVoucher.objects.filter(pk=voucher.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    voucher.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        voucher_claim(voucher=voucher, learner=world.learner)
    assert "expired" in reason_of(excinfo)
    voucher.refresh_from_db()
    assert voucher.state == State.EXPIRED


def test_another_learner_gets_404_for_a_voucher_number(world, client):
    voucher = issue(world)
    client.force_login(world.stranger)
    for name in ("programmes:voucher_claim", "programmes:voucher_redeem"):
        response = client.post(reverse(name, args=[voucher.number]), {"course": world.course.pk})
        assert response.status_code == 404
        missing = client.post(reverse(name, args=["HR-2026-999999"]), {"course": world.course.pk})
        assert missing.status_code == 404
    voucher.refresh_from_db()
    assert voucher.state == State.ISSUED
    assert voucher.number not in client.get(reverse("programmes:vouchers")).text


# --- Redeeming.


def test_redeeming_enrols_and_records_every_step(world):
    voucher = claimed(world)
    enrolment = voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)
    voucher.refresh_from_db()
    assert voucher.state == State.REDEEMED
    assert voucher.enrolment == enrolment
    assert enrolment.course_id == world.course.pk and enrolment.learner == world.learner
    assert voucher.school == world.school.organisation
    steps = [(e.from_state, e.to_state, e.actor) for e in voucher.events.all()]
    assert steps == [
        ("", State.ISSUED, world.officer),
        (State.ISSUED, State.CLAIMED, world.learner),
        (State.CLAIMED, State.REDEEMED, world.learner),
    ]
    assert all(e.at is not None for e in voucher.events.all())


def test_a_voucher_is_redeemed_once(world):
    voucher = claimed(world)
    voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)
    for course in (world.course, world.course_cleaner):
        with pytest.raises(ValidationError) as excinfo:
            voucher_redeem(voucher=voucher, learner=world.learner, course=course)
        assert "already been used" in reason_of(excinfo)
    assert not Enrolment.objects.filter(course=world.course_cleaner).exists()
    assert voucher.events.count() == 3


def test_an_issued_voucher_must_be_claimed_first(world):
    voucher = issue(world)
    with pytest.raises(ValidationError):
        voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)
    assert not Enrolment.objects.filter(learner=world.learner).exists()


def test_after_expiry_redeeming_is_refused_and_the_voucher_expires(world):
    voucher = claimed(world)
    TrainingVoucher.objects.filter(pk=voucher.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as excinfo:
        voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)
    assert "expired" in reason_of(excinfo)
    voucher.refresh_from_db()
    assert voucher.state == State.EXPIRED
    assert voucher.events.last().reason == "expired" and voucher.events.last().actor is None
    assert not Enrolment.objects.filter(learner=world.learner).exists()


def test_another_person_cannot_redeem_it(world):
    voucher = claimed(world)
    with pytest.raises(ValidationError):
        voucher_redeem(voucher=voucher, learner=world.stranger, course=world.course)
    voucher.refresh_from_db()
    assert voucher.state == State.CLAIMED
    assert not Enrolment.objects.filter(learner=world.stranger).exists()


def test_a_voucher_targeted_to_an_occupation_pays_only_for_it(world):
    voucher = claimed(world, kind=TrainingVoucher.Kind.TARGETED, target_occupation=world.courier)
    with pytest.raises(ValidationError) as excinfo:
        voucher_redeem(voucher=voucher, learner=world.learner, course=world.course_cleaner)
    assert "快递员" in reason_of(excinfo)
    assert [c.pk for c in voucher_courses_now(voucher=voucher, learner=world.learner)] == [
        world.course.pk
    ]
    voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)


def test_a_voucher_targeted_to_a_group_needs_the_learner_in_it(world):
    voucher = claimed(
        world, kind=TrainingVoucher.Kind.TARGETED, target_group=User.LearnerGroup.GIG_WORKER
    )
    give_identity(world.learner, groups=[User.LearnerGroup.JOB_SEEKER])  # no longer a gig worker
    with pytest.raises(ValidationError) as excinfo:
        voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)
    assert "group" in reason_of(excinfo)
    voucher.refresh_from_db()
    assert voucher.state == State.CLAIMED


def test_only_a_subsidised_course_of_the_vouchers_city(world):
    voucher = claimed(world)
    for course in (world.course_welder, world.course_elsewhere):
        with pytest.raises(ValidationError):
            voucher_redeem(voucher=voucher, learner=world.learner, course=course)
    usable = {c.pk for c in voucher_courses_now(voucher=voucher, learner=world.learner)}
    assert usable == {world.course.pk, world.course_cleaner.pk}
    assert not Enrolment.objects.filter(learner=world.learner).exists()


def test_no_second_subsidy_for_the_same_occupation_and_level_by_voucher(world):
    first = claimed(world)
    voucher_redeem(voucher=first, learner=world.learner, course=world.course)
    again = make_course(
        world.school,
        world.courier,
        title="快递员技能提升（晚班）",
        lessons=1,
        weekdays="0123456",
        first=timezone.localdate(),
    )
    second = claimed(world)
    with pytest.raises(ValidationError) as excinfo:
        voucher_redeem(voucher=second, learner=world.learner, course=again)
    assert "already subsidised" in reason_of(excinfo)
    assert again.pk not in {
        c.pk for c in voucher_courses_now(voucher=second, learner=world.learner)
    }
    voucher_redeem(voucher=second, learner=world.learner, course=world.course_cleaner)


def test_no_second_subsidy_when_a_claim_line_already_paid_for_it(world):
    now = timezone.now()
    application = ClassApplication.objects.create(
        cycle=world.course.cycles.first(),
        school=world.school.organisation,
        hr_office=world.office,
        catalogue_entry=world.year.entries.get(occupation=world.courier),
        teaching_plan="计划",
        venue="教室",
        assessment_plan="考核",
        submitted_by=world.officer,
        submitted_at=now,
    )
    claim = SubsidyClaim.objects.create(
        application=application, amount_claimed=Decimal("80"), filed_by=world.officer, filed_at=now
    )
    line = ClaimLine.objects.create(
        claim=claim,
        learner=world.learner,
        occupation=world.courier,
        level=world.course.level,
        minutes=45,
        class_hours=Decimal("1"),
        lessons_completed=1,
        lessons_total=1,
        sessions_attended=0,
        assessment_passed=True,
        amount=Decimal("80"),
        subsidised=True,
    )
    voucher = claimed(world)
    with pytest.raises(ValidationError):
        voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)
    line.refused = True  # a refused line paid nothing: the voucher may pay
    line.save()
    voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)


# --- Transitions, expiry, revoking.


def test_bad_transitions_are_refused_and_change_nothing(world):
    voucher = claimed(world)
    voucher_redeem(voucher=voucher, learner=world.learner, course=world.course)
    voucher_transition(voucher=voucher, to=State.SCHOOL_CLAIMED, actor=world.officer)
    voucher_transition(voucher=voucher, to=State.PAID, actor=world.officer)
    events = voucher.events.count()
    for to in (State.CLAIMED, State.REDEEMED, State.REVOKED, State.EXPIRED):
        with pytest.raises(ValidationError) as excinfo:
            voucher_transition(voucher=voucher, to=to, actor=world.officer)
        assert "cannot become" in reason_of(excinfo)
    voucher.refresh_from_db()
    assert voucher.state == State.PAID and voucher.events.count() == events


def test_expire_moves_only_active_vouchers_past_their_day(world):
    overdue = issue(world)
    other = issue(world, holder=world.stranger)
    voucher_claim(voucher=other, learner=world.stranger)
    used_holder = UserFactory()
    give_identity(used_holder)
    used = issue(world, holder=used_holder)
    voucher_claim(voucher=used, learner=used_holder)
    voucher_redeem(voucher=used, learner=used_holder, course=world.course)
    today = timezone.localdate()
    TrainingVoucher.objects.update(expires_on=today - dt.timedelta(days=1))
    fresh_holder = UserFactory()
    give_identity(fresh_holder)
    fresh = issue(world, holder=fresh_holder)
    assert vouchers_expire() == 2
    states = dict(TrainingVoucher.objects.values_list("pk", "state"))
    assert states[overdue.pk] == states[other.pk] == State.EXPIRED
    assert states[used.pk] == State.REDEEMED and states[fresh.pk] == State.ISSUED
    expired = VoucherEvent.objects.filter(to_state=State.EXPIRED)
    assert {(e.actor, e.reason) for e in expired} == {(None, "expired")}
    assert vouchers_expire() == 0


def test_the_expire_vouchers_command(world, capsys):
    voucher = issue(world)
    TrainingVoucher.objects.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    call_command("expire_vouchers")
    assert "1" in capsys.readouterr().out
    voucher.refresh_from_db()
    assert voucher.state == State.EXPIRED


def test_revoking_needs_a_reason_and_the_issuing_office(world):
    voucher = issue(world)
    with pytest.raises(ValidationError):
        voucher_revoke(voucher=voucher, actor=world.officer, reason="  ")
    with pytest.raises(ValidationError):
        voucher_revoke(voucher=voucher, actor=world.other_officer, reason="不该由我撤销")
    with pytest.raises(ValidationError):
        voucher_revoke(voucher=voucher, actor=world.learner, reason="我不要了")
    voucher.refresh_from_db()
    assert voucher.state == State.ISSUED
    voucher_revoke(voucher=voucher, actor=world.officer, reason="重复发放")
    event = voucher.events.last()
    assert (event.to_state, event.actor, event.reason) == (
        State.REVOKED,
        world.officer,
        "重复发放",
    )


# --- The HR desk's pages.


def test_another_citys_officer_cannot_list_read_or_revoke(world, client):
    voucher = issue(world)
    client.force_login(world.other_officer)
    listing = client.get(reverse("programmes:voucher_desk"))
    assert listing.status_code == 200 and voucher.number not in listing.text
    detail = reverse("programmes:voucher_desk_detail", args=[voucher.number])
    assert client.get(detail).status_code == 404
    revoke = reverse("programmes:voucher_desk_revoke", args=[voucher.number])
    assert client.post(revoke, {"reason": "越权"}).status_code == 404
    voucher.refresh_from_db()
    assert voucher.state == State.ISSUED


def test_learners_and_anonymous_visitors_do_not_reach_the_desk(world, client):
    voucher = issue(world)
    pages = [
        reverse("programmes:voucher_desk"),
        reverse("programmes:voucher_desk_issue"),
        reverse("programmes:voucher_desk_import"),
        reverse("programmes:voucher_desk_detail", args=[voucher.number]),
    ]
    for url in pages:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.learner)
    for url in pages:
        assert client.get(url).status_code == 404
    revoke = reverse("programmes:voucher_desk_revoke", args=[voucher.number])
    assert client.post(revoke, {"reason": "我不要了"}).status_code == 404
    response = client.post(
        reverse("programmes:voucher_desk_issue"),
        {"phone": world.stranger.phone, "kind": "general", "face_value": "900"},
    )
    assert response.status_code == 404
    assert TrainingVoucher.objects.count() == 1


def test_the_officer_issues_lists_filters_and_revokes(world, client):
    client.force_login(world.officer)
    response = client.post(
        reverse("programmes:voucher_desk_issue"),
        {"phone": "138" + world.learner.phone[6:], "kind": "general", "face_value": "900"},
    )
    voucher = TrainingVoucher.objects.get(holder=world.learner)
    assert response.status_code == 302 and voucher.face_value == Decimal("900.00")
    refused = client.post(
        reverse("programmes:voucher_desk_issue"),
        {"phone": world.learner.phone, "kind": "general", "face_value": "900"},
    )
    assert refused.status_code == 400 and TrainingVoucher.objects.count() == 1
    listing = client.get(reverse("programmes:voucher_desk"), {"state": "issued"})
    assert voucher.number in listing.text
    assert (
        voucher.number
        not in client.get(reverse("programmes:voucher_desk"), {"state": "claimed"}).text
    )
    assert (
        voucher.number
        not in client.get(reverse("programmes:voucher_desk"), {"kind": "targeted"}).text
    )
    revoke = reverse("programmes:voucher_desk_revoke", args=[voucher.number])
    client.post(revoke, {"reason": ""})
    voucher.refresh_from_db()
    assert voucher.state == State.ISSUED
    client.post(revoke, {"reason": "发错对象"})
    voucher.refresh_from_db()
    assert voucher.state == State.REVOKED
    detail = client.get(reverse("programmes:voucher_desk_detail", args=[voucher.number]))
    assert "发错对象" in detail.text
    assert reverse("programmes:voucher_desk") in client.get(reverse("programmes:desk")).text


def test_the_officer_imports_a_csv_and_sees_the_report(world, client):
    client.force_login(world.officer)
    text = (
        "phone,kind,face_value,target_occupation,target_group,expires_on\n"
        f"{world.learner.phone},general,600,,,\n"
        "13700000000,general,500,,,\n"
    )
    response = client.post(reverse("programmes:voucher_desk_import"), {"text": text})
    assert response.status_code == 200
    assert TrainingVoucher.objects.get(holder=world.learner).number in response.text
    bad = client.post(reverse("programmes:voucher_desk_import"), {"text": "a,b\n1,2\n"})
    assert bad.status_code == 400 and TrainingVoucher.objects.count() == 1


# --- The learner's pages.


def test_without_real_name_details_the_page_explains_and_links_to_them(world, client):
    bare = UserFactory()
    client.force_login(bare)
    response = client.get(reverse("programmes:vouchers"))
    assert response.status_code == 200
    assert 'href="/accounts/identity/"' in response.text


def test_the_course_page_offers_vouchers_only_when_subsidised(world, client):
    client.force_login(world.learner)
    link = f"{reverse('programmes:vouchers')}?course="
    assert link + str(world.course.pk) in client.get(world.course.url).text
    assert link not in client.get(world.course_welder.url).text


def test_the_learner_claims_and_redeems_through_the_pages(world, client):
    voucher = issue(world)
    client.force_login(world.learner)
    page = client.get(reverse("programmes:vouchers"), {"course": world.course.pk})
    assert voucher.number in page.text
    client.post(reverse("programmes:voucher_claim", args=[voucher.number]))
    page = client.get(reverse("programmes:vouchers"), {"course": world.course.pk})
    assert world.course.title in page.text and world.course_welder.title not in page.text
    response = client.post(
        reverse("programmes:voucher_redeem", args=[voucher.number]), {"course": world.course.pk}
    )
    assert response.status_code == 302 and response.url == world.course.url
    voucher.refresh_from_db()
    assert voucher.state == State.REDEEMED
    again = client.post(
        reverse("programmes:voucher_redeem", args=[voucher.number]),
        {"course": world.course_cleaner.pk},
    )
    assert again.status_code == 302
    assert not Enrolment.objects.filter(course=world.course_cleaner).exists()
