"""Training vouchers: every change of state goes through ``voucher_transition``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.models import User

from .models import TrainingVoucher, VoucherEvent

State = TrainingVoucher.State

# Which state may follow which. Anything else is refused with a reason.
TRANSITIONS: dict[str, set[str]] = {
    State.ISSUED: {State.CLAIMED, State.EXPIRED, State.REVOKED},
    State.CLAIMED: {State.REDEEMED, State.EXPIRED, State.REVOKED},
    State.REDEEMED: {State.SCHOOL_CLAIMED},
    State.SCHOOL_CLAIMED: {State.PAID, State.REFUSED},
    State.PAID: set(),
    State.REFUSED: set(),
    State.EXPIRED: set(),
    State.REVOKED: set(),
}


@transaction.atomic
def voucher_transition(
    *, voucher: TrainingVoucher, to: str, actor: User | None, reason: str = "", **changes
) -> TrainingVoucher:
    """Move the voucher to ``to``, recording who and when; ``changes`` are other fields set
    in the same step (the enrolment on redemption, say). A move the table does not allow is
    refused with a ValidationError and changes nothing. The row is locked first, so two
    requests racing on one voucher cannot both move it."""
    locked = TrainingVoucher.objects.select_for_update().get(pk=voucher.pk)
    if to not in TRANSITIONS[locked.state]:
        raise ValidationError(
            _("A voucher that is %(state)s cannot become %(to)s.")
            % {"state": locked.get_state_display(), "to": State(to).label},
            code="transition",
        )
    from_state = locked.state
    locked.state = to
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    VoucherEvent.objects.create(
        voucher=locked,
        from_state=from_state,
        to_state=to,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )
    voucher.refresh_from_db()
    return locked
