"""Worker processes for the pipeline's tests: a SQLite file, a media folder and the
environment that the test and its child processes share, with ways to read a job's row."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcesses:
    def __init__(self, base: Path, *, settings: str, db_variable: str, **env: str) -> None:
        self.base = base
        self.db = base / "db.sqlite3"
        self.media = base / "media"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings,
            db_variable: str(self.db),
            "NIGHTSCHOOL_MEDIA_ROOT": str(self.media),
            "NIGHTSCHOOL_WORK_DIR": str(base / "work"),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])
            ),
            **env,
        }
        self.workers: list[subprocess.Popen] = []

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        """A worker in its own process group, so that it is killed with its ffmpeg."""
        log = open(self.base / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        worker = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen) -> None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def row(self, asset_id: int) -> dict:
        with sqlite3.connect(self.db, timeout=30) as db:
            db.row_factory = sqlite3.Row
            found = db.execute(
                "select * from media_pipeline_videoasset where id = ?", (asset_id,)
            ).fetchone()
        return dict(found)

    def wait_for(self, asset_id: int, check, timeout: float = 240) -> dict:
        """Poll the job's row, four times a second, until ``check`` holds or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.row(asset_id)
            if check(row):
                return row
            time.sleep(0.25)
        raise AssertionError(f"timed out; last state {self.row(asset_id)}")
