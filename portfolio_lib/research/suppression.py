"""Small-cell protection for research tables: counts below k are hidden, and enough others with them
that no hidden count can be worked out from the row and column totals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..domain.errors import InvalidThreshold

DEFAULT_K = 10
TOTAL = "合計"


def suppress(counts: pd.DataFrame, k: int = DEFAULT_K) -> pd.DataFrame:
    """Counts with every cell 1..k-1 hidden (NaN), plus complementary cells so each row and column hides none or ≥2.

    Row and column totals may be published from the original counts: a row or column with a single
    hidden cell would give it away, so the smallest other visible non-zero cell is hidden too,
    repeating until no row or column has exactly one hidden cell."""
    values = counts.to_numpy(dtype=float)
    hidden = (values > 0) & (values < k)
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            lines = hidden if axis == 1 else hidden.T
            data = values if axis == 1 else values.T
            for i in range(lines.shape[0]):
                if lines[i].sum() == 1:
                    candidates = np.where(~lines[i] & (data[i] > 0))[0]
                    if len(candidates) == 0:
                        candidates = np.where(~lines[i])[0]
                    if len(candidates) == 0:
                        continue
                    j = candidates[np.argmin(data[i][candidates])]
                    if axis == 1:
                        hidden[i, j] = True
                    else:
                        hidden[j, i] = True
                    changed = True
    out = counts.astype(float).copy()
    out[pd.DataFrame(hidden, index=counts.index, columns=counts.columns)] = np.nan
    return out


def suppressed_shares(counts: pd.DataFrame, k: int = DEFAULT_K, axis: int = 1) -> pd.DataFrame:
    """Shares within each row (axis=1) or column (axis=0) from the full counts, shown only where the count is."""
    totals = counts.sum(axis=axis)
    shares = counts.div(totals.replace(0, np.nan), axis=0 if axis == 1 else 1)
    return shares.where(suppress(counts, k).notna())


def check_threshold(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise InvalidThreshold(k=k)
    return int(k)


@dataclass(frozen=True)
class Published:
    """A count table fit to publish: small cells hidden (NaN), totals over the rows that are shown."""

    counts: pd.DataFrame     # with a 合計 column and a 合計 row
    shares: pd.DataFrame     # each cell's share of its row, shown only where its count is
    k: int
    dropped_rows: int        # rows left out whole because their total was below k
    hidden_cells: int

    @property
    def note(self) -> str:
        parts = [f"人數或件數少於 {self.k} 的格子以「＊」表示"]
        if self.hidden_cells:
            parts.append(f"本表隱藏 {self.hidden_cells} 格（含為避免由合計反推而一併隱藏的格子）")
        if self.dropped_rows:
            parts.append(f"另有 {self.dropped_rows} 列合計少於 {self.k}，整列未列出")
        return "；".join(parts) + "。"


def publish(counts: pd.DataFrame, k: int = DEFAULT_K) -> Published:
    """Suppress a count table for publication.

    Rows whose total is below k are left out whole (a group that small is itself a small cell);
    the rest go through `suppress`, and the totals are those of the rows that remain, so a row left
    out cannot be worked out from them either. Column totals below k are hidden like any cell, with
    a second one where a single hidden total could be worked out from the grand total."""
    k = check_threshold(k)
    counts = counts.fillna(0).astype(int)
    keep = counts.sum(axis=1) >= k
    kept = counts[keep]
    shown = suppress(kept, k)
    shares = suppressed_shares(kept, k) if len(kept) else kept.astype(float)
    table = shown.copy()
    table[TOTAL] = kept.sum(axis=1).astype(float)
    column_totals = suppress(kept.sum(axis=0).to_frame().T, k).iloc[0]   # a column total below k is a small cell too
    table.loc[TOTAL] = list(column_totals) + [float(kept.to_numpy().sum())]
    return Published(counts=table, shares=shares, k=k, dropped_rows=int((~keep).sum()),
                     hidden_cells=int(shown.isna().to_numpy().sum()))
