"""Building the ffmpeg command lines: the stereo measure, and the preview and ladder passes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ffmpeg

from .binaries import find_binaries
from .constants import (
    AUDIO_DOWNLOAD,
    AUDIO_PLAYLIST,
    AUDIO_RATE,
    INIT_FILES,
    KEYFRAME_SECONDS,
    POSTER,
    POSTER_CANDIDATES,
    SEGMENT_FILES,
    SEGMENT_SECONDS,
    STEREO_PROBE_SECONDS,
    THUMBS_IMAGE,
    X264_PRESET,
)
from .ladder import STEREO_AUDIO, AudioPlan, Rung, plan_thumbnails
from .probing import Probe, _file_url


def _video_chain(stream: Any, rung: Rung) -> Any:
    # Autorotation happens before this chain, so sizes are in display orientation.
    return (
        stream.filter("fps", fps=str(rung.fps))
        .filter("scale", rung.width, rung.height)
        .filter("setsar", 1)
    )


def _audio_chain(stream: Any, info: Probe, audio: AudioPlan) -> Any:
    """Normalise to -16 LUFS at 48 kHz, folded to mono first when ``audio`` says so.

    Mono is the mid signal (L+R)/2 that :func:`build_mid_side_command` measured, and
    loudnorm treats it as dual mono: it is heard on both earbuds, so it is measured as
    if played on two channels and comes out as loud as a stereo lesson would.

    Dynamic loudnorm upsamples to 192 kHz internally, hence the final resample. Audio
    that the container says is shorter than the video is padded with silence so every
    output lasts as long as the lesson; padding is based on the container's stream
    lengths, not on what decodes, so a truncated upload still shows up as short.
    """
    if audio.is_mono and info.audio_channels != 1:
        stream = _two_channels(stream, info).filter("pan", args="mono|c0=0.5*c0+0.5*c1")
    chain = stream.filter("aresample", **{"async": 1}).filter(
        "loudnorm", I=-16, TP=-1.5, LRA=11, dual_mono="true" if audio.is_mono else "false"
    )
    chain = chain.filter("aresample", AUDIO_RATE)
    if (
        info.has_video
        and info.video_duration is not None
        and info.audio_duration is not None
        and info.audio_duration < info.video_duration - 0.1
    ):
        chain = chain.filter("apad", whole_dur=f"{info.video_duration:.3f}")
    return chain


def _two_channels(stream: Any, info: Probe) -> Any:
    """Surround sound is downmixed to stereo first, the way ``-ac 2`` would play it."""
    if info.audio_channels > 2:
        return stream.filter("aformat", channel_layouts="stereo")
    return stream


def _audio_options(audio: AudioPlan) -> dict[str, Any]:
    return {"c:a": "aac", "b:a": audio.bitrate, "ac": audio.channels, "ar": AUDIO_RATE}


def build_mid_side_command(
    src: str | os.PathLike[str],
    info: Probe,
    levels_file: str | os.PathLike[str],
    *,
    seconds: float = STEREO_PROBE_SECONDS,
    ffmpeg_path: str | None = None,
) -> list[str]:
    """Decode the first ``seconds`` of sound only and write the RMS of mid and side.

    ``pan`` turns left/right into mid (L+R)/2 and side (L-R)/2; ``astats`` keeps running
    totals (``reset=0``) and tags every one-second frame with them, which ``ametadata``
    prints to ``levels_file``: its last ``lavfi.astats.1/2.RMS_level`` lines are the
    levels over the whole stretch. Read by :func:`measure_mid_side`. (``pan`` gets its
    gains as the ``args`` option: ffmpeg-python's escaping of ``=`` survives only there.)
    """
    source = ffmpeg.input(_file_url(src), t=f"{seconds:g}")
    levels = (
        _two_channels(source[str(info.audio_stream)], info)
        .filter("pan", args="stereo|c0=0.5*c0+0.5*c1|c1=0.5*c0-0.5*c1")
        .filter("asetnsamples", n=AUDIO_RATE, p=0)
        .filter(
            "astats",
            metadata=1,
            reset=0,
            measure_perchannel="RMS_level",
            measure_overall="none",
        )
        .filter("ametadata", mode="print", file=str(levels_file))
    )
    return _compile([ffmpeg.output(levels, "-", f="null")], ffmpeg_path)


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
    audio: AudioPlan = STEREO_AUDIO,
) -> list[str]:
    """One decode giving the files that make a lesson usable early.

    Writes ``video_<short>.mp4`` (faststart, plays before the ladder exists and is the
    download), ``audio.m4a`` (listen-only), ``poster.jpg`` (the most representative
    of ~50 frames from the middle, which avoids black fade-ins) and ``thumbs.jpg``
    (seek sprite, see :func:`plan_thumbnails`). Sources without video get only the m4a;
    sources without sound get no m4a. ``rung`` is the default rung from
    :func:`plan_ladder` (None for audio-only sources); ``audio`` is :func:`plan_audio`'s
    choice of channels and bitrate for both sound outputs.
    """
    out = Path(out_dir)
    source = ffmpeg.input(_file_url(src))
    outputs: list[Any] = []
    has_video = info.has_video and rung is not None

    audio_parts: list[Any] = []
    if info.has_audio:
        sound = _audio_chain(source[str(info.audio_stream)], info, audio)
        if has_video:
            split_audio = sound.filter_multi_output("asplit", 2)
            audio_parts = [split_audio[0], split_audio[1]]
        else:
            audio_parts = [sound]

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
            mp4_options.update(_audio_options(audio))
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
                **_audio_options(audio),
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
    audio: AudioPlan = STEREO_AUDIO,
    segment_seconds: int = SEGMENT_SECONDS,
) -> list[str]:
    """One decode feeding every HLS rendition, each carrying its own copy of the sound.

    The source is scaled once to the top rung before ``split`` so the other rungs
    scale from a small picture. Each rung is ``v<short>.m3u8``, its init segment
    ``v<short>_init.mp4`` and one fMP4 file per segment, ``v<short>_000.m4s`` on (see
    ``SEGMENT_FILES`` for why not one file per rendition). The sound, with the channels and
    bitrate ``audio`` chose (the same as the preview's), is muxed into every rung rather than
    kept as a rendition of its own: a player then needs one playlist, one init file and one
    segment for its first frame, not two of each one after the other, which on a 400 ms link
    is a second saved; the sound costs each rung a few kilobytes more in storage. Only a
    source without video gets an audio rendition, ``audio.m3u8``, ``audio_init.mp4`` and
    ``audio_000.m4s`` on. A source without sound gets generated mono silence so every
    rung plays alike. No master playlist: see :func:`write_master_playlist`.
    """
    out = Path(out_dir)
    source = ffmpeg.input(_file_url(src))
    options: dict[str, Any] = {
        **_audio_options(audio),
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
            stream_map.append(f"v:{index},a:{index},name:{rung.stem}")
        copies = len(rungs)
    else:
        copies = 1
        stream_map.append(f"a:0,name:{Path(AUDIO_PLAYLIST).stem}")

    if info.has_audio:
        sound = _audio_chain(source[str(info.audio_stream)], info, audio)
    else:
        length = info.video_duration or info.duration
        layout = "mono" if audio.is_mono else "stereo"
        silence = ffmpeg.input(
            f"anullsrc=channel_layout={layout}:sample_rate={AUDIO_RATE}",
            f="lavfi",
            t=f"{length:.3f}",
        )
        sound = silence.audio
    if copies > 1:
        split = sound.filter_multi_output("asplit", copies)
        streams += [split[index] for index in range(copies)]
    else:
        streams.append(sound)

    options["var_stream_map"] = " ".join(stream_map)
    if len(stream_map) == 1:
        # With one variant stream ffmpeg writes the init name as given, ``%v`` and all.
        name = stream_map[0].rsplit("name:", 1)[1]
        options["hls_fmp4_init_filename"] = INIT_FILES.replace("%v", name)
    output = ffmpeg.output(*streams, str(out / "%v.m3u8"), **options)
    return _compile([output], ffmpeg_path)
