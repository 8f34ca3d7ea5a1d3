"""When an ffmpeg run counts as stalled: on ffmpeg's own output time and CPU time, so a busy
machine makes a job slow, not failed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from media_pipeline import ffmpeg as mp

T = 60.0


def stalled(advance: float, report: float, cpu: float | None) -> bool:
    return mp.is_stalled(
        timeout=T, since_advance_s=advance, since_report_s=report, cpu_since_advance_s=cpu
    )


def test_output_time_that_advanced_within_the_timeout_is_never_a_stall():
    assert not stalled(advance=59, report=500, cpu=500)


def test_a_starved_encoder_that_still_reports_is_slow_not_stalled():
    # 15 jobs on 2 cores: two minutes without new output time, little CPU, reports coming.
    assert not stalled(advance=120, report=0.5, cpu=8)


def test_an_encoder_burning_cpu_without_output_is_stalled():
    assert stalled(advance=61, report=0.5, cpu=60)


def test_an_encoder_whose_reports_stopped_is_stalled():
    assert stalled(advance=61, report=61, cpu=0)
    assert stalled(advance=61, report=61, cpu=None)


def test_without_cpu_time_a_reporting_encoder_fails_only_at_the_wall_backstop():
    backstop = T * mp.WALL_BACKSTOP_FACTOR
    assert not stalled(advance=backstop - 1, report=0.5, cpu=None)
    assert stalled(advance=backstop, report=0.5, cpu=None)


@given(
    advance=st.floats(min_value=0, max_value=1e6),
    report=st.floats(min_value=0, max_value=1e6),
    cpu=st.none() | st.floats(min_value=0, max_value=1e6),
    more=st.floats(min_value=0, max_value=1e6),
)
def test_waiting_longer_never_turns_a_stall_back_into_progress(advance, report, cpu, more):
    if stalled(advance, report, cpu):
        assert stalled(advance + more, report + more, None if cpu is None else cpu + more)
    if advance < T:
        assert not stalled(advance, report, cpu)


def test_cpu_seconds_of_a_busy_process_are_read_from_proc():
    if not os.path.exists(f"/proc/{os.getpid()}/stat"):
        pytest.skip("no /proc on this system")
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    proc = subprocess.Popen([sys.executable, "-c", spin + "\nimport time; time.sleep(30)"])
    try:
        used = 0.0
        for _ in range(200):
            used = mp.process_cpu_seconds(proc.pid) or 0.0
            if used >= 0.3:
                break
            time.sleep(0.05)
        assert used >= 0.3
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert mp.process_cpu_seconds(proc.pid) is None


def test_a_slow_run_whose_reports_keep_coming_is_not_killed(ffmpeg_bin):
    """Output time advances every 2 s while reports come every 0.5 s: with a 1 s timeout
    the old wall-clock rule killed this run; it is slow, and it finishes."""
    cmd = [ffmpeg_bin, "-nostdin", "-nostats", "-progress", "pipe:1", "-y", "-re"]
    cmd += ["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=0.5:duration=4", "-f", "null", "-"]
    seen: list[float] = []
    mp.run_ffmpeg(cmd, duration_s=4, stall_timeout=1.0, on_progress=seen.append)
    assert seen and seen[-1] == 1.0
