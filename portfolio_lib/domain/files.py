"""File rules: type decided by content and agreeing with the name, size by the item's term, no truncated files."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import PurePath

import filetype

from .errors import FileEmpty, FileTooLarge, FileTruncated, FileTypeMismatch, FileTypeNotAllowed
from .policy import Rules

# What `filetype` reports, mapped onto the extensions users know.
_KIND_EXT = {"pdf": "pdf", "jpg": "jpg", "png": "png", "mp3": "mp3", "mp4": "mp4",
             "m4a": "mp4", "m4v": "mp4"}
_EXT_ALIASES = {"jpeg": "jpg", "jpe": "jpg"}
_MEDIA_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png",
                "mp3": "audio/mpeg", "mp4": "video/mp4"}


@dataclass(frozen=True)
class Upload:
    """A file as it arrives: the name the client gave (never trusted for anything but display) and its bytes."""

    name: str
    data: bytes
    # a converted file's originals (`rescue.Origin`), kept beside it when it is stored
    origins: tuple = field(default=(), compare=False, repr=False)

    @property
    def declared_ext(self) -> str:
        ext = PurePath(self.name).suffix.lower().lstrip(".")
        return _EXT_ALIASES.get(ext, ext)


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every rule: its real type and size."""

    name: str
    data: bytes
    ext: str
    media_type: str
    slot: str
    origins: tuple = field(default=(), compare=False, repr=False)     # as `Upload.origins`

    @property
    def size(self) -> int:
        return len(self.data)


def detect_ext(data: bytes) -> str | None:
    """The file's type from its content (magic bytes), as pdf/jpg/png/mp3/mp4, or None."""
    kind = filetype.guess(data[:8192])
    if kind is None:
        if data[:5] == b"%PDF-":
            return "pdf"
        return None
    if kind.extension == "mp3" or kind.mime == "audio/mpeg":
        return "mp3"
    return _KIND_EXT.get(kind.extension, kind.extension)


def check_file(upload: Upload, slot: str, rules: Rules) -> CheckedFile:
    """Apply every file rule for a slot (document or video) at the item's term."""
    allowed = rules.file_types[slot]
    label = rules.file_labels[slot]
    declared = upload.declared_ext
    if not upload.data:
        raise FileEmpty(name=upload.name)
    if declared not in allowed:
        raise FileTypeNotAllowed(name=upload.name, declared=declared, slot=slot,
                                 slot_label=label, allowed=", ".join(allowed))
    detected = detect_ext(upload.data)
    if detected != declared:
        raise FileTypeMismatch(name=upload.name, declared=declared,
                               detected=(detected or "無法辨識的格式").upper())
    limit = rules.file_max_bytes[slot]
    if len(upload.data) > limit:
        raise FileTooLarge(name=upload.name, size=len(upload.data), limit=limit,
                           slot_label=label, term=str(rules.term))
    problem = _STRUCTURE_CHECKS[detected](upload.data)
    if problem:
        raise FileTruncated(name=upload.name, detail=problem)
    return CheckedFile(upload.name, upload.data, detected, _MEDIA_TYPES[detected], slot, upload.origins)


# --- structure checks: cheap walks that find a file cut short ------------------------

def _pdf_problem(data: bytes) -> str | None:
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        return "PDF 缺少結尾標記 %%EOF"
    if b"startxref" not in data[-4096:]:
        return "PDF 缺少交互參照表位置"
    return None


def _jpg_problem(data: bytes) -> str | None:
    if data[:2] != b"\xff\xd8":
        return "JPEG 開頭不正確"
    if data.rstrip(b"\x00")[-2:] != b"\xff\xd9":
        return "JPEG 缺少結尾標記"
    return None


def _png_problem(data: bytes) -> str | None:
    pos = 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        pos += 12 + length
        if ctype == b"IEND":
            return None if pos <= len(data) else "PNG 結尾區塊不完整"
    return "PNG 缺少結尾區塊 IEND"


def _mp4_problem(data: bytes) -> str | None:
    pos, seen = 0, set()
    while pos < len(data):
        if pos + 8 > len(data):
            return "MP4 區塊標頭不完整"
        size, box = struct.unpack(">I4s", data[pos:pos + 8])
        if size == 1:
            if pos + 16 > len(data):
                return "MP4 區塊標頭不完整"
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
        elif size == 0:
            size = len(data) - pos
        if size < 8:
            return "MP4 區塊大小不正確"
        seen.add(box)
        pos += size
    if pos != len(data):
        return "MP4 最後一個區塊被截斷"
    if b"moov" not in seen:
        return "MP4 缺少影片資訊區塊 moov"
    return None


_MP3_BITRATES = {  # MPEG-1 / MPEG-2(.5) layer III, kbit/s
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(data: bytes, pos: int) -> int | None:
    """Length of the MPEG audio layer III frame whose header starts at pos, or None."""
    if pos + 4 > len(data) or data[pos] != 0xFF or (data[pos + 1] & 0xE0) != 0xE0:
        return None
    b1, b2 = data[pos + 1], data[pos + 2]
    version, layer = (b1 >> 3) & 0x03, (b1 >> 1) & 0x03
    bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 0x03
    if version == 1 or layer != 1 or rate_index == 3 or bitrate_index in (0, 15):
        return None
    bitrate = _MP3_BITRATES[3 if version == 3 else 2][bitrate_index] * 1000
    rate = _MP3_RATES[version][rate_index]
    return (144 if version == 3 else 72) * bitrate // rate + ((b2 >> 1) & 1)


def _mp3_problem(data: bytes) -> str | None:
    pos = 0
    if data[:3] == b"ID3":
        if len(data) < 10:
            return "MP3 標籤不完整"
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        pos = 10 + size + (10 if data[5] & 0x10 else 0)
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    first = _mp3_frame_length(data, pos)
    if first is None:
        return "MP3 找不到音訊資料"
    if pos + first > end:
        return "MP3 最後一個音框被截斷"
    # The last whole frame must end exactly at the end of the audio: look back one frame's length.
    for start in range(end - 4, max(pos, end - 2900) - 1, -1):
        if data[start] == 0xFF and _mp3_frame_length(data, start) == end - start:
            return None
    return "MP3 最後一個音框被截斷"


_STRUCTURE_CHECKS = {"pdf": _pdf_problem, "jpg": _jpg_problem, "png": _png_problem,
                     "mp4": _mp4_problem, "mp3": _mp3_problem}
