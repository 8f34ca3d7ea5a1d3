"""The xAPI exports, checked with the xAPI models of an open-source learning record store
(Ralph's, from PyPI) and against what the accounting recorded: a learner who played, paused,
sought, finished a lecture, failed then passed a quiz, attended a classroom session, and had
hours transferred in and corrected."""

import json
import uuid

from django.urls import reverse

import pytest
from ralph.exceptions import UnknownEventException
from ralph.models.selector import ModelSelector
from ralph.models.validator import Validator
from ralph.models.xapi.base.statements import BaseXapiStatement
from ralph.models.xapi.video import statements as video_models

from courses.models import Attendance, ClassroomSession, LessonPage
from courses.services import quiz_submit
from credits.ledger.services import (
    ledger_adjust,
    ledger_credit_assessment,
    ledger_credit_attendance,
)
from credits.models import LedgerEntry, ProgressReport, XapiAccount
from credits.study import services
from tests.factories import InstructorFactory, LessonQuizFactory, UserFactory
from tests.helpers import at, bank, course_school_of, lessons_of

pytestmark = pytest.mark.django_db

VIDEO = "https://w3id.org/xapi/video/extensions/"
CMI5 = "https://w3id.org/xapi/cmi5/context/categories/"
VALIDATOR = Validator(ModelSelector(module="ralph.models.xapi"))
VIDEO_MODELS = tuple(
    model
    for model in vars(video_models).values()
    if isinstance(model, type) and issubclass(model, video_models.BaseVideoStatement)
)


def validated(statement: dict):
    """The Ralph model the statement validates as: a video profile statement where its verb
    and object say it is one, else the base xAPI statement. Raises when it is not valid."""
    try:
        return VALIDATOR.get_first_valid_model(statement)
    except UnknownEventException:
        return BaseXapiStatement(**statement)


def tell(learner, session, seq, t, **report):
    """One report of ``session``, ``t`` seconds after it began."""
    return services.study_report(
        learner=learner,
        session_id=session.pk,
        seq=seq,
        lesson_id=session.lesson_id,
        now=at(t),
        **report,
    )


def watch(learner, lesson):
    """Play, pause at 40 s, seek to 300 s, watch 30 s, seek back to 40 s, watch to the end."""
    session, _progress = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    reports = [
        # (seconds after the start, event, played ranges, position, seek_from)
        (1, "play", [], 0, None),
        (31, "progress", [(0, 30)], 30, None),
        (41, "pause", [(0, 40)], 40, None),
        (50, "seeked", [(0, 40)], 300, 40),
        (51, "play", [(0, 40)], 300, None),
        (81, "progress", [(0, 40), (300, 330)], 330, None),
        (82, "seeked", [(0, 40), (300, 330)], 40, 330),
    ]
    for n in range(1, 10):  # 40 s to 300 s in heartbeats, then 330 s to the end
        end = min(40 + 30 * n, 300)
        reports.append((82 + 30 * n, "progress", [(0, end), (300, 330)], end, None))
    for n in range(1, 10):
        end = min(330 + 30 * n, 600)
        reports.append((352 + 30 * n, "progress", [(0, end)], end, None))
    reports.append((653, "ended", [(0, 600)], 600, None))
    reports.append((655, "pagehide", [(0, 600)], 600, None))
    for seq, (t, event, played, position, seek_from) in enumerate(reports, start=1):
        tell(
            learner,
            session,
            seq,
            t,
            played=played,
            position=position,
            seek_from=seek_from,
            event=event,
        )
    return session


@pytest.fixture
def record(video_course, learner):
    """Everything the learner did, and the rows that say so."""
    lesson, quiz_lesson = lessons_of(video_course)[:2]
    session = watch(learner, lesson)
    quiz_lesson.quizzes = [
        LessonQuizFactory.build(
            title="交通安全小测",
            pass_mark=100,
            credit_minutes=20,
            questions=[{"question": "红灯时", "choices": ["停", "走"], "correct": 0}],
        )
    ]
    quiz_lesson.save_revision().publish()
    quiz_lesson = LessonPage.objects.get(pk=quiz_lesson.pk)
    key = quiz_lesson.quizzes.get().key
    failed = quiz_submit(learner=learner, lesson=quiz_lesson, block_id=key, answers={0: 1})
    passed = quiz_submit(learner=learner, lesson=quiz_lesson, block_id=key, answers={0: 0})
    assessment = ledger_credit_assessment(attempt=passed)
    classroom = ClassroomSession.objects.create(
        cycle=video_course.cycles.first(),
        lesson=quiz_lesson,
        venue_name="城东驿站",
        starts_at=at(3600),
        ends_at=at(3600 + 45 * 60),
    )
    attendance = Attendance.objects.create(
        session=classroom,
        learner=learner,
        checked_in_at=at(3600 + 5 * 60),
        checked_out_at=at(3600 + 50 * 60),
    )
    attended = ledger_credit_attendance(attendance=attendance)
    admin = UserFactory(is_superuser=True)
    transfer = bank(learner, admin, 90)
    debit = ledger_adjust(learner=learner, minutes=-15, reason="重复计入", actor=admin)
    return {
        "lesson": lesson,
        "quiz_lesson": quiz_lesson,
        "quiz_key": key,
        "session": session,
        "failed": failed,
        "passed": passed,
        "assessment": assessment,
        "classroom": classroom,
        "attended": attended,
        "transfer": transfer,
        "debit": debit,
    }


def by_verb(statements, name):
    return [s for s in statements if s["verb"]["display"]["en-US"] == name]


def mine(client, learner):
    client.force_login(learner)
    return client.get("/api/xapi/statements").json()


def test_every_statement_of_both_exports_validates(client, learner, video_course, record):
    statements = mine(client, learner)
    client.force_login(InstructorFactory(organisation=course_school_of(video_course)))
    course = client.get(f"/api/xapi/courses/{video_course.pk}/statements").json()
    assert statements and course
    for statement in statements + course:
        model = validated(statement)
        if statement["object"]["definition"]["type"].startswith("https://w3id.org/xapi/video"):
            assert isinstance(model, VIDEO_MODELS), statement
    # The course's export is the learner's, less what belongs to no course.
    received = {s["id"] for s in by_verb(statements, "received")}
    assert len(received) == 2
    assert {s["id"] for s in course} == {s["id"] for s in statements} - received


def test_the_video_statements_say_what_happened(client, learner, record):
    statements = mine(client, learner)
    video = [s for s in statements if s["object"]["id"].endswith("/video")]
    verbs = [s["verb"]["display"]["en-US"] for s in video]
    # One statement per player event; the heartbeats earn credit but are no event.
    assert verbs == [
        "played",
        "paused",
        "seeked",
        "played",
        "seeked",
        "completed",
        "terminated",
    ]
    assert ProgressReport.objects.filter(event="progress").count() == 20
    played, paused, seek, replayed, back, completed, terminated = video
    assert played["result"]["extensions"][VIDEO + "time"] == 0
    assert paused["result"]["extensions"][VIDEO + "time"] == 40  # not the final position
    assert paused["result"]["extensions"][VIDEO + "progress"] == round(40 / 600, 3)
    assert paused["result"]["extensions"][VIDEO + "played-segments"] == "0[.]40"
    assert seek["result"]["extensions"] == {VIDEO + "time-from": 40, VIDEO + "time-to": 300}
    assert back["result"]["extensions"] == {VIDEO + "time-from": 330, VIDEO + "time-to": 40}
    assert replayed["result"]["extensions"][VIDEO + "time"] == 300
    assert completed["result"]["extensions"][VIDEO + "time"] == 600
    assert completed["result"]["extensions"][VIDEO + "progress"] == 1.0
    assert completed["result"]["completion"] is True
    for statement in (paused, completed, terminated):
        assert statement["context"]["extensions"][VIDEO + "length"] == 600
    session_ids = {s["context"]["extensions"][VIDEO + "session-id"] for s in video}
    assert session_ids == {str(record["session"].pk)}
    assert len({s["context"]["registration"] for s in video}) == 1


def test_refused_seconds_are_not_progress(client, learner, lesson):
    """A script that claims the whole lecture in a few seconds gets neither credit nor
    progress in its statements, whatever it said it played."""
    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    tell(learner, session, 1, 5, played=[(0, 600)], position=600, event="pause")
    (paused,) = mine(client, learner)
    assert paused["result"]["extensions"][VIDEO + "progress"] <= round(5 / 600, 3)
    validated(paused)


def test_every_ledger_entry_has_its_statement(client, learner, record):
    statements = mine(client, learner)
    entries = LedgerEntry.objects.filter(learner=learner)
    assert set(entries.values_list("kind", flat=True)) == set(LedgerEntry.Kind.values)
    minutes_ext = "http://testserver/xapi/extensions/class-hour-minutes"
    hash_ext = "http://testserver/xapi/extensions/ledger-entry"
    carried = {
        s["result"]["extensions"][hash_ext]: s["result"]["extensions"][minutes_ext]
        for s in statements
        if hash_ext in s.get("result", {}).get("extensions", {})
    }
    assert carried == {entry.hash: entry.minutes for entry in entries}
    assert carried[record["debit"].hash] == -15

    (lesson_done,) = [
        s for s in by_verb(statements, "completed") if "/video" not in s["object"]["id"]
    ]
    categories = {a["id"] for a in lesson_done["context"]["contextActivities"]["category"]}
    assert categories == {CMI5 + "cmi5", CMI5 + "moveon"}
    assert lesson_done["result"]["completion"] is True and "success" not in lesson_done["result"]
    assert (
        "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
        in (lesson_done["context"]["extensions"])
    )
    uuid.UUID(lesson_done["context"]["registration"])
    # The time studied when the lesson was banked (95 % watched), not what came after it.
    banked = LedgerEntry.objects.get(learner=learner, kind="lesson")
    studied = sum(
        ProgressReport.objects.filter(received_at__lte=banked.created_at).values_list(
            "credited_seconds", flat=True
        )
    )
    assert 570 <= studied < 600 and banked.minutes == int(studied // 60)
    minutes, seconds = divmod(round(studied, 2), 60)
    assert lesson_done["result"]["duration"] == f"PT0H{int(minutes)}M{seconds:.2f}S"

    (failed,) = by_verb(statements, "failed")
    (passed,) = by_verb(statements, "passed")
    assert failed["result"]["success"] is False and failed["result"]["score"]["scaled"] == 0
    assert passed["result"]["score"]["raw"] == 100
    assert passed["result"]["extensions"][minutes_ext] == 20
    assert passed["object"]["definition"]["name"] == {"zh-CN": "交通安全小测"}

    (attended,) = by_verb(statements, "attended")
    assert attended["result"]["duration"] == "PT0H40M0.00S"  # 20:35 to the session's end
    assert attended["result"]["extensions"][minutes_ext] == 40
    assert attended["object"]["id"] == (
        f"http://testserver/xapi/classroom-sessions/{record['classroom'].pk}"
    )


def test_the_actor_is_a_pseudonymous_account(client, learner, record, settings):
    learner.real_name = "张小明"
    learner.save(update_fields=["real_name"])
    statements = mine(client, learner)
    account = XapiAccount.objects.get(learner=learner)
    text = json.dumps(statements, ensure_ascii=False)
    assert "张小明" not in text and learner.phone not in text
    for statement in statements:
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": "http://testserver", "name": str(account.name)},
        }
    assert str(account.name) != str(learner.pk)
    assert XapiAccount.objects.count() == 1  # made once, kept

    settings.XAPI_ACTOR_NAMES = True
    named = mine(client, learner)
    assert {s["actor"].get("name") for s in named} == {"张小明"}
    assert all(s["actor"]["account"]["name"] == str(account.name) for s in named)


def test_ids_follow_the_configured_base_url_and_stay_the_same(client, learner, record, settings):
    first = mine(client, learner)
    again = client.get("/api/xapi/statements", HTTP_HOST="attacker.example").json()
    download = json.loads(client.get(reverse("credits:xapi"), HTTP_HOST="attacker.example").content)
    assert again == first == download
    assert len({s["id"] for s in first}) == len(first)
    assert "attacker.example" not in json.dumps(again)
    settings.WAGTAILADMIN_BASE_URL = "https://nightschool.example.org"
    moved = mine(client, learner)
    assert [s["id"] for s in moved] == [s["id"] for s in first]
    assert all(s["object"]["id"].startswith("https://nightschool.example.org/") for s in moved)


def test_a_learner_exports_only_their_own_records(client, learner, record):
    other = UserFactory()
    assert mine(client, other) == []
    names = {s["actor"]["account"]["name"] for s in mine(client, learner)}
    assert names == {str(XapiAccount.objects.get(learner=learner).name)}


def test_statements_of_older_reports_without_positions_are_left_out(client, learner, lesson):
    """Reports from before positions were kept cannot say where the media stood: no
    statement is made up for them."""
    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    tell(learner, session, 1, 21, played=[(0, 20)], event="pause")
    tell(learner, session, 2, 22, played=[(0, 20)], position=500, event="seeked")
    assert mine(client, learner) == []


def test_the_validator_refuses_what_the_profile_refuses(client, learner, record):
    """The check above can fail: a seek without where it left from, a pause without the
    video's length, are refused by the same models."""
    from pydantic import ValidationError

    statements = mine(client, learner)
    (seek, _back) = by_verb(statements, "seeked")
    del seek["result"]["extensions"][VIDEO + "time-from"]
    with pytest.raises(ValidationError):
        validated(seek)
    (paused,) = by_verb(statements, "paused")
    del paused["context"]["extensions"][VIDEO + "length"]
    with pytest.raises(ValidationError):
        validated(paused)


def test_a_seek_reported_through_the_api_keeps_where_it_left(client, learner, lesson):
    client.force_login(learner)
    session = client.post(
        "/api/study/sessions", {"lesson": lesson.pk}, content_type="application/json"
    ).json()["session"]
    body = {"session": session, "lesson": lesson.pk, "played": [[0, 2]], "event": "seeked"}
    for seq, (position, seek_from) in enumerate([(120, 2), (130, 9000)], start=1):
        response = client.post(
            "/api/study/reports",
            json.dumps({**body, "seq": seq, "position": position, "seek_from": seek_from}),
            content_type="application/json",
        )
        assert response.status_code == 200
    reports = ProgressReport.objects.order_by("seq")
    assert [(r.position, r.seek_from) for r in reports] == [(120, 2), (130, None)]
    (seek,) = by_verb(mine(client, learner), "seeked")  # a start beyond the recording: no record
    assert seek["result"]["extensions"] == {VIDEO + "time-from": 2, VIDEO + "time-to": 120}
