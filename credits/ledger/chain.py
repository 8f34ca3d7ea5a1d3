"""The hash chain: how an entry's hash is computed, and how a chain is checked.

The hash covers every field that gives an entry its meaning, plus the previous entry's hash,
so changing any past entry (or removing one) breaks every hash after it.

Why the chain is keyed. A plain SHA-256 chain only shows that rows were changed by someone who
did not bother to recompute the hashes: whoever holds the database (its owner role, a DBA, a
stolen backup restored elsewhere) can append an entry with a correctly computed hash, move the
running total with it, and the chain checks out. So entries are now hashed with HMAC-SHA256
under ``LEDGER_HMAC_KEY``, a key that lives in the application's environment (or a key file
in development) and never in the database. Without the key, no entry can be forged.

Why a version field rather than re-keying. Entries written before the key existed were hashed
with plain SHA-256, and the ledger's triggers (rightly) refuse to UPDATE them, so they cannot
be re-hashed in place; re-hashing would also destroy the evidence they carry. Each entry says
which scheme hashed it (``hash_version``: 1 plain SHA-256, 2 HMAC-SHA256), and a keyed entry's
hash covers the previous hash, so every keyed entry also vouches for the unkeyed history below
it. What stops an owner from simply writing a *new* entry marked version 1 is:

- a chain never goes back: an unkeyed entry after a keyed one is refused;
- the signed checkpoints (``credits.ledger.checkpoints``), kept outside the database, record
  for each learner how many unkeyed entries existed when the first checkpoint was taken, and
  carry that number forward unchanged; an unkeyed entry above it, or for a learner who had
  none, is refused. So the first checkpoint should be taken right after the upgrade
  (deploy/README.md).
"""

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .keyfiles import read_key_file

if TYPE_CHECKING:  # the models read CURRENT_HASH_VERSION from here: the names are for hints
    from .models import LearnerBalance, LedgerEntry

GENESIS = "0" * 64

PLAIN_SHA256 = 1  # entries written before the ledger key existed
HMAC_SHA256 = 2
CURRENT_HASH_VERSION = HMAC_SHA256
MIN_KEY_LENGTH = 32


def entry_content(entry: "LedgerEntry") -> dict:
    return {
        "learner": entry.learner_id,
        "seq": entry.seq,
        "kind": entry.kind,
        "minutes": entry.minutes,
        "lesson": entry.lesson_id,
        "attendance": entry.attendance_id,
        "reference": entry.reference,
        "reason": entry.reason,
        "actor": entry.actor_id,
        # In UTC: the database hands times back in UTC whatever zone they were written in.
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }


def entry_hash(content: dict, prev_hash: str, version: int = CURRENT_HASH_VERSION) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if version == PLAIN_SHA256:
        return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()
    if version == HMAC_SHA256:
        message = f"v{HMAC_SHA256}\n{prev_hash}\n{canonical}".encode()
        return hmac.new(ledger_key(), message, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown ledger hash version {version}")


# --- The ledger key.


def ledger_key() -> bytes:
    """``LEDGER_HMAC_KEY`` from the environment, else the key file (made only under DEBUG)."""
    default = Path(settings.BASE_DIR) / "var" / "ledger-hmac-key"
    return _load_key(
        getattr(settings, "LEDGER_HMAC_KEY", "") or "",
        Path(getattr(settings, "LEDGER_HMAC_KEY_FILE", default)),
        bool(settings.DEBUG),
    )


@lru_cache(maxsize=4)
def _load_key(configured: str, path: Path, may_create: bool) -> bytes:
    if configured:
        key = configured.strip()
        source = "LEDGER_HMAC_KEY"
    else:
        key = read_key_file(
            path,
            what="ledger key",
            may_create=may_create,
            make=lambda: secrets.token_urlsafe(48),
            missing=f"No ledger key: set LEDGER_HMAC_KEY or create {path} "
            f"(at least {MIN_KEY_LENGTH} random characters).",
        )
        source = str(path)
    if len(key) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{source}: the ledger key must be at least {MIN_KEY_LENGTH} characters."
        )
    return key.encode()


# --- Checking a chain.


@dataclass(frozen=True)
class ChainProblem:
    learner_id: int
    entry_id: int | None
    seq: int | None
    message: str


@dataclass(frozen=True)
class Checkpointed:
    """What a signed checkpoint says about one learner's chain (absent learner: ``None``)."""

    seq: int
    head_hash: str
    legacy_seq: int
    source: str  # the checkpoint's file name, for the report


def check_chain(
    learner_id: int,
    entries: Iterable["LedgerEntry"],
    balance: "LearnerBalance | None",
    *,
    checkpoint: Checkpointed | None = None,
    legacy_seq: int | None = None,
) -> list[ChainProblem]:
    """Recompute one learner's chain and totals; say exactly where they stop adding up.

    ``checkpoint`` is what the latest trusted checkpoint signed for this learner. ``legacy_seq``
    is how many unkeyed entries may open the chain: the checkpoint's number when there is one,
    0 for a learner a checkpoint does not know (they joined after it), ``None`` when there is no
    checkpoint at all (then only "never after a keyed entry" holds).
    """
    if checkpoint is not None:
        legacy_seq = checkpoint.legacy_seq
    problems: list[ChainProblem] = []

    def problem(entry, message: str) -> None:
        problems.append(
            ChainProblem(
                learner_id, entry.pk if entry else None, entry.seq if entry else None, message
            )
        )

    prev = GENESIS
    total = 0
    count = 0
    keyed_seen = False
    for expected_seq, entry in enumerate(entries, start=1):
        count += 1
        total += entry.minutes
        where = f"entry {entry.pk} (seq {entry.seq})"
        if entry.seq != expected_seq:
            problem(
                entry,
                f"entry {entry.pk} has seq {entry.seq}, expected {expected_seq} "
                "(an entry is missing)",
            )
        if entry.prev_hash != prev:
            problem(entry, f"{where} does not follow the entry before it")
        version = getattr(entry, "hash_version", PLAIN_SHA256)
        if version == HMAC_SHA256:
            keyed_seen = True
            if not hmac.compare_digest(
                entry_hash(entry_content(entry), entry.prev_hash), entry.hash
            ):
                problem(
                    entry,
                    f"{where} was altered or forged: its hash is not the keyed hash "
                    "(HMAC with the ledger key) of its content",
                )
        elif version == PLAIN_SHA256:
            if keyed_seen:
                problem(entry, f"{where} is unkeyed but follows keyed entries (forged)")
            elif legacy_seq is not None and entry.seq > legacy_seq:
                problem(
                    entry,
                    f"{where} is unkeyed, but the signed checkpoint allows unkeyed entries "
                    f"only up to seq {legacy_seq} (forged)",
                )
            if entry_hash(entry_content(entry), entry.prev_hash, PLAIN_SHA256) != entry.hash:
                problem(entry, f"{where} was altered: its content no longer matches its hash")
        else:
            problem(entry, f"{where} names an unknown hash scheme {version}")
        if (
            checkpoint is not None
            and entry.seq == checkpoint.seq
            and entry.hash != checkpoint.head_hash
        ):
            problem(
                entry,
                f"{where} is not the entry checkpoint {checkpoint.source} signed at that seq "
                "(history rewritten)",
            )
        prev = entry.hash
    if checkpoint is not None and count < checkpoint.seq:
        if count == 0:
            message = (
                f"learner vanished: checkpoint {checkpoint.source} signed {checkpoint.seq} "
                "entries, the ledger has none (removed or truncated)"
            )
        else:
            message = (
                f"head moved backwards: checkpoint {checkpoint.source} signed seq "
                f"{checkpoint.seq}, the chain ends at {count} (entries removed)"
            )
        problems.append(ChainProblem(learner_id, None, None, message))
    if balance is None:
        if count:
            problems.append(
                ChainProblem(learner_id, None, None, "entries exist but no running total")
            )
        return problems
    if balance.total_minutes != total:
        problems.append(
            ChainProblem(
                learner_id,
                None,
                None,
                f"running total says {balance.total_minutes} min, entries add up to {total} min",
            )
        )
    if balance.entries != count or balance.head_hash != prev:
        problems.append(
            ChainProblem(
                learner_id,
                None,
                None,
                f"running total points at {balance.entries} entries "
                f"/ head {balance.head_hash[:12]}, "
                f"chain has {count} / head {prev[:12]}",
            )
        )
    return problems
