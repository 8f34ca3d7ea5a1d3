from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credits.ledger.checkpoints import (
    CheckpointInvalid,
    checkpoint_latest,
    checkpoint_load,
    ledger_verify,
)


class Command(BaseCommand):
    help = (
        "Recompute every learner's keyed hash chain and running total, and hold each chain to "
        "the latest signed checkpoint. Exits non-zero, naming the learner and the entry, when "
        "anything was altered, forged, removed or miscounted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            type=Path,
            help="Check against this checkpoint file (e.g. a copy kept elsewhere) instead of "
            "the newest one in LEDGER_CHECKPOINT_DIR.",
        )

    def handle(self, *args, **options):
        rejected: list[str] = []
        if options["checkpoint"] is not None:
            try:
                checkpoint = checkpoint_load(options["checkpoint"])
            except CheckpointInvalid as error:
                raise CommandError(f"checkpoint {error}") from error
        else:
            checkpoint, rejected = checkpoint_latest()
        for reason in rejected:
            self.stderr.write(self.style.ERROR(f"checkpoint {reason}"))
        if checkpoint is None:
            self.stderr.write(
                self.style.WARNING(
                    "No signed checkpoint to hold the ledger to: removed entries and learners, "
                    "and unkeyed entries, cannot be told apart. Run `manage.py ledger_checkpoint`."
                )
            )
        checked, problems = ledger_verify(checkpoint=checkpoint)
        for problem in problems:
            self.stderr.write(self.style.ERROR(f"learner {problem.learner_id}: {problem.message}"))
        if problems or rejected:
            raise CommandError(
                f"{len(problems)} problem(s) in the ledger of {checked} learner(s)"
                + (f", {len(rejected)} checkpoint file(s) rejected." if rejected else ".")
            )
        against = (
            f" against checkpoint {checkpoint.name} ({len(checkpoint.heads)} learner(s) signed)"
            if checkpoint is not None
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(f"Ledger intact: {checked} learner(s) checked{against}.")
        )
