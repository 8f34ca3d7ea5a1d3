"""Reads of community micro-training: requests by centre and school, a request's page, demand by
place and topic, session ratings. The rules and writes are in :mod:`courses.community`."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from wagtail.models import Page

from lms.accounts.models import Organisation

from .community import ACTIVE_STATES, may_ask, session_hours_words
from .models import (
    Attendance,
    ClassroomSession,
    CoursePage,
    Enrolment,
    LessonPage,
    SessionRating,
    TopicRequest,
    TopicSecond,
)
from .selectors import courses_user_teaches


def _with_wanting(requests: QuerySet[TopicRequest]) -> QuerySet[TopicRequest]:
    """``wanting``: the one who asked, and everyone who seconded."""
    return requests.annotate(wanting=Count("seconds", distinct=True) + 1)


@dataclass
class CentreRequests:
    centre: Organisation
    requests: list[TopicRequest] = field(default_factory=list)


def centres_with_requests(*, user) -> list[CentreRequests]:
    """Every community centre with its active requests, the most wanted first (three
    queries). Each request says whether the viewer asked or seconded it."""
    centres = list(
        Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY_CENTRE).order_by(
            "city", "district", "name"
        )
    )
    by_centre = {centre.pk: CentreRequests(centre=centre) for centre in centres}
    requests = _with_wanting(
        TopicRequest.objects.filter(centre__in=centres, state__in=ACTIVE_STATES)
    ).order_by("-wanting", "created_at")
    seconded = set()
    if user.is_authenticated:
        seconded = set(
            TopicSecond.objects.filter(user=user, request__in=requests).values_list(
                "request_id", flat=True
            )
        )
    for request in requests:
        request.own = user.is_authenticated and request.requested_by_id == user.pk
        request.seconded = request.pk in seconded
        by_centre[request.centre_id].requests.append(request)
    return list(by_centre.values())


def community_centre(*, centre_id: int) -> Organisation:
    return Organisation.objects.get(pk=centre_id, kind=Organisation.Kind.COMMUNITY_CENTRE)


def topic_request_get(*, request_id: int) -> TopicRequest:
    return _with_wanting(
        TopicRequest.objects.select_related("centre", "school", "requested_by")
    ).get(pk=request_id)


@dataclass
class SessionRow:
    session: ClassroomSession
    course: CoursePage
    enrolled: bool = False
    attendance: Attendance | None = None
    rating: SessionRating | None = None
    ended: bool = False

    @property
    def may_rate(self) -> bool:
        return bool(
            self.ended
            and self.attendance is not None
            and self.attendance.status != Attendance.Status.REMOVED
            and self.rating is None
        )


def _sessions_of(request: TopicRequest) -> list[ClassroomSession]:
    return list(request.sessions.select_related("lesson", "cycle__course").order_by("starts_at"))


def topic_request_view(*, request: TopicRequest, user, now: dt.datetime | None = None) -> dict:
    """One request for a resident: its state, and its sessions with what the viewer may do
    at each (join the course, check in, rate)."""
    now = now or timezone.now()
    sessions = _sessions_of(request)
    rows = [SessionRow(session=s, course=s.cycle.course, ended=s.ends_at <= now) for s in sessions]
    seconded = own = False
    if user.is_authenticated:
        own = request.requested_by_id == user.pk
        seconded = TopicSecond.objects.filter(request=request, user=user).exists()
        enrolled = set(
            Enrolment.objects.filter(
                learner=user, left_at__isnull=True, course_id__in=[r.course.pk for r in rows]
            ).values_list("course_id", flat=True)
        )
        attendances = {
            a.session_id: a for a in Attendance.objects.filter(learner=user, session__in=sessions)
        }
        mine = SessionRating.objects.filter(learner=user, session__in=sessions)
        ratings = {rating.session_id: rating for rating in mine}
        for row in rows:
            row.enrolled = row.course.pk in enrolled
            row.attendance = attendances.get(row.session.pk)
            row.rating = ratings.get(row.session.pk)
    return {
        "topic_request": request,
        "rows": rows,
        "own": own,
        "seconded": seconded,
        "may_second": may_ask(user) and not own and not seconded and request.state in ACTIVE_STATES,
    }


def centre_requests(*, centre: Organisation) -> list[TopicRequest]:
    """The organiser's list: every request at the centre, those waiting first, then the most
    wanted."""
    order = {state: n for n, state in enumerate(TopicRequest.State.values)}
    requests = list(
        _with_wanting(TopicRequest.objects.filter(centre=centre).select_related("school"))
    )
    requests.sort(key=lambda r: (order[r.state], -r.wanting, r.created_at))
    return requests


@dataclass
class DemandGroup:
    """One topic wanted at one centre: the requests for it and how many want it in all."""

    centre: Organisation
    topic: str
    requests: list[TopicRequest] = field(default_factory=list)

    @property
    def wanting(self) -> int:
        return sum(r.wanting for r in self.requests)


def demand_by_place_and_topic(*, school: Organisation) -> list[DemandGroup]:
    """Requests passed on to the schools of the school's city, grouped by centre and topic
    (a topic written in other letter case is the same topic), the most wanted first."""
    if not school.city:
        return []
    requests = _with_wanting(
        TopicRequest.objects.filter(
            state=TopicRequest.State.PASSED_ON, centre__city=school.city
        ).select_related("centre")
    ).order_by("centre__district", "centre__name", "created_at")
    groups: dict[tuple[int, str], DemandGroup] = {}
    for request in requests:
        key = (request.centre_id, request.topic.strip().casefold())
        group = groups.setdefault(key, DemandGroup(centre=request.centre, topic=request.topic))
        group.requests.append(request)
    return sorted(groups.values(), key=lambda g: (-g.wanting, g.centre.name, g.topic))


@dataclass
class RatingSummary:
    count: int = 0
    average: float | None = None
    comments: list[SessionRating] = field(default_factory=list)


def session_ratings(*, sessions: list[ClassroomSession]) -> dict[int, RatingSummary]:
    """Average, count and comments of each session's ratings (two queries)."""
    summary = {s.pk: RatingSummary() for s in sessions}
    for row in (
        SessionRating.objects.filter(session__in=sessions)
        .values("session_id")
        .annotate(n=Count("id"), avg=Avg("stars"))
    ):
        summary[row["session_id"]].count = row["n"]
        summary[row["session_id"]].average = round(float(row["avg"]), 1)
    for rating in SessionRating.objects.filter(session__in=sessions).exclude(comment=""):
        summary[rating.session_id].comments.append(rating)
    return summary


def school_requests(*, school: Organisation) -> list[TopicRequest]:
    """The requests the school took up, each with its sessions (and their ratings)."""
    sessions = Prefetch(
        "sessions",
        queryset=ClassroomSession.objects.select_related("lesson").order_by("starts_at"),
        to_attr="session_list",
    )
    requests = list(
        _with_wanting(TopicRequest.objects.filter(school=school).select_related("centre"))
        .prefetch_related(sessions)
        .order_by(F("done_at").desc(nulls_first=True), "-taken_up_at")
    )
    ratings = session_ratings(sessions=[s for r in requests for s in r.session_list])
    for request in requests:
        for session in request.session_list:
            session.rating_summary = ratings[session.pk]
    return requests


def school_request_view(*, request: TopicRequest, user, now: dt.datetime | None = None) -> dict:
    """A request the school took up: its sessions with their ratings, and the lessons the
    instructor may schedule."""
    now = now or timezone.now()
    sessions = _sessions_of(request)
    ratings = session_ratings(sessions=sessions)
    for session in sessions:
        session.rating_summary = ratings[session.pk]
        session.ended = session.ends_at <= now
    return {
        "topic_request": request,
        "sessions": sessions,
        "held": any(s.ends_at <= now for s in sessions),
        "lessons": lessons_to_schedule(user=user),
        "hours": session_hours_words(),
    }


def lessons_to_schedule(*, user) -> list[LessonPage]:
    """Published lessons of the courses the instructor teaches, each with ``course_title``."""
    courses = {c.path: c for c in courses_user_teaches(user=user).live()}
    if not courses:
        return []
    within = Q(*[Q(path__startswith=path) for path in courses], _connector=Q.OR)
    lessons = []
    for lesson in LessonPage.objects.live().filter(within).order_by("path"):
        course = courses.get(lesson.path[: -Page.steplen])
        if course is not None:
            lesson.course_title = course.title
            lessons.append(lesson)
    return lessons
