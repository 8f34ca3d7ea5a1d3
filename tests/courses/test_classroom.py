"""Classroom check-in by a rotating QR code: every way in that must be refused, is."""

import datetime as dt
import time

from django.urls import reverse
from django.utils import timezone

import pytest

from courses import services
from courses.checkin import make_token
from courses.models import Attendance, ClassroomSession, Cycle
from tests.courses.conftest import lessons_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(course):
    today = timezone.localdate()
    cycle = Cycle.objects.create(course=course, number=1, starts_on=today, ends_on=today)
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


def check_in(client, session, token):
    url = reverse("courses:check_in", args=[session.pk])
    return client.post(url, {"t": token}, follow=True)


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


def test_expired_code_is_refused(client, session, enrolled, monkeypatch):
    client.force_login(enrolled)
    made_at = time.time() - 120
    monkeypatch.setattr("django.core.signing.time.time", lambda: made_at)
    token = make_token(session_id=session.pk)
    monkeypatch.undo()

    response = check_in(client, session, token)

    assert response.status_code == 403
    assert "二维码已过期" in response.content.decode()
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
    response = check_in(client, session, make_token(session_id=other.pk))
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


def test_check_out_and_session_end_close_attendance_with_time_present(session, enrolled):
    attendance, _ = services.attendance_check_in(learner=enrolled, session=session)
    services.attendance_check_out(
        learner=enrolled, session=session, now=session.ends_at + dt.timedelta(hours=2)
    )
    attendance.refresh_from_db()
    assert attendance.checked_out_at == session.ends_at  # never past the session's end

    other = UserFactory()
    services.enrolment_join(learner=other, course=session.cycle.course)
    services.attendance_check_in(learner=other, session=session)
    assert services.attendance_close_ended(now=session.ends_at + dt.timedelta(minutes=1)) == 1
    assert Attendance.objects.get(learner=other).checked_out_at == session.ends_at


def test_closing_for_one_learner_leaves_the_others_open(session, enrolled):
    other = UserFactory()
    services.enrolment_join(learner=other, course=session.cycle.course)
    for learner in (enrolled, other):
        services.attendance_check_in(learner=learner, session=session)
    after = session.ends_at + dt.timedelta(minutes=1)
    assert services.attendance_close_ended(learner=enrolled, now=after) == 1
    assert Attendance.objects.get(learner=enrolled).checked_out_at == session.ends_at
    assert Attendance.objects.get(learner=other).checked_out_at is None


def test_only_the_schools_instructors_see_the_qr_screen(client, session, instructor, catalogue):
    from tests.courses.conftest import make_school
    from tests.factories import InstructorFactory

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
