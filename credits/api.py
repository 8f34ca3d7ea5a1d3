"""The study API: a player's progress reports in, the server's accounting out.

Authenticated by the session cookie, CSRF-checked, small by design: a report names intervals,
never durations. OpenAPI schema at /api/openapi.json, docs at /api/docs.
"""

import json
import uuid
from functools import wraps
from typing import Annotated, Literal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from ninja import Field, Form, NinjaAPI, Path, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth
from pydantic import ValidationError, field_validator

from courses.models import CoursePage, LessonPage
from courses.selectors import user_may_teach_course

from .study import attention, services
from .study.errors import ReportRefused
from .study.selectors import lesson_banked_before
from .xapi.exports import statements_for_course, statements_for_learner

api = NinjaAPI(
    title="Night School study API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url="/docs",
)
study = Router(tags=["study"])

# Database ids are 1 .. 2^63-1 (PostgreSQL bigint; SQLite's integers). A number outside that
# names nothing, and is answered as any unknown id is: 404, before it reaches the database.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
ID_FIELDS = {"lesson", "check_id", "course_id"}


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc: NinjaValidationError):
    """An id out of range is an unknown id (404); any other invalid input is a 422 naming
    the field."""
    errors = exc.errors
    if errors and all(
        error.get("loc") and error["loc"][-1] in ID_FIELDS for error in errors if error
    ):
        return api.create_response(
            request, {"code": "not_found", "message": _("No such item.")}, status=404
        )
    return api.create_response(
        request,
        {
            "code": "invalid",
            "message": _("The request is not valid."),
            "detail": [
                {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                for e in errors[:10]
            ],
        },
        status=422,
    )


Event = Literal["progress", "play", "pause", "seeked", "ended", "pagehide", "online"]


class Problem(Schema):
    code: str
    message: str


class SessionIn(Schema):
    lesson: Id


class AttentionOut(Schema):
    """The learner's attention state. The number to type is only in the check's picture
    (``GET /attention/{id}/image``), never here."""

    id: int | None = Field(description="the pending check, or null while a new one waits")
    due_in: int = Field(description="seconds left to answer the pending check")
    blocked: bool = Field(description="credit is barred until a new check is passed")
    retry_in: int = Field(description="seconds until a new check can be asked for")


class BankedOut(Schema):
    """What the lesson's ledger entry banked: the smaller of the lesson's credit and the
    minutes really studied."""

    minutes: int = Field(description="minutes banked for the lesson")
    studied_minutes: int = Field(description="whole minutes of effective study time measured")
    credit_minutes: int = Field(description="the most the lesson banks")
    capped_by_credit: bool = Field(description="more was studied than the lesson banks")


class SessionOut(Schema):
    session: uuid.UUID
    position: float
    watched: float
    attention: AttentionOut | None = None
    banked: BankedOut | None = Field(default=None, description="set when banked before")
    completion: float = Field(
        default=0.95, description="the share of the recording to watch for the lesson to bank"
    )


class ReportIn(Schema):
    session: uuid.UUID
    seq: int = Field(ge=0, le=1_000_000)
    lesson: Id
    played: list[tuple[float, float]] = Field(
        default_factory=list,
        max_length=200,
        description="The media intervals played in this page view, as the browser's video.played",
    )
    position: float | None = Field(default=None, ge=0, le=86_400)
    seek_from: float | None = Field(
        default=None, ge=0, le=86_400, description="for a seek, the position it left"
    )
    event: Event = "progress"

    @field_validator("played")
    @classmethod
    def intervals_are_finite_and_ordered(cls, value):
        for start, end in value:
            if not (abs(start) < 1e7 and abs(end) < 1e7) or end < start:
                raise ValueError("each interval is [start, end] seconds with end >= start")
        return value


class ReportOut(Schema):
    credited: float
    refused: dict[str, float]
    completed: bool
    replay: bool
    watched: float
    duration: float
    attention: AttentionOut | None = None
    banked: BankedOut | None = Field(default=None, description="set when this report banked it")


class AnswerIn(Schema):
    session: uuid.UUID | None = None
    number: int = Field(ge=0, le=999)


class AnswerOut(Schema):
    passed: bool
    attention: AttentionOut | None = None


class AttentionRequestIn(Schema):
    session: uuid.UUID


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


def _problem(refused: ReportRefused):
    return Status(refused.status, {"code": refused.code, "message": refused.message})


@study.post("/sessions", response={201: SessionOut, 400: Problem, 403: Problem, 404: Problem})
@decorate_view(limited_body)
def start_session(request, data: SessionIn):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=data.lesson)
    try:
        session, progress = services.study_session_start(
            learner=request.user,
            lesson=lesson,
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        # A learner barred by a missed check is given a new one in this page view at once.
        state = attention.attention_request(learner=request.user, session_id=session.pk)
    except ReportRefused as refused:
        return _problem(refused)
    return Status(
        201,
        {
            "session": session.pk,
            "position": progress.position,
            "watched": progress.watched_seconds,
            "attention": state,
            "banked": lesson_banked_before(learner=request.user, lesson=lesson, progress=progress),
            "completion": settings.STUDY_COMPLETION_THRESHOLD,
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
            seek_from=data.seek_from,
            event=data.event,
        )
    except ReportRefused as refused:
        return _problem(refused)
    return Status(200, result.__dict__)


@study.post("/reports", response={200: ReportOut, 400: Problem, 403: Problem, 404: Problem})
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


@study.post("/attention", response={200: AttentionOut | None, 403: Problem})
@decorate_view(limited_body)
def request_attention(request, data: AttentionRequestIn):
    """A learner barred by a missed check asks for a new one, in this page view."""
    try:
        return Status(
            200, attention.attention_request(learner=request.user, session_id=data.session)
        )
    except ReportRefused as refused:
        return _problem(refused)


@study.post("/attention/{check_id}", response={200: AnswerOut, 404: Problem})
@decorate_view(limited_body)
def answer_attention(request, check_id: Path[Id], data: AnswerIn):
    """The number the learner typed from the check's picture; taken once."""
    try:
        passed, state = attention.attention_answer(
            learner=request.user, check_id=check_id, number=data.number
        )
    except ReportRefused as refused:
        return _problem(refused)
    return Status(200, {"passed": passed, "attention": state})


@study.get("/attention/{check_id}/image", response={200: None, 404: Problem})
def attention_image(request, check_id: Path[Id]):
    """The pending check's number as a picture, for the learner it was put to."""
    check = attention.pending_check(learner=request.user, check_id=check_id)
    if check is None:
        raise Http404
    response = HttpResponse(attention.render_png(check.number), content_type="image/png")
    response["Cache-Control"] = "no-store, private"
    return response


xapi = Router(tags=["xAPI"])


@xapi.get("/statements")
def my_statements(request):
    """This learner's learning records as xAPI statements (cmi5 completion, video profile)."""
    return statements_for_learner(learner=request.user)


@xapi.get("/courses/{course_id}/statements", response={200: list[dict], 403: Problem})
def course_statements(request, course_id: Path[Id]):
    """A course's learning records, for its school's instructors and administrators."""
    course = get_object_or_404(CoursePage, pk=course_id)
    if not user_may_teach_course(user=request.user, course_id=course.pk):
        return Status(403, {"code": "forbidden", "message": "Not a course you teach."})
    return Status(200, statements_for_course(course=course))


api.add_router("/study", study)
api.add_router("/xapi", xapi)
