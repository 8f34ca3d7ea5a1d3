"""Running ffmpeg: progress reports, the stall rule and the wall-clock limit."""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import IO

from .errors import FailureCode, TranscodeFailed
from .probing import _float


def default_timeout(duration_s: float) -> float:
    """Generous wall-clock limit for one ffmpeg pass on a 2-core machine."""
    return max(120.0, duration_s * 4 + 60)


WALL_BACKSTOP_FACTOR = 10


def is_stalled(
    *,
    timeout: float,
    since_advance_s: float,
    since_report_s: float,
    cpu_since_advance_s: float | None,
) -> bool:
    """Whether an ffmpeg run has stopped making progress, judged on ffmpeg's own clocks.

    Progress is ffmpeg's output time (``out_time`` of its ``-progress`` reports), never the
    wall clock alone: on a busy machine an encoder gets little CPU, its reports come slowly
    and its output time creeps, and that is slow, not stuck. A run is stalled only when its
    output time has not advanced for ``timeout`` seconds and, besides, one of these holds:

    - ffmpeg has used ``timeout`` seconds of CPU since its output time last advanced: it
      is working and producing nothing (a decoder spinning on a broken file). CPU time is
      what a starved process does not get, so load does not trigger this;
    - its progress reports have stopped arriving for ``timeout`` seconds: it is blocked
      (an input that never delivers, a hung filesystem). ffmpeg reports every half second
      while its loop turns, starved or not;
    - output time has not advanced for ``WALL_BACKSTOP_FACTOR`` times the timeout by the
      wall clock, whatever else is seen: the last resort for a stuck run that still reports.

    ``cpu_since_advance_s`` is None where the process's CPU time cannot be read (no /proc);
    the two other tests still apply.
    """
    if since_advance_s < timeout:
        return False
    if cpu_since_advance_s is not None and cpu_since_advance_s >= timeout:
        return True
    if since_report_s >= timeout:
        return True
    return since_advance_s >= timeout * WALL_BACKSTOP_FACTOR


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process and all its threads, from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: fields follow the last ")".
    fields = text[text.rfind(")") + 2 :].split()
    try:
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (IndexError, ValueError):
        return None


def run_ffmpeg(
    cmd: Sequence[str],
    *,
    duration_s: float,
    on_progress: Callable[[float], None] | None = None,
    stall_timeout: float = 60.0,
    timeout: float | None = None,
    progress_interval: float = 1.0,
) -> None:
    """Run ffmpeg, reporting progress and killing it if it hangs.

    ffmpeg must have been given ``-progress pipe:1``. Progress blocks are read on a
    thread so the watchdog keeps time even while ffmpeg writes nothing: a run that
    :func:`is_stalled` judges stuck (output time not advancing, and ffmpeg either burning
    ``stall_timeout`` CPU seconds for nothing or silent for ``stall_timeout`` seconds) is
    killed (STALLED), and the whole run is bounded by ``timeout`` (TIMEOUT). stderr goes
    to a temporary file, not a pipe, so a chatty ffmpeg can never block on a pipe nobody
    reads.

    ``on_progress`` gets fractions 0..1, rising, at most once per ``progress_interval``
    and 1.0 on success; it runs on the calling thread. If it raises (say, the lesson
    was deleted), ffmpeg is killed and the exception propagates.
    """
    limit = default_timeout(duration_s) if timeout is None else timeout
    reporter = _Reporter(on_progress, progress_interval)
    lines: queue.Queue[bytes | None] = queue.Queue()
    with tempfile.TemporaryFile() as stderr_file:
        proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
        )
        assert proc.stdout is not None
        reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
        reader.start()
        started = last_advance = last_report = time.monotonic()
        cpu_at_advance = process_cpu_seconds(proc.pid)
        best_time = -1.0
        block: dict[str, str] = {}
        try:
            while True:
                now = time.monotonic()
                if now - started >= limit:
                    _kill(proc)
                    raise TranscodeFailed(
                        FailureCode.TIMEOUT,
                        f"ffmpeg ran longer than {limit:g} s and was stopped.",
                        _tail(stderr_file),
                        detail="timeout",
                        params={"seconds": f"{limit:g}"},
                    )
                if now - last_advance >= stall_timeout:
                    cpu = process_cpu_seconds(proc.pid)
                    if is_stalled(
                        timeout=stall_timeout,
                        since_advance_s=now - last_advance,
                        since_report_s=now - last_report,
                        cpu_since_advance_s=(
                            cpu - cpu_at_advance
                            if cpu is not None and cpu_at_advance is not None
                            else None
                        ),
                    ):
                        _kill(proc)
                        raise TranscodeFailed(
                            FailureCode.STALLED,
                            f"ffmpeg made no progress for {now - last_advance:.0f} s "
                            "and was stopped.",
                            _tail(stderr_file),
                            detail="stalled",
                            params={"seconds": f"{now - last_advance:.0f}"},
                        )
                    wait = min(1.0, stall_timeout)
                else:
                    wait = last_advance + stall_timeout - now
                wait = min(wait, started + limit - now)
                try:
                    raw = lines.get(timeout=max(0.01, wait))
                except queue.Empty:
                    continue
                if raw is None:
                    break
                key, _, value = raw.decode("utf-8", "replace").strip().partition("=")
                if key != "progress":
                    block[key] = value
                    continue
                last_report = time.monotonic()
                seconds = _out_time(block)
                block = {}
                if value == "end" or (seconds is not None and seconds > best_time):
                    last_advance = last_report
                    cpu_at_advance = process_cpu_seconds(proc.pid)
                if seconds is not None and seconds > best_time:
                    best_time = seconds
                    if duration_s > 0:
                        reporter.report(min(1.0, seconds / duration_s))
            remaining = max(0.1, started + limit - time.monotonic())
            try:
                returncode = proc.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                _kill(proc)
                raise TranscodeFailed(
                    FailureCode.TIMEOUT,
                    f"ffmpeg ran longer than {limit:g} s and was stopped.",
                    _tail(stderr_file),
                    detail="timeout",
                    params={"seconds": f"{limit:g}"},
                ) from None
            if returncode != 0:
                raise TranscodeFailed(
                    FailureCode.FFMPEG_ERROR,
                    f"ffmpeg failed with exit code {returncode}.",
                    _tail(stderr_file),
                    detail="exit_code",
                    params={"code": returncode},
                )
            reporter.report(1.0, force=True)
        finally:
            if proc.poll() is None:
                _kill(proc)
            reader.join(timeout=5)
            proc.stdout.close()


def _pump(stream: IO[bytes], sink: queue.Queue[bytes | None]) -> None:
    try:
        for line in stream:
            sink.put(line)
    except (OSError, ValueError):
        pass
    finally:
        sink.put(None)


def _out_time(block: Mapping[str, str]) -> float | None:
    """Seconds of output written, from whichever key this ffmpeg version fills in."""
    for key, scale in (("out_time_us", 1e-6), ("out_time_ms", 1e-6)):
        value = _float(block.get(key))
        if value is not None and value >= 0:
            # out_time_ms has always held microseconds despite its name.
            return value * scale
    text = block.get("out_time", "")
    parts = text.split(":")
    if len(parts) == 3:
        try:
            hours, minutes, seconds = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            return None
        return hours * 3600 + minutes * 60 + seconds
    return None


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill ffmpeg and reap it.

    ffmpeg stays in our process group on purpose: a worker stopped with a signal to
    its group (Ctrl-C, ``kill 0`` in ``make run``) then stops its encoder too. That is
    also why :func:`find_binaries` skips launcher scripts: killing one would not stop
    the encoder it started.
    """
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def _tail(handle: IO[bytes], max_bytes: int = 4000, max_lines: int = 20) -> str:
    handle.flush()
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - max_bytes))
    text = handle.read().decode("utf-8", "replace")
    return "\n".join(text.strip().splitlines()[-max_lines:])


class _Reporter:
    """Rising, throttled progress: a courier's screen needs "still working", not 30 updates/s."""

    def __init__(self, callback: Callable[[float], None] | None, interval: float) -> None:
        self.callback = callback
        self.interval = interval
        self.last_value = -1.0
        self.last_time = float("-inf")

    def report(self, value: float, *, force: bool = False) -> None:
        if self.callback is None or value <= self.last_value:
            return
        now = time.monotonic()
        if not force and now - self.last_time < self.interval:
            return
        self.last_value, self.last_time = value, now
        self.callback(value)


class _SpanReporter:
    """Maps each pass's 0..1 onto its share of the whole job, never going backwards."""

    def __init__(self, callback: Callable[[float], None] | None) -> None:
        self.callback = callback
        self.last = 0.0

    def span(self, low: float, high: float) -> Callable[[float], None]:
        return lambda fraction: self.emit(low + (high - low) * fraction)

    def emit(self, value: float) -> None:
        value = min(1.0, value)
        if self.callback is not None and value > self.last:
            self.last = value
            self.callback(value)
