"""A content-addressed file store: files named by sha256, written atomically, kept outside any served path."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import StorageError


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    created: bool          # False when the same content was already stored (deduplicated)


def digests(data: bytes) -> tuple[str, str]:
    """(sha256, md5) of the bytes; for large files the two run side by side (hashlib releases the GIL)."""
    md5 = hashlib.md5(usedforsecurity=False)
    if len(data) < (1 << 20):
        md5.update(data)
        return hashlib.sha256(data).hexdigest(), md5.hexdigest()
    worker = threading.Thread(target=md5.update, args=(data,))
    worker.start()
    sha256 = hashlib.sha256(data).hexdigest()
    worker.join()
    return sha256, md5.hexdigest()


class FileStore:
    """Files under root/ab/cd/<sha256>; a write goes to a temporary file, is fsynced, then renamed."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> StoredFile:
        """Store bytes by their SHA-256. (The MD5 the exchange format carries is computed when a file is first
        packaged for submission, not on deadline day: `services/submission.py`.)"""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists() and target.stat().st_size == len(data):
            return StoredFile(sha256, len(data), created=False)
        write_atomically(target, data, tmp_dir=self.root / "tmp", prefix=sha256[:8])
        return StoredFile(sha256, len(data), created=True)

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def remove(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def verify(self, sha256: str, size: int | None = None) -> str | None:
        """None when the file is there with its content; otherwise what is wrong."""
        path = self.path(sha256)
        if not path.is_file():
            return "檔案不存在"
        if file_digest(path)[0] != sha256:
            return "檔案內容已被更改（雜湊值不符）"
        if size is not None and path.stat().st_size != size:
            return "檔案大小不符"
        return None

    def all_hashes(self) -> set[str]:
        """Every file in the store (not the temporary folder)."""
        if not self.root.exists():
            return set()
        return {p.name for p in self.root.glob("??/??/*") if p.is_file() and len(p.name) == 64}

    def leftover_parts(self) -> list[Path]:
        """Temporary files a write left when its process died (a write in progress holds its file's lock)."""
        return abandoned_parts(self.root / "tmp")


def file_digest(path: Path) -> tuple[str, int]:
    """(SHA-256, size) of a file on disk, read a megabyte at a time."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def abandoned_parts(folder: Path) -> list[Path]:
    """The `.part` files in a folder whose writer is gone: each writer holds an exclusive lock on its temporary
    file until it is renamed into place, and the system releases it when the process ends, however it ends."""
    if not folder.is_dir():
        return []
    left = []
    for part in sorted(folder.glob("*.part")):
        try:
            fd = os.open(part, os.O_RDONLY)
        except FileNotFoundError:              # renamed into place meanwhile
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            left.append(part)
        except BlockingIOError:
            pass
        finally:
            os.close(fd)
    return left


def write_atomically(target: Path, data: bytes, tmp_dir: Path | None = None, prefix: str = ".part-") -> None:
    """Write to a temporary file, fsync it, rename it into place and fsync the folder: all of it or nothing."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = tmp_dir or target.parent
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix=prefix, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                fcntl.flock(out.fileno(), fcntl.LOCK_EX)     # held until the rename (`abandoned_parts`)
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
                os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
    except OSError as err:
        raise StorageError(reason=storage_reason(err)) from err


# What a failed write means to the person uploading, by the system's error number.
_REASONS = {
    errno.ENOSPC: "伺服器的磁碟空間已滿",
    errno.EDQUOT: "伺服器的磁碟配額已用完",
    errno.EROFS: "伺服器的檔案庫目前是唯讀的",
    errno.EACCES: "伺服器沒有寫入檔案庫的權限",
    errno.EPERM: "伺服器沒有寫入檔案庫的權限",
    errno.EFBIG: "檔案超過伺服器允許寫入的大小",
    errno.EIO: "伺服器的磁碟讀寫發生錯誤",
}


def storage_reason(err: OSError) -> str:
    """A failed write in words a teacher understands, with the system's own words after them for the administrator."""
    said = err.strerror or str(err)
    return f"{_REASONS[err.errno]}（{said}）" if err.errno in _REASONS else said


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
