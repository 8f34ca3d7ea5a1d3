"""The study API: a player's progress reports in, the server's accounting out.

Authenticated by the session cookie, CSRF-checked, small by design: a report names intervals,
never durations. OpenAPI schema at /api/openapi.json, docs at /api/docs.
"""

import json
import uuid
from functools import wraps
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404

from ninja import Field, Form, NinjaAPI, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.security import django_auth
from pydantic import ValidationError, field_validator

from courses.models import LessonPage

from . import services
from .xapi import statements_for_course, statements_for_learner

api = NinjaAPI(
    title="Night School study API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url="/docs",
)
study = Router(tags=["study"])

Event = Literal["progress", "play", "pause", "seeked", "ended", "pagehide", "online"]


class Problem(Schema):
    code: str
    message: str


class SessionIn(Schema):
    lesson: int


class SessionOut(Schema):
    session: uuid.UUID
    position: float
    watched: float


class ReportIn(Schema):
    session: uuid.UUID
    seq: int = Field(ge=0, le=1_000_000)
    lesson: int
    played: list[tuple[float, float]] = Field(
        default_factory=list,
        max_length=200,
        description="The media intervals played in this page view, as the browser's video.played",
    )
    position: float | None = Field(default=None, ge=0, le=86_400)
    event: Event = "progress"

    @field_validator("played")
    @classmethod
    def intervals_are_finite_and_ordered(cls, value):
        for start, end in value:
            if not (abs(start) < 1e7 and abs(end) < 1e7) or end < start:
                raise ValueError("each interval is [start, end] seconds with end >= start")
        return value


class AttentionOut(Schema):
    id: int
    number: int
    due_in: int


class ReportOut(Schema):
    credited: float
    refused: dict[str, float]
    completed: bool
    replay: bool
    watched: float
    duration: float
    attention: AttentionOut | None = None


class AnswerIn(Schema):
    session: uuid.UUID
    number: int = Field(ge=0, le=999)


class AnswerOut(Schema):
    passed: bool


def limited_body(view):
    """Refuse oversized bodies before anything parses them."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.STUDY_REPORT_MAX_BYTES:
            return JsonResponse(
                {"code": "too_large", "message": "A report is at most 16 KB."}, status=413
            )
        return view(request, *args, **kwargs)

    return wrapper


def _problem(refused: services.ReportRefused):
    return Status(refused.status, {"code": refused.code, "message": refused.message})


@study.post("/sessions", response={201: SessionOut, 400: Problem, 403: Problem})
@decorate_view(limited_body)
def start_session(request, data: SessionIn):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=data.lesson)
    try:
        session, progress = services.study_session_start(
            learner=request.user,
            lesson=lesson,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    except services.ReportRefused as refused:
        return _problem(refused)
    return Status(
        201,
        {
            "session": session.pk,
            "position": progress.position if progress else 0.0,
            "watched": progress.watched_seconds if progress else 0.0,
        },
    )


def _report(request, data: ReportIn):
    try:
        result = services.study_report(
            learner=request.user,
            session_id=data.session,
            seq=data.seq,
            lesson_id=data.lesson,
            played=data.played,
            position=data.position,
            event=data.event,
        )
    except services.ReportRefused as refused:
        return _problem(refused)
    return Status(200, result.__dict__)


@study.post("/reports", response={200: ReportOut, 400: Problem, 403: Problem})
@decorate_view(limited_body)
def report(request, data: ReportIn):
    """One batch of played intervals. Sent about every 30 s while playing, and on pause/end."""
    return _report(request, data)


@study.post("/reports/beacon", response={200: ReportOut, 400: Problem, 403: Problem, 422: Problem})
@decorate_view(limited_body)
def report_beacon(request, payload: Form[str]):
    """The same report as a form field, for navigator.sendBeacon when the page is left."""
    try:
        data = ReportIn.model_validate(json.loads(payload))
    except (ValueError, ValidationError) as exc:
        return Status(422, {"code": "malformed", "message": str(exc)[:300]})
    return _report(request, data)


@study.post("/attention/{check_id}", response={200: AnswerOut, 404: Problem})
@decorate_view(limited_body)
def answer_attention(request, check_id: int, data: AnswerIn):
    try:
        passed = services.study_attention_answer(
            learner=request.user, session_id=data.session, check_id=check_id, number=data.number
        )
    except services.ReportRefused as refused:
        return _problem(refused)
    return Status(200, {"passed": passed})


xapi = Router(tags=["xAPI"])


@xapi.get("/statements")
def my_statements(request):
    """This learner's learning records as xAPI statements (cmi5 completion, video profile)."""
    return statements_for_learner(learner=request.user, base_url=request.build_absolute_uri("/"))


@xapi.get("/courses/{course_id}/statements", response={200: list[dict], 403: Problem})
def course_statements(request, course_id: int):
    """A course's learning records, for its school's instructors and administrators."""
    from courses.models import CoursePage
    from courses.selectors import user_may_teach_course

    course = get_object_or_404(CoursePage, pk=course_id)
    if not user_may_teach_course(user=request.user, course_id=course.pk):
        return Status(403, {"code": "forbidden", "message": "Not a course you teach."})
    return Status(
        200, statements_for_course(course=course, base_url=request.build_absolute_uri("/"))
    )


api.add_router("/study", study)
api.add_router("/xapi", xapi)
