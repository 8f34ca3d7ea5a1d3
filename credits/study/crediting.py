"""The arithmetic of one progress report, on plain values: no database, no clock reads.

``study_report`` gathers the numbers (what the report adds to what the learner watched, the
wall time behind it, the learner's shared clock, today's cap) and this module decides how much
is credited and why the rest is not. Keeping it apart keeps it small enough to read whole and
to property-test.

The rules, in the order they apply:

1. A learner who has left the course, or who missed an attention check and has not yet passed
   a new one, is credited nothing: all new seconds are refused with that reason.
2. New media seconds are credited no faster than wall time (times the course's fastest rate)
   since the later of this page view's previous report and the learner's shared clock, so two
   tabs or devices never earn for the same minutes.
3. Idle: after a gap between reports longer than the idle limit, only the last idle-limit of
   wall time before the report can count. A report after a 320 s gap (limit 300 s) that claims
   80 s is credited 80 s: a player that was paused for four minutes and then played eighty
   seconds earned them. What the report claims beyond the idle window, but within the wall
   time, is refused as ``IDLE_GAP``; what it claims beyond the wall time itself is refused as
   ``FASTER_THAN_REAL_TIME``, whatever the idle limit (so a limit at or below the report
   interval never labels a too-fast claim as idle).
4. Seconds that another tab or device had already used of the shared clock are refused as
   ``PARALLEL_SESSION``; credit beyond the daily cap as ``DAILY_CAP``.
5. Refused time stays plausible: the seconds refused for one report, all reasons together, are
   never more than the report could have played (the recording's length, and the wall time
   since this page view's previous report, times the rate). What the report claimed beyond
   that, and what it claimed outside the recording, is recorded once, as one
   ``OUT_OF_RANGE`` claim of at most the recording's length. That row is evidence of a claim,
   not time the learner spent, and pages that show "time that did not count" leave it out.
"""

from dataclasses import dataclass, field

from .models import RefusalReason

EPSILON = 1e-6


@dataclass(frozen=True)
class ReportFacts:
    """What one report claims and the clocks behind it, in seconds."""

    new_seconds: float  # media inside the recording this report adds to what was watched
    outside_seconds: float  # media claimed outside [0, duration]
    duration: float
    rate: float  # the fastest playback rate that counts
    idle_limit: float
    own_gap: float  # wall time since this page view's previous report (latency grace applied)
    gap: float  # wall time since the later of that and the learner's shared clock
    wall: float  # wall time since this page view's previous report: what bounds refused time
    day_room: float  # seconds still creditable today
    blocked_reason: str | None = None  # NOT_ENROLLED or ATTENTION_CHECK_FAILED: credit barred
    replay: bool = False  # a sequence number already taken: everything in it is refused


@dataclass
class Decision:
    credit: float = 0.0
    refused: dict[str, float] = field(default_factory=dict)

    def refuse(self, reason: str, seconds: float) -> None:
        if seconds > EPSILON:
            self.refused[reason] = self.refused.get(reason, 0.0) + seconds

    @property
    def refused_time(self) -> float:
        """Seconds of time that did not count (the out-of-range claim is not time)."""
        return sum(s for r, s in self.refused.items() if r != RefusalReason.OUT_OF_RANGE)


def decide(facts: ReportFacts) -> Decision:
    """How much of one report is credited, and each refused second's reason."""
    decision = Decision()
    plausible = max(0.0, min(facts.duration, facts.wall * facts.rate))
    new = max(0.0, facts.new_seconds)

    # What each reason would refuse, before the plausibility bound.
    wanted: list[tuple[str, float]] = []
    if facts.replay:
        wanted.append((RefusalReason.REPLAY, new))
        new_unattributed = 0.0  # a replay holds media already assessed; it claims nothing new
    elif facts.blocked_reason:
        wanted.append((facts.blocked_reason, new))
        new_unattributed = None
    else:
        budget = min(facts.gap, facts.idle_limit) * facts.rate  # the shared clock allows
        alone = min(facts.own_gap, facts.idle_limit) * facts.rate  # this page view alone allows
        credit = min(new, budget)
        parallel = max(0.0, min(new, alone) - credit)
        beyond_wall = max(0.0, new - facts.own_gap * facts.rate)
        idle = max(0.0, new - credit - parallel - beyond_wall)
        capped = max(0.0, credit - max(0.0, facts.day_room))
        decision.credit = credit - capped
        wanted += [
            (RefusalReason.PARALLEL_SESSION, parallel),
            (RefusalReason.IDLE_GAP, idle),
            (RefusalReason.DAILY_CAP, capped),
            (RefusalReason.FASTER_THAN_REAL_TIME, beyond_wall),
        ]
        new_unattributed = None

    room = plausible
    kept = 0.0
    for reason, seconds in wanted:
        take = min(seconds, room)
        decision.refuse(reason, take)
        room -= take
        kept += take
    if new_unattributed is None:
        new_unattributed = max(0.0, new - decision.credit - kept)
    claim = facts.outside_seconds + new_unattributed
    decision.refuse(RefusalReason.OUT_OF_RANGE, min(claim, max(facts.duration, 0.0)))
    return decision
