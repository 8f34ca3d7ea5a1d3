"""Tiny generated media files for the transcoding tests.

Sources are made once per test session with ffmpeg's lavfi test sources, small and
short so the whole module stays fast on a 2-core machine.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from media_pipeline import ffmpeg as mp
from tests.support import require_service

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "media-corpus"

Maker = Callable[[str, list[str]], Path]


@pytest.fixture(scope="session")
def ffmpeg_bin() -> str:
    return mp.find_binaries()[0]


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sources")


@pytest.fixture(scope="session")
def make_media(ffmpeg_bin: str, media_dir: Path) -> Maker:
    def make(name: str, args: list[str]) -> Path:
        target = media_dir / name
        if not target.exists():
            subprocess.run(
                [ffmpeg_bin, "-nostdin", "-v", "error", "-y", *args, str(target)],
                check=True,
                timeout=60,
            )
        return target

    return make


def _video(size: str, seconds: float, rate: str = "30") -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}"]


def _tone(seconds: float, frequency: int = 440) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate=44100:duration={seconds}"]


_X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
_AAC = ["-c:a", "aac", "-b:a", "64k"]


@pytest.fixture(scope="session")
def landscape_src(make_media: Maker) -> Path:
    """640x360, 9 s: long enough for two full 4 s segments and a short last one."""
    return make_media(
        "landscape_640x360.mp4",
        [*_video("640x360", 9), *_tone(9), *_X264, *_AAC, "-shortest", "-movflags", "+faststart"],
    )


@pytest.fixture(scope="session")
def small_src(make_media: Maker) -> Path:
    return make_media(
        "small_320x240.mp4",
        [*_video("320x240", 3, rate="25"), *_tone(3), *_X264, *_AAC, "-shortest"],
    )


@pytest.fixture(scope="session")
def portrait_src(make_media: Maker) -> Path:
    return make_media(
        "portrait_360x640.mp4",
        [*_video("360x640", 4, rate="30000/1001"), *_tone(4), *_X264, *_AAC, "-shortest"],
    )


@pytest.fixture(scope="session")
def rotated_src(make_media: Maker, small_src: Path) -> Path:
    """Stored 320x240 landscape, display matrix says turn it: what phones record upright."""
    try:
        return make_media(
            "rotated_320x240.mp4", ["-display_rotation", "90", "-i", str(small_src), "-c", "copy"]
        )
    except subprocess.CalledProcessError:
        # ffmpeg before 6.0 has no -display_rotation but honours the legacy tag.
        return make_media(
            "rotated_320x240.mp4",
            ["-i", str(small_src), "-c", "copy", "-metadata:s:v:0", "rotate=90"],
        )


@pytest.fixture(scope="session")
def no_audio_src(make_media: Maker) -> Path:
    return make_media("no_audio_320x240.mp4", [*_video("320x240", 3), *_X264])


@pytest.fixture(scope="session")
def audio_only_src(make_media: Maker) -> Path:
    return make_media("audio_only.m4a", [*_tone(3, frequency=330), *_AAC])


@pytest.fixture(scope="session")
def vfr_src(make_media: Maker) -> Path:
    """Variable frame rate (bursts of dropped frames), as phone screen recordings are."""
    return make_media(
        "vfr_320x240.mp4",
        [
            *_video("320x240", 9),
            *_tone(9),
            "-vf",
            "select='not(between(mod(n\\,30)\\,8\\,19))'",
            "-fps_mode",
            "vfr",
            *_X264,
            *_AAC,
            "-shortest",
        ],
    )


def _stereo(left: str, right: str, seconds: float) -> list[str]:
    """Two channels from two lavfi expressions in t, as a recorder would store them."""
    return ["-f", "lavfi", "-i", f"aevalsrc={left}|{right}:s=44100:d={seconds}"]


@pytest.fixture(scope="session")
def dual_mono_src(make_media: Maker) -> Path:
    """A voice copied to both channels: what cameras and screen recorders call stereo."""
    tone = "0.5*sin(2*PI*440*t)"
    return make_media(
        "dual_mono_320x240.mp4",
        [*_video("320x240", 4, rate="25"), *_stereo(tone, tone, 4), *_X264, *_AAC, "-shortest"],
    )


@pytest.fixture(scope="session")
def two_tone_src(make_media: Maker) -> Path:
    """Left and right carry different sounds: real stereo."""
    left, right = "0.5*sin(2*PI*440*t)", "0.5*sin(2*PI*660*t)"
    return make_media(
        "two_tone_320x240.mp4",
        [*_video("320x240", 4, rate="25"), *_stereo(left, right, 4), *_X264, *_AAC, "-shortest"],
    )


@pytest.fixture(scope="session")
def late_stereo_src(make_media: Maker) -> Path:
    """The same in both channels for 2 s, then different: tells how far the measure reads."""
    left = "0.5*sin(2*PI*440*t)"
    right = "if(lt(t\\,2)\\,0.5*sin(2*PI*440*t)\\,0.5*sin(2*PI*660*t))"
    return make_media("late_stereo.m4a", [*_stereo(left, right, 4), *_AAC])


@pytest.fixture(scope="session")
def empty_src(media_dir: Path) -> Path:
    target = media_dir / "empty.mp4"
    target.write_bytes(b"")
    return target


@pytest.fixture(scope="session")
def truncated_src(make_media: Maker, media_dir: Path) -> Path:
    """A faststart upload cut off at 45%: headers promise 6 s, the data holds less."""
    whole = make_media(
        "whole_640x360.mp4",
        [*_video("640x360", 6), *_tone(6), *_X264, *_AAC, "-shortest", "-movflags", "+faststart"],
    )
    data = whole.read_bytes()
    target = media_dir / "truncated_640x360.mp4"
    target.write_bytes(data[: int(len(data) * 0.45)])
    return target


@pytest.fixture(scope="session")
def subtitles_only_src(media_dir: Path) -> Path:
    """Readable by ffprobe, but neither picture nor sound."""
    target = media_dir / "captions.srt"
    target.write_text("1\n00:00:00,000 --> 00:00:02,000\nHello\n\n", encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    require_service("the real-world media corpus", CORPUS.is_dir(), f"expected at {CORPUS}")
    return CORPUS
