"""The demo a newcomer meets after `make run`: a school, a station, and one person per role.

Loading twice changes nothing: every step looks up what it would make first. `make run`
loads it only when the demo's code changed since the last load (``demo_load_if_changed``).
"""

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from courses.demo.community import load_demo_community
from courses.demo.content import load_demo_courses, load_demo_questions
from courses.services import enrolment_join
from credits.certification.demo import load_demo_programmes
from lms.accounts.models import Organisation, User
from lms.accounts.services import organisation_get_or_create, user_create
from lms.programmes.demo import load_demo_programme

from .demo_learners import demo_logins, load_demo_learners
from .demo_tasks import demo_learners_history_later

DEMO_PASSWORD = "night-school-demo"  # noqa: S105 - printed for the local demo only
LEARNER_PHONE = "+8613800138000"
STATION_NAME = "顺达快递 城东站"
LOADED_KEY = "nightschool:demo-loaded"
ROOT = Path(__file__).resolve().parent.parent
# What the demo is made of: a change to any of them loads the demo again on the next run.
SOURCES = [
    "lms/demo*.py",
    "lms/programmes/demo*.py",
    "credits/certification/demo*.py",
    "media_pipeline/demo*.py",
    "courses/demo/*",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    how: str


def demo_fingerprint() -> str:
    """A digest of the demo's code and data files."""
    digest = hashlib.sha256()
    for pattern in SOURCES:
        for item in sorted(ROOT.glob(pattern)):
            if item.is_file() and item.suffix in (".py", ".csv"):
                digest.update(str(item.relative_to(ROOT)).encode())
                digest.update(item.read_bytes())
    return digest.hexdigest()


def demo_load_if_changed(*, force: bool = False) -> tuple[list[DemoLogin], bool]:
    """The demo's logins, loading it first unless this database already holds this version
    of it (the mark is kept in the shared cache, which lives in the database by default; a
    lost mark only costs a load that changes nothing). Says whether it loaded."""
    fingerprint = demo_fingerprint()
    mark = cache.get(LOADED_KEY)
    if not force and isinstance(mark, dict) and mark.get("fingerprint") == fingerprint:
        return [DemoLogin(**login) for login in mark["logins"]], False
    logins = load_demo()
    cache.set(
        LOADED_KEY,
        {"fingerprint": fingerprint, "logins": [asdict(login) for login in logins]},
        timeout=None,
    )
    return logins, True


@transaction.atomic
def load_demo(*, with_videos: bool = True) -> list[DemoLogin]:
    school = organisation_get_or_create(
        name="城东职业技能培训学校",
        kind=Organisation.Kind.TRAINING_SCHOOL,
        address="城东区建设路 88 号",
    )
    company = organisation_get_or_create(name="顺达快递", kind=Organisation.Kind.EMPLOYER)
    station = organisation_get_or_create(
        name=STATION_NAME, kind=Organisation.Kind.EMPLOYER, address="城东区站前街 12 号"
    )
    if station.parent_id is None:
        station.parent = company
        station.save(update_fields=["parent"])
    evaluator = organisation_get_or_create(
        name="市职业技能鉴定中心", kind=Organisation.Kind.EVALUATION
    )

    people = [
        {"role": User.Role.ADMIN, "real_name": "管理员", "email": "admin@nightschool.example"},
        {
            "role": User.Role.INSTRUCTOR,
            "real_name": "李老师",
            "email": "teacher@nightschool.example",
            "organisation": school,
        },
        {
            "role": User.Role.REVIEWER,
            "real_name": "王审核",
            "email": "reviewer@nightschool.example",
            "organisation": evaluator,
        },
    ]
    centre = organisation_get_or_create(
        name="城东街道社区服务中心",
        kind=Organisation.Kind.COMMUNITY_CENTRE,
        district="城东区",
        address="城东区幸福里 6 号",
    )
    people.append(
        {
            "role": User.Role.ORGANISER,
            "real_name": "赵主任",
            "email": "organiser@nightschool.example",
            "organisation": centre,
        }
    )
    # Hashed once (a real hash, with the platform's hasher): every demo login shares it.
    password_hash = make_password(DEMO_PASSWORD)
    for person in people:
        if not User.objects.filter(email=person["email"]).exists():
            user_create(password_hash=password_hash, **person)
    learner = User.objects.filter(phone=LEARNER_PHONE).first()
    if learner is None:
        learner = user_create(
            role=User.Role.LEARNER,
            real_name="张小明",
            phone=LEARNER_PHONE,
            learner_group=User.LearnerGroup.COURIER,
            employer=station,
        )
    courses = load_demo_courses(school_org=school, station=station, with_videos=with_videos)
    (programme,) = load_demo_programmes(evaluator=evaluator)
    history = load_demo_learners(station=station, programme=programme, course=courses[0])
    if history == "waiting":
        transaction.on_commit(demo_learners_history_later)
    # Joined ten days ago, so whatever time `make run` starts some lessons are open to study
    # and the rest come round on the course's evenings.
    enrolment_join(learner=learner, course=courses[0], now=timezone.now() - dt.timedelta(days=10))
    load_demo_questions(
        course=courses[0],
        learner=learner,
        instructor=User.objects.get(email="teacher@nightschool.example"),
    )
    programme_logins = load_demo_programme(
        school=school,
        instructor=User.objects.get(email="teacher@nightschool.example"),
        reviewer=User.objects.get(email="reviewer@nightschool.example"),
        learner=learner,
        courier_course=courses[0],
        password_hash=password_hash,
    )
    load_demo_community(
        school_org=school,
        centre=centre,
        organiser=User.objects.get(email="organiser@nightschool.example"),
        residents=[learner],
    )
    return [
        DemoLogin(
            "learner", "138 0013 8000", "phone + code (the code is printed in this terminal)"
        ),
        DemoLogin("instructor", "teacher@nightschool.example", f"password {DEMO_PASSWORD}"),
        DemoLogin("reviewer", "reviewer@nightschool.example", f"password {DEMO_PASSWORD}"),
        DemoLogin("admin", "admin@nightschool.example", f"password {DEMO_PASSWORD}"),
        DemoLogin("organiser", "organiser@nightschool.example", f"password {DEMO_PASSWORD}"),
        *(DemoLogin(role, login, how) for role, login, how in demo_logins(state=history)),
        *(DemoLogin(role, login, f"password {DEMO_PASSWORD}") for role, login in programme_logins),
    ]
