"""Install Night School into the running venv: with uv when it can be had, else with pip.

    .venv/bin/python -m lms.install            # what `make install` runs
    .venv/bin/python -m lms.install dev        # with the extras the tests need

uv resolves once and installs wheels in parallel: on two cores it installs the dependencies
in a fraction of pip's time (benchmarks/README.md). It is itself a wheel from the package
index, installed into the venv by pip. uv does not read pip's configuration, so the indexes,
find-links, constraints and certificate pip is configured with (files and ``PIP_*``
variables, as ``pip config list`` shows them) are handed to it, and it considers every index
alike, as pip does. Should any of this fail, pip installs as before. Standard library only:
it runs before anything is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]


def pip_settings() -> dict[str, list[str]]:
    """pip's effective settings for the keys uv has a flag for: a ``PIP_*`` variable over
    the files, as in pip."""
    done = subprocess.run(  # noqa: S603 - fixed argument list
        [*PIP, "config", "list"], capture_output=True, text=True, timeout=60, check=False
    )
    found: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition("=")
        key = name.rsplit(".", 1)[-1]
        if key not in ("index-url", "extra-index-url", "find-links", "constraint", "cert"):
            continue
        if name.startswith(":env:") or f":env:.{key}" not in done.stdout:
            found[key] = value.strip().strip("'\"").split()
    return found


def uv_command(uv: str, target: str, settings: dict[str, list[str]]) -> list[str]:
    command = [uv, "pip", "install", "--quiet", "--python", sys.executable]
    command += ["--index-strategy", "unsafe-best-match"]
    for key in ("index-url", "extra-index-url", "find-links", "constraint"):
        for value in settings.get(key, []):
            command += [f"--{key}", value]
    return [*command, "-e", target]


def main(argv: list[str]) -> int:
    target = f".[{argv[0]}]" if argv else "."
    settings = pip_settings()
    env = dict(os.environ)
    if settings.get("cert"):
        env.setdefault("SSL_CERT_FILE", settings["cert"][0])
    uv = Path(sys.executable).with_name("uv")
    try:
        if not uv.exists():
            subprocess.run([*PIP, "install", "--no-compile", "uv"], check=True, timeout=600)  # noqa: S603
        command = uv_command(str(uv), target, settings)
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=1800)  # noqa: S603
        return 0
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"uv could not install ({exc}); installing with pip instead", file=sys.stderr)
    done = subprocess.run([*PIP, "install", "--no-compile", "-e", target], cwd=ROOT, check=False)  # noqa: S603
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
