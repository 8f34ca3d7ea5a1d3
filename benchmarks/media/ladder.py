"""One-process HLS ladder vs one ffmpeg run per rung, on the same source, in the same run.

    .venv/bin/python benchmarks/media/ladder.py [--seconds 60] [--size 1920x1080] [--repeat 1]

Prints wall times, the ratio separate/single (goal: >= 1.5) and the ladder's speed as a
multiple of real time (goal: >= 2.5x for 1080p on 2 vCPU). The source is generated with
ffmpeg (a busy test pattern with a tone), so the numbers are reproducible anywhere.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from media_pipeline import ffmpeg as mp  # noqa: E402


def make_source(folder: Path, seconds: int, size: str) -> Path:
    target = folder / f"source_{size}_{seconds}s.mp4"
    ffmpeg, _ = mp.find_binaries()
    subprocess.run(
        [
            ffmpeg, "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=220:sample_rate=48000:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "12M",
            "-c:a", "aac", "-b:a", "128k", "-shortest", str(target),
        ],
        check=True,
        timeout=600,
    )  # fmt: skip
    return target


def timed(cmd: list[str], duration: float) -> float:
    started = time.perf_counter()
    mp.run_ffmpeg(cmd, duration_s=duration, stall_timeout=120)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ladder-bench-") as tmp:
        folder = Path(tmp)
        src = make_source(folder, args.seconds, args.size)
        info = mp.probe(src)
        rungs = mp.plan_ladder(info)
        print(f"source {info.display_width}x{info.display_height}, {info.duration:.0f} s, "
              f"rungs {[r.name for r in rungs]}, {os.cpu_count()} CPUs")  # fmt: skip
        singles, separates = [], []
        for attempt in range(args.repeat):
            out = folder / f"single{attempt}"
            out.mkdir()
            singles.append(timed(mp.build_ladder_command(src, out, info, rungs), info.duration))
            total = 0.0
            for rung in rungs:
                out = folder / f"sep{attempt}_{rung.name}"
                out.mkdir()
                total += timed(mp.build_ladder_command(src, out, info, [rung]), info.duration)
            separates.append(total)
        single, separate = min(singles), min(separates)
        print(
            f"one process, whole ladder : {single:7.1f} s  ({info.duration / single:.2f}x realtime)"
        )
        speed = info.duration / separate
        print(f"one process per rung      : {separate:7.1f} s  ({speed:.2f}x realtime)")
        print(f"ratio separate / single   : {separate / single:.2f}  (goal >= 1.5)")
        speed = info.duration / single
        print(f"ladder speed              : {speed:.2f}x realtime  (goal >= 2.5 at 1080p)")


if __name__ == "__main__":
    main()
