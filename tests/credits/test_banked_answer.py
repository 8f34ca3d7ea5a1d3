"""What the study API says a finished lesson banked, and why it banked that much."""

from django.test import Client

import pytest

from credits.models import LedgerEntry
from credits.study import services
from tests.helpers import at

pytestmark = pytest.mark.django_db


def watch_whole(learner, lesson, *, seconds=600):
    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    result = None
    for seq, end in enumerate(range(30, seconds + 30, 30), start=1):
        result = services.study_report(
            learner=learner,
            session_id=session.pk,
            seq=seq,
            lesson_id=lesson.pk,
            played=[(0, min(end, seconds))],
            now=at(end),
        )
        if result.completed:
            return result
    return result


def test_the_report_that_banks_a_lesson_says_it_banked_the_time_really_studied(learner, lesson):
    lesson.credit_minutes = 45
    lesson.save(update_fields=["credit_minutes"])
    result = watch_whole(learner, lesson)
    entry = LedgerEntry.objects.get(learner=learner, lesson=lesson)
    assert result.completed
    # 95 % of a ten-minute recording is nine whole minutes studied, below the lesson's 45.
    assert result.banked == {
        "minutes": entry.minutes,
        "studied_minutes": entry.minutes,
        "credit_minutes": 45,
        "capped_by_credit": False,
    }
    assert entry.minutes == 9


def test_a_lesson_worth_less_than_was_studied_says_its_credit_capped_it(learner, lesson):
    lesson.credit_minutes = 5
    lesson.save(update_fields=["credit_minutes"])
    result = watch_whole(learner, lesson)
    assert result.banked["minutes"] == 5
    assert result.banked["studied_minutes"] == 9
    assert result.banked["capped_by_credit"] is True


def test_reports_that_bank_nothing_say_nothing_was_banked(learner, lesson):
    session, _ = services.study_session_start(learner=learner, lesson=lesson, now=at(0))
    result = services.study_report(
        learner=learner,
        session_id=session.pk,
        seq=1,
        lesson_id=lesson.pk,
        played=[(0, 30)],
        now=at(30),
    )
    assert result.banked is None and not result.completed


def new_page_view(learner, lesson) -> dict:
    client = Client()
    client.force_login(learner)
    response = client.post(
        "/api/study/sessions", {"lesson": lesson.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_new_page_view_of_a_banked_lesson_is_told_what_was_banked(learner, lesson):
    watch_whole(learner, lesson)
    body = new_page_view(learner, lesson)
    assert body["banked"]["minutes"] == LedgerEntry.objects.get(learner=learner).minutes
    assert body["completion"] == 0.95


def test_a_page_view_of_a_lesson_not_yet_banked_is_told_nothing_was(learner, lesson):
    assert new_page_view(learner, lesson)["banked"] is None
