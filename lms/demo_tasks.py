"""The demo's background job: the demo learners' evenings, once the recordings are measured."""

import datetime as dt
import logging

from django.utils import timezone

from django_tasks import task
from django_tasks.exceptions import InvalidTaskError

logger = logging.getLogger(__name__)

WAIT_S = 30


@task()
def demo_learners_history() -> str:
    """Play the demo learners' history if the recordings are ready; else look again later."""
    from credits.certification.demo import PROGRAMME_NAME
    from credits.certification.models import CertificationProgramme

    from .accounts.models import Organisation
    from .demo import STATION_NAME
    from .demo_learners import load_demo_learners

    station = Organisation.objects.filter(name=STATION_NAME).first()
    programme = CertificationProgramme.objects.filter(name_zh=PROGRAMME_NAME).first()
    course = programme.required_courses.first() if programme else None
    if station is None or course is None:
        return "failed"
    state = load_demo_learners(station=station, programme=programme, course=course)
    if state == "waiting":
        demo_learners_history_later()
    elif state == "failed":
        logger.warning("a demo recording failed: the demo learners have no history")
    return state


def demo_learners_history_later(*, delay_s: float = WAIT_S) -> None:
    """Look again in a while; a backend that cannot defer (the tests') gives up quietly."""
    try:
        demo_learners_history.using(
            run_after=timezone.now() + dt.timedelta(seconds=delay_s)
        ).enqueue()
    except InvalidTaskError:
        logger.info("the task backend cannot defer: the demo learners wait for the next load")
