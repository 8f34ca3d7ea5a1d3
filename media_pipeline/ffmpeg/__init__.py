"""Turn an uploaded lesson video into files a courier's cheap phone can play on weak data.

This package is the one place that knows ffmpeg. It is plain Python (no Django) so the
same code serves the background task and the database-free ``manage.py transcode``.

The work is done in two ffmpeg runs, so a lesson becomes playable long before the
whole ladder is ready:

1. **Preview**: one decode producing the small progressive MP4 (download and
   fallback), the listen-only ``audio.m4a``, the poster and the thumbnail sprite.
2. **Ladder**: one decode feeding every HLS rendition (fMP4, 4 s segments, 2 s
   closed GOPs, one file per rendition). A single process is markedly faster than
   one process per rung because the source is decoded and downscaled once.

Then the master playlist is written here from measured segment sizes (ffmpeg's own
lacks AVERAGE-BANDWIDTH and FRAME-RATE), every output's duration is checked against
the source (a truncated upload can decode "successfully" into a short lesson), and
the finished folder is moved into place in one rename, so readers never see half a
lesson.

Before either, the first two minutes of sound are measured (``stereo``): speech that is
the same in both channels, as most lecture recordings are, is encoded mono at a speech
bitrate, and only sound that is really stereo keeps two channels.

One module per step: ``binaries``, ``probing`` (probe and validation), ``stereo`` (the
mid/side measure), ``ladder`` (the plan, video and audio), ``commands``, ``runner``
(progress and the stall rule), ``playlists``, ``checks`` and ``job`` (the whole run),
over ``constants`` and ``errors``. Every name that was public here before is imported
from this package as before.
"""

from __future__ import annotations

from .binaries import (
    find_binaries,
)
from .checks import (
    check_durations,
)
from .commands import (
    build_ladder_command,
    build_mid_side_command,
    build_preview_command,
)
from .constants import (  # noqa: F401 - public as before
    AUDIO_BITRATE,
    AUDIO_CODECS,
    AUDIO_DOWNLOAD,
    AUDIO_INIT_FILE,
    AUDIO_MONO_BITRATE,
    AUDIO_PLAYLIST,
    AUDIO_RATE,
    DEFAULT_SHORT_SIDE,
    DURATION_TOLERANCE_RATIO,
    DURATION_TOLERANCE_S,
    KEYFRAME_SECONDS,
    LADDER,
    LADDER_END,
    MANIFEST,
    MANIFEST_VERSION,
    MASTER_PLAYLIST,
    MAX_FPS,
    MAX_FRAME_SIDE,
    MIN_DURATION_S,
    MIN_FPS,
    POSTER,
    POSTER_CANDIDATES,
    PREVIEW_SHARE,
    PROBE_TIMEOUT_S,
    REFUSED_FORMATS,
    SEGMENT_SECONDS,
    SILENCE_DB,
    STEREO_PROBE_SECONDS,
    STEREO_PROBE_TIMEOUT_S,
    STEREO_SIDE_THRESHOLD_DB,
    THUMB_COLUMNS,
    THUMB_MAX_COUNT,
    THUMB_SHORT_SIDE,
    THUMBS_IMAGE,
    THUMBS_VTT,
    X264_PRESET,
)
from .errors import (
    BinariesNotFound,
    FailureCode,
    MediaRejected,
    RejectCode,
    TranscodeFailed,
)
from .job import (
    TranscodeResult,
    transcode,
)
from .ladder import (
    MONO_AUDIO,
    STEREO_AUDIO,
    AudioPlan,
    MidSide,
    Rung,
    ThumbnailGrid,
    plan_audio,
    plan_ladder,
    plan_thumbnails,
)
from .playlists import (
    PlaylistStats,
    Variant,
    measure_playlist,
    write_master_playlist,
    write_thumbnails_vtt,
)
from .probing import (
    Probe,
    probe,
    validate,
)
from .runner import (  # noqa: F401 - public as before
    WALL_BACKSTOP_FACTOR,
    default_timeout,
    is_stalled,
    process_cpu_seconds,
    run_ffmpeg,
)
from .signatures import HEAD_BYTES, looks_like_media
from .stereo import measure_mid_side, parse_mid_side

__all__ = [
    "AUDIO_DOWNLOAD",
    "AUDIO_INIT_FILE",
    "AUDIO_PLAYLIST",
    "MANIFEST",
    "HEAD_BYTES",
    "MASTER_PLAYLIST",
    "MONO_AUDIO",
    "POSTER",
    "STEREO_AUDIO",
    "THUMBS_IMAGE",
    "THUMBS_VTT",
    "AudioPlan",
    "BinariesNotFound",
    "FailureCode",
    "MediaRejected",
    "MidSide",
    "PlaylistStats",
    "Probe",
    "RejectCode",
    "Rung",
    "ThumbnailGrid",
    "TranscodeFailed",
    "TranscodeResult",
    "Variant",
    "build_ladder_command",
    "build_mid_side_command",
    "build_preview_command",
    "check_durations",
    "default_timeout",
    "find_binaries",
    "is_stalled",
    "looks_like_media",
    "measure_mid_side",
    "measure_playlist",
    "parse_mid_side",
    "plan_audio",
    "plan_ladder",
    "plan_thumbnails",
    "probe",
    "process_cpu_seconds",
    "run_ffmpeg",
    "transcode",
    "validate",
    "write_master_playlist",
    "write_thumbnails_vtt",
]
