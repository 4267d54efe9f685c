"""Reading a file's rows against its columns: problems by row and column, the whole file or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ...domain import row_reasons as why
from ...domain.calendar import parse_roc_date
from ...domain.errors import ImportRejected, PortfolioError


class Problem(NamedTuple):
    row: int          # row number as the spreadsheet shows it (header is row 1)
    column: str
    reason: str


@dataclass(frozen=True)
class Col:
    header: str
    name: str
    kind: str = "text"      # text, int, float, rocdate
    required: bool = True
    max_len: int = 50


@dataclass
class ImportResult:
    kind: str
    rows: int
    inserted: int = 0
    updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rows": self.rows, "inserted": self.inserted, "updated": self.updated}


class Checker:
    """Collects problems while a frame is checked column by column."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.problems: list[Problem] = []

    def flag(self, mask: pd.Series, column: str, reason: str | Callable[[str], str]):
        for idx in mask[mask].index:
            value = self.frame.at[idx, column] if column in self.frame.columns else ""
            self.problems.append(Problem(int(idx) + 2, column, reason(value) if callable(reason) else reason))

    def parse(self, spec: tuple[Col, ...]) -> pd.DataFrame:
        missing = [c.header for c in spec if c.required and c.header not in self.frame.columns]
        if missing:
            self.problems.append(Problem(1, "、".join(missing), why.MISSING_COLUMNS))
            raise self.rejection()
        out = pd.DataFrame(index=self.frame.index)
        for col in spec:
            raw = self.frame[col.header] if col.header in self.frame.columns else pd.Series("", index=self.frame.index)
            empty = raw == ""
            if col.required:
                self.flag(empty, col.header, why.REQUIRED)
            if col.kind == "int":
                value = parse_numbers(raw, empty)
                bad = ~empty & (value.isna() | (value % 1 != 0))
                self.flag(bad, col.header, why.values(why.NOT_INTEGER))
                out[col.name] = value.astype("Int64")
            elif col.kind == "float":
                value = parse_numbers(raw, empty)
                self.flag(~empty & value.isna(), col.header, why.values(why.NOT_NUMBER))
                out[col.name] = value
            elif col.kind == "rocdate":
                out[col.name] = raw.map(lambda v: attempt(parse_roc_date, v) if v else None)
                self.flag(~empty & out[col.name].isna(), col.header,
                          why.values(why.NOT_ROC_DATE))
            else:
                self.flag(raw.str.len() > col.max_len, col.header, why.TOO_LONG.format(limit=col.max_len))
                out[col.name] = raw
        return out

    def rejection(self, name: str = "") -> ImportRejected:
        problems = sorted(self.problems, key=lambda p: (p.row, p.column))
        return ImportRejected(name=name, problems=problems)


def parse_numbers(raw: pd.Series, empty: pd.Series) -> pd.Series:
    """Text to float64 (NaN for empty or not a number): one vectorised cast, or cell by cell when one fails."""
    text = pa.array(raw.astype(str), type=pa.string())
    text = pc.if_else(pa.array(empty.to_numpy()), pa.scalar(None, pa.string()), text)
    try:
        return pd.Series(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), index=raw.index)
    except pa.ArrowInvalid:
        return pd.to_numeric(raw.where(~empty), errors="coerce").astype("float64")


def attempt(fn, value):
    try:
        return fn(value)
    except PortfolioError:
        return None
