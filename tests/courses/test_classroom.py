"""Classroom check-in by a rotating QR code: every way in that must be refused, is."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from courses import services
from courses.checkin import (
    LOCKOUT,
    MAX_CODE_MISSES,
    ROTATE_SECONDS,
    TOKEN_GRACE_WINDOWS,
    CheckInRefused,
    make_token,
    screen_code,
)
from courses.models import Attendance, CheckInCodeMiss, ClassroomSession
from courses.selectors import current_cycle
from tests.factories import UserFactory
from tests.helpers import lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(course):
    cycle = current_cycle(course=course)  # laid out when the course was published
    start = timezone.now() - dt.timedelta(minutes=10)
    return ClassroomSession.objects.create(
        cycle=cycle,
        lesson=lessons_of(course)[0],
        venue_name="城东站 二楼",
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
        capacity=2,
    )


@pytest.fixture
def enrolled(course):
    learner = UserFactory()
    services.enrolment_join(learner=learner, course=course)
    return learner


def check_in(client, session, token, code=None):
    """Post the check-in form as a phone in the room would: the scanned token and the
    code read off the screen (the screen's current one unless told otherwise)."""
    url = reverse("courses:check_in", args=[session.pk])
    code = screen_code(session_id=session.pk) if code is None else code
    return client.post(url, {"t": token, "code": code}, follow=True)


def codes_around(session, now=None):
    """The screen's codes of the windows around ``now``: the ones a check-in might match."""
    now = now or timezone.now()
    step = dt.timedelta(seconds=ROTATE_SECONDS)
    return {screen_code(session_id=session.pk, now=now + k * step) for k in (-2, -1, 0, 1)}


def a_wrong_code(session, now=None):
    taken = codes_around(session, now)
    return next(f"{n:04d}" for n in range(10000) if f"{n:04d}" not in taken)


def test_enrolled_learner_checks_in_once(client, session, enrolled):
    client.force_login(enrolled)
    token = make_token(session_id=session.pk)
    assert (
        client.get(reverse("courses:check_in", args=[session.pk]), {"t": token}).status_code == 200
    )

    first = check_in(client, session, token)
    second = check_in(client, session, token)

    assert "签到成功" in first.content.decode()
    assert "已经签到过了" in second.content.decode()
    assert Attendance.objects.filter(session=session, learner=enrolled).count() == 1


def test_a_token_older_than_its_window_is_refused(client, session, enrolled):
    client.force_login(enrolled)
    token = make_token(
        session_id=session.pk, now=timezone.now() - dt.timedelta(seconds=4 * ROTATE_SECONDS)
    )

    response = check_in(client, session, token)

    assert response.status_code == 403
    assert "二维码已过期" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_token_scanned_a_little_earlier_is_still_accepted(session, enrolled):
    """Time to load the page on a slow network and type the code shown now."""
    now = timezone.now()
    previous = make_token(
        session_id=session.pk, now=now - dt.timedelta(seconds=TOKEN_GRACE_WINDOWS * ROTATE_SECONDS)
    )
    attendance, created = services.classroom_check_in(
        learner=enrolled,
        session=session,
        token=previous,
        code=screen_code(session_id=session.pk, now=now),
        now=now,
    )
    assert created and attendance.status == Attendance.Status.PENDING


def test_the_code_just_replaced_on_screen_is_still_accepted(session, enrolled):
    now = timezone.now()
    before = now - dt.timedelta(seconds=ROTATE_SECONDS)
    attendance, created = services.classroom_check_in(
        learner=enrolled,
        session=session,
        token=make_token(session_id=session.pk, now=before),
        code=screen_code(session_id=session.pk, now=before),
        now=now,
    )
    assert created


def test_a_right_token_with_a_wrong_or_missing_code_is_refused(client, session, enrolled):
    client.force_login(enrolled)
    token = make_token(session_id=session.pk)
    for code in (a_wrong_code(session), "", "12", "abcd", "123456"):
        response = check_in(client, session, token, code=code)
        assert response.status_code == 403
        assert "不是屏幕上的签到码" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_code_of_a_forwarded_photo_goes_stale(session, enrolled):
    """A friend at home with a photo of the screen: by the time it arrives, the screen shows
    another code, and a fresh token (from a link passed on) does not help."""
    later = timezone.now()
    photo_taken = next(  # a moment whose code is not, by chance, also a current one
        later - dt.timedelta(seconds=k * ROTATE_SECONDS)
        for k in range(3, 100)
        if screen_code(session_id=session.pk, now=later - dt.timedelta(seconds=k * ROTATE_SECONDS))
        not in codes_around(session, later)
    )
    with pytest.raises(CheckInRefused) as refused:
        services.classroom_check_in(
            learner=enrolled,
            session=session,
            token=make_token(session_id=session.pk, now=later),
            code=screen_code(session_id=session.pk, now=photo_taken),
            now=later,
        )
    assert refused.value.code == "wrong_code"
    assert not Attendance.objects.exists()


def test_wrong_codes_are_limited_per_learner_and_session(session, enrolled, course):
    now = timezone.now()
    token = make_token(session_id=session.pk, now=now)
    for _ in range(MAX_CODE_MISSES):
        with pytest.raises(CheckInRefused) as refused:
            services.classroom_check_in(
                learner=enrolled,
                session=session,
                token=token,
                code=a_wrong_code(session, now),
                now=now,
            )
        assert refused.value.code == "wrong_code"
    right = screen_code(session_id=session.pk, now=now)
    with pytest.raises(CheckInRefused) as refused:
        services.classroom_check_in(
            learner=enrolled, session=session, token=token, code=right, now=now
        )
    assert refused.value.code == "locked"
    assert not Attendance.objects.exists()
    assert CheckInCodeMiss.objects.filter(learner=enrolled).count() == MAX_CODE_MISSES

    neighbour = UserFactory()
    services.enrolment_join(learner=neighbour, course=course)
    services.classroom_check_in(
        learner=neighbour, session=session, token=token, code=right, now=now
    )  # one learner's guesses lock nobody else out

    after = now + LOCKOUT + dt.timedelta(seconds=1)
    attendance, created = services.classroom_check_in(
        learner=enrolled,
        session=session,
        token=make_token(session_id=session.pk, now=after),
        code=screen_code(session_id=session.pk, now=after),
        now=after,
    )
    assert created


def test_the_lockout_is_shown_on_the_check_in_page(client, session, enrolled):
    client.force_login(enrolled)
    token = make_token(session_id=session.pk)
    for _ in range(MAX_CODE_MISSES):
        check_in(client, session, token, code=a_wrong_code(session))
    response = check_in(client, session, token)
    assert response.status_code == 403
    assert "错误次数过多" in response.content.decode()
    assert not Attendance.objects.exists()


def test_forged_code_is_refused(client, session, enrolled):
    client.force_login(enrolled)
    token = make_token(session_id=session.pk)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = check_in(client, session, forged)
    assert response.status_code == 403
    assert "不是本平台的二维码" in response.content.decode()
    assert not Attendance.objects.exists()


def test_code_for_another_session_is_refused(client, session, enrolled):
    other = ClassroomSession.objects.create(
        cycle=session.cycle,
        lesson=session.lesson,
        venue_name="城西站",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    client.force_login(enrolled)
    response = check_in(
        client, session, make_token(session_id=other.pk), code=screen_code(session_id=other.pk)
    )
    assert response.status_code == 403
    assert "另一场面授课" in response.content.decode()
    assert not Attendance.objects.exists()


def test_learner_not_enrolled_is_refused(client, session):
    stranger = UserFactory()
    client.force_login(stranger)
    response = check_in(client, session, make_token(session_id=session.pk))
    assert response.status_code == 403
    assert "没有加入这门课程" in response.content.decode()
    assert not Attendance.objects.exists()
    response = check_in(client, session, make_token(session_id=session.pk), code="0000")
    assert "没有加入这门课程" in response.content.decode()  # refused before any guess
    assert not CheckInCodeMiss.objects.exists()


def test_full_session_refuses_the_next_learner(client, session, course):
    for _ in range(2):
        learner = UserFactory()
        services.enrolment_join(learner=learner, course=course)
        services.attendance_check_in(learner=learner, session=session)
    late = UserFactory()
    services.enrolment_join(learner=late, course=course)
    client.force_login(late)
    response = check_in(client, session, make_token(session_id=session.pk))
    assert response.status_code == 403
    assert "已满员" in response.content.decode()


def test_anonymous_scan_is_sent_to_log_in_first(client, session):
    response = client.get(
        reverse("courses:check_in", args=[session.pk]), {"t": make_token(session_id=session.pk)}
    )
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_check_out_and_session_end_close_attendance_with_time_present(
    session, enrolled, instructor
):
    attendance, _ = services.attendance_check_in(learner=enrolled, session=session)
    services.attendance_confirm(attendance=attendance, by=instructor)
    services.attendance_check_out(
        learner=enrolled, session=session, now=session.ends_at + dt.timedelta(hours=2)
    )
    attendance.refresh_from_db()
    assert attendance.checked_out_at == session.ends_at  # never past the session's end

    other = UserFactory()
    services.enrolment_join(learner=other, course=session.cycle.course)
    late, _ = services.attendance_check_in(learner=other, session=session)
    services.attendance_confirm(attendance=late, by=instructor)
    assert services.attendance_close_ended(now=session.ends_at + dt.timedelta(minutes=1)) == 1
    assert Attendance.objects.get(learner=other).checked_out_at == session.ends_at


def test_closing_for_one_learner_leaves_the_others_open(session, enrolled, instructor):
    other = UserFactory()
    services.enrolment_join(learner=other, course=session.cycle.course)
    for learner in (enrolled, other):
        services.attendance_check_in(learner=learner, session=session)
    assert services.attendance_confirm_remaining(session=session, by=instructor) == 2
    after = session.ends_at + dt.timedelta(minutes=1)
    assert services.attendance_close_ended(learner=enrolled, now=after) == 1
    assert Attendance.objects.get(learner=enrolled).checked_out_at == session.ends_at
    assert Attendance.objects.get(learner=other).checked_out_at is None


def test_only_the_schools_instructors_see_the_qr_screen(client, session, instructor, catalogue):
    from tests.factories import InstructorFactory
    from tests.helpers import make_school

    url = reverse("courses:qr_screen", args=[session.pk])
    client.force_login(instructor)
    page = client.get(url)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()

    outsider = InstructorFactory(organisation=make_school(catalogue, "城西学校").organisation)
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


# --- The instructor's roster: a check-in banks hours only once confirmed.


def _bank(learner):
    from credits.ledger.services import attendance_bank_closed

    attendance_bank_closed(learner=learner, now=timezone.now() + dt.timedelta(days=1))
    from credits.models import LedgerEntry

    return list(
        LedgerEntry.objects.filter(learner=learner, kind="classroom").values_list(
            "minutes", flat=True
        )
    )


def test_a_check_in_the_instructor_never_confirmed_banks_nothing_and_is_kept(session, enrolled):
    attendance, _ = services.attendance_check_in(learner=enrolled, session=session)
    services.attendance_check_out(learner=enrolled, session=session)
    assert _bank(enrolled) == []
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.PENDING
    assert attendance.checked_out_at is None and attendance.left_at is not None


def test_a_confirmed_check_in_banks_the_time_present(session, enrolled, instructor):
    attendance, _ = services.attendance_check_in(
        learner=enrolled, session=session, now=session.starts_at
    )
    services.attendance_check_out(
        learner=enrolled, session=session, now=session.starts_at + dt.timedelta(minutes=50)
    )
    services.attendance_confirm(attendance=attendance, by=instructor)
    assert _bank(enrolled) == [50]
    assert _bank(enrolled) == [50]  # once


def test_closing_the_roster_confirms_who_is_left_and_not_who_was_removed(
    session, enrolled, instructor, course
):
    session.capacity = 5
    session.save()
    friend = UserFactory()
    services.enrolment_join(learner=friend, course=course)
    in_room, _ = services.attendance_check_in(
        learner=enrolled, session=session, now=session.starts_at
    )
    at_home, _ = services.attendance_check_in(
        learner=friend, session=session, now=session.starts_at
    )
    services.attendance_remove(attendance=at_home, by=instructor)

    assert services.attendance_confirm_remaining(session=session, by=instructor) == 1
    assert _bank(enrolled) == [90]
    assert _bank(friend) == []
    at_home.refresh_from_db()
    assert at_home.status == Attendance.Status.REMOVED and at_home.decided_by == instructor

    with pytest.raises(ValidationError):  # and cannot simply scan again
        services.attendance_check_in(learner=friend, session=session)


def test_a_closed_attendance_cannot_be_removed(session, enrolled, instructor):
    attendance, _ = services.attendance_check_in(learner=enrolled, session=session)
    services.attendance_confirm(attendance=attendance, by=instructor)
    services.attendance_check_out(learner=enrolled, session=session)
    with pytest.raises(ValidationError):
        services.attendance_remove(attendance=attendance, by=instructor)
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.CONFIRMED


def test_the_database_refuses_a_closed_attendance_that_is_not_confirmed(session, enrolled):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            session=session,
            learner=enrolled,
            checked_in_at=session.starts_at,
            checked_out_at=session.ends_at,
            status=Attendance.Status.PENDING,
        )


def test_an_attendance_written_before_confirmation_existed_still_banks(session, enrolled):
    """Rows from before (the migration gives them this default) bank as they always did."""
    Attendance.objects.create(session=session, learner=enrolled, checked_in_at=session.starts_at)
    assert _bank(enrolled) == [90]


def test_the_instructor_confirms_and_removes_from_the_roster(client, session, enrolled, instructor):
    attendance, _ = services.attendance_check_in(learner=enrolled, session=session)
    client.force_login(instructor)
    roster = client.get(reverse("courses:attendance_roster", args=[session.pk]))
    assert roster.status_code == 200
    assert enrolled.real_name in roster.content.decode()

    client.post(reverse("courses:attendance_remove", args=[session.pk, attendance.pk]))
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.REMOVED
    client.post(reverse("courses:attendance_confirm", args=[session.pk, attendance.pk]))
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.CONFIRMED


@pytest.mark.parametrize("action", ["attendance_confirm", "attendance_remove"])
def test_nobody_but_the_schools_instructors_decides_who_was_there(
    client, session, enrolled, catalogue, action
):
    from tests.factories import InstructorFactory
    from tests.helpers import make_school

    attendance, _ = services.attendance_check_in(learner=enrolled, session=session)
    outsider = InstructorFactory(organisation=make_school(catalogue, "城西学校").organisation)
    for user in (outsider, enrolled):
        client.force_login(user)
        url = reverse(f"courses:{action}", args=[session.pk, attendance.pk])
        assert client.post(url).status_code == 403
        confirm_all = reverse("courses:attendance_confirm_remaining", args=[session.pk])
        assert client.post(confirm_all).status_code == 403
        assert (
            client.get(reverse("courses:attendance_roster", args=[session.pk])).status_code == 403
        )
    attendance.refresh_from_db()
    assert attendance.status == Attendance.Status.PENDING and attendance.decided_by is None


def test_the_classroom_screen_shows_the_code_to_type(client, session, instructor):
    client.force_login(instructor)
    page = client.get(reverse("courses:qr_screen", args=[session.pk])).content.decode()
    assert any(code in page for code in codes_around(session))
