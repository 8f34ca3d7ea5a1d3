"""Reads for study time and hours."""

from courses.models import LessonPage


def lesson_media_duration(*, lesson: LessonPage) -> float | None:
    """The length of the lesson's recording as the server measured it, never as a browser says."""
    for block in lesson.body:
        if block.block_type == "video":
            asset = block.value.get("video")
            if asset is not None and asset.duration:
                return float(asset.duration)
    return None


def ledger_problems() -> tuple[int, list]:
    """Check every learner's chain, one learner's entries at a time (memory stays flat)."""
    from .ledger import check_chain
    from .models import LearnerBalance, LedgerEntry

    balances = {b.learner_id: b for b in LearnerBalance.objects.all()}
    learners = set(balances) | set(
        LedgerEntry.objects.values_list("learner_id", flat=True).distinct()
    )
    problems = []
    for learner_id in sorted(learners):
        entries = LedgerEntry.objects.filter(learner_id=learner_id).order_by("seq", "id").iterator()
        problems.extend(check_chain(learner_id, entries, balances.get(learner_id)))
    return len(learners), problems
