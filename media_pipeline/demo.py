"""Demo lectures made with ffmpeg by the worker, so a newcomer's lessons play within minutes.

Setup only queues them (``demo_video_ensure``); the worker generates each recording from its
recipe (``make_recipe_source``) and transcodes it like an upload, after the server is up.

Slides are coloured cards that change every few seconds, with a title when a CJK font is
installed; the sound is a voice-like hum in syllables with pauses, which exercises the
loudness normalisation the way speech does. Nothing is downloaded.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import ffmpeg as mp
from .models import VideoAsset

SLIDE_SECONDS = 20
FPS = 25


def cjk_font() -> str | None:
    """A font file that can draw Chinese titles, if fontconfig knows one."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list
            [fc_match, "-f", "%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = done.stdout.strip()
    if done.returncode != 0 or not path or not Path(path).is_file():
        return None
    return path if any(k in path.lower() for k in ("cjk", "wqy", "noto", "han", "droid")) else None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'").replace("%", "\\%")


def make_demo_lecture(
    target: Path, *, title: str, seconds: int = 150, portrait: bool = False
) -> Path:
    """Write a lecture-like recording to ``target`` and return it; takes a few seconds."""
    width, height = (360, 640) if portrait else (640, 360)
    card_w, card_h = int(width * 0.8), int(height * 0.55)
    video = (
        f"color=c=0x2d6a9f:s={width}x{height}:r={FPS}:d={seconds},"
        f"drawbox=x={(width - card_w) // 2}:y={(height - card_h) // 2}:w={card_w}:h={card_h}"
        ":color=white@0.92:t=fill,"
        f"drawbox=x={(width - card_w) // 2 + 20}:y={(height - card_h) // 2 + 30}"
        f":w={card_w // 2}:h=14:color=0x2d6a9f:t=fill,"
        f"drawbox=x={(width - card_w) // 2 + 20}:y={(height - card_h) // 2 + 70}"
        f":w={card_w - 40}:h=8:color=gray:t=fill,"
        f"drawbox=x={(width - card_w) // 2 + 20}:y={(height - card_h) // 2 + 95}"
        f":w={card_w - 90}:h=8:color=gray:t=fill,"
        f"hue=h='floor(t/{SLIDE_SECONDS})*53'"
    )
    font = cjk_font()
    if font:
        video += (
            f",drawtext=fontfile='{_escape(font)}':text='{_escape(title)}'"
            f":x=(w-text_w)/2:y=h*0.1:fontsize={max(18, width // 22)}:fontcolor=white,"
            f"drawtext=fontfile='{_escape(font)}':text='%{{eif\\:floor(t/{SLIDE_SECONDS})+1\\:d}}'"
            f":x=w-text_w-12:y=h-text_h-12:fontsize=18:fontcolor=white"
        )
    # A hum at speaking pitch with vibrato, shaped into ~4 syllables a second and a breath
    # every few seconds: the loudness filter then has pauses and peaks to deal with.
    voice = (
        "aevalsrc='0.5*(sin(2*PI*(130+25*sin(2*PI*0.6*t))*t)"
        "+0.4*sin(4*PI*(130+25*sin(2*PI*0.6*t))*t)"
        "+0.2*sin(6*PI*(130+25*sin(2*PI*0.6*t))*t))"
        "*pow(abs(sin(2*PI*2*t)),2)*between(mod(t,6),0,5.2)'"
        f":s=44100:d={seconds}"
    )
    ffmpeg_path, _ = mp.find_binaries()
    target.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        ffmpeg_path, "-nostdin", "-v", "error", "-y",
        "-f", "lavfi", "-i", video,
        "-f", "lavfi", "-i", voice,
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-crf", "30",
        "-pix_fmt", "yuv420p", "-g", str(FPS * 4),
        "-c:a", "aac", "-b:a", "64k", "-ac", "1",
        "-shortest", "-movflags", "+faststart", str(target),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, timeout=max(120, seconds * 2))  # noqa: S603
    return target


def make_recipe_source(recipe: dict, target: Path) -> Path:
    """The recording a queued demo asset's ``source_recipe`` describes, written to ``target``."""
    return make_demo_lecture(
        target,
        title=str(recipe.get("title") or ""),
        seconds=int(recipe.get("seconds") or 150),
        portrait=bool(recipe.get("portrait")),
    )


def demo_video_ensure(
    *, key: str, title: str, seconds: int = 150, portrait: bool = False, organisation=None
) -> VideoAsset:
    """The demo video for ``key``: queued the first time, for the worker to generate and
    transcode; loading the demo again finds the asset by its key and changes nothing."""
    from .services import video_asset_ensure

    return video_asset_ensure(
        demo_key=key,
        title=title,
        recipe={"title": title, "seconds": seconds, "portrait": portrait},
        organisation=organisation,
    )
