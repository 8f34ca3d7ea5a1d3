"""Signed, short-lived check-in tokens behind the QR code on the instructor's screen.

A token names one classroom session and carries the time it was made. The screen shows a
new one every 30 seconds; a token is accepted for 60, so the code on screen always works
and a photo of it sent to a friend at home stops working a minute later.
"""

from django.core import signing
from django.utils.translation import gettext as _

SALT = "courses.checkin"
ROTATE_SECONDS = 30
VALID_SECONDS = 60


class CheckInRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def make_token(*, session_id: int) -> str:
    return signing.dumps({"s": session_id}, salt=SALT, compress=False)


def read_token(*, token: str, session_id: int, max_age: int = VALID_SECONDS) -> None:
    """Accept the token for this session, or raise CheckInRefused saying why not."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise CheckInRefused(
            "expired", _("This QR code has expired. Scan the code on the screen again.")
        ) from exc
    except signing.BadSignature as exc:
        raise CheckInRefused(
            "forged", _("This QR code is not one of ours. Scan the code on the screen.")
        ) from exc
    if not isinstance(payload, dict) or payload.get("s") != session_id:
        raise CheckInRefused(
            "other_session", _("This QR code belongs to another classroom session.")
        )
