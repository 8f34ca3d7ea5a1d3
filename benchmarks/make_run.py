"""Seconds from `make run` to the first 200 on `/`: on a fresh clone, then on a second run.

    .venv/bin/python benchmarks/make_run.py                # clone HEAD, run twice
    .venv/bin/python benchmarks/make_run.py --videos       # also wait for the demo's videos

The fresh run starts from a clone of the repository's HEAD in a temporary folder, with empty
pip and uv caches of its own (the package index is the one pip is configured with, as for a
newcomer), so it counts the venv, the install, the migration and the demo. The second run
is `make run` again in the same clone. Each run is stopped once `/` answers 200 (with
`--videos`, once the worker has made every demo video). Goals: 60 s fresh, 10 s second, on
a quiet 2-core machine; the ratios to them are printed, with the CPU seconds every process
of the run used and the load average, since on a busy machine the wall time mostly says
how busy it was. Each run's seconds are split into its steps, from the lines it printed
(the log, kept in the clone, stamps every line with the seconds since the start).
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"fresh": 60.0, "second": 10.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def videos_waiting(db: Path) -> int | None:
    if not db.is_file():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute(
                "SELECT count(*), sum(status != 'ready') FROM media_pipeline_videoasset"
            ).fetchone()
    except sqlite3.Error:
        return None
    return None if not row[0] else row[1]


# Where a run's seconds go: the first line of the run's output that marks each step's end
# (make echoes the commands it runs; `prepare` and the server print their own lines).
MILESTONES = [
    ("venv", "-m lms.install"),
    ("install and prepare", "Ready in"),
    ("static files (if still collecting) and server start", "Starting development server"),
    ("server up", "Night School is ready"),
]


def log_lines(stream, log, started: float, seen: dict) -> None:
    """Copy the run's output to its log, each line stamped with the seconds since the start,
    and note when each line first appeared."""
    for raw in stream:
        line = raw.decode(errors="replace").rstrip("\n")
        at = time.monotonic() - started
        log.write(f"[{at:6.1f}] {line}\n")
        log.flush()
        seen.setdefault(line, at)


def breakdown(seen: dict, first_200: float) -> list[tuple[str, float]]:
    """Each step's seconds, from the milestones that appeared (a skipped step, as
    collectstatic on a second run, is counted in the next one)."""
    steps, last = [], 0.0
    for name, marker in MILESTONES:
        at = next((when for line, when in seen.items() if marker in line), None)
        if at is not None and at >= last:
            steps.append((name, at - last))
            last = at
    steps.append(("first 200", first_200 - last))
    return steps


def one_run(clone: Path, env: dict, *, port: int, videos: bool, timeout: float) -> dict:
    log_path = clone / f"make-run-{port}.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    seen: dict[str, float] = {}
    with open(log_path, "w") as log:
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        reader = threading.Thread(
            target=log_lines, args=(make.stdout, log, started, seen), daemon=True
        )
        reader.start()
        result: dict = {"log": log_path}
        try:
            url = f"http://127.0.0.1:{port}/"
            while "first_200" not in result:
                if make.poll() is not None:
                    raise RuntimeError(f"make run stopped (exit {make.returncode}); see {log_path}")
                if time.monotonic() - started > timeout:
                    raise RuntimeError(f"no 200 within {timeout:.0f} s; see {log_path}")
                if answers_200(url):
                    result["first_200"] = time.monotonic() - started
                else:
                    time.sleep(0.2)
            while videos and "videos_ready" not in result:
                if time.monotonic() - started > timeout:
                    raise RuntimeError(f"videos not ready within {timeout:.0f} s")
                if videos_waiting(clone / "var" / "db.sqlite3") == 0:
                    result["videos_ready"] = time.monotonic() - started
                else:
                    time.sleep(1)
        finally:
            stop(make)
            reader.join(timeout=10)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    ready = [line for line in seen if line.startswith("Ready in")]
    result["prepare"] = ready[-1] if ready else ""
    result["steps"] = breakdown(seen, result["first_200"])
    return result


def stop(process: subprocess.Popen) -> None:
    """Ctrl-C's work: the whole group (make, the server, the worker and its ffmpeg)."""
    for sig, wait in ((signal.SIGTERM, 60), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=str(ROOT), help="repository to clone (its HEAD)")
    parser.add_argument("--videos", action="store_true", help="wait for the demo videos too")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run at most")
    parser.add_argument("--keep", action="store_true", help="keep the clone afterwards")
    parser.add_argument(
        "--again", metavar="FOLDER", help="only a second run, in a folder --keep kept"
    )
    args = parser.parse_args()

    if args.again:
        base, runs = Path(args.again), ("second",)
        args.keep = True
    else:
        base, runs = Path(tempfile.mkdtemp(prefix="nightschool-make-run-")), ("fresh", "second")
        subprocess.run(
            ["git", "clone", "--quiet", args.repo, str(base / "night-school")], check=True
        )
    clone = base / "night-school"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "DJANGO_", "DATABASE_URL", "MEDIA_ROOT"))
    }
    env["PIP_CACHE_DIR"] = str(base / "pip-cache")  # cold: nothing downloaded before
    env["UV_CACHE_DIR"] = str(base / "uv-cache")
    print(f"clone: {clone}  (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    try:
        for name in runs:
            run = one_run(clone, env, port=free_port(), videos=args.videos, timeout=args.timeout)
            goal = GOALS[name]
            line = (
                f"{name:>6} run: first 200 on / after {run['first_200']:6.1f} s "
                f"(goal {goal:.0f} s, ratio {run['first_200'] / goal:.2f})"
            )
            line += f"; {run['cpu']:.1f} CPU s"
            if "videos_ready" in run:
                line += f"; every demo video ready after {run['videos_ready']:.1f} s"
            print(line)
            print(f"{'':>11} " + ", ".join(f"{name} {secs:.1f} s" for name, secs in run["steps"]))
            if run["prepare"]:
                print(f"{'':>11} {run['prepare']}")
    finally:
        print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        if args.keep:
            print(f"kept {base}")
        else:
            subprocess.run(["rm", "-rf", str(base)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
