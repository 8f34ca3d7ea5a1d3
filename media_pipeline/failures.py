"""The sentences an instructor reads when a video is refused or fails, in their language.

A failure is stored as a code, a detail (the name of the exact sentence) and its values,
never as a sentence: each reader gets it in the language they read, including failures
stored before they switched language. The English ``error_message`` beside it is for
the technical fold and the logs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

REASONS: dict[str, Callable[[], str]] = {
    "EMPTY_FILE": lambda: _("The file is empty."),
    "UNREADABLE": lambda: _("The file could not be read as a video or audio recording."),
    "ZERO_LENGTH": lambda: _("The recording has no usable length."),
    "NO_STREAMS": lambda: _("The file has neither picture nor sound."),
    "TOO_LONG": lambda: _("The recording is longer than allowed."),
    "TOO_LARGE": lambda: _("The file or its picture is larger than allowed."),
    "STALLED": lambda: _("Processing stopped making progress and was cancelled."),
    "TIMEOUT": lambda: _("Processing took too long and was cancelled."),
    "FFMPEG_ERROR": lambda: _("The video could not be converted."),
    "DURATION_MISMATCH": lambda: _(
        "The converted video is shorter than the upload; the file is probably cut short."
    ),
    "INTERNAL": lambda: _("Something went wrong on our side. Try again."),
}

DETAILS: dict[str, Callable[[], str]] = {
    "probe_timeout": lambda: _(
        "Reading the file took longer than %(seconds)s seconds; it is probably damaged."
    ),
    "playlist": lambda: _("The file is a playlist or a text file (%(format)s), not a recording."),
    "zero_length": lambda: _("The recording has no usable length (%(seconds)s seconds)."),
    "too_long": lambda: _("The recording lasts %(length)s; the limit is %(limit)s."),
    "file_too_large": lambda: _("The file is %(size)s MB; the limit is %(limit)s MB."),
    "picture_too_large": lambda: _(
        "The picture is %(width)s×%(height)s; the limit is %(limit)s pixels on the long side."
    ),
    "timeout": lambda: _("Processing ran longer than %(seconds)s seconds and was stopped."),
    "stalled": lambda: _(
        "Processing made no progress for %(seconds)s seconds and was stopped. Try again."
    ),
    "exit_code": lambda: _("The converter stopped with error %(code)s. Try again."),
    "missing_outputs": lambda: _("The converter finished without writing %(names)s. Try again."),
    "output_unreadable": lambda: _(
        "The converted file %(name)s could not be read back. Try again."
    ),
    "duration_mismatch": lambda: _(
        "The converted video lasts %(output)s seconds but the upload %(source)s seconds; "
        "the upload is probably cut short or damaged. Upload the recording again."
    ),
}


def failure_sentence(*, code: str, params: Mapping[str, Any] | None = None) -> str:
    """The one sentence that says why, in the active language; "" for no failure.

    ``params`` hold ``detail`` (which sentence) and its values. A stored failure whose
    detail or values this version does not know falls back to the reason of its code.
    """
    params = dict(params or {})
    detail = DETAILS.get(str(params.pop("detail", "")))
    if detail is not None:
        try:
            return detail() % params
        except (KeyError, TypeError, ValueError):
            pass
    reason = REASONS.get(code)
    return reason() if reason else ""
