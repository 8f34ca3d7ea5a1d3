"""Reads of the ledger."""

from typing import TYPE_CHECKING

from django.db.models import Sum

from .chain import ChainProblem, check_chain
from .models import LearnerBalance, LedgerEntry

if TYPE_CHECKING:  # checkpoints reads this module: the name is for the hint only
    from .checkpoints import Checkpoint


def ledger_problems(*, checkpoint: "Checkpoint | None" = None) -> tuple[int, list[ChainProblem]]:
    """Check every learner's chain, one learner's entries at a time (memory stays flat).

    With a ``checkpoint`` (credits.ledger.checkpoints.Checkpoint), every learner it signed is
    checked too, whether or not the database still knows them, and no chain may fall short of it.
    """
    balances = {b.learner_id: b for b in LearnerBalance.objects.all()}
    learners = set(balances) | set(
        LedgerEntry.objects.values_list("learner_id", flat=True).distinct()
    )
    signed = checkpoint.heads if checkpoint is not None else {}
    learners |= set(signed)
    problems = []
    for learner_id in sorted(learners):
        entries = LedgerEntry.objects.filter(learner_id=learner_id).order_by("seq", "id").iterator()
        head = signed.get(learner_id)
        problems.extend(
            check_chain(
                learner_id,
                entries,
                balances.get(learner_id),
                checkpoint=head,
                legacy_seq=None if checkpoint is None else 0,
            )
        )
    return len(learners), problems


def ledger_minutes_for_lessons(*, learner_ids: list[int], lesson_ids: list[int]) -> dict[int, int]:
    """Minutes each learner banked for these lessons (online, in class, by assessment), in one
    query: what a class's subsidy is reckoned from."""
    return dict(
        LedgerEntry.objects.filter(learner_id__in=learner_ids, lesson_id__in=lesson_ids)
        .values("learner_id")
        .annotate(m=Sum("minutes"))
        .values_list("learner_id", "m")
    )
