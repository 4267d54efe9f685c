"""File rescue (檔案救援): what can be done for a file the upload rules refuse, and the rules a rescue keeps.

A refused HEIC photo, an oversized photo, scan, video or recording is offered a conversion (`offer_for`). Nothing
is converted silently: the student sees the result and confirms; what is stored, certified, counted against the
quota and hashed for the package is the converted file. The original is kept beside it with a record of how the
derivative was made (`Origin`) until the item is settled plus the policy's terms (`keep_until`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import filetype

from .calendar import Term
from .files import Upload, detect_ext
from .policy import Rules
from .units import format_mb


class Rescue(StrEnum):
    """The kinds of conversion the workbench offers."""

    HEIC = "heic"              # HEIC/HEIF photo → JPEG
    IMAGE = "image"            # oversized JPEG/PNG → scaled and re-encoded
    PDF = "pdf"                # oversized PDF → lossless rewrite, then its images recompressed
    VIDEO = "video"            # MOV, or an oversized MP4 → MP4 (H.264/AAC) under the limit
    AUDIO = "audio"            # oversized MP3, a WAV or an audio-only MP4/M4A → MP3 under the limit
    PHOTOS = "photos"          # several photos → one PDF

    @property
    def label(self) -> str:
        return RESCUE_LABELS[self]


RESCUE_LABELS = {
    Rescue.HEIC: "轉成 JPEG",
    Rescue.IMAGE: "縮小並重新壓縮照片",
    Rescue.PDF: "壓縮 PDF 中的圖片",
    Rescue.VIDEO: "轉成 MP4 並壓縮",
    Rescue.AUDIO: "轉成 MP3 並壓縮",
    Rescue.PHOTOS: "多張照片合併成一個 PDF",
}

# What a rescue makes, by kind (the ext of the derivative); audio always becomes MP3, photos a PDF.
OUTPUT_EXT = {Rescue.HEIC: "jpg", Rescue.PDF: "pdf", Rescue.VIDEO: "mp4", Rescue.AUDIO: "mp3",
              Rescue.PHOTOS: "pdf"}

# Photos (by what `filetype` reads in the content) several of which a rescue merges into one PDF.
PHOTO_INPUTS = ("jpg", "png", "heic")
# File names a rescue takes beyond the upload rules' own, by slot: what a file picker offers, and where a batch
# upload's member goes by its name; and the names of photos to merge.
RESCUE_EXTENSIONS = {"document": ("heic", "heif"), "video": ("mov", "wav")}
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "heic", "heif")
MEDIA_TYPES = {"heic": "image/heic", "mov": "video/quicktime", "wav": "audio/x-wav", "jpg": "image/jpeg",
               "png": "image/png", "pdf": "application/pdf", "mp4": "video/mp4", "mp3": "audio/mpeg"}

# The photo ladder: (longest edge in pixels, None = as it is; JPEG quality), tried in order until one fits.
# Pillow's own guidance: quality above 95 should be avoided; 75 is its default.
PHOTO_LADDER = ((None, 90), (3000, 85), (2400, 85), (2000, 80), (1600, 75), (1280, 70))
# The PDF ladder after the lossless rewrite: (target resolution of page images in dpi, JPEG quality);
# an image is downsampled only when it is above 1.5 times the target, as Ghostscript's pdfwrite does.
PDF_LADDER = ((None, 85), (200, 75), (150, 70), (110, 60), (72, 50))
# Standard MP3 bit rates, highest first, for fitting a recording under the limit.
MP3_BITRATES = (320, 256, 192, 160, 128, 112, 96, 80, 64, 56, 48, 40, 32)
AUDIO_IN_VIDEO_KBPS = 96         # AAC beside the picture
CONTAINER_SHARE = 0.96           # of the limit, for the container and the encoder's overshoot


@dataclass(frozen=True)
class Offer:
    """What the workbench can do for a refused file."""

    kind: Rescue
    name: str                   # the refused file's name
    detected: str               # what its content is (heic, jpg, mov, …)
    size: int
    limit: int
    slot: str

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def text(self) -> str:
        """The offer in a sentence the student reads under the refusal."""
        what = {Rescue.HEIC: "這是 HEIC 格式的照片（iPhone 的預設格式），可以轉成 JPEG",
                Rescue.IMAGE: f"照片 {format_mb(self.size)}，可以縮小並重新壓縮到 {format_mb(self.limit)} 以內",
                Rescue.PDF: f"PDF {format_mb(self.size)}，可以壓縮其中的圖片到 {format_mb(self.limit)} 以內",
                Rescue.VIDEO: f"影片（{self.detected.upper()}，{format_mb(self.size)}）可以轉成 MP4 並壓縮到 "
                              f"{format_mb(self.limit)} 以內",
                Rescue.AUDIO: f"音檔（{self.detected.upper()}，{format_mb(self.size)}）可以轉成 MP3 並壓縮到 "
                              f"{format_mb(self.limit)} 以內",
                Rescue.PHOTOS: f"多張照片可以合併成一個 {format_mb(self.limit)} 以內的 PDF"}[self.kind]
        return f"{what}；轉換後會先讓你預覽，確認後才上傳，原始檔另外保留。"


def content_kind(data: bytes) -> str | None:
    """What a file is, from its content: the upload rules' own types, or a format a rescue takes."""
    ext = detect_ext(data)
    if ext in ("pdf", "jpg", "png", "mp3", "mp4"):
        return ext
    kind = filetype.guess(data[:8192])
    if kind is None:
        return None
    if kind.extension in ("heic", "heif") or kind.mime in ("image/heic", "image/heif"):
        return "heic"
    if kind.extension == "mov":
        return "mov"
    if kind.extension == "wav":
        return "wav"
    return None


def offer_for(upload: Upload, slot: str, rules: Rules) -> Offer | None:
    """The conversion the workbench offers for a file refused in `slot`, or None when there is none (a video on
    the document's slot, a file cut short, a format no tool here reads)."""
    kind = content_kind(upload.data)
    limit = rules.file_max_bytes[slot]
    size = len(upload.data)
    too_large = size > limit
    declared_ok = upload.declared_ext == kind and kind in rules.file_types[slot]
    rescue = None
    if slot == "document":
        if kind == "heic":
            rescue = Rescue.HEIC
        elif kind in ("jpg", "png") and too_large:
            rescue = Rescue.IMAGE
        elif kind == "pdf" and too_large:
            rescue = Rescue.PDF
    elif slot == "video":
        if kind == "mov" or (kind == "mp4" and (too_large or not declared_ok)):
            rescue = Rescue.VIDEO
        elif kind == "wav" or (kind == "mp3" and too_large):
            rescue = Rescue.AUDIO
    if rescue is None:
        return None
    return Offer(rescue, upload.name, kind, size, limit, slot)


def derivative_name(name: str, ext: str) -> str:
    """The converted file's name: the original's stem with the new extension (IMG_0001.HEIC → IMG_0001.jpg)."""
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    return f"{stem or 'file'}.{ext}"


@dataclass(frozen=True)
class Origin:
    """The original a derivative was made from, and how: kept beside the derivative in the student's store."""

    name: str
    data: bytes = field(repr=False)
    ext: str
    tool: str                  # e.g. "Pillow", "libheif heif-convert + Pillow", "ffmpeg libx264"
    tool_version: str
    parameters: dict           # what was done: resolution, quality, bit rate, steps

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.ext, "application/octet-stream")

    @property
    def size(self) -> int:
        return len(self.data)


def keep_until(settled: date, terms: int) -> date:
    """The last day an original is kept: the end of the `terms`-th term after the one the item was settled in
    (certified, for a course outcome; its own term, for a 多元表現 record)."""
    term = Term.of(settled)
    for _ in range(terms):
        term = term.next()
    return term.ends


# --- what to tell the student when no conversion fits ----------------------------------------

def _span(seconds: float) -> str:
    """A duration as a student says it: 45 秒, 60 秒, 2 分 30 秒, 3 分鐘; from ten minutes on, whole minutes."""
    seconds = int(round(seconds))
    if seconds < 90:
        return f"{seconds} 秒"
    if seconds >= 600:
        return f"{round(seconds / 60)} 分鐘"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} 分鐘" if rest == 0 else f"{minutes} 分 {rest} 秒"


def fits_seconds(limit: int, kbps: float) -> int:
    """How many seconds fit in `limit` bytes at `kbps` (the container's share kept aside), rounded down to 5 s
    under two minutes and to a minute above."""
    seconds = limit * CONTAINER_SHARE * 8 / (kbps * 1000)
    step = 5 if seconds < 120 else 60
    return int(math.floor(seconds / step) * step)


def too_long_advice(medium: str, duration: float, limit: int, kbps: float) -> str:
    """E.g. 「影片長 3 分鐘，10MB 內約可放 60 秒，請剪輯後再上傳」."""
    return (f"{medium}長 {_span(duration)}，{format_mb(limit)} 內約可放 {_span(fits_seconds(limit, kbps))}，"
            "請剪輯後再上傳")


def video_target(duration: float, has_audio: bool, limit: int, min_kbps: int) -> dict | None:
    """The bit rates and picture height for a video of `duration` seconds to fit `limit`, or None when the
    picture would fall under `min_kbps`: the size is the bit rate times the duration (two-pass encoding)."""
    total_kbps = limit * CONTAINER_SHARE * 8 / 1000 / max(duration, 0.1)
    audio = AUDIO_IN_VIDEO_KBPS if has_audio else 0
    video = int(total_kbps - audio)
    if video < min_kbps:
        return None
    height = 1080 if video >= 5000 else 720 if video >= 2500 else 480
    return {"video_kbps": min(video, 8000), "audio_kbps": audio, "max_height": height}


def audio_target(duration: float, limit: int, min_kbps: int) -> int | None:
    """The highest standard MP3 bit rate that fits `limit` for `duration` seconds, or None under `min_kbps`."""
    budget = limit * CONTAINER_SHARE * 8 / 1000 / max(duration, 0.1)
    for kbps in MP3_BITRATES:
        if kbps <= budget and kbps >= min_kbps:
            return kbps
    return None
