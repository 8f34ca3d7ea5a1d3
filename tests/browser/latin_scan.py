"""Whether a page shown in Chinese still speaks English: the Latin words in its rendered text.

Call ``latin_words(page)`` on any Playwright page rendered in Chinese and assert it is empty;
pass ``allow`` for words the page may rightly carry (a course's own English name, say).
Product and format names that Chinese readers use as they are stay allowed everywhere.
"""

import re

PRODUCT_NAMES = frozenset(
    {"Night", "School", "English", "PDF", "QR", "ID", "CSV", "HR", "App", "Wi", "Fi", "HLS"}
)
WORD = re.compile(r"[A-Za-z]{2,}")

VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, [hidden], [lang="en"]')) continue;
    const style = getComputedStyle(parent);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    out.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
    if (el.closest('[lang="en"]')) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
  }
  return out.join('\\n');
}"""


def latin_words(page, *, allow: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The Latin words of the page's visible text and labels outside the allow-list, in the
    order they first appear. The language switch's "English" is a product name here."""
    text = page.evaluate(VISIBLE_TEXT)
    allowed = PRODUCT_NAMES | set(allow)
    seen: list[str] = []
    for word in WORD.findall(text):
        if word not in allowed and word not in seen:
            seen.append(word)
    return seen
