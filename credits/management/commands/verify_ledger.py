from django.core.management.base import BaseCommand, CommandError

from credits.selectors import ledger_problems


class Command(BaseCommand):
    help = (
        "Recompute every learner's hash chain and running total. Exits non-zero, naming the "
        "entry, when anything was altered, removed or miscounted."
    )

    def handle(self, *args, **options):
        checked, problems = ledger_problems()
        if problems:
            for problem in problems:
                self.stderr.write(
                    self.style.ERROR(f"learner {problem.learner_id}: {problem.message}")
                )
            raise CommandError(f"{len(problems)} problem(s) in the ledger of {checked} learner(s).")
        self.stdout.write(self.style.SUCCESS(f"Ledger intact: {checked} learner(s) checked."))
