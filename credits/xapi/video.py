"""Watching as the ADL video profile's statements, one per player event the tracker reported.

A report made on play, pause, seek, the end of the recording or the page's closing becomes
``played``, ``paused``, ``seeked``, ``completed`` or ``terminated``. Heartbeats (the reports
made every 30 s while playing, and a queued report sent when the connection returns) say only
that time went on: they earn credit, but they are no event of the profile, and are left out.

What a statement says is what the server recorded, never the browser's word alone:

- ``time`` (and ``time-from``/``time-to`` of a seek) is where the media stood at that report;
- ``length`` is the recording's length as the server measured it when the page view began;
- ``played-segments`` and ``progress`` are what the platform counted of this recording for the
  learner up to that report, in every page view and cycle (a claimed second that was refused,
  faster than real time say, is not in them); the registration is the learner's study of the
  lesson, so they grow across page views, as the profile asks of one registration.

A report the browser gave no position for, or a seek without the position it left (reports
from before the platform kept them), cannot be told truly, and is left out.
"""

from collections.abc import Iterable

from django.conf import settings

from credits.study import intervals as iv

from . import vocabulary as xv

EVENT_VERB = {
    "play": "played",
    "pause": "paused",
    "seeked": "seeked",
    "ended": "completed",
    "pagehide": "terminated",
}


def video_statements(
    *, reports: Iterable, actors: dict, registrations: dict, lessons: dict
) -> list[dict]:
    """Statements for ``reports`` (ordered by learner, lesson, arrival), each with its session.

    ``actors`` maps a learner id to the actor, ``registrations`` (learner id, lesson id) to the
    registration, and ``lessons`` a lesson id to its facts (``exports.lesson_facts``).
    """
    statements: list[dict] = []
    key, counted, credited = None, [], 0.0
    for report in reports:
        session = report.session
        if key != (session.learner_id, session.lesson_id):
            key, counted, credited = (session.learner_id, session.lesson_id), [], 0.0
        # What the report added to what the platform counted, as the accounting took it: the
        # first credited seconds of what was new (credits.study.services.study_report).
        new = iv.subtract(iv.from_stored(list(report.intervals)), counted)
        taken, _rest = iv.take(new, report.credited_seconds)
        counted = iv.union(counted, taken)
        credited += report.credited_seconds
        name = EVENT_VERB.get(report.event)
        statement = _statement(
            name, report=report, counted=counted, credited=credited, lesson=lessons[key[1]]
        )
        if statement is None:
            continue
        statement["actor"] = actors[key[0]]
        statement["context"]["registration"] = registrations[key]
        statements.append(statement)
    return statements


def _statement(name, *, report, counted, credited, lesson) -> dict | None:
    session = report.session
    length = session.duration
    if name is None or report.position is None or length <= 0:
        return None
    if name == "seeked" and report.seek_from is None:
        return None
    time = round(report.position, 3)
    progress = round(min(1.0, iv.total(counted) / length), 3)
    context_ext = {xv.VIDEO_EXT + "session-id": str(session.pk)}
    if name == "seeked":
        result = {
            "extensions": {
                xv.VIDEO_EXT + "time-from": round(report.seek_from, 3),
                xv.VIDEO_EXT + "time-to": time,
            }
        }
    else:
        result = {"extensions": {xv.VIDEO_EXT + "time": time}}
        if counted:
            result["extensions"][xv.VIDEO_EXT + "played-segments"] = xv.segments(counted)
    if name in ("paused", "completed", "terminated"):
        result["extensions"][xv.VIDEO_EXT + "progress"] = progress
        context_ext[xv.VIDEO_EXT + "length"] = round(length, 3)
        context_ext[xv.VIDEO_EXT + "completion-threshold"] = settings.STUDY_COMPLETION_THRESHOLD
    if name == "completed":
        result["completion"] = True
        result["duration"] = xv.iso_duration(credited)
    return {
        "id": xv.statement_id("video", session.pk, report.seq),
        "verb": xv.verb(name),
        "object": xv.activity(
            xv.ours(f"lessons/{lesson['id']}/video"), xv.VIDEO_TYPE, lesson["title"]
        ),
        "result": result,
        "context": {
            "contextActivities": {
                "category": [{"objectType": "Activity", "id": xv.VIDEO_PROFILE}],
                "parent": [lesson["activity"]],
                "grouping": [lesson["course"]],
            },
            "extensions": context_ext,
        },
        "timestamp": xv.stamp(report.received_at),
    }
