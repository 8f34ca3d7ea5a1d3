"""Checks of origins that settings name, run when a settings module loads."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}


def https_origin(value: str, *, name: str, allowed_hosts: list[str]) -> str:
    """``value`` as a bare origin (``https://host[:port]``, no trailing slash), or a clear
    ImproperlyConfigured naming ``name``.

    Plain http is accepted for a loopback host only (a trial on one machine, where nothing
    outside can fetch the URLs anyway), as browsers treat loopback as secure. The host must be
    one this site answers for (``allowed_hosts``), or what the URLs name could never resolve.
    """
    example = f"{name} must be the https origin of this site, like https://nightschool.example.org"
    text = (value or "").strip()
    if not text:
        raise ImproperlyConfigured(f"{example}; it is not set.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"{example}; {text!r} is not a URL ({error}).") from error
    host = (parts.hostname or "").lower()
    shown = f"[{host}]" if ":" in host else host
    problems = []
    if parts.scheme != "https" and not (parts.scheme == "http" and shown in LOOPBACK):
        problems.append("it must start with https://")
    if not host:
        problems.append("it names no host")
    if parts.username is not None or parts.password is not None:
        problems.append("it must not carry a user name or password")
    if parts.path not in ("", "/"):
        problems.append(f"it must not have a path ({parts.path!r})")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        problems.append("it must not have a query or fragment")
    if problems:
        raise ImproperlyConfigured(f"{example}; {text!r}: {', '.join(problems)}.")
    if not validate_host(host, allowed_hosts):
        raise ImproperlyConfigured(
            f"{name} names {host}, which is not in DJANGO_ALLOWED_HOSTS "
            f"({', '.join(allowed_hosts) or 'empty'}): the site would refuse its own URLs."
        )
    return f"{parts.scheme}://{shown}" + (f":{port}" if port is not None else "")
