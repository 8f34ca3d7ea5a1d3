from django.core.management.base import BaseCommand, CommandError

from credits.ledger.checkpoints import LedgerNotIntact, ledger_checkpoint_write


class Command(BaseCommand):
    help = (
        "Verify the ledger, then write a checkpoint of every learner's chain head signed with "
        "the platform key to LEDGER_CHECKPOINT_DIR. Writes nothing if the ledger does not verify."
    )

    def handle(self, *args, **options):
        try:
            path = ledger_checkpoint_write()
        except LedgerNotIntact as error:
            for reason in error.rejected:
                self.stderr.write(self.style.ERROR(f"checkpoint {reason}"))
            for problem in error.problems:
                self.stderr.write(
                    self.style.ERROR(f"learner {problem.learner_id}: {problem.message}")
                )
            raise CommandError(
                f"No checkpoint written: {len(error.problems)} problem(s) in the ledger, "
                f"{len(error.rejected)} checkpoint file(s) rejected."
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Checkpoint written: {path}"))
