"""Open Badges 3.0 credentials that anyone can verify offline.

Signing (``signing.py``) and verifying (``verification.py``) are written separately and
never import each other, so a mistake in one cannot silently confirm itself in the other;
the published test vectors check both. Neither reads Django settings: only ``keys.py``
does (the builder states class hours by ``credits.ledger.hours``, given the minutes of a
class hour), and no module here ever reaches the network (``jsonld.py`` serves the JSON-LD
contexts from the files shipped in ``contexts/``).
"""
