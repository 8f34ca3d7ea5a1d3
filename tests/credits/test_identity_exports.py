"""xAPI statements, the learner's and a course's, never carry a resident ID number."""

import json

import pytest

from credits.study import services
from lms.accounts.identity import identity_declare
from tests.factories import InstructorFactory
from tests.helpers import at
from tests.identity_scan import NUMBER, assert_absent_from_bytes

pytestmark = pytest.mark.django_db


def test_xapi_statements_have_no_id_number(client, learner, lesson, video_course, settings):
    settings.XAPI_ACTOR_NAMES = True  # the one setting that lets the real name in
    identity_declare(user=learner, real_name="张小明", id_number=NUMBER, groups=[])
    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    for seq, t in enumerate(range(30, 631, 30), start=1):
        services.study_report(
            learner=learner,
            session_id=session.pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(0, min(t, 600))],
            position=min(t, 600),
            event="pause",
            now=at(t),
        )
    client.force_login(learner)
    mine = client.get("/hours/xapi.json").content
    statements = json.loads(mine)
    assert statements and statements[0]["actor"]["name"] == "张小明"
    assert_absent_from_bytes(mine)
    assert_absent_from_bytes(client.get("/api/xapi/statements").content)
    school = video_course.get_parent().specific
    client.force_login(InstructorFactory(organisation=school.organisation))
    course = client.get(f"/api/xapi/courses/{video_course.pk}/statements").content
    assert json.loads(course)
    assert_absent_from_bytes(course)
