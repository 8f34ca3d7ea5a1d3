"""Which of allauth's rate limits a refused request ran into.

allauth answers a refused code request with one error whatever the limit; the learner needs
to know whether waiting a minute helps (one number asked too often) or not (one network
address, shared Wi-Fi or a carrier's gateway, asked too often).
"""

import time

from django.core.cache import cache
from django.http import HttpRequest

from allauth.core.internal import ratelimit


def limit_spent(request: HttpRequest, *, action: str, scope: str, key: str | None = None) -> bool:
    """Whether any of ``action``'s limits of this ``scope`` ("ip" or "key") is used up now.

    Reads what allauth recorded, under allauth's own cache keys, and records nothing.
    """
    rates = ratelimit.get_rates(app="allauth.account", action=action)
    for rate in rates:
        if rate.per != scope:
            continue
        cache_key = ratelimit.get_cache_key(
            request, app="allauth.account", action=action, rate=rate, key=key
        )
        history = list(cache.get(cache_key, []))
        allowed, _history = ratelimit.apply_rate(history, time.time(), rate, dry_run=True)
        if not allowed:
            return True
    return False
