"""The embedded worker (`manage.py db_worker`) killed with SIGKILL in the middle of a transcode.

django-tasks-db never hands out again the task of a worker that died; the pipeline's own watch
task must bring the job back, with no other job enqueued. Worker and test share a SQLite file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.media_pipeline.worker_processes import WorkerProcesses


class Workers(WorkerProcesses):
    def __init__(self, base: Path) -> None:
        super().__init__(
            base,
            settings="tests.media_pipeline.db_worker_settings",
            db_variable="NIGHTSCHOOL_WORKER_DB",
        )

    def start(self, name: str) -> subprocess.Popen:
        return self.spawn(
            name, [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        )

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)

    def task_count(self) -> int:
        with sqlite3.connect(self.db, timeout=30) as db:
            return db.execute("select count(*) from django_tasks_database_dbtaskresult").fetchone()[
                0
            ]


@pytest.fixture
def workers(tmp_path):
    found = Workers(tmp_path)
    found.manage("migrate", "--noinput", "-v", "0")
    found.manage("createcachetable")
    yield found
    found.stop_all()


@pytest.fixture(scope="session")
def lecture_src(make_media) -> Path:
    """Long enough (24 s) that the worker can be killed in the middle of it."""
    return make_media(
        "lecture_640x360_24s.mp4",
        [
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=24",
            "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:duration=24",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k", "-shortest",
        ],
    )  # fmt: skip


def test_a_killed_db_worker_job_comes_back_with_no_other_job_started(workers, lecture_src):
    first = workers.start("doomed")
    code = (
        "from media_pipeline.services import video_asset_create;"
        "from pathlib import Path;"
        f"a = video_asset_create(title='killed', source=Path({str(lecture_src)!r}));"
        "print(a.pk)"
    )
    asset_id = int(workers.manage("shell", "-c", code).strip().splitlines()[-1])
    workers.wait_for(asset_id, lambda r: r["status"] == "processing" and r["progress"] > 0.1)
    workers.kill(first)
    killed = workers.row(asset_id)
    assert killed["status"] == "processing" and killed["worker_id"]
    tasks_before = workers.task_count()

    # The worker comes back (systemd's Restart=); nothing else is enqueued by anyone.
    second = workers.start("restarted")
    row = workers.wait_for(asset_id, lambda r: r["status"] in ("ready", "failed"))
    workers.kill(second)

    assert row["status"] == "ready", row["error_message"]
    assert row["lost_worker_id"] == killed["worker_id"]
    assert row["worker_lost_at"] is not None
    assert row["run"] == killed["run"] + 1
    # Since the kill nobody enqueued a job: only the pipeline's watch (due before the kill)
    # ran, and what followed is its doing: the job queued again once, the next watch, and
    # the search index updates of the video's row.
    with sqlite3.connect(workers.db, timeout=30) as db:
        paths = [
            path
            for (path,) in db.execute(
                "select task_path from django_tasks_database_dbtaskresult order by enqueued_at"
            ).fetchall()[tasks_before:]
        ]
    assert paths.count("media_pipeline.tasks.transcode_video_asset") == 1
    assert set(paths) <= {
        "media_pipeline.tasks.watch_video_jobs",
        "media_pipeline.tasks.transcode_video_asset",
        "modelsearch.tasks.insert_or_update_object_task",
    }
