"""Telling a recording from a file renamed to look like one, by its first bytes.

A container announces itself in its opening bytes; a text file, a document or a picture
renamed ``.mp4`` does not. Looking is cheap and needs no ffprobe, so an upload is refused
as soon as its first chunk arrives instead of after the whole file has crossed a weak
link. It is a first gate only: ffprobe still reads every upload that passes it.
"""

from __future__ import annotations

HEAD_BYTES = 1024
TS_PACKET = 188
M2TS_PACKET = 192

# ISO base media (MP4, MOV, 3GP, M4A) opens with a box: 4 bytes of size, then its type.
# Old QuickTime files may open with a box other than ``ftyp``.
_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid")
_PREFIXES = (
    b"\x1a\x45\xdf\xa3",  # Matroska, WebM (EBML)
    b"\x30\x26\xb2\x75\x8e\x66\xcf\x11",  # ASF, WMV, WMA
    b"\x00\x00\x01\xba",  # MPEG program stream (VOB, MPG)
    b"\x00\x00\x01\xb3",  # MPEG-1/2 video elementary stream
    b"FLV\x01",
    b"OggS",
    b"fLaC",
    b"ID3",  # MP3 with tags
    b"#!AMR",
    b"caff",  # Core Audio
    b"FORM",  # AIFF
)
_RIFF_KINDS = (b"AVI ", b"AVIX", b"WAVE", b"CDXA")


def looks_like_media(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file, up to ``HEAD_BYTES``) opens a known
    audio or video container.

    The full head of a file at least ``HEAD_BYTES`` long should be given: MPEG transport
    streams are recognised by their sync byte recurring packet after packet.
    """
    if len(head) >= 8 and head[4:8] in _ISO_BOXES:
        return True
    if head.startswith(_PREFIXES):
        return True
    if head[:4] == b"RIFF" and head[8:12] in _RIFF_KINDS:
        return True
    if _is_transport_stream(head, TS_PACKET, 0) or _is_transport_stream(head, M2TS_PACKET, 4):
        return True
    return _is_audio_frame(head)


def _is_transport_stream(head: bytes, packet: int, offset: int) -> bool:
    """A sync byte 0x47 at the start of every packet the head holds (at least two)."""
    starts = range(offset, len(head), packet)
    return len(head) > offset + packet and all(head[at] == 0x47 for at in starts)


def _is_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame or ADTS (AAC) header, as a bare .mp3 or .aac begins."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    if head[1] & 0xF6 == 0xF0:  # ADTS: sync, layer 00
        return True
    version, layer = (head[1] >> 3) & 0x03, (head[1] >> 1) & 0x03
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0x03
    return version != 0x01 and layer != 0 and bitrate not in (0, 0x0F) and rate != 0x03
