"""JSON-LD plumbing shared by the issuing and verifying sides: the offline context loader
and the check that every property of a document is defined by its contexts.

A signature over RDF only covers what JSON-LD turns into RDF. A property that no context
defines is silently dropped on the way, so it would travel inside a "signed" credential
without being signed. ``undefined_terms`` finds those before we sign, and the verifier
runs an equivalent check of its own before it trusts a document.
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

# Terms a context leaves undefined fall back to this vocabulary while probing, so they
# show up as IRIs we can recognise instead of vanishing.
_PROBE_VOCAB = "urn:x-night-school:undefined-term:"
_ABSOLUTE_IRI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|_:)")


class ContextNotAllowed(Exception):
    """A document asked for a JSON-LD context we do not ship. Fetching it would make
    verification depend on the network and on whoever controls that URL."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD context {url!r} is not one of the contexts shipped with Night School; "
            "refusing to load it (credentials are processed offline only)."
        )
        self.url = url


@cache
def _index() -> dict[str, str]:
    return json.loads((CONTEXTS_DIR / "index.json").read_text(encoding="utf-8"))


@cache
def _context_text(filename: str) -> str:
    return (CONTEXTS_DIR / filename).read_text(encoding="utf-8")


def allowed_context_urls() -> frozenset[str]:
    return frozenset(_index())


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """pyld document loader that serves only the shipped context files.

    A fresh copy is parsed on every call so that no caller can mutate a cached context.
    No ``tag`` is returned, so pyld keeps the resolved context in its per-operation cache
    and never in its process-wide one, where another loader's answer could be reused.
    """
    filename = _index().get(url)
    if filename is None:
        raise ContextNotAllowed(url)
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(_context_text(filename)),
    }


def refused_context(error: BaseException) -> ContextNotAllowed | None:
    """pyld wraps loader errors in its own; dig out ours to report the URL plainly."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ContextNotAllowed):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """Names of properties, types and datatypes in ``document`` that its contexts leave
    undefined (and so would not be signed), plus any relative IRI, which RDF drops too.

    Expands the document with a catch-all ``@vocab`` placed before its own contexts:
    defined terms are unaffected (``@vocab`` defines no term, and a context that sets its
    own ``@vocab`` still wins), while undefined ones expand under the probe vocabulary
    instead of vanishing.
    """
    contexts = document.get("@context", [])
    contexts = list(contexts) if isinstance(contexts, list) else [contexts]
    probe = dict(document)
    probe["@context"] = [{"@vocab": _PROBE_VOCAB}, *contexts]
    # "base": None, not pyld's default: pyld 3.x otherwise resolves relative IRIs against
    # http://example.org/base/, where the JSON-LD algorithms (and jsonld.js, which most
    # verifiers run) leave them relative and drop them from the RDF.
    expanded = jsonld.expand(probe, {"documentLoader": document_loader, "base": None})
    found: list[str] = []
    _collect_undefined(expanded, found)
    return sorted(set(found))


def _collect_undefined(node: Any, found: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect_undefined(item, found)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key.startswith(_PROBE_VOCAB):
            found.append(key.removeprefix(_PROBE_VOCAB))
        elif not key.startswith("@") and not _ABSOLUTE_IRI.match(key):
            found.append(key)
        if key in ("@id", "@type"):
            for iri in value if isinstance(value, list) else [value]:
                if not isinstance(iri, str):
                    continue
                if iri.startswith(_PROBE_VOCAB):
                    found.append(iri.removeprefix(_PROBE_VOCAB))
                elif not _ABSOLUTE_IRI.match(iri):
                    found.append(f"relative IRI {iri!r}")
        elif key != "@value":
            _collect_undefined(value, found)
