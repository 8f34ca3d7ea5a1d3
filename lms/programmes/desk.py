"""What the HR office's desk says at a glance: how much waits in each area of the programme."""

from dataclasses import dataclass

from django.utils import timezone

from courses.demand import programme_year_current, programme_years_of
from courses.models import ProgrammeYear
from lms.accounts.models import Organisation

from .applications import office_applications
from .claims import office_claims
from .models import ClassApplication, SubsidyClaim, TrainingVoucher
from .vouchers import vouchers_of_office


@dataclass(frozen=True)
class DeskSummary:
    current_year: ProgrammeYear | None
    draft_years: int
    applications_waiting: int
    claims_waiting: int
    claims_to_pay: int
    vouchers_active: int


def desk_summary(*, office: Organisation) -> DeskSummary:
    """The counts an officer acts on first, each read through its area's own selector, so the
    desk counts exactly what the area's page lists."""
    current = programme_year_current(city=office.city, on=timezone.localdate())
    if current is not None and current.hr_office_id != office.pk:
        current = None
    claims = office_claims(office=office)
    return DeskSummary(
        current_year=current,
        draft_years=programme_years_of(office=office).filter(published_at__isnull=True).count(),
        applications_waiting=office_applications(
            office=office, state=ClassApplication.State.SUBMITTED
        ).count(),
        claims_waiting=claims.filter(state=SubsidyClaim.State.FILED).count(),
        claims_to_pay=claims.filter(state=SubsidyClaim.State.APPROVED).count(),
        vouchers_active=vouchers_of_office(office=office)
        .filter(state__in=TrainingVoucher.ACTIVE_STATES)
        .count(),
    )
