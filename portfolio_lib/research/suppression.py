"""Small-cell protection for research tables: counts below k are hidden, and enough others with them
that no hidden count can be worked out from the row and column totals."""

from __future__ import annotations

import numpy as np
import pandas as pd


def suppress(counts: pd.DataFrame, k: int = 10) -> pd.DataFrame:
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


def suppressed_shares(counts: pd.DataFrame, k: int = 10, axis: int = 1) -> pd.DataFrame:
    """Shares within each row (axis=1) or column (axis=0) from the full counts, shown only where the count is."""
    totals = counts.sum(axis=axis)
    shares = counts.div(totals.replace(0, np.nan), axis=0 if axis == 1 else 1)
    return shares.where(suppress(counts, k).notna())
