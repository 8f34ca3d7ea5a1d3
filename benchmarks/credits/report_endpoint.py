"""The study report endpoint under load, and verify_ledger over a large ledger, on PostgreSQL.

Serves the project with gunicorn and deploy/gunicorn.conf.py (production settings) from a fresh
PostgreSQL database, then drives two endpoints with the same asyncio load generator, each
client a distinct logged-in learner:

- POST /bench/bare: a bare Django JSON view behind the same middleware, session and CSRF
  checks (benchmarks/credits/bench_urls.py), the baseline;
- POST /api/study/reports: one progress report whose played range has grown with the wall
  time since the learner's session began, as a playing video's does (the goal's figure);
- the same endpoint driven by a script that claims 30 s more per report than has passed,
  which the server refuses (FASTER_THAN_REAL_TIME) and records: shown, not part of the goal.

Prints requests/s, p50/p95/p99 in ms for each and the throughput ratio (goal >= 0.5). Then
writes `--entries` hash-chained ledger entries for a few thousand learners and times
verify_ledger in a fresh process (seconds, seconds per million entries, peak RSS). The
benchmark database is dropped and the server stopped at the end, also on errors and Ctrl-C.

    .venv/bin/python benchmarks/credits/report_endpoint.py [--clients 100] [--seconds 20]
        [--entries 1000000]
"""

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"  # load stays on loopback
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = os.environ.get("NIGHTSCHOOL_BENCH_DATABASE", "nightschool_bench")
URLCONF = "benchmarks.credits.bench_urls"
BARE_PATH = "/bench/bare"
REPORT_PATH = "/api/study/reports"
SESSION_PATH = "/api/study/sessions"
LEDGER_LEARNERS = 4000
WARMUP_SECONDS = 3.0


def wsgi_application():
    """What the benchmark's gunicorn serves: the project, with the bare view's URLconf on top."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = URLCONF  # set before the first request; nothing is cached yet
    return get_wsgi_application()


def bench_environment(port: int, folder: Path) -> dict[str, str]:
    """Production settings, with only what a loopback run on plain HTTP must change."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS=HOST,
        CREDENTIAL_BASE_URL=f"http://{HOST}:{port}",  # plain http: a loopback host only
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        CACHE_URL="locmemcache://",
        LEDGER_HMAC_KEY=secrets.token_urlsafe(48),
        LEDGER_CHECKPOINT_DIR=str(folder / "ledger-checkpoints"),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"{HOST}:{port}",
        RUNTIME_DIRECTORY=str(folder),
        PYTHONPATH=str(ROOT),
    )
    return env


# --- The database.


def admin_execute(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


def database_create() -> None:
    admin_execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_execute(f"CREATE DATABASE {DB_NAME}")


def database_drop() -> None:
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110 - Django may not be set up yet; the drop forces anyway
        pass
    admin_execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- Learners with their own sessions.


@dataclass
class Learner:
    cookie: str
    csrf: str
    session: str = ""
    seq: int = 0
    started: float = 0.0  # time.perf_counter() when its watch session began


def learners_logged_in(count: int) -> tuple[int, list[Learner]]:
    """A course and lesson as study_reports.py builds them, and `count` enrolled learners."""
    from django.contrib.auth import get_user_model
    from django.http import HttpRequest
    from django.middleware.csrf import get_token
    from django.test import Client
    from django.utils import timezone

    from study_reports import world

    from courses import services as course_services

    user_model = get_user_model()
    lessons, first = world(1)
    lesson = lessons[0]
    course = lesson.get_parent().specific
    users = list(first)
    for n in range(len(first), count):
        user = user_model.objects.create(
            username=f"load{n}", phone=f"+8613900{n:05d}", role="learner"
        )
        course_services.enrolment_join(
            learner=user, course=course, now=timezone.now() - dt.timedelta(hours=30)
        )
        users.append(user)
    learners = []
    for user in users[:count]:
        client = Client()
        client.force_login(user)
        request = HttpRequest()
        masked = get_token(request)
        cookie = f"sessionid={client.cookies['sessionid'].value}; "
        cookie += f"csrftoken={request.META['CSRF_COOKIE']}"
        learners.append(Learner(cookie=cookie, csrf=masked))
    return lesson.pk, learners


# --- The server.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_start(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "benchmarks.credits.report_endpoint:wsgi_application()",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process


def server_wait(process: subprocess.Popen, port: int, log: Path, timeout: float = 90) -> None:
    """Until every worker answers: a GET to the bare view is refused with 405."""
    deadline = time.monotonic() + timeout
    answered = 0
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=5) as sock:
                sock.sendall(f"GET {BARE_PATH} HTTP/1.0\r\nHost: {HOST}\r\n\r\n".encode())
                if sock.recv(64).split(b" ")[1:2] == [b"405"]:
                    answered += 1
                    if answered >= 20:
                        return
                    continue
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def server_stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()  # gunicorn's master stops its own workers
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group holds only this gunicorn
        process.wait(timeout=10)


def server_shape(env: dict[str, str]) -> str:
    spec = {"__file__": str(ROOT / "deploy" / "gunicorn.conf.py")}
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        exec(  # noqa: S102 - our own deploy config, read for its worker count
            (ROOT / "deploy" / "gunicorn.conf.py").read_text(), spec
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return f"gunicorn {spec['worker_class']}, {spec['workers']} workers x {spec['threads']} threads"


# --- The load generator: one keep-alive HTTP/1.1 connection per client.


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    async def post(self, path: str, learner: Learner, payload: dict) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        body = json.dumps(payload, separators=(",", ":")).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            f"Cookie: {learner.cookie}\r\nX-CSRFToken: {learner.csrf}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "User-Agent: nightschool-bench\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed by the server")
        status = int(status_line.split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                data += await self.reader.readexactly(size + 2)
                data = data[:-2]
            await self.reader.readline()
        else:
            data = await self.reader.readexactly(int(headers.get("content-length", 0)))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, data


@dataclass
class Run:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    client_cpu: float = 0.0
    refusals: int = 0  # refused-time rows the run left (reports with time that did not count)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[max(0, math.ceil(p * len(ordered)) - 1)] if ordered else math.nan


def report_payload(learner: Learner, lesson_id: int, *, honest: bool = True) -> dict:
    """What the player sends: the whole of video.played so far. An honest one has played since
    its session began; the scripted one claims 30 s more with every report."""
    learner.seq += 1
    end = time.perf_counter() - learner.started if honest else 30.0 * learner.seq
    return {
        "session": learner.session,
        "seq": learner.seq,
        "lesson": lesson_id,
        "played": [[0.0, end]],
        "position": end,
        "event": "progress",
    }


async def drive(port: int, learners: list[Learner], seconds: float, request) -> Run:
    """Every client sends its next request as soon as the last one is answered."""
    run = Run()
    connections = [Connection(port) for _ in learners]
    await asyncio.gather(*(c.open() for c in connections))

    async def client(connection: Connection, learner: Learner, deadline: float) -> None:
        while time.perf_counter() < deadline:
            path, payload = request(learner)
            began = time.perf_counter()
            try:
                status, _body = await connection.post(path, learner, payload)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                run.errors += 1
                connection.close()
                continue
            run.latencies.append(time.perf_counter() - began)
            run.statuses[status] += 1

    cpu, began = time.process_time(), time.perf_counter()
    deadline = began + seconds
    try:
        pairs = zip(connections, learners, strict=True)
        await asyncio.gather(*(client(c, learner, deadline) for c, learner in pairs))
    finally:
        for connection in connections:
            connection.close()
    run.seconds = time.perf_counter() - began
    run.client_cpu = (time.process_time() - cpu) / run.seconds
    return run


async def sessions_start(port: int, learners: list[Learner], lesson_id: int) -> None:
    async def start(learner: Learner) -> None:
        connection = Connection(port)
        try:
            status, body = await connection.post(SESSION_PATH, learner, {"lesson": lesson_id})
        finally:
            connection.close()
        if status != 201:
            raise RuntimeError(f"starting a watch session: {status} {body[:300]!r}")
        learner.session = json.loads(body)["session"]
        learner.started = time.perf_counter()

    await asyncio.gather(*(start(learner) for learner in learners))


def load_test(port: int, learners: list[Learner], lesson_id: int, seconds: float) -> dict:
    def bare(learner: Learner):
        # The same body as a report; the bare view does not read it.
        body = report_payload(Learner("", "", learner.session, 9, learner.started), lesson_id)
        return BARE_PATH, body

    def report(learner: Learner):
        return REPORT_PATH, report_payload(learner, lesson_id)

    def scripted(learner: Learner):
        return REPORT_PATH, report_payload(learner, lesson_id, honest=False)

    def refusals() -> int:
        from django.db import connection

        from credits.models import RefusedTime

        try:
            return RefusedTime.objects.count()
        finally:
            connection.close()

    async def all_three() -> dict:
        await sessions_start(port, learners, lesson_id)
        runs = {}
        for name, request in (("bare view", bare), ("study report", report)):
            await drive(port, learners, WARMUP_SECONDS, request)
            runs[name] = await drive(port, learners, seconds, request)
        runs["study report"].refusals = await asyncio.to_thread(refusals)
        await sessions_start(port, learners, lesson_id)  # new page views for the script
        runs["scripted"] = await drive(port, learners, seconds, scripted)
        runs["scripted"].refusals = (
            await asyncio.to_thread(refusals) - runs["study report"].refusals
        )
        return runs

    return asyncio.run(all_three())


# --- The ledger.


def ledger_build(count: int, learners: int) -> tuple[int, float]:
    """`count` entries for `learners` learners, chained exactly as ledger_append chains them.

    Rows go in with COPY (bulk_create of a million rows takes several times longer); each
    entry's hash comes from credits.ledger over a LedgerEntry built with the same values, so the
    checker reads back what the service would have written.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from credits.ledger.chain import GENESIS, entry_content, entry_hash
    from credits.models import LearnerBalance, LedgerEntry

    began = time.perf_counter()
    user_model = get_user_model()
    admin = user_model.objects.create(username="ledger-admin", phone="+8613700000000", role="admin")
    user_model.objects.bulk_create(
        user_model(username=f"ledger{n}", phone=f"+8613600{n:05d}", role="learner")
        for n in range(learners)
    )
    ids = list(
        user_model.objects.filter(username__startswith="ledger", role="learner")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    start = timezone.now().replace(microsecond=123456) - dt.timedelta(days=400)
    columns = (
        "learner_id, seq, kind, minutes, reference, reason, actor_id, created_at, prev_hash, hash,"
        " hash_version"
    )
    balances = []
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY credits_ledgerentry ({columns}) FROM STDIN") as copy:
            for index, learner_id in enumerate(ids):
                share = count // len(ids) + (1 if index < count % len(ids) else 0)
                prev, total = GENESIS, 0
                for seq in range(1, share + 1):
                    entry = LedgerEntry(
                        learner_id=learner_id,
                        seq=seq,
                        kind=LedgerEntry.Kind.ASSESSMENT,
                        minutes=45 + seq % 90,
                        reference=f"exam-{seq}",
                        created_at=start + dt.timedelta(minutes=37 * seq, microseconds=seq),
                        prev_hash=prev,
                    )
                    if seq % 50 == 0:
                        entry.kind, entry.reference = LedgerEntry.Kind.TRANSFER, ""
                        entry.reason, entry.actor_id = "从另一所学校转入", admin.pk
                    elif seq % 97 == 0:
                        entry.kind, entry.reference = LedgerEntry.Kind.ADJUSTMENT, ""
                        entry.minutes = -45
                        entry.reason, entry.actor_id = "重复计入的课时", admin.pk
                    entry.hash = entry_hash(entry_content(entry), prev)
                    copy.write_row(
                        (
                            learner_id,
                            seq,
                            entry.kind,
                            entry.minutes,
                            entry.reference,
                            entry.reason,
                            entry.actor_id,
                            entry.created_at,
                            prev,
                            entry.hash,
                            entry.hash_version,
                        )
                    )
                    prev, total = entry.hash, total + entry.minutes
                written += share
                balances.append(
                    LearnerBalance(
                        learner_id=learner_id, total_minutes=total, entries=share, head_hash=prev
                    )
                )
                if index and index % 1000 == 0:
                    print(f"  ... {written:,} entries", flush=True)
        LearnerBalance.objects.bulk_create(balances, batch_size=2000)
        cursor.execute("ANALYZE credits_ledgerentry")
        cursor.execute("ANALYZE credits_learnerbalance")
    return written, time.perf_counter() - began


def verify_in_fresh_process(env: dict[str, str]) -> dict:
    """Run verify_ledger in its own process, so its peak RSS is its own."""
    result = subprocess.run(
        [sys.executable, __file__, "--verify-only"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"verify_ledger failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def verify_only() -> None:
    import io

    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = io.StringIO()
    began = time.perf_counter()
    call_command("verify_ledger", stdout=out)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rss_before_kib": rss_before,
                "peak_rss_kib": peak,
                "message": out.getvalue().strip(),
            }
        )
    )


# --- Output.


def run_line(name: str, run: Run) -> str:
    statuses = " ".join(f"{code}:{n}" for code, n in sorted(run.statuses.items()))
    return (
        f"{name:>13}: {run.rate:8.1f} req/s  p50 {run.percentile(0.50):7.1f}  "
        f"p95 {run.percentile(0.95):7.1f}  p99 {run.percentile(0.99):7.1f} ms  "
        f"[{statuses}; errors {run.errors}; refused-time rows {run.refusals}; "
        f"load generator {100 * run.client_cpu:.0f}% of a CPU]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--verify-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.verify_only:
        verify_only()
        return
    if not 1 <= args.clients <= 1000 or not 1 <= args.seconds <= 600:
        parser.error("--clients must be 1..1000 and --seconds 1..600")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = None
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = bench_environment(port, Path(folder))
        os.environ.update(env)
        log = Path(folder) / "gunicorn.log"
        try:
            print(f"database {DB_NAME}: creating and migrating", flush=True)
            database_create()
            setup_django()
            from django.db import connection

            lesson_id, learners = learners_logged_in(args.clients)
            print(f"{len(learners)} learners enrolled and logged in", flush=True)
            connection.close()

            shape = server_shape(env)
            server = server_start(env, log)
            server_wait(server, port, log)
            print(f"{shape} on {HOST}:{port}, lms.settings.production", flush=True)
            runs = load_test(port, learners, lesson_id, args.seconds)
            server_stop(server)
            for name, run in runs.items():
                print(run_line(name, run), flush=True)

            print(f"ledger: writing {args.entries:,} entries", flush=True)
            ledger_learners = max(1, min(LEDGER_LEARNERS, args.entries))
            written, build_seconds = ledger_build(args.entries, ledger_learners)
            print(f"ledger: {written:,} entries written in {build_seconds:.0f} s", flush=True)
            connection.close()
            verify = verify_in_fresh_process(env)
            print(f"verify_ledger: {verify['message']}", flush=True)
            pg_version = connection.pg_version
        finally:
            server_stop(server)
            database_drop()

    bare, report = runs["bare view"], runs["study report"]
    ratio = report.rate / bare.rate if bare.rate else math.nan
    per_million = verify["seconds"] * 1_000_000 / max(written, 1)
    print()
    print(
        f"{args.clients} clients x {args.seconds:g} s each, {shape}, "
        f"PostgreSQL {pg_version // 10000}.{pg_version % 10000}"
    )
    print(f"{'':14}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, run in runs.items():
        print(
            f"{name:<14}{run.rate:9.1f}{run.percentile(0.5):9.1f}"
            f"{run.percentile(0.95):9.1f}{run.percentile(0.99):9.1f}"
        )
    verdict = "met" if ratio >= 0.5 else "NOT met"
    print(f"throughput ratio report/bare: {ratio:.2f} (goal >= 0.5: {verdict})")
    scripted = runs["scripted"]
    print(
        f"  scripted faster-than-real-time reports, every one refused and recorded: "
        f"{scripted.rate / bare.rate if bare.rate else math.nan:.2f} of the bare view"
    )
    print(
        f"verify_ledger: {written:,} entries, {ledger_learners:,} learners: "
        f"{verify['seconds']:.1f} s = {per_million:.1f} s per million entries, "
        f"peak RSS {verify['peak_rss_kib'] / 1024:.0f} MiB "
        f"(after django.setup {verify['rss_before_kib'] / 1024:.0f} MiB)"
    )
    if written < 1_000_000:
        print(
            "  scaled from fewer than a million entries: the per-learner queries do not shrink "
            "with the entry count, so the per-million figure is an overestimate"
        )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\ninterrupted: server stopped, benchmark database dropped", file=sys.stderr)
        sys.exit(130)
