"""The pipeline's refusals and failures, with stable codes callers translate."""

from __future__ import annotations

from enum import StrEnum


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

    def __init__(self, code: RejectCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class TranscodeFailed(Exception):
    """ffmpeg did not produce a complete, trustworthy set of outputs."""

    def __init__(self, code: FailureCode, message: str, stderr_tail: str = "") -> None:
        full = f"{message}\n--- ffmpeg said ---\n{stderr_tail}" if stderr_tail else message
        super().__init__(f"{code}: {full}")
        self.code = code
        self.message = full
        self.stderr_tail = stderr_tail
