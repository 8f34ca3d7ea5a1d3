"""Background jobs of the credits app: thin, given ids only (or nothing at all)."""

from django_tasks import task

from .ledger import checkpoints


@task()
def ledger_checkpoint() -> str:
    """Sign and export the ledger's heads; meant to be run on a schedule (deploy/README.md)."""
    return str(checkpoints.ledger_checkpoint_write())
