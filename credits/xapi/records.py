"""Every ledger entry, and every quiz attempt, as an xAPI statement.

- A banked lesson is cmi5's ``completed`` of the lesson (its assignable unit): completion,
  the effective study time measured for it when it was banked as ``duration``, the cmi5 and
  moveon categories, a registration and a session id.
- A classroom attendance is ``attended`` of the classroom session, with the time the learner
  was present (what was banked) as ``duration``.
- A quiz attempt is ``passed`` or ``failed`` of the quiz with its score; the attempt that banked
  an assessment carries that entry's credit. An assessment entry no attempt stands behind
  (one entered by a service of its own) is ``passed`` of the assessment it names.
- A transfer in or an administrator's adjustment is ``received`` of the learner's class hours,
  with the minutes (negative for a debit). Its free-text reason stays in the platform.

Each statement that stands for a ledger entry says what it banked (class-hour minutes, the
entry's kind and its chain hash), so a learning record store can be reconciled with the ledger.
"""

from urllib.parse import quote

from credits.ledger.models import LedgerEntry

from . import vocabulary as xv


def ledger_statements(
    *, entries, attempts, actors: dict, registrations: dict, lessons: dict, studied: dict
) -> list[dict]:
    """Statements for ledger ``entries`` and quiz ``attempts`` (each with its learner id).

    ``studied`` maps a lesson entry's id to the effective study seconds behind it.
    """
    statements = []
    earned_by = {}  # a quiz attempt's id -> the assessment entry it banked
    for entry in entries:
        if entry.kind == LedgerEntry.Kind.ASSESSMENT:
            attempt = _attempt_behind(entry, attempts)
            if attempt is not None:
                earned_by[attempt.pk] = entry
                continue
        statement = _entry_statement(entry, lessons=lessons, studied=studied)
        statement["actor"] = actors[entry.learner_id]
        if entry.lesson_id is not None:
            key = (entry.learner_id, entry.lesson_id)
            statement["context"]["registration"] = registrations[key]
        statements.append(statement)
    for attempt in attempts:
        statement = _attempt_statement(
            attempt, lessons[attempt.lesson_id], earned_by.get(attempt.pk)
        )
        statement["actor"] = actors[attempt.learner_id]
        statement["context"]["registration"] = registrations[
            (attempt.learner_id, attempt.lesson_id)
        ]
        statements.append(statement)
    return statements


def _attempt_behind(entry, attempts):
    """The passing attempt that banked an assessment entry: the credit is banked at the
    attempt's submission (``ledger_credit_assessment``), under ``quiz:<lesson>:<key>``."""
    for attempt in attempts:
        if (
            attempt.passed
            and attempt.learner_id == entry.learner_id
            and entry.reference == f"quiz:{attempt.lesson_id}:{attempt.block_id}"
            and attempt.submitted_at == entry.created_at
        ):
            return attempt
    return None


def _lesson_context(lesson: dict) -> dict:
    return {"parent": [lesson["activity"]], "grouping": [lesson["course"]]}


def _entry_statement(entry, *, lessons: dict, studied: dict) -> dict:
    credit = xv.credit_extensions(entry)
    statement = {
        "id": xv.statement_id("ledger", entry.hash),
        "timestamp": xv.stamp(entry.created_at),
        "context": {},
    }
    lesson = lessons.get(entry.lesson_id)
    if entry.kind == LedgerEntry.Kind.LESSON:
        seconds = studied.get(entry.pk, entry.minutes * 60)
        statement.update(
            verb=xv.verb("completed"),
            object=lesson["activity"],
            result={"completion": True, "duration": xv.iso_duration(seconds), "extensions": credit},
            context={
                "contextActivities": {
                    "category": [
                        {"objectType": "Activity", "id": xv.CMI5_CATEGORY},
                        {"objectType": "Activity", "id": xv.MOVEON_CATEGORY},
                    ],
                    "grouping": [lesson["course"]],
                },
                "extensions": {xv.CMI5_SESSION: xv.statement_id("cmi5-session", entry.hash)},
            },
        )
    elif entry.kind == LedgerEntry.Kind.CLASSROOM:
        attendance = entry.attendance
        session = attendance.session
        start = max(attendance.checked_in_at, session.starts_at)
        end = min(attendance.checked_out_at or session.ends_at, session.ends_at)
        present = max(0.0, (end - start).total_seconds())
        statement.update(
            verb=xv.verb("attended"),
            object=xv.activity(
                xv.ours(f"classroom-sessions/{session.pk}"),
                xv.MEETING_TYPE,
                f"{lesson['title']} · {session.venue_name}" if lesson else session.venue_name,
            ),
            result={"duration": xv.iso_duration(present), "extensions": credit},
            context={"contextActivities": _lesson_context(lesson)} if lesson else {},
            timestamp=xv.stamp(start),
        )
    elif entry.kind == LedgerEntry.Kind.ASSESSMENT:
        name = entry.reference or str(entry.seq)
        statement.update(
            verb=xv.verb("passed"),
            object=xv.activity(
                xv.ours(f"assessments/{quote(name, safe='')}"), xv.ASSESSMENT_TYPE, name
            ),
            result={"success": True, "completion": True, "extensions": credit},
            context={"contextActivities": _lesson_context(lesson)} if lesson else {},
        )
    else:  # a transfer in or an adjustment
        statement.update(
            verb=xv.verb("received"),
            object=xv.activity(
                xv.ours("class-hours"), xv.ours("activity-types/class-hours"), "学时"
            ),
            result={"extensions": credit},
        )
    if not statement["context"]:
        del statement["context"]
    return statement


def _attempt_statement(attempt, lesson: dict, entry) -> dict:
    result = {
        "score": {"scaled": attempt.score / 100, "raw": attempt.score, "min": 0, "max": 100},
        "success": attempt.passed,
        "completion": True,
    }
    if entry is not None:
        result["extensions"] = xv.credit_extensions(entry)
    return {
        "id": xv.statement_id("ledger", entry.hash)
        if entry is not None
        else xv.statement_id("quiz-attempt", attempt.pk),
        "verb": xv.verb("passed" if attempt.passed else "failed"),
        "object": xv.activity(
            xv.ours(f"lessons/{attempt.lesson_id}/quizzes/{quote(attempt.block_id, safe='')}"),
            xv.ASSESSMENT_TYPE,
            lesson["quizzes"].get(attempt.block_id) or lesson["title"],
        ),
        "result": result,
        "context": {"contextActivities": _lesson_context(lesson)},
        "timestamp": xv.stamp(attempt.submitted_at),
    }
