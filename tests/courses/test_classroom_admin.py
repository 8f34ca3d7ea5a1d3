"""An instructor plans classroom sessions in the admin for their own school's courses only."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from courses import services
from courses.models import ClassroomSession, Cycle
from tests.courses.conftest import lessons_of, make_course, make_school

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
