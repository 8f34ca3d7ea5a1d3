"""The whole job: probe, plan, both ffmpeg passes, checks, manifest, and the publishing rename."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .binaries import find_binaries
from .checks import check_durations, check_playlist_durations
from .commands import build_ladder_command, build_preview_command
from .constants import (
    AUDIO_DOWNLOAD,
    AUDIO_INIT_FILE,
    AUDIO_PLAYLIST,
    LADDER_END,
    MANIFEST,
    MANIFEST_VERSION,
    MASTER_PLAYLIST,
    POSTER,
    PREVIEW_SHARE,
    THUMBS_IMAGE,
    THUMBS_VTT,
)
from .errors import FailureCode, TranscodeFailed
from .ladder import (
    STEREO_AUDIO,
    AudioPlan,
    Rung,
    ThumbnailGrid,
    plan_audio,
    plan_ladder,
    plan_thumbnails,
)
from .playlists import Variant, measure_playlist, write_master_playlist, write_thumbnails_vtt
from .probing import Probe, probe, validate
from .runner import _SpanReporter, run_ffmpeg
from .stereo import measure_mid_side


@dataclass(frozen=True)
class TranscodeResult:
    """What a finished run produced; ``files`` are relative to ``out_dir``."""

    probe: Probe
    out_dir: Path
    files: tuple[str, ...]
    rungs: tuple[Rung, ...]
    variants: tuple[Variant, ...]
    manifest: dict[str, Any] = field(default_factory=dict)
    audio: AudioPlan = STEREO_AUDIO

    @property
    def bandwidths(self) -> dict[str, tuple[int, int]]:
        """Measured (peak, average) bits per second per variant, audio included."""
        return {v.name: (v.bandwidth, v.average_bandwidth) for v in self.variants}


def transcode(
    src: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    on_progress: Callable[[float], None] | None = None,
    on_preview_ready: Callable[[dict[str, Path]], None] | None = None,
    max_duration_s: float = 4 * 3600,
    max_size_bytes: int | None = None,
    stall_timeout: float = 60.0,
) -> TranscodeResult:
    """Probe, validate, transcode and publish a lesson video into ``out_dir``.

    Everything is built in a hidden sibling folder (same filesystem, so the final move
    is a rename) and moved into place only once every check has passed; a failed run
    leaves ``out_dir`` as it was and no temporary folder behind, and a re-run replaces
    an earlier result whole.

    Before encoding, the sound's first two minutes are measured (:func:`measure_mid_side`)
    and :func:`plan_audio` decides mono at the speech bitrate or stereo; both passes and
    the master playlist follow that one decision, which ``audio`` in the result and the
    manifest record.

    ``on_preview_ready`` receives absolute paths of the preview files (keys ``mp4``,
    ``m4a``, ``poster``, ``thumbs``, ``thumbs_vtt``, present when made) as soon as they
    are complete and checked. They live in the temporary folder and are only valid
    during the call: upload or copy them there. ``on_progress`` gets rising fractions
    over both passes, ending at 1.0.

    Raises :class:`MediaRejected` for uploads that cannot become a lesson and
    :class:`TranscodeFailed` when ffmpeg does not deliver.
    """
    src = Path(src)
    out = Path(out_dir).resolve()
    ffmpeg_path, _ = find_binaries()
    info = probe(src)
    validate(info, max_duration_s=max_duration_s, max_size_bytes=max_size_bytes)
    rungs = plan_ladder(info)
    audio = plan_audio(info, measure_mid_side(src, info, ffmpeg_path=ffmpeg_path))
    default = rungs[0] if rungs else None
    progress = _SpanReporter(on_progress)

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".tmp-{out.name}-", dir=out.parent))
    try:
        # mkdtemp makes the folder private; the published lesson must be readable by
        # whatever serves it.
        work.chmod(0o755)
        preview: dict[str, str] = {}
        if default is not None:
            preview["mp4"] = default.preview_file
            preview["poster"] = POSTER
            preview["thumbs"] = THUMBS_IMAGE
            preview["thumbs_vtt"] = THUMBS_VTT
        if info.has_audio:
            preview["m4a"] = AUDIO_DOWNLOAD

        run_ffmpeg(
            build_preview_command(src, work, info, default, ffmpeg_path=ffmpeg_path, audio=audio),
            duration_s=info.duration,
            on_progress=progress.span(0.0, PREVIEW_SHARE),
            stall_timeout=stall_timeout,
        )
        grid = None
        if default is not None:
            grid = plan_thumbnails(info.duration, default)
            write_thumbnails_vtt(work, grid, info.duration)
        media = [name for name in preview.values() if name.endswith((".mp4", ".m4a"))]
        check_durations(work, info.duration, names=media)
        _require_files(work, preview.values())
        if on_preview_ready is not None:
            on_preview_ready({role: work / name for role, name in preview.items()})

        run_ffmpeg(
            build_ladder_command(src, work, info, rungs, ffmpeg_path=ffmpeg_path, audio=audio),
            duration_s=info.duration,
            on_progress=progress.span(PREVIEW_SHARE, LADDER_END),
            stall_timeout=stall_timeout,
        )
        if rungs:
            playlists = [r.playlist for r in rungs]
            inits = [r.init_file for r in rungs]
        else:
            playlists, inits = [AUDIO_PLAYLIST], [AUDIO_INIT_FILE]
        _require_files(work, [*playlists, *inits])
        durations = check_playlist_durations(work, info.duration, playlists=playlists)
        variants = write_master_playlist(work, rungs)

        manifest = _manifest(info, rungs, audio, variants, preview, grid, work)
        manifest["durations"] = {name: round(value, 3) for name, value in durations.items()}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        files = tuple(sorted(p.name for p in work.iterdir()))
        _publish(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    progress.emit(1.0)
    return TranscodeResult(
        probe=info,
        out_dir=out,
        files=files,
        rungs=tuple(rungs),
        variants=tuple(variants),
        manifest=manifest,
        audio=audio,
    )


def _require_files(folder: Path, names: Iterable[str]) -> None:
    missing = [n for n in names if not (folder / n).is_file() or (folder / n).stat().st_size == 0]
    if missing:
        raise TranscodeFailed(
            FailureCode.FFMPEG_ERROR,
            f"ffmpeg finished without writing {', '.join(missing)}.",
            detail="missing_outputs",
            params={"names": ", ".join(missing)},
        )


def _manifest(
    info: Probe,
    rungs: Sequence[Rung],
    audio_plan: AudioPlan,
    variants: Sequence[Variant],
    preview: Mapping[str, str],
    grid: ThumbnailGrid | None,
    folder: Path,
) -> dict[str, Any]:
    # The sound is muxed into every rung; only a lesson without video has a rendition of it.
    audio = None if rungs else measure_playlist(folder / AUDIO_PLAYLIST)
    by_name = {v.name: v for v in variants}
    return {
        "version": MANIFEST_VERSION,
        "duration": round(info.duration, 3),
        "source": {
            "width": info.width,
            "height": info.height,
            "rotation": info.rotation,
            "display_width": info.display_width,
            "display_height": info.display_height,
            "fps": round(info.fps, 3),
            "has_video": info.has_video,
            "has_audio": info.has_audio,
            "audio_channels": info.audio_channels,
            "video_codec": info.video_codec,
            "audio_codec": info.audio_codec,
            "size_bytes": info.size_bytes,
        },
        "master": MASTER_PLAYLIST,
        "mp4": preview.get("mp4"),
        "m4a": preview.get("m4a"),
        "poster": preview.get("poster"),
        "thumbs": (
            {
                "image": THUMBS_IMAGE,
                "vtt": THUMBS_VTT,
                "interval": grid.interval,
                "width": grid.tile_width,
                "height": grid.tile_height,
            }
            if grid is not None
            else None
        ),
        "audio": {
            "playlist": AUDIO_PLAYLIST if audio else None,
            "init": AUDIO_INIT_FILE if audio else None,
            "bandwidth": audio.peak_bps if audio else None,
            "average_bandwidth": audio.average_bps if audio else None,
            "generated_silence": not info.has_audio,
            "channels": audio_plan.channels,
            "bitrate": audio_plan.bitrate,
            "mid_db": audio_plan.mid_db,
            "side_db": audio_plan.side_db,
        },
        "rungs": [
            {
                "name": rung.name,
                "width": rung.width,
                "height": rung.height,
                "frame_rate": round(rung.frame_rate, 3),
                "playlist": rung.playlist,
                "init": rung.init_file,
                "bandwidth": by_name[rung.name].bandwidth,
                "average_bandwidth": by_name[rung.name].average_bandwidth,
                "codecs": by_name[rung.name].codecs,
            }
            for rung in rungs
        ],
    }


def _publish(work: Path, out: Path) -> None:
    """Swap the finished folder into place.

    A non-empty directory cannot be replaced in one syscall, so an earlier result is
    first renamed aside; the gap between the two renames is microseconds, and the old
    result is restored if the second rename fails.
    """
    if not out.exists():
        os.replace(work, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".old-{out.name}-", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(work, out)
    except BaseException:
        os.replace(old / out.name, out)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
