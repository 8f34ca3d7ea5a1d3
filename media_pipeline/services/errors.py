"""What the pipeline's services refuse with, and the constants they share."""

from __future__ import annotations

import errno

from django.utils.translation import gettext as _

LOW_PLAYLIST = "low.m3u8"
READ_CHUNK = 64 * 1024
INTERNAL_ERROR = "INTERNAL"


class JobLost(Exception):
    """The row no longer says this worker owns this run (deleted, retried or taken over)."""


class VideoInUse(Exception):
    """Published pages show this video; ``titles`` says which."""

    def __init__(self, titles: list[str]) -> None:
        super().__init__(", ".join(titles))
        self.titles = titles


class UploadRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UploadStorageFull(Exception):
    """The disk holding part-files refused a write; nothing of the failed chunk is kept."""

    def __init__(self, message: str, *, full: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.full = full


def _storage_refused(exc: OSError) -> UploadStorageFull:
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if full:
        message = _("The server has no room for this upload right now. Try again later.")
    else:
        message = _("The server could not store this upload right now. Try again later.")
    return UploadStorageFull(message, full=full)


class UploadOffsetMismatch(Exception):
    """The client sent bytes past what we hold; it should resume from ``expected``."""

    def __init__(self, expected: int) -> None:
        super().__init__(f"expected offset {expected}")
        self.expected = expected
