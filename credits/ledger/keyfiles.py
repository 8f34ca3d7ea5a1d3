"""Secret keys kept in files outside the database, for development machines.

Production gives keys through the environment; where it does not, and only where the caller
allows it (``DEBUG``), a key is made once and kept in a file readable by its owner alone.
"""

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


def read_key_file(
    path: Path, *, what: str, may_create: bool, make: Callable[[], str], missing: str
) -> str:
    """The key text in ``path``; made by ``make`` first if absent and ``may_create``, else
    ``missing`` is the error. ``what`` names the key in log lines."""
    if not path.exists():
        if not may_create:
            raise ImproperlyConfigured(missing)
        _create_once(path, make, what)
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning("%s %s is readable by other users.", what, path)
    return path.read_text(encoding="ascii").strip()


def _create_once(path: Path, make: Callable[[], str], what: str) -> None:
    """O_EXCL so that two processes starting together cannot each write a different key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(make() + "\n")
    logger.info("Generated a development %s in %s.", what, path)
