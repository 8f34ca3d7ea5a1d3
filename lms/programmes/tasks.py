"""Background jobs of the programme: thin, given ids only."""

from django_tasks import task

from lms.accounts.models import Organisation

from . import statistics


@task()
def refresh_statistics(office_id: int) -> int:
    """Rebuild one office's dashboard figures, then come back one interval later: the same
    self-renewing schedule as the media pipeline's watch, on ``db_worker`` and Celery alike."""
    office = Organisation.objects.filter(pk=office_id, kind=Organisation.Kind.HR_OFFICE).first()
    if office is None:
        return 0
    rows = statistics.statistics_refresh(office=office)
    statistics.statistics_refresh_schedule(office_id=office_id, later=True)
    return rows
