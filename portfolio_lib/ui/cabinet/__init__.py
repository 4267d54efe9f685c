"""學習歷程檔案櫃: the student's cabinet, one module per tab."""

from ..common import DescriptionBox
from .app import StudentCabinet

__all__ = ["DescriptionBox", "StudentCabinet"]
