"""The pipeline's refusals and failures, with stable codes callers translate.

Each carries an English ``message`` for logs and the command line, and for the people it
is shown to a ``detail`` (a stable name of the sentence) with its ``params``: the app
translates those when it shows the failure, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class BinariesNotFound(RuntimeError):
    """Neither an override, PATH nor the bundled static build gave us ffmpeg/ffprobe."""


class RejectCode(StrEnum):
    """Why an upload is refused. Stable: callers translate by code."""

    EMPTY_FILE = "EMPTY_FILE"
    UNREADABLE = "UNREADABLE"
    ZERO_LENGTH = "ZERO_LENGTH"
    NO_STREAMS = "NO_STREAMS"
    TOO_LONG = "TOO_LONG"
    TOO_LARGE = "TOO_LARGE"


class FailureCode(StrEnum):
    """Why a readable upload still failed to transcode. Stable: callers translate by code."""

    STALLED = "STALLED"
    TIMEOUT = "TIMEOUT"
    FFMPEG_ERROR = "FFMPEG_ERROR"
    DURATION_MISMATCH = "DURATION_MISMATCH"


class MediaRejected(Exception):
    """The upload is not something we can turn into a lesson; the original is kept."""

    def __init__(
        self,
        code: RejectCode,
        message: str,
        *,
        detail: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.detail = detail
        self.params = dict(params or {})


class TranscodeFailed(Exception):
    """ffmpeg did not produce a complete, trustworthy set of outputs."""

    def __init__(
        self,
        code: FailureCode,
        message: str,
        stderr_tail: str = "",
        *,
        detail: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        full = f"{message}\n--- ffmpeg said ---\n{stderr_tail}" if stderr_tail else message
        super().__init__(f"{code}: {full}")
        self.code = code
        self.message = full
        self.stderr_tail = stderr_tail
        self.detail = detail
        self.params = dict(params or {})
