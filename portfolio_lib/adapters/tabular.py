"""Tables people send and get: reading XLSX and CSV (UTF-8, UTF-8 with BOM, Big5/cp950); writing XLSX and CSV."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from ..domain.errors import EncodingUndetectable, UnreadableFile

_BIG5_FAMILY = {"big5", "cp950", "big5hkscs"}


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) of a CSV file; anything not clearly UTF-8 or Big5/cp950 is refused, never guessed."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise EncodingUndetectable(name=name) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding not in _BIG5_FAMILY:
        raise EncodingUndetectable(name=name, guess=best.encoding if best else None)
    for encoding in ("cp950", "big5hkscs"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise EncodingUndetectable(name=name)


def read_table(source: str | Path | bytes, name: str | None = None) -> pd.DataFrame:
    """Every cell as text ('' for empty), headers stripped; XLSX by content, otherwise CSV."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as err:
            raise UnreadableFile(name=name, reason=err.strerror or str(err)) from None
    else:
        data, name = source, name or "上傳的檔案"
    if data[:4] == b"PK\x03\x04":
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        except Exception as err:  # openpyxl raises many kinds for a damaged workbook
            raise UnreadableFile(name=name, reason=f"XLSX 檔案無法開啟（{type(err).__name__}）") from None
    else:
        text, _ = decode_text(data, name)
        try:
            frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), dtype=str, keep_default_na=False, engine="pyarrow")
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise UnreadableFile(name=name, reason=f"CSV 格式錯誤（{err}）") from None
    frame = frame.fillna("")
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return pd.DataFrame({column: frame[column].astype(str).str.strip() for column in frame.columns})


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "資料") -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
    return out.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM, so that Excel opens Chinese headers correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")
