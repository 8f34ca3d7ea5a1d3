"""Signed, fast-rotating check-in tokens and the short code shown beside them.

The instructor's screen shows a QR code and, in large type, a four-digit code. Both change
every ``ROTATE_SECONDS``, at the turn of a window. Scanning opens the check-in page, which
asks for the code on the screen *now*: the code of the current window or of the one just
replaced (``CODE_GRACE_WINDOWS``), so a learner who types as the screen turns over is not
refused. The scanned token itself lasts a little longer (``TOKEN_GRACE_WINDOWS``), time for
the page to load on a slow network and the code to be typed; the code is the fresh part. So
a photo of the screen forwarded to a friend at home goes stale within seconds, and a link
passed on without the screen carries no code at all.

What this proves, and what it does not: a check-in shows that the learner's account saw the
classroom screen (directly or through someone else's live relay) within the last half
minute. It cannot tell a learner in the room from a friend on a live video call with
someone who is; that is what the instructor's roster is for, where each check-in waits to
be confirmed (or removed) by the instructor before it banks hours.

A token is a window number, signed; the code is an HMAC of the session and the window under
the project's secret key, so neither can be made without the server.
"""

import datetime as dt
import hmac

from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

SALT = "courses.checkin"
ROTATE_SECONDS = 15
TOKEN_GRACE_WINDOWS = 2  # a scanned token is good for 30 to 45 seconds
CODE_GRACE_WINDOWS = 1  # the code on screen now, or the one just replaced
CODE_DIGITS = 4
# Wrong codes a learner may enter for one session within LOCKOUT before being refused.
MAX_CODE_MISSES = 5
LOCKOUT = dt.timedelta(minutes=10)


class CheckInRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def window_at(now: dt.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // ROTATE_SECONDS


def seconds_to_next_window(now: dt.datetime | None = None) -> int:
    """When the classroom screen should reload: just after the window turns."""
    return ROTATE_SECONDS - int((now or timezone.now()).timestamp()) % ROTATE_SECONDS + 1


def make_token(*, session_id: int, now: dt.datetime | None = None) -> str:
    return signing.dumps({"s": session_id, "w": window_at(now)}, salt=SALT, compress=False)


def screen_code(*, session_id: int, now: dt.datetime | None = None) -> str:
    """The short code the screen shows beside the QR code during this window."""
    return _code_for(session_id, window_at(now))


def _code_for(session_id: int, window: int) -> str:
    digest = salted_hmac(f"{SALT}.code", f"{session_id}:{window}", algorithm="sha256")
    return f"{int(digest.hexdigest(), 16) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def read_token(*, token: str, session_id: int, now: dt.datetime | None = None) -> None:
    """Accept the token for this session in its window, or raise CheckInRefused saying why."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise CheckInRefused(
            "forged", _("This QR code is not one of ours. Scan the code on the screen.")
        ) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("w"), int):
        raise CheckInRefused(
            "forged", _("This QR code is not one of ours. Scan the code on the screen.")
        )
    if payload.get("s") != session_id:
        raise CheckInRefused(
            "other_session", _("This QR code belongs to another classroom session.")
        )
    age = window_at(now) - payload["w"]
    # One window ahead is allowed for two web servers whose clocks differ by a second.
    if age > TOKEN_GRACE_WINDOWS or age < -1:
        raise CheckInRefused(
            "expired",
            _(
                "This QR code has expired: it changes every %(seconds)s seconds. "
                "Scan the code on the screen again."
            )
            % {"seconds": ROTATE_SECONDS},
        )


def code_matches(*, session_id: int, code: str, now: dt.datetime | None = None) -> bool:
    """Whether ``code`` is the screen's code now or in the window just replaced."""
    code = (code or "").strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        return False
    current = window_at(now)
    return any(
        hmac.compare_digest(code, _code_for(session_id, window))
        for window in range(current - CODE_GRACE_WINDOWS, current + 1)
    )
