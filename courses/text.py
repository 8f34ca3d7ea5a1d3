"""Text as a person could have typed it, for filters and searches read from the address."""

import unicodedata

SEARCH_MAX_CHARS = 100


def plain_text(value: str, *, max_chars: int) -> str:
    """What a person could have typed: control, format, private-use and unassigned characters
    (NUL among them, which PostgreSQL refuses in any string) become spaces."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(text.split())[:max_chars]


def plain_lines(value: str) -> str:
    """Like ``plain_text``, but the line breaks a person typed stay (blank lines fold into
    one), so a question or an answer keeps its steps apart. Nothing is cut: the caller
    decides what is too long."""
    lines = [plain_text(line, max_chars=len(line)) for line in value.splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()
