"""A table as the files people download from a page: XLSX, and CSV in UTF-8 with a BOM so Excel reads Chinese.

The pages reach the file formats through here; the formats themselves live in `adapters.tabular`.
"""

from __future__ import annotations

from ..adapters.tabular import csv_bytes, xlsx_bytes

__all__ = ["csv_bytes", "xlsx_bytes"]
