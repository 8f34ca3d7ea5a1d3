"""Transcodes through real Celery worker processes on the Redis at 127.0.0.1:6379.

The worker and the process that enqueues are separate processes sharing a SQLite file;
the test reads job state from that file directly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.media_pipeline.worker_processes import WorkerProcesses
from tests.support import require_service

REDIS = os.environ.get("NIGHTSCHOOL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Stack(WorkerProcesses):
    """Celery workers on a queue of their own, and the processes that enqueue."""

    def __init__(self, base: Path) -> None:
        self.queue = f"nightschool-test-{uuid.uuid4().hex[:8]}"
        super().__init__(
            base,
            settings="tests.media_pipeline.celery_settings",
            db_variable="NIGHTSCHOOL_CELERY_DB",
            CELERY_BROKER_URL=REDIS,
            NIGHTSCHOOL_CELERY_QUEUE=self.queue,
        )

    def start_worker(self, name: str) -> subprocess.Popen:
        worker = self.spawn(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "-Q",
                self.queue,
                "-c",
                "1",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in (self.base / f"{name}.log").read_text():
                return worker
            assert worker.poll() is None, (self.base / f"{name}.log").read_text()[-3000:]
            time.sleep(0.2)
        raise AssertionError("the Celery worker did not start")

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)

    def enqueue(self, source: Path, title: str) -> int:
        code = (
            "from media_pipeline.services import video_asset_create;"
            "from pathlib import Path;"
            f"a = video_asset_create(title={title!r}, source=Path({str(source)!r}));"
            "print(a.pk)"
        )
        return int(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def files(self, asset_uuid: str) -> list[str]:
        folder = self.media / "videos" / asset_uuid.replace("-", "")
        if not folder.exists():
            folder = self.media / "videos" / str(uuid.UUID(asset_uuid))
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    require_service("Redis on 127.0.0.1:6379", redis_up(), "start redis-server")
    stack = Stack(tmp_path_factory.mktemp("celery"))
    stack.manage("migrate", "--noinput", "-v", "0", timeout=300)
    yield stack
    stack.stop_all()


@pytest.fixture(scope="session")
def lecture_src(make_media) -> Path:
    """Long enough (24 s) that a worker can be killed in the middle of it."""
    return make_media(
        "lecture_640x360_24s.mp4",
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=30:duration=24",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=220:sample_rate=44100:duration=24",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-shortest",
        ],
    )


def test_a_celery_worker_transcodes_an_enqueued_video(stack, small_src):
    worker = stack.start_worker("first")
    try:
        asset_id = stack.enqueue(small_src, "celery")
        row = stack.wait_for(asset_id, lambda r: r["status"] in ("ready", "failed"))
    finally:
        stack.kill(worker)
    assert row["status"] == "ready", row["error_message"]
    assert row["published_run"] == 1
    names = stack.files(row["uuid"])
    assert "r1/master.m3u8" in names and "r1/v240_000.m4s" in names


def test_a_killed_worker_leaves_its_job_to_be_finished_without_orphans(stack, lecture_src):
    first = stack.start_worker("doomed")
    asset_id = stack.enqueue(lecture_src, "killed mid-job")
    stack.wait_for(asset_id, lambda r: r["status"] == "processing" and r["progress"] > 0.2)
    stack.kill(first)  # SIGKILL the worker, its pool process and its ffmpeg
    killed_at = stack.row(asset_id)
    assert killed_at["status"] == "processing"

    second = stack.start_worker("rescuer")
    try:
        row = stack.wait_for(asset_id, lambda r: r["status"] in ("ready", "failed"), timeout=180)
    finally:
        stack.kill(second)

    assert row["status"] == "ready", row["error_message"]
    assert row["run"] == killed_at["run"] + 1
    assert row["published_run"] == row["run"]
    names = stack.files(row["uuid"])
    runs = {name.split("/", 1)[0] for name in names}
    assert runs == {"original", f"r{row['run']}"}  # nothing left of the killed run
    assert not list((stack.base / "work").glob(f"{row['uuid']}*"))
