"""Output file names and encoding choices, kept in one place so every step agrees on them."""

from __future__ import annotations

from fractions import Fraction

# Output layout. Names are part of the contract with storage and the player.
MASTER_PLAYLIST = "master.m3u8"
AUDIO_PLAYLIST = "audio.m3u8"
AUDIO_INIT_FILE = "audio_init.mp4"
# Every HLS segment is a file of its own (``v360_000.m4s``), behind an init segment
# (``v360_init.mp4``): Chromium's own HLS reads a byte-range segment of a one-file
# rendition from the file's start, so one file per rendition cost its whole length per
# segment. A file per segment is fetched once, whole, by every player and every CDN.
SEGMENT_FILES = "%v_%03d.m4s"
INIT_FILES = "%v_init.mp4"
AUDIO_DOWNLOAD = "audio.m4a"
POSTER = "poster.jpg"
THUMBS_IMAGE = "thumbs.jpg"
THUMBS_VTT = "thumbs.vtt"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 2  # 2: one file per HLS segment, behind an init file

# Encoding choices; see shared/research/video-pipeline.md for where they come from.
SEGMENT_SECONDS = 4
KEYFRAME_SECONDS = 2
MAX_FPS = Fraction(30)
MIN_FPS = Fraction(1)
AUDIO_BITRATE = "48k"
AUDIO_RATE = 48000
# A lecture voice needs no second channel. AAC-LC mono at 32 kbit/s and 48 kHz is the
# usual choice for speech (edX's chunkey gives its low rungs 32k audio, see the research
# note) and takes a third off the audio bytes, which are most of a slide-and-voice
# lesson. Real stereo keeps two channels at AUDIO_BITRATE.
AUDIO_MONO_BITRATE = "32k"
# Sound is "really stereo" when its side signal (L-R)/2 is louder than this, in dB
# relative to its mid signal (L+R)/2, RMS over the first STEREO_PROBE_SECONDS. Mono plays
# the mid signal and drops the side, so at -20 dB what is dropped carries at most 1% of
# the energy. Sound copied to both channels (a camera's or screen recorder's "stereo")
# measured 84-91 dB below the mid after AAC on generated tones; a channel left silent
# measures 0 dB, and opposite phase, which mono would cancel, more than that. The figure
# is reasoned from these levels; no listening test set it.
STEREO_SIDE_THRESHOLD_DB = -20.0
STEREO_PROBE_SECONDS = 120
STEREO_PROBE_TIMEOUT_S = 60.0
# Levels at or below this are silence (astats reports exact zeros as -inf).
SILENCE_DB = -120.0
AUDIO_CODECS = "mp4a.40.2"
X264_PRESET = "veryfast"
# (short side, CRF, maxrate kb/s, bufsize kb/s): capped CRF keeps slides tiny and
# caps busy footage at what a weak 3G link can carry.
LADDER: tuple[tuple[int, int, int, int], ...] = (
    (240, 28, 200, 400),
    (360, 27, 400, 800),
    (540, 26, 800, 1600),
    (720, 25, 1500, 3000),
)
DEFAULT_SHORT_SIDE = 360
MIN_DURATION_S = 0.5
REFUSED_FORMATS = frozenset({"hls", "applehttp", "concat", "ffconcat", "tty"})
MAX_FRAME_SIDE = 4096
DURATION_TOLERANCE_S = 1.0
DURATION_TOLERANCE_RATIO = 0.02
PROBE_TIMEOUT_S = 30.0
THUMB_SHORT_SIDE = 90
THUMB_MAX_COUNT = 100
THUMB_COLUMNS = 10
POSTER_CANDIDATES = 50

# Progress shares of the two passes: the preview pass decodes once at small size,
# the ladder pass encodes every rung.
PREVIEW_SHARE = 0.3
LADDER_END = 0.98
