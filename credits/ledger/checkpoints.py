"""Signed checkpoints of every learner's chain head, kept outside the database.

The keyed chain (credits.ledger.chain) stops an entry from being forged, but not from being taken
away: whoever holds the database can still delete a learner's newest entries, or every row
(TRUNCATE), and what is left is a shorter chain that checks out. A checkpoint is the record of
how far each chain had got: the list of (learner, seq, head hash, unkeyed entries allowed),
a SHA-256 digest of that list, signed with the platform's Ed25519 key (the one that signs
credentials, ``credits.certification.credentials.keys``) and written as a JSON file to
``LEDGER_CHECKPOINT_DIR``. Anyone can keep copies of those files; nobody without the signing
key can make a new one, and ``verify_ledger`` holds the database to the latest.

A checkpoint is only written after the ledger verifies against the one before it, so a
tampered ledger is never blessed; and the number of unkeyed entries each learner may have is
fixed by the first checkpoint and carried forward, never recounted from the database.

The digest is a plain hash of the whole list rather than a Merkle root: checks here always
read the whole list, and a file per checkpoint is what is copied around.
"""

import datetime as dt
import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credits.certification.credentials import keys
from credits.certification.credentials.multikey import (
    InvalidMultikey,
    base58btc_decode,
    base58btc_encode,
    public_key_bytes_from_multikey,
)

from .chain import PLAIN_SHA256, ChainProblem, Checkpointed
from .models import LearnerBalance, LedgerEntry
from .selectors import ledger_problems

FORMAT = "nightschool-ledger-checkpoint/1"
PATTERN = "ledger-checkpoint-*.json"


class CheckpointInvalid(ValueError):
    pass


class LedgerNotIntact(Exception):
    """The ledger does not verify, so no checkpoint may vouch for it."""

    def __init__(self, problems: list[ChainProblem], rejected: list[str] | None = None):
        super().__init__(f"{len(problems)} problem(s) in the ledger")
        self.problems = problems
        self.rejected = rejected or []


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    created_at: str
    digest: str
    heads: dict[int, Checkpointed]

    @property
    def name(self) -> str:
        return self.path.name


def checkpoint_dir() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "ledger-checkpoints"
    return Path(getattr(settings, "LEDGER_CHECKPOINT_DIR", default))


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@contextmanager
def _one_snapshot():
    """Read the balances and the entries as of one moment, so appends made meanwhile neither
    show up half-done nor slip into a checkpoint unchecked."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def checkpoint_load(path: Path) -> Checkpoint:
    """Read one checkpoint file and check its signature against the platform key."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointInvalid(f"{Path(path).name}: unreadable ({error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CheckpointInvalid(f"{Path(path).name}: not a ledger checkpoint")
    signature = document.pop("signature", None)
    public = document.get("key")
    if public not in keys.public_multikeys():  # the key now, or one it was rotated from
        raise CheckpointInvalid(f"{Path(path).name}: not signed with a platform key")
    try:
        public_key = Ed25519PublicKey.from_public_bytes(public_key_bytes_from_multikey(public))
        public_key.verify(base58btc_decode(str(signature)), _canonical(document))
    except (InvalidSignature, InvalidMultikey, ValueError) as error:
        raise CheckpointInvalid(f"{Path(path).name}: the signature does not verify") from error
    learners = document.get("learners", [])
    if hashlib.sha256(_canonical(learners)).hexdigest() != document.get("digest"):
        raise CheckpointInvalid(f"{Path(path).name}: the digest does not match its list")
    heads = {
        learner: Checkpointed(seq=seq, head_hash=head, legacy_seq=legacy, source=Path(path).name)
        for learner, seq, head, legacy in learners
    }
    return Checkpoint(Path(path), document["created_at"], document["digest"], heads)


def checkpoint_latest(directory: Path | None = None) -> tuple[Checkpoint | None, list[str]]:
    """The newest checkpoint whose signature verifies, and what was wrong with newer ones."""
    directory = directory or checkpoint_dir()
    if not directory.is_dir():
        return None, []
    rejected = []
    for path in sorted(directory.glob(PATTERN), reverse=True):
        try:
            return checkpoint_load(path), rejected
        except CheckpointInvalid as error:
            rejected.append(str(error))
    return None, rejected


def ledger_verify(*, checkpoint: Checkpoint | None) -> tuple[int, list[ChainProblem]]:
    with _one_snapshot():
        return ledger_problems(checkpoint=checkpoint)


def ledger_checkpoint_write(*, now: dt.datetime | None = None) -> Path:
    """Verify the ledger against the latest checkpoint, then sign and write a new one.

    Raises LedgerNotIntact (and writes nothing) when the ledger does not verify, or when the
    newest checkpoint file is not a valid one (it may have been replaced).
    """
    now = now or timezone.now()
    previous, rejected = checkpoint_latest()
    if rejected:
        raise LedgerNotIntact([], rejected)
    with _one_snapshot():
        _checked, problems = ledger_problems(checkpoint=previous)
        if problems:
            raise LedgerNotIntact(problems)
        rows = list(
            LearnerBalance.objects.filter(entries__gt=0)
            .order_by("learner_id")
            .values_list("learner_id", "entries", "head_hash")
        )
        if previous is None:
            unkeyed = dict(
                LedgerEntry.objects.filter(hash_version=PLAIN_SHA256)
                .values("learner_id")
                .annotate(top=Max("seq"))
                .values_list("learner_id", "top")
            )
        else:
            unkeyed = {learner: head.legacy_seq for learner, head in previous.heads.items()}
    learners = [[learner, seq, head, unkeyed.get(learner, 0)] for learner, seq, head in rows]
    document = {
        "format": FORMAT,
        "created_at": now.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "learners": learners,
        "learner_count": len(learners),
        "entry_count": sum(row[1] for row in learners),
        "digest": hashlib.sha256(_canonical(learners)).hexdigest(),
        "previous": (
            {"file": previous.name, "digest": previous.digest} if previous is not None else None
        ),
        "key": keys.public_multikey(),
    }
    document["signature"] = base58btc_encode(keys.signing_key().sign(_canonical(document)))
    return _write(document, now)


def _write(document: dict, now: dt.datetime) -> Path:
    """Write under a temporary name, then link into place: a reader never sees half a file,
    and an existing checkpoint is never overwritten."""
    directory = checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = directory / f"ledger-checkpoint-{stamp}.json"
    temporary = directory / f".{target.name}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        os.link(temporary, target)
    except FileExistsError as error:
        raise FileExistsError(f"a checkpoint named {target.name} exists already") from error
    finally:
        temporary.unlink()
    return target
