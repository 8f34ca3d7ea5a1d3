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

    Reads what allauth recorded (the times of the requests it let through, under its own cache
    keys, with allauth's internal helpers for those keys: tested against the allauth version in
    pyproject.toml's range), and records nothing.
    """
    rates = ratelimit.get_rates(app="allauth.account", action=action)
    for rate in rates:
        if rate.per != scope:
            continue
        cache_key = ratelimit.get_cache_key(
            request, app="allauth.account", action=action, rate=rate, key=key
        )
        since = time.time() - rate.duration
        recent = [at for at in cache.get(cache_key, []) if at > since]
        if len(recent) >= rate.amount:
            return True
    return False
