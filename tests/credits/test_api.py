"""The study API from the outside: what it accepts, and everything it refuses."""

import json

from django.test import Client
from django.urls import reverse

import pytest

from credits.models import LessonProgress, ProgressReport, WatchSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def start(client, lesson):
    response = client.post(
        "/api/study/sessions", {"lesson": lesson.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["session"]


def report(client, **body):
    return client.post("/api/study/reports", json.dumps(body), content_type="application/json")


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def test_a_session_and_a_report_round_trip(signed_in, lesson):
    session = start(signed_in, lesson)
    response = report(signed_in, session=session, seq=1, lesson=lesson.pk, played=[[0, 0]])
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"credited", "refused", "completed", "watched", "duration"}
    assert body["duration"] == 600


@pytest.mark.parametrize(
    "body, field",
    [
        ({"session": None, "seq": 1, "played": [[0, 5]]}, "session"),
        ({"session": "not-a-uuid", "seq": 1, "played": []}, "session"),
        ({"seq": -1, "played": []}, "seq"),
        ({"seq": 1, "played": [[5, 1]]}, "played"),
        ({"seq": 1, "played": [[0, "x"]]}, "played"),
        ({"seq": 1, "played": [], "event": "teleport"}, "event"),
    ],
)
def test_malformed_report_gets_a_4xx_naming_the_field_and_changes_nothing(
    signed_in, lesson, body, field
):
    session = start(signed_in, lesson)
    before = list(LessonProgress.objects.values())
    body = {"session": session, "lesson": lesson.pk, **body}
    response = report(signed_in, **body)
    assert 400 <= response.status_code < 500
    assert field in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert list(LessonProgress.objects.values()) == before


def test_huge_payload_is_refused_before_parsing(signed_in, lesson):
    session = start(signed_in, lesson)
    played = [[i, i + 0.5] for i in range(5000)]
    response = report(signed_in, session=session, seq=1, lesson=lesson.pk, played=played)
    assert response.status_code == 413
    assert not ProgressReport.objects.exists()


def test_too_many_intervals_are_refused(signed_in, lesson):
    session = start(signed_in, lesson)
    response = report(
        signed_in,
        session=session,
        seq=1,
        lesson=lesson.pk,
        played=[[i, i + 0.1] for i in range(201)],
    )
    assert response.status_code == 422
    assert not ProgressReport.objects.exists()


def test_anonymous_reports_are_refused(client, lesson):
    assert (
        report(
            client, session="00000000-0000-0000-0000-000000000000", seq=1, lesson=lesson.pk
        ).status_code
        == 401
    )


def test_reports_without_the_csrf_token_are_refused(learner, lesson):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(
        "/api/study/sessions", {"lesson": lesson.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not WatchSession.objects.exists()


def test_another_learners_session_id_is_refused(signed_in, lesson, video_course):
    from courses.services import enrolment_join

    session = start(signed_in, lesson)
    other = Client()
    thief = UserFactory()
    enrolment_join(learner=thief, course=video_course)
    other.force_login(thief)
    response = report(other, session=session, seq=1, lesson=lesson.pk, played=[[0, 30]])
    assert response.status_code == 403
    assert not ProgressReport.objects.exists()


def test_lesson_the_learner_is_not_enrolled_in_is_refused(client, lesson):
    client.force_login(UserFactory())
    response = client.post(
        "/api/study/sessions", {"lesson": lesson.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not WatchSession.objects.exists()


def test_beacon_report_is_accepted_as_a_form(signed_in, lesson):
    session = start(signed_in, lesson)
    payload = json.dumps(
        {"session": session, "seq": 1, "lesson": lesson.pk, "played": [[0, 0]], "event": "pagehide"}
    )
    response = signed_in.post("/api/study/reports/beacon", {"payload": payload})
    assert response.status_code == 200
    assert ProgressReport.objects.filter(event="pagehide").exists()


def test_malformed_beacon_changes_nothing(signed_in, lesson):
    start(signed_in, lesson)
    response = signed_in.post("/api/study/reports/beacon", {"payload": "{not json"})
    assert response.status_code == 422
    assert not ProgressReport.objects.exists()


def test_openapi_schema_describes_the_report(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/study/reports" in schema["paths"]
    assert "ReportIn" in json.dumps(schema)


def test_xapi_statements_follow_the_video_profile_and_cmi5(signed_in, learner, lesson):
    from credits.study import services
    from tests.helpers import at

    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    services.study_report(
        learner=learner,
        session_id=session.pk,
        seq=0,
        lesson_id=lesson.pk,
        played=[],
        position=0,
        event="play",
        now=at(0),
    )
    for seq, t in enumerate(range(30, 631, 30), start=1):
        services.study_report(
            learner=learner,
            session_id=session.pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(0, min(t, 600))],
            position=min(t, 600),
            event="ended" if t == 600 else "progress",
            now=at(t),
        )
    statements = signed_in.get("/api/xapi/statements").json()
    played = [s for s in statements if s["verb"]["id"].endswith("/video/verbs/played")]
    completed = [
        s for s in statements if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    ]
    assert len(played) == 1 and len(completed) == 2  # the video's end, and the lesson (cmi5)
    video_end, lesson_done = sorted(completed, key=lambda s: "/video" not in s["object"]["id"])
    ext = video_end["result"]["extensions"]
    assert ext["https://w3id.org/xapi/video/extensions/played-segments"] == "0[.]600"
    assert "https://w3id.org/xapi/video/extensions/session-id" in played[0]["context"]["extensions"]
    assert lesson_done["result"]["completion"] is True
    assert lesson_done["result"]["duration"] == "PT0H9M30.00S"  # banked at 95 % watched
    assert len({s["id"] for s in statements}) == len(statements)
    again = signed_in.get(reverse("credits:xapi"))
    assert again["Content-Disposition"].startswith("attachment")
    assert [s["id"] for s in json.loads(again.content)] == [s["id"] for s in statements]


def test_a_course_export_is_for_its_instructors_only(client, learner, lesson, video_course):
    from credits.study import services
    from tests.factories import InstructorFactory
    from tests.helpers import at

    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    services.study_report(
        learner=learner,
        session_id=session.pk,
        seq=1,
        lesson_id=lesson.pk,
        played=[(0, 30)],
        position=30,
        event="pause",
        now=at(30),
    )
    url = f"/api/xapi/courses/{video_course.pk}/statements"
    school = video_course.get_parent().specific
    teacher = InstructorFactory(organisation=school.organisation)
    client.force_login(teacher)
    statements = client.get(url).json()
    account = str(learner.xapi_account.name)
    assert statements and statements[0]["actor"]["account"]["name"] == account
    client.force_login(learner)
    assert client.get(url).status_code == 403
    client.force_login(InstructorFactory())
    assert client.get(url).status_code == 403
