"""The hash chain: how an entry's hash is computed, and how a chain is checked.

The hash covers every field that gives an entry its meaning, plus the previous entry's hash,
so changing any past entry (or removing one) breaks every hash after it.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def entry_content(entry) -> dict:
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


def entry_hash(content: dict, prev_hash: str) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    learner_id: int
    entry_id: int | None
    seq: int | None
    message: str


def check_chain(learner_id: int, entries: Iterable, balance) -> list[ChainProblem]:
    """Recompute one learner's chain and totals; say exactly where they stop adding up."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    total = 0
    count = 0
    for expected_seq, entry in enumerate(entries, start=1):
        count += 1
        total += entry.minutes
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(
                    learner_id,
                    entry.pk,
                    entry.seq,
                    f"entry {entry.pk} has seq {entry.seq}, expected {expected_seq} "
                    "(an entry is missing)",
                )
            )
        if entry.prev_hash != prev:
            problems.append(
                ChainProblem(
                    learner_id,
                    entry.pk,
                    entry.seq,
                    f"entry {entry.pk} (seq {entry.seq}) does not follow the entry before it",
                )
            )
        recomputed = entry_hash(entry_content(entry), entry.prev_hash)
        if recomputed != entry.hash:
            problems.append(
                ChainProblem(
                    learner_id,
                    entry.pk,
                    entry.seq,
                    f"entry {entry.pk} (seq {entry.seq}) was altered: "
                    "its content no longer matches its hash",
                )
            )
        prev = entry.hash
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
