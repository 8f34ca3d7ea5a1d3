"""Finding English left on a Chinese page: the Latin words of its rendered text and labels.

Product and format names (Night School, Wagtail, MP4, HLS, …) are allowed; so are e-mail
addresses, web addresses and file names, which are not words of a language. Pass more to
``allowed`` for words a page may rightly carry (a course's own English name, say).
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
        "HR",
        "App",
        "Wi-Fi",
        # A language offered by its own name, as language choices are.
        "English",
    }
)
_NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\S+\.(?:mp4|mov|mkv|webm|txt|vtt)\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'’][A-Za-z0-9]+)*")

# What a reader sees and hears: visible text, and the labels a screen reader reads out;
# closed folds, hidden parts and anything marked lang="en" (the language switch) are not read.
_VISIBLE_TEXT = """(labels) => {
  if (!labels) return document.body.innerText;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, [hidden], [lang="en"]')) continue;
    if (!parent.checkVisibility()) continue;
    out.push(node.textContent);
  }
  const labelled = '[aria-label], [title], [placeholder], img[alt]';
  for (const el of labels ? document.querySelectorAll(labelled) : []) {
    if (el.closest('[lang="en"]')) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
  }
  return out.join('\\n');
}"""


def latin_words(text: str, allowed=ALLOWED) -> list[str]:
    """The Latin words of ``text`` outside ``allowed``, each once, in order of appearance."""
    found: list[str] = []
    for word in _WORD.findall(_NOT_WORDS.sub(" ", text)):
        if word not in allowed and word not in found:
            found.append(word)
    return found


def page_latin_words(page, allowed=ALLOWED, *, labels: bool = True) -> list[str]:
    """The Latin words a reader sees or hears on a Playwright page, outside ``allowed``.

    ``labels=False`` reads the rendered text only (``innerText``): Wagtail's admin carries
    labels and screen-reader text of its own that its Chinese catalogue leaves in English."""
    return latin_words(page.evaluate(_VISIBLE_TEXT, labels), allowed)
