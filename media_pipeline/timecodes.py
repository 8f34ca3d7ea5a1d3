"""Chapter start times as editors write them (m:ss or h:mm:ss)."""

import re

TIMECODE = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)$")


def timecode_seconds(text: str) -> int:
    match = TIMECODE.match(text.strip())
    if match is None:
        raise ValueError(text)
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
