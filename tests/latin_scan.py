"""Finding English left on a Chinese page: the Latin words of its rendered text.

Product and format names (Night School, Wagtail, MP4, HLS, …) are allowed; so are e-mail
addresses, web addresses and numbers, which are not words of a language.
"""

import re

ALLOWED = frozenset(
    {
        "Night",
        "School",
        "Wagtail",
        "MP4",
        "MOV",
        "MKV",
        "WebM",
        "AVI",
        "MPEG-TS",
        "HLS",
        "MB",
        "KB",
        "GB",
        "PDF",
        "CSV",
        "QR",
        "WebVTT",
        "vtt",
        "URL",
        "ID",
        # A language offered by its own name, as language choices are.
        "English",
    }
)
_NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\S+\.(?:mp4|mov|mkv|webm|txt|vtt)\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'’][A-Za-z0-9]+)*")


def latin_words(text: str, allowed=ALLOWED) -> list[str]:
    """The Latin words of ``text`` outside ``allowed``, each once, in order of appearance."""
    found: list[str] = []
    for word in _WORD.findall(_NOT_WORDS.sub(" ", text)):
        if word not in allowed and word not in found:
            found.append(word)
    return found


def page_latin_words(page, allowed=ALLOWED) -> list[str]:
    """What a reader sees of a Playwright page (closed folds and hidden parts are not read)."""
    return latin_words(page.inner_text("body"), allowed)
