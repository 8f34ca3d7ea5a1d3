"""The words of our xAPI statements: verbs, activity types, extensions, and the ids we build.

Every IRI of our own, and every activity id, is built from the site's configured base URL
(``WAGTAILADMIN_BASE_URL``), never from a request's Host header, and from stable keys (page
ids, quiz keys), never from slugs an editor may change. Statement ids are UUID v5 of what the
statement describes, so a record exported twice is the same statement twice.
"""

import datetime as dt
import uuid

from django.conf import settings

NAMESPACE = uuid.UUID("6f0f3c4e-2a4b-5c1e-9d57-0b9a1e5f4a10")

VIDEO_PROFILE = "https://w3id.org/xapi/video"
VIDEO_EXT = VIDEO_PROFILE + "/extensions/"
VIDEO_TYPE = VIDEO_PROFILE + "/activity-type/video"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
CMI5_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"

LESSON_TYPE = "http://adlnet.gov/expapi/activities/lesson"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
MEETING_TYPE = "http://adlnet.gov/expapi/activities/meeting"

VERBS = {
    "played": "https://w3id.org/xapi/video/verbs/played",
    "paused": "https://w3id.org/xapi/video/verbs/paused",
    "seeked": "https://w3id.org/xapi/video/verbs/seeked",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "attended": "http://adlnet.gov/expapi/verbs/attended",
    "received": "http://activitystrea.ms/schema/1.0/receive",
}


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def ours(path: str) -> str:
    """An IRI of our own vocabulary or activities, under the configured base URL."""
    return f"{base_url()}/xapi/{path}"


def credit_extensions(entry) -> dict:
    """What a ledger entry banked, for the statement of what earned it."""
    return {
        ours("extensions/class-hour-minutes"): entry.minutes,
        ours("extensions/ledger-kind"): entry.kind,
        ours("extensions/ledger-entry"): entry.hash,
    }


def statement_id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def verb(name: str) -> dict:
    return {"id": VERBS[name], "display": {"en-US": name}}


def activity(activity_id: str, kind: str, name: str, more_info: str | None = None) -> dict:
    definition = {"type": kind, "name": {"zh-CN": name or activity_id}}
    if more_info:
        definition["moreInfo"] = more_info
    return {"objectType": "Activity", "id": activity_id, "definition": definition}


def actor(*, account_name: str, real_name: str = "") -> dict:
    """The learner as a pseudonymous account of the platform. The real name goes with it only
    where ``XAPI_ACTOR_NAMES`` asks for it."""
    agent = {"objectType": "Agent", "account": {"homePage": base_url(), "name": account_name}}
    if settings.XAPI_ACTOR_NAMES and real_name:
        agent["name"] = real_name
    return agent


def iso_duration(seconds: float) -> str:
    seconds = max(0.0, round(seconds, 2))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{int(hours)}H{int(minutes)}M{secs:.2f}S"


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def segments(intervals) -> str:
    """Played segments in the video profile's notation: ``0[.]5.5[,]12[.]20``."""
    return "[,]".join(f"{_num(start)}[.]{_num(end)}" for start, end in intervals)


def _num(seconds: float) -> str:
    return f"{seconds:.3f}".rstrip("0").rstrip(".")
