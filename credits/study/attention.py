"""Attention checks: a person at the screen types the number a picture shows.

What checks can stop, and what they cannot:

- A script that talks only HTTP cannot answer from the API: the replies name a check, never
  its number, which is drawn into a picture served only to the learner it was put to. To pass,
  a script must read the picture (optical character recognition can, with effort), or a person
  must answer for it. Every check, answer and miss is kept as evidence for the reviewer.
- A missed or wrongly answered check bars credit for the learner, in every tab, on every
  device and in every lesson, until a new check is passed; a fresh page view does not clear it.
  After a wrong answer the next check comes only after ``STUDY_ATTENTION_RETRY_SECONDS``, so
  guessing costs time. Time spent barred is used up: no later report can count it.
- The schedule is the learner's, counted in credited study in courses that ask checks, across
  page views and lessons: after each check, the next comes after between half and one and a
  half times ``STUDY_ATTENTION_MEAN_SECONDS`` of credited study (uniformly drawn), so on average
  one check per mean, and short lessons get checks too.
- Checks show that someone looked at the lesson page and answered within
  ``STUDY_ATTENTION_ANSWER_SECONDS`` once every few minutes. They do not show that the person
  is the learner, or that they listened: identity is the login's job, learning the quiz's.
"""

import datetime as dt
import io
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from PIL import Image, ImageDraw, ImageFont

from lms.accounts.models import User

from .errors import ReportRefused
from .models import AttentionCheck, StudyClock, WatchSession

NUMBERS = range(100, 1000)


class Rng:
    """Randomness for checks; a class so tests can pass a deterministic one."""

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * secrets.randbelow(1_000_001) / 1_000_000

    def number(self) -> int:
        return NUMBERS.start + secrets.randbelow(len(NUMBERS))


def next_gap(rng: Rng) -> float:
    """Seconds of credited study until the next check."""
    mean = max(1.0, float(settings.STUDY_ATTENTION_MEAN_SECONDS))
    return rng.uniform(0.5 * mean, 1.5 * mean)


def state(clock: StudyClock, now: dt.datetime) -> dict | None:
    """What the page must show: nothing, a pending check, or "barred, next check in n s"."""
    if clock.attention_check_id is None and not clock.attention_blocked:
        return None
    due_in = retry_in = 0
    if clock.attention_due_at is not None:
        seconds = max(0, int((clock.attention_due_at - now).total_seconds()))
        if clock.attention_check_id is None:
            retry_in = seconds
        else:
            due_in = seconds
    return {
        "id": clock.attention_check_id,
        "due_in": due_in,
        "blocked": clock.attention_blocked,
        "retry_in": retry_in,
    }


def note_missed(clock: StudyClock, now: dt.datetime) -> bool:
    """If the pending check's time ran out, record the miss and bar the learner. The caller
    saves the clock."""
    if clock.attention_check_id is None or clock.attention_due_at is None:
        return False
    if now <= clock.attention_due_at:
        return False
    AttentionCheck.objects.filter(pk=clock.attention_check_id, passed__isnull=True).update(
        passed=False
    )
    clock.attention_check_id = None
    clock.attention_blocked = True
    clock.attention_due_at = now  # a new check is offered at once: nothing was guessed
    return True


def may_offer(clock: StudyClock, now: dt.datetime) -> bool:
    return (
        clock.attention_blocked
        and clock.attention_check_id is None
        and (clock.attention_due_at is None or now >= clock.attention_due_at)
    )


def issue(*, clock: StudyClock, session_id: uuid.UUID, now: dt.datetime, rng: Rng) -> None:
    """Put a new check to the clock's learner, shown in the given page view. The caller saves
    the clock."""
    check = AttentionCheck.objects.create(
        learner_id=clock.learner_id,
        session_id=session_id,
        number=rng.number(),
        issued_at=now,
        due_at=now + dt.timedelta(seconds=settings.STUDY_ATTENTION_ANSWER_SECONDS),
    )
    clock.attention_check_id = check.pk
    clock.attention_due_at = check.due_at


def count_study(
    *, clock: StudyClock, credited: float, session_id: uuid.UUID, now: dt.datetime, rng: Rng
) -> None:
    """Count credited study in a course that asks checks; put a check when one falls due."""
    if clock.attention_after is None:
        clock.attention_after = next_gap(rng)
    clock.attention_after -= credited
    if clock.attention_after <= 0 and clock.attention_check_id is None:
        issue(clock=clock, session_id=session_id, now=now, rng=rng)
        clock.attention_after = next_gap(rng)


ATTENTION_FIELDS = ["attention_blocked", "attention_check", "attention_due_at", "attention_after"]


@transaction.atomic
def attention_answer(
    *, learner: User, check_id: int, number: int, now: dt.datetime | None = None
) -> tuple[bool, dict | None]:
    """Take the learner's answer to one of their checks, once. Returns whether it passed and
    what the page must show next."""
    now = now or timezone.now()
    clock = _locked_clock(learner)
    check = AttentionCheck.objects.filter(pk=check_id, learner=learner).first()
    if check is None:
        raise ReportRefused(404, "unknown_check", _("This attention check is not yours."))
    if check.passed is not None:
        return bool(check.passed), state(clock, now)
    on_time = now <= check.due_at
    check.answered_at, check.answer = now, number
    check.passed = on_time and number == check.number
    check.save(update_fields=["answered_at", "answer", "passed"])
    if clock.attention_check_id == check.pk:
        clock.attention_check_id = None
    if check.passed:
        clock.attention_blocked, clock.attention_due_at = False, None
    else:
        clock.attention_blocked = True
        wait = settings.STUDY_ATTENTION_RETRY_SECONDS if on_time else 0
        clock.attention_due_at = now + dt.timedelta(seconds=wait)
    clock.save(update_fields=ATTENTION_FIELDS)
    return check.passed, state(clock, now)


@transaction.atomic
def attention_request(
    *, learner: User, session_id: uuid.UUID, now: dt.datetime | None = None, rng: Rng | None = None
) -> dict | None:
    """A barred learner asks for a new check in this page view; given when its time has come."""
    now = now or timezone.now()
    if not WatchSession.objects.filter(pk=session_id, learner=learner).exists():
        raise ReportRefused(403, "unknown_session", _("This watch session is not yours."))
    clock = _locked_clock(learner)
    note_missed(clock, now)
    if may_offer(clock, now):
        issue(clock=clock, session_id=session_id, now=now, rng=rng or Rng())
    clock.save(update_fields=ATTENTION_FIELDS)
    return state(clock, now)


def _locked_clock(learner: User) -> StudyClock:
    StudyClock.objects.get_or_create(learner=learner)
    return StudyClock.objects.select_for_update().get(learner=learner)


def pending_check(*, learner: User, check_id: int) -> AttentionCheck | None:
    """A check of this learner's still waiting for its answer."""
    return AttentionCheck.objects.filter(pk=check_id, learner=learner, passed__isnull=True).first()


def render_png(number: int) -> bytes:
    """The number as a picture a person reads at a glance: each digit a little turned and
    shifted, over a few lines, so that the text is in no field a script can read."""
    width, height = 200, 80
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for _line in range(5):
        points = [(secrets.randbelow(width), secrets.randbelow(height)) for _ in range(2)]
        draw.line(points, fill=150 + secrets.randbelow(60), width=2)
    font = ImageFont.load_default(size=52)
    x = 22
    for digit in str(number):
        glyph = Image.new("L", (56, 72), 0)
        ImageDraw.Draw(glyph).text((8, 4), digit, font=font, fill=255)
        glyph = glyph.rotate(secrets.randbelow(31) - 15, resample=Image.Resampling.BILINEAR)
        y = 2 + secrets.randbelow(8)
        image.paste(0, (x, y), glyph)
        x += 50 + secrets.randbelow(8)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
