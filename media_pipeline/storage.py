"""The one place that writes lesson-video files to storage and reads them back.

Works through Django's default storage, so the local folder of `make run` and S3 (via
django-storages, see :class:`MediaS3Storage`) take the same path. Output folders are
per run (``videos/<uuid>/r<run>/``), which is what lets segments be cached forever.
"""

from __future__ import annotations

import mimetypes
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

PLAYLIST_CACHE = "public, max-age=60"
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".mp4": "video/mp4",
    ".m4s": "video/mp4",
    ".m4a": "audio/mp4",
    ".jpg": "image/jpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json",
}
COPY_CHUNK = 1024 * 1024


def content_type_for(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def cache_control_for(name: str) -> str:
    """Playlists may still be rewritten while a lesson is processed; everything else in a
    run's folder never changes once written."""
    if PurePosixPath(name).suffix.lower() in (".m3u8", ".json"):
        return PLAYLIST_CACHE
    return IMMUTABLE_CACHE


def _storage() -> Storage:
    return default_storage


def is_local() -> bool:
    return isinstance(_storage(), FileSystemStorage)


def put_file(local: Path, name: str) -> str:
    """Write one file under exactly ``name``; a rerun overwrites instead of renaming."""
    storage = _storage()
    if storage.exists(name):
        storage.delete(name)
    with open(local, "rb") as handle:
        saved = storage.save(name, File(handle, name=PurePosixPath(name).name))
    if saved != name:
        raise RuntimeError(f"storage saved {name!r} as {saved!r}")
    return saved


def put_folder(
    folder: Path,
    prefix: str,
    *,
    skip: Iterable[str] = (),
    on_file: Callable[[str], None] | None = None,
) -> list[str]:
    """Upload every file of ``folder`` under ``prefix``; media before playlists, so a
    playlist never points at a segment that is not there yet."""
    skipped = set(skip)
    files = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.name not in skipped),
        key=lambda p: (p.suffix == ".m3u8", p.name),
    )
    written = []
    for path in files:
        written.append(put_file(path, prefix + path.name))
        if on_file is not None:
            on_file(path.name)
    return written


def fetch_original(name: str, target: Path) -> Path:
    """A local path to the original: the file itself on local storage, else a streamed copy."""
    storage = _storage()
    if isinstance(storage, FileSystemStorage):
        return Path(storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    with storage.open(name, "rb") as source, open(target, "wb") as sink:
        shutil.copyfileobj(source, sink, COPY_CHUNK)
    return target


def delete_prefix(prefix: str, *, keep: str | None = None) -> int:
    """Delete every file under ``prefix`` (except under ``keep``); returns how many."""
    storage = _storage()
    removed = 0

    def walk(folder: str) -> None:
        nonlocal removed
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            path = f"{folder}{name}"
            if keep and path.startswith(keep):
                continue
            storage.delete(path)
            removed += 1
        for sub in dirs:
            path = f"{folder}{sub}/"
            if keep and path.startswith(keep):
                continue
            walk(path)

    walk(prefix)
    if isinstance(storage, FileSystemStorage):
        _remove_empty_dirs(Path(storage.path(prefix.rstrip("/"))))
    return removed


def _remove_empty_dirs(root: Path) -> None:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if not any(root.iterdir()):
        root.rmdir()


def list_files(prefix: str) -> list[str]:
    storage = _storage()
    found: list[str] = []

    def walk(folder: str) -> None:
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        found.extend(f"{folder}{name}" for name in files)
        for sub in dirs:
            walk(f"{folder}{sub}/")

    walk(prefix)
    return sorted(found)


def local_path(name: str) -> Path | None:
    storage = _storage()
    if isinstance(storage, FileSystemStorage):
        return Path(storage.path(name))
    return None


def url(name: str) -> str:
    return _storage().url(name)


def __getattr__(name: str):
    """``MediaS3Storage`` (what ``STORAGES`` names when a bucket is set) is defined on first
    use: importing boto3 costs every process a fifth of a CPU second at start, and only a
    deployment on S3 needs it."""
    if name == "MediaS3Storage":
        from .s3 import MediaS3Storage

        return MediaS3Storage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
