"""An instructor plans classroom sessions in the admin for their own school's courses only."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from courses import services
from courses.models import ClassroomSession, Cycle
from tests.factories import InstructorFactory
from tests.helpers import lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db


def session_form(cycle, lesson, **overrides):
    start = timezone.localtime() + dt.timedelta(days=1)
    data = {
        "cycle": cycle.pk,
        "lesson": lesson.pk,
        "venue": "",
        "venue_name": "城东站 二楼",
        "address": "站前街 12 号",
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start + dt.timedelta(minutes=90)).strftime("%Y-%m-%d %H:%M"),
        "capacity": "20",
    }
    data.update(overrides)
    return data


def test_instructor_plans_a_session_for_their_own_course(client, course, instructor):
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 1))
    cycle = Cycle.objects.filter(course=course).first()
    client.force_login(instructor)
    add = reverse("classroom_sessions:add")
    assert client.get(add).status_code == 200
    response = client.post(add, session_form(cycle, lessons_of(course)[0]))
    assert response.status_code == 302, response.content.decode()[:1500]
    assert ClassroomSession.objects.filter(cycle=cycle, venue_name="城东站 二楼").exists()


def test_instructor_cannot_plan_or_edit_another_schools_sessions(
    client, course, instructor, catalogue, occupation
):
    other = make_course(make_school(catalogue, "城西学校"), occupation, title="别校课程", lessons=2)
    services.cycles_roll_ahead(course=other, today=dt.date(2026, 11, 1))
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 1))
    foreign_cycle = Cycle.objects.filter(course=other).first()
    own_cycle = Cycle.objects.filter(course=course).first()
    client.force_login(instructor)

    client.post(
        reverse("classroom_sessions:add"), session_form(foreign_cycle, lessons_of(other)[0])
    )
    client.post(reverse("classroom_sessions:add"), session_form(own_cycle, lessons_of(other)[0]))
    assert not ClassroomSession.objects.exists()

    start = timezone.now() + dt.timedelta(days=1)
    foreign = ClassroomSession.objects.create(
        cycle=foreign_cycle,
        lesson=lessons_of(other)[0],
        venue_name="城西站",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    edit = reverse("classroom_sessions:edit", args=[foreign.pk])
    assert client.get(edit).status_code in (302, 403)
    client.post(edit, session_form(foreign_cycle, lessons_of(other)[0], venue_name="被改了"))
    foreign.refresh_from_db()
    assert foreign.venue_name == "城西站"
    assert "城西站" not in client.get(reverse("classroom_sessions:index")).content.decode()


def _school_a_session_and_school_b_instructor(course, catalogue, occupation):
    services.cycles_roll_ahead(course=course, today=dt.date(2026, 11, 1))
    cycle = Cycle.objects.filter(course=course).first()
    start = timezone.now() + dt.timedelta(days=1)
    session = ClassroomSession.objects.create(
        cycle=cycle,
        lesson=lessons_of(course)[0],
        venue_name="城东站 三楼",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    other_school = make_school(catalogue, "城西学校")
    make_course(other_school, occupation, title="别校课程", lessons=1)
    outsider = InstructorFactory(organisation=other_school.organisation)
    services.instructor_sync_groups(user=outsider)
    return session, outsider


# Wagtail's admin turns a PermissionDenied into a redirect to the dashboard with a message.
REFUSED = (302, 403, 404)
SESSION_VIEWS = ["edit", "delete", "copy", "history", "history_results", "usage"]


@pytest.mark.parametrize("view", SESSION_VIEWS)
def test_another_schools_instructor_cannot_open_a_sessions_admin_views(
    client, course, instructor, catalogue, occupation, view
):
    session, outsider = _school_a_session_and_school_b_instructor(course, catalogue, occupation)
    url = reverse(f"classroom_sessions:{view}", args=[session.pk])

    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code in REFUSED
    assert "城东站 三楼" not in response.content.decode()

    client.force_login(instructor)
    response = client.get(url)
    assert response.status_code == 200
    if view != "history_results":  # a fragment of the history page, without the title
        assert "城东站 三楼" in response.content.decode()


def test_another_schools_instructor_cannot_delete_or_copy_a_session(
    client, course, instructor, catalogue, occupation
):
    session, outsider = _school_a_session_and_school_b_instructor(course, catalogue, occupation)
    client.force_login(outsider)

    delete = client.post(reverse("classroom_sessions:delete", args=[session.pk]))
    assert delete.status_code in REFUSED
    copy = reverse("classroom_sessions:copy", args=[session.pk])
    client.post(copy, session_form(session.cycle, session.lesson, venue_name="复制品"))
    assert list(ClassroomSession.objects.values_list("venue_name", flat=True)) == ["城东站 三楼"]

    client.force_login(instructor)
    assert client.post(reverse("classroom_sessions:delete", args=[session.pk])).status_code == 302
    assert not ClassroomSession.objects.exists()


def test_the_inspect_view_is_not_served(client, course, instructor, catalogue, occupation):
    session, _ = _school_a_session_and_school_b_instructor(course, catalogue, occupation)
    client.force_login(instructor)
    assert client.get(f"/admin/classroom_sessions/inspect/{session.pk}/").status_code == 404


@pytest.mark.parametrize("name", ["courses:qr_screen", "courses:attendance_roster"])
def test_another_schools_instructor_cannot_open_the_classroom_screens(
    client, course, instructor, catalogue, occupation, name
):
    session, outsider = _school_a_session_and_school_b_instructor(course, catalogue, occupation)
    url = reverse(name, args=[session.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(instructor)
    assert client.get(url).status_code == 200
