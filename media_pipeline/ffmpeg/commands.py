"""Building the two ffmpeg command lines (preview pass and ladder pass) from a plan."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ffmpeg

from .binaries import find_binaries
from .constants import (
    AUDIO_BITRATE,
    AUDIO_DOWNLOAD,
    AUDIO_GROUP,
    AUDIO_PLAYLIST,
    AUDIO_RATE,
    INIT_FILES,
    KEYFRAME_SECONDS,
    POSTER,
    POSTER_CANDIDATES,
    SEGMENT_FILES,
    SEGMENT_SECONDS,
    THUMBS_IMAGE,
    X264_PRESET,
)
from .ladder import Rung, plan_thumbnails
from .probing import Probe, _file_url


def _video_chain(stream: Any, rung: Rung) -> Any:
    # Autorotation happens before this chain, so sizes are in display orientation.
    return (
        stream.filter("fps", fps=str(rung.fps))
        .filter("scale", rung.width, rung.height)
        .filter("setsar", 1)
    )


def _audio_chain(stream: Any, info: Probe) -> Any:
    """Normalise to -16 LUFS in stereo at 48 kHz.

    Dynamic loudnorm upsamples to 192 kHz internally, hence the final resample. Audio
    that the container says is shorter than the video is padded with silence so every
    output lasts as long as the lesson; padding is based on the container's stream
    lengths, not on what decodes, so a truncated upload still shows up as short.
    """
    chain = stream.filter("aresample", **{"async": 1}).filter("loudnorm", I=-16, TP=-1.5, LRA=11)
    chain = chain.filter("aresample", AUDIO_RATE)
    if (
        info.has_video
        and info.video_duration is not None
        and info.audio_duration is not None
        and info.audio_duration < info.video_duration - 0.1
    ):
        chain = chain.filter("apad", whole_dur=f"{info.video_duration:.3f}")
    return chain


def _audio_options(bitrate: str) -> dict[str, Any]:
    return {"c:a": "aac", "b:a": bitrate, "ac": 2, "ar": AUDIO_RATE}


def _x264_options() -> dict[str, Any]:
    # Keyframes every 2 s at exact times, no scene-cut keyframes, constant frame rate:
    # segments then cut at identical 4.000 s boundaries in every rung.
    return {
        "c:v": "libx264",
        "preset": X264_PRESET,
        "profile:v": "high",
        "pix_fmt": "yuv420p",
        "force_key_frames": f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})",
        "sc_threshold": 0,
        "fps_mode": "cfr",
    }


def _compile(outputs: Sequence[Any], ffmpeg_path: str | None) -> list[str]:
    graph = ffmpeg.merge_outputs(*outputs) if len(outputs) > 1 else outputs[0]
    graph = graph.global_args("-nostdin", "-nostats", "-progress", "pipe:1").overwrite_output()
    return list(graph.compile(cmd=ffmpeg_path or find_binaries()[0]))


def build_preview_command(
    src: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    info: Probe,
    rung: Rung | None,
    *,
    ffmpeg_path: str | None = None,
    audio_bitrate: str = AUDIO_BITRATE,
) -> list[str]:
    """One decode giving the files that make a lesson usable early.

    Writes ``video_<short>.mp4`` (faststart, plays before the ladder exists and is the
    download), ``audio.m4a`` (listen-only), ``poster.jpg`` (the most representative
    of ~50 frames from the middle, which avoids black fade-ins) and ``thumbs.jpg``
    (seek sprite, see :func:`plan_thumbnails`). Sources without video get only the m4a;
    sources without sound get no m4a. ``rung`` is the default rung from
    :func:`plan_ladder` (None for audio-only sources).
    """
    out = Path(out_dir)
    source = ffmpeg.input(_file_url(src))
    outputs: list[Any] = []
    has_video = info.has_video and rung is not None

    audio_parts: list[Any] = []
    if info.has_audio:
        audio = _audio_chain(source[str(info.audio_stream)], info)
        if has_video:
            split_audio = audio.filter_multi_output("asplit", 2)
            audio_parts = [split_audio[0], split_audio[1]]
        else:
            audio_parts = [audio]

    if has_video:
        assert rung is not None
        video = _video_chain(source[str(info.video_stream)], rung)
        parts = video.filter_multi_output("split", 3)
        mp4_streams = [parts[0], *audio_parts[:1]]
        mp4_options = {
            **_x264_options(),
            "crf": rung.crf,
            "maxrate": f"{rung.maxrate_kbps}k",
            "bufsize": f"{rung.bufsize_kbps}k",
            "movflags": "+faststart",
            "map_metadata": -1,
            "f": "mp4",
        }
        if info.has_audio:
            mp4_options.update(_audio_options(audio_bitrate))
        outputs.append(ffmpeg.output(*mp4_streams, str(out / rung.preview_file), **mp4_options))

        # Frame indices are exact because the fps filter made the stream constant-rate.
        middle = int((info.video_duration or info.duration) / 2 * float(rung.fps))
        poster = (
            parts[1]
            .filter("trim", start_frame=middle, end_frame=middle + POSTER_CANDIDATES)
            .filter("thumbnail", POSTER_CANDIDATES)
        )
        outputs.append(ffmpeg.output(poster, str(out / POSTER), **_still_options(3)))

        grid = plan_thumbnails(info.duration, rung)
        sprite = (
            parts[2]
            .filter("fps", fps=f"1/{grid.interval}")
            .filter("scale", grid.tile_width, grid.tile_height)
            .filter("tile", f"{grid.columns}x{grid.rows}")
        )
        outputs.append(ffmpeg.output(sprite, str(out / THUMBS_IMAGE), **_still_options(5)))

    if audio_parts:
        outputs.append(
            ffmpeg.output(
                audio_parts[-1],
                str(out / AUDIO_DOWNLOAD),
                **_audio_options(audio_bitrate),
                movflags="+faststart",
                map_metadata=-1,
                f="ipod",
            )
        )
    return _compile(outputs, ffmpeg_path)


def _still_options(quality: int) -> dict[str, Any]:
    return {"frames:v": 1, "q:v": quality, "update": 1, "c:v": "mjpeg", "f": "image2"}


def build_ladder_command(
    src: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    info: Probe,
    rungs: Sequence[Rung],
    *,
    ffmpeg_path: str | None = None,
    audio_bitrate: str = AUDIO_BITRATE,
    segment_seconds: int = SEGMENT_SECONDS,
) -> list[str]:
    """One decode feeding every HLS rendition plus the shared audio rendition.

    The source is scaled once to the top rung before ``split`` so the other rungs
    scale from a small picture. Each rung is ``v<short>.m3u8``, its init segment
    ``v<short>_init.mp4`` and one fMP4 file per segment, ``v<short>_000.m4s`` on (see
    ``SEGMENT_FILES`` for why not one file per rendition); audio is ``audio.m3u8``,
    ``audio_init.mp4`` and ``audio_000.m4s`` on. A source without sound gets generated silence so
    every variant keeps its audio group (players and ffmpeg both trip over a
    variant whose group has no audio). No master playlist: see
    :func:`write_master_playlist`.
    """
    out = Path(out_dir)
    source = ffmpeg.input(_file_url(src))
    options: dict[str, Any] = {
        **_audio_options(audio_bitrate),
        "map_metadata": -1,
        "max_muxing_queue_size": 4096,
        "f": "hls",
        "hls_time": segment_seconds,
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_flags": "independent_segments",
        "hls_segment_filename": str(out / SEGMENT_FILES),
        "hls_fmp4_init_filename": INIT_FILES,
    }
    streams: list[Any] = []
    stream_map: list[str] = []

    if info.has_video and rungs:
        options.update(_x264_options())
        top = max(rungs, key=lambda r: r.short_side)
        video = _video_chain(source[str(info.video_stream)], top)
        parts = video.filter_multi_output("split", len(rungs)) if len(rungs) > 1 else None
        for index, rung in enumerate(rungs):
            branch = parts[index] if parts is not None else video
            if rung is not top:
                branch = branch.filter("scale", rung.width, rung.height).filter("setsar", 1)
            streams.append(branch)
            options[f"crf:v:{index}"] = rung.crf
            options[f"maxrate:v:{index}"] = f"{rung.maxrate_kbps}k"
            options[f"bufsize:v:{index}"] = f"{rung.bufsize_kbps}k"
            stream_map.append(f"v:{index},agroup:{AUDIO_GROUP},name:{rung.stem}")
        audio_name = Path(AUDIO_PLAYLIST).stem
        stream_map.append(f"a:0,agroup:{AUDIO_GROUP},name:{audio_name}")
    else:
        stream_map.append(f"a:0,name:{Path(AUDIO_PLAYLIST).stem}")
        # With one variant stream ffmpeg writes the init name as given, ``%v`` and all.
        options["hls_fmp4_init_filename"] = INIT_FILES.replace("%v", Path(AUDIO_PLAYLIST).stem)

    if info.has_audio:
        streams.append(_audio_chain(source[str(info.audio_stream)], info))
    else:
        length = info.video_duration or info.duration
        silence = ffmpeg.input(
            f"anullsrc=channel_layout=stereo:sample_rate={AUDIO_RATE}",
            f="lavfi",
            t=f"{length:.3f}",
        )
        streams.append(silence.audio)

    options["var_stream_map"] = " ".join(stream_map)
    output = ffmpeg.output(*streams, str(out / "%v.m3u8"), **options)
    return _compile([output], ffmpeg_path)
