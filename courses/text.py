"""Text as a person could have typed it, for filters and searches read from the address."""

import unicodedata

SEARCH_MAX_CHARS = 100


def plain_text(value: str, *, max_chars: int) -> str:
    """What a person could have typed: control, format, private-use and unassigned characters
    (NUL among them, which PostgreSQL refuses in any string) become spaces."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(text.split())[:max_chars]
