"""One way from a query to a DataFrame for the whole read side."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import Connection, Engine

# what a query reads from: the engine (the query opens its own connection), or the connection a whole question
# already holds, so that every figure of one answer comes from one snapshot of the database
Readable = Engine | Connection


@contextmanager
def reading(source: Readable) -> Iterator[Connection]:
    """One connection for a question: an engine opens one (its first read begins the snapshot every later read
    of it sees: SQLite's read transaction, PostgreSQL's REPEATABLE READ, read only); a connection already open
    passes through, so helpers called with it read the same snapshot."""
    if isinstance(source, Connection):
        yield source
        return
    with source.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        yield conn


def question(ask):
    """A question the read side answers with several queries (a table and its counts, its caps, its scope check):
    asked with an engine, every query it makes, and every helper it hands its first argument, reads one
    connection, so the answer's figures come from one snapshot even while students upload."""
    @functools.wraps(ask)
    def asked(source: Readable, *args, **kwargs):
        with reading(source) as conn:
            return ask(conn, *args, **kwargs)
    return asked


def frame(engine: Readable, query, columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of `query` as a DataFrame (rows handed to pandas as plain tuples: building a frame from
    SQLAlchemy Row objects costs several times the query itself)."""
    with reading(engine) as conn:
        result = conn.execute(query)
        names = columns or list(result.keys())
        return pd.DataFrame.from_records([tuple(row) for row in result], columns=names)


def missing(value) -> bool:
    """Whether a cell holds nothing (None, NaN, NaT, pandas' NA): the read side's one test for an empty cell."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))
