"""One way from a query to a DataFrame for the whole read side."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine


def frame(engine: Engine, query, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of `query` as a DataFrame (rows handed to pandas as plain tuples: building a frame from
    SQLAlchemy Row objects costs several times the query itself)."""
    with engine.connect() as conn:
        result = conn.execute(query)
        names = columns or list(result.keys())
        return pd.DataFrame.from_records([tuple(row) for row in result], columns=names)


def missing(value) -> bool:
    """Whether a cell holds nothing (None, NaN, NaT, pandas' NA): the read side's one test for an empty cell."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))
