"""The study API from a script's side: HTTP only, no player, no person at the screen.

Wall time is made to pass by moving the page view's and the clock's moments back in the
database, as if the script had waited; everything else goes through the API.
"""

import datetime as dt
import json

from django.utils import timezone

import pytest

from courses.services import enrolment_leave
from credits.models import (
    AttentionCheck,
    LessonProgress,
    ProgressReport,
    RefusedTime,
    StudyClock,
    WatchSession,
)
from tests.helpers import lessons_of

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(f"/api/study{path}", json.dumps(body), content_type="application/json")


def begin(client, lesson):
    response = post(client, "/sessions", {"lesson": lesson.pk})
    assert response.status_code == 201, response.content
    return response.json()


def wait(learner, seconds):
    """As if ``seconds`` of wall time passed before the next request."""
    shift = dt.timedelta(seconds=seconds)
    for session in WatchSession.objects.filter(learner=learner):
        WatchSession.objects.filter(pk=session.pk).update(
            started_at=session.started_at - shift, last_report_at=session.last_report_at - shift
        )
    clock = StudyClock.objects.get(learner=learner)
    StudyClock.objects.filter(pk=clock.pk).update(
        credited_until=clock.credited_until and clock.credited_until - shift,
        attention_due_at=clock.attention_due_at and clock.attention_due_at - shift,
    )
    for check in AttentionCheck.objects.filter(learner=learner):
        AttentionCheck.objects.filter(pk=check.pk).update(
            issued_at=check.issued_at - shift,
            due_at=check.due_at - shift,
            answered_at=check.answered_at and check.answered_at - shift,
        )


def report(client, session, seq, lesson, played):
    response = post(
        client, "/reports", {"session": session, "seq": seq, "lesson": lesson.pk, "played": played}
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def script(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def checked(video_course, settings):
    """The course asks attention checks, one after every 30 s or so of study."""
    settings.STUDY_ATTENTION_MEAN_SECONDS = 20
    video_course.attention_checks = True
    video_course.save_revision().publish()
    return video_course


def credited(learner):
    return sum(
        LessonProgress.objects.filter(learner=learner).values_list("credited_seconds", flat=True)
    )


def a_check_appears(script, learner, lesson):
    session = begin(script, lesson)["session"]
    wait(learner, 30)
    body = report(script, session, 1, lesson, [[0, 30]])
    assert body["attention"] and body["attention"]["id"], "a check after 30 s of study"
    return session, body


def test_the_reply_never_carries_the_number_and_guessing_from_it_fails(
    script, learner, lesson, checked
):
    session, body = a_check_appears(script, learner, lesson)
    check = body["attention"]
    number = AttentionCheck.objects.get(pk=check["id"]).number
    assert str(number) not in json.dumps(body)
    # Everything numeric the script can read, tried as the answer: all wrong, once.
    answer = post(script, f"/attention/{check['id']}", {"number": check["due_in"]})
    assert answer.status_code == 200 and answer.json()["passed"] is False
    assert post(script, f"/attention/{check['id']}", {"number": number}).json()["passed"] is False
    wait(learner, 30)
    assert report(script, session, 2, lesson, [[0, 60]])["credited"] == 0
    assert AttentionCheck.objects.get(pk=check["id"]).answer == check["due_in"]


def test_the_picture_is_for_the_learner_it_was_put_to(script, learner, lesson, checked, client):
    from tests.factories import UserFactory

    _session, body = a_check_appears(script, learner, lesson)
    url = f"/api/study/attention/{body['attention']['id']}/image"
    image = script.get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "no-store" in image["Cache-Control"]
    from django.test import Client

    other = Client()
    other.force_login(UserFactory())
    assert other.get(url).status_code == 404


def test_a_missed_check_bars_a_fresh_page_view_another_tab_and_another_lesson(
    script, learner, video_course, checked
):
    first, second = lessons_of(video_course)[:2]
    session, body = a_check_appears(script, learner, first)
    wait(learner, 90)  # the check's minute runs out unanswered
    assert report(script, session, 2, first, [[0, 120]])["credited"] == 0
    assert AttentionCheck.objects.get(pk=body["attention"]["id"]).passed is False

    # A fresh page view of the same lesson, another tab, another lesson: all barred.
    reload_ = begin(script, first)
    assert reload_["attention"]["blocked"] and reload_["attention"]["id"]
    other_lesson = begin(script, second)
    tab = begin(script, first)
    wait(learner, 30)
    for session_id, lesson, seq in [
        (reload_["session"], first, 1),
        (other_lesson["session"], second, 1),
        (tab["session"], first, 1),
    ]:
        body = report(script, session_id, seq, lesson, [[150, 180]])
        assert body["credited"] == 0
        assert body["attention"]["blocked"]
    assert credited(learner) == pytest.approx(30, abs=0.5)
    barred = RefusedTime.objects.filter(reason="ATTENTION_CHECK_FAILED")
    assert sum(barred.values_list("seconds", flat=True)) > 0

    # Passing the check now pending, in any page view, lifts the bar.
    pending = StudyClock.objects.get(learner=learner).attention_check
    answer = post(script, f"/attention/{pending.pk}", {"number": pending.number})
    assert answer.json() == {"passed": True, "attention": None}
    wait(learner, 30)
    assert report(script, tab["session"], 2, first, [[150, 210]])["credited"] == pytest.approx(
        30, abs=0.5
    )


def test_a_report_after_leaving_the_course_credits_nothing(script, learner, lesson, video_course):
    session = begin(script, lesson)["session"]
    wait(learner, 30)
    assert report(script, session, 1, lesson, [[0, 30]])["credited"] == pytest.approx(30, abs=0.5)
    enrolment_leave(learner=learner, course=video_course)
    wait(learner, 30)
    body = report(script, session, 2, lesson, [[0, 60]])
    assert body["credited"] == 0
    assert body["refused"] == {"NOT_ENROLLED": pytest.approx(30, abs=0.5)}
    assert credited(learner) == pytest.approx(30, abs=0.5)
    # A new page view is not even opened.
    assert post(script, "/sessions", {"lesson": lesson.pk}).status_code == 403


def test_a_giant_claim_stores_bounded_refused_time(script, learner, lesson):
    session = begin(script, lesson)["session"]
    wait(learner, 30)
    giant = [[-9.9e6, 9.9e6]] * 200
    body = report(script, session, 1, lesson, giant)
    assert body["credited"] == pytest.approx(30, abs=0.5)
    replay = report(script, session, 1, lesson, giant)
    assert replay["replay"] and replay["credited"] == 0
    rows = list(RefusedTime.objects.values_list("reason", "seconds"))
    time = sum(s for reason, s in rows if reason != "OUT_OF_RANGE")
    claims = [s for reason, s in rows if reason == "OUT_OF_RANGE"]
    assert time <= 30 + 1  # no more than could have played in the wall time that passed
    assert len(claims) == 2 and all(
        s <= 600 for s in claims
    )  # once a report, at most the recording


@pytest.mark.parametrize("lesson_id", [2**63, 2**64, 10**30, 1e30, 0, -1])
def test_an_id_out_of_range_is_an_unknown_id(script, lesson, lesson_id):
    assert post(script, "/sessions", {"lesson": lesson_id}).status_code == 404
    session = begin(script, lesson)["session"]
    response = post(
        script, "/reports", {"session": session, "seq": 1, "lesson": lesson_id, "played": []}
    )
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_an_attention_check_id_out_of_range_is_unknown(script, lesson):
    assert post(script, f"/attention/{2**63}", {"number": 1}).status_code == 404
    assert script.get(f"/api/study/attention/{2**63}/image").status_code == 404
    assert script.get(f"/api/xapi/courses/{2**63}/statements").status_code == 404


def test_idle_rule_credits_what_fits_the_last_idle_window_and_names_the_cause(
    script, learner, lesson, settings
):
    settings.STUDY_IDLE_LIMIT_SECONDS = 300
    session = begin(script, lesson)["session"]
    wait(learner, 30)
    report(script, session, 1, lesson, [[0, 30]])
    wait(learner, 320)  # paused four minutes, then played 80 s
    body = report(script, session, 2, lesson, [[0, 110]])
    assert body["credited"] == pytest.approx(80, abs=0.5) and body["refused"] == {}
    wait(learner, 400)  # claims 380 s in 400 s of wall time: 80 s beyond the idle window
    body = report(script, session, 3, lesson, [[0, 490]])
    assert body["credited"] == pytest.approx(300, abs=0.5)
    assert body["refused"] == {"IDLE_GAP": pytest.approx(80, abs=0.5)}


def test_an_idle_limit_below_the_report_interval_never_labels_a_fast_claim_idle(
    script, learner, lesson, settings
):
    settings.STUDY_IDLE_LIMIT_SECONDS = 20
    session = begin(script, lesson)["session"]
    wait(learner, 30)
    body = report(script, session, 1, lesson, [[0, 100]])  # 100 s claimed in 30 s
    assert body["credited"] == pytest.approx(20, abs=0.5)
    refused = body["refused"]
    assert refused["IDLE_GAP"] == pytest.approx(10, abs=0.5)  # could have played, past the window
    # Refused time is at most what could have played in the 30 s; the too-fast part of the
    # claim is named as such, and what lies beyond is one implausible claim.
    assert refused["FASTER_THAN_REAL_TIME"] == pytest.approx(20, abs=0.5)
    assert refused["OUT_OF_RANGE"] == pytest.approx(50, abs=0.5)
    assert sum(v for k, v in refused.items() if k != "OUT_OF_RANGE") <= 30 + 0.5


def test_a_paced_script_without_a_person_banks_nothing_on_a_course_with_checks(
    script, learner, lesson, checked
):
    """Plausible reports every 30 s, ignoring every check: at most the study before the first
    check and during its minute to answer, then nothing."""
    session = begin(script, lesson)["session"]
    for seq in range(1, 21):
        wait(learner, 30)
        report(script, session, seq, lesson, [[0, 30 * seq]])
    assert credited(learner) <= 30 + 60 + 1
    assert not LessonProgress.objects.get(learner=learner).completed_at
    assert AttentionCheck.objects.filter(learner=learner, passed=False).exists()


def test_every_check_answer_and_miss_is_kept(script, learner, lesson, checked):
    session, body = a_check_appears(script, learner, lesson)
    post(script, f"/attention/{body['attention']['id']}", {"number": 1})
    wait(learner, 30)
    pending = post(script, "/attention", {"session": session}).json()
    wait(learner, 90)
    report(script, session, 2, lesson, [[0, 60]])
    rows = list(AttentionCheck.objects.filter(learner=learner).order_by("issued_at"))
    assert [(r.answer, r.passed) for r in rows][:2] == [(1, False), (None, False)]
    assert rows[1].pk == pending["id"]
    assert timezone.now() > rows[1].due_at


def test_the_hours_page_and_the_evidence_say_why_credit_is_paused(script, learner, lesson, checked):
    from credits.certification.review import attention_summary

    session, body = a_check_appears(script, learner, lesson)
    assert "学时暂停计入" not in script.get("/hours/").content.decode()
    post(script, f"/attention/{body['attention']['id']}", {"number": 1})  # wrong
    wait(learner, 30)
    post(script, "/attention", {"session": session})
    wait(learner, 90)  # and the next one missed
    report(script, session, 2, lesson, [[0, 60]])
    page = script.get("/hours/").content.decode()
    assert "学时暂停计入" in page
    assert attention_summary(learner=learner) == {
        "issued": 3,  # the wrong one, the missed one, and the one now waiting
        "passed": 0,
        "wrong": 1,
        "missed": 1,
    }
