"""Small pieces the cabinet's tabs share: the selection dots and the file a drop zone holds."""

from __future__ import annotations

from ...domain.files import Upload
from ..dropzone import DropZone

DOTS = "<span style='font-size:1.3em;letter-spacing:.15em'>{}</span>"


def dots(done: int, cap: int) -> str:
    return DOTS.format("<span style='color:#2da44e'>●</span>" * min(done, cap) +
                       "<span style='color:#d0d7de'>●</span>" * max(cap - done, 0))


def upload_of(zone: DropZone) -> Upload | None:
    return zone.upload
