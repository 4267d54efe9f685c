"""The importers' common shape: parse, check, write in one transaction; lookups of known keys."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, select
from tqdm import tqdm

from ...domain import row_reasons as why
from ...domain.errors import ImportRejected
from ...domain.policy import Policy
from .. import tables as t
from .checks import Checker, Col, ImportResult

CHUNK = 5000


class Importer(ABC):
    """One kind of file: its columns, its checks against the database, and how it writes."""

    kind: str = ""
    label: str = ""
    columns: tuple[Col, ...] = ()

    def __init__(self, conn: Connection, school_id: int, policy: Policy, now: datetime, progress: bool = False):
        self.conn, self.school_id, self.policy, self.now, self.progress = conn, school_id, policy, now, progress

    def run(self, frame: pd.DataFrame, name: str) -> ImportResult:
        # An optional column the file does not have leaves alone what it would have set.
        self.absent = {c.name for c in self.columns if not c.required and c.header not in frame.columns}
        checker = Checker(frame)
        try:
            clean = self.check(checker.parse(self.columns), checker)
        except ImportRejected as err:
            err.facts["name"] = name
            raise ImportRejected(name=name, problems=err.facts["problems"]) from None
        if checker.problems:
            raise checker.rejection(name)
        return self.write(clean)

    def check(self, clean: pd.DataFrame, checker: Checker) -> pd.DataFrame:
        return clean

    @abstractmethod
    def write(self, clean: pd.DataFrame) -> ImportResult:
        """Write the checked rows: insert what is new, update what changed, leave the rest."""

    # helpers shared by the importers ------------------------------------------------

    def _lookup(self, query) -> dict:
        return {row[0]: row[1] for row in self.conn.execute(query)}

    def staff_ids(self) -> dict:
        return self._lookup(select(t.staff.c.staff_no, t.staff.c.id).where(t.staff.c.school_id == self.school_id))

    def student_ids(self) -> dict:
        return self._lookup(select(t.students.c.student_no, t.students.c.id)
                            .where(t.students.c.school_id == self.school_id))

    def insert_many(self, table: str, columns: tuple[str, ...], rows: list[tuple]):
        """Insert rows of `columns` into `table`: PostgreSQL's COPY (psycopg 3, inside the import's transaction),
        else the driver's executemany of one INSERT."""
        if not rows:
            return
        if self.conn.dialect.name != "postgresql":
            self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders(len(columns))})",
                             rows)
            return
        bar = tqdm(total=len(rows), desc=self.label, unit="列", disable=not self.progress or len(rows) < CHUNK,
                   leave=False)
        cursor = self.conn.connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for start in range(0, len(rows), CHUNK):
                for row in rows[start:start + CHUNK]:
                    copy.write_row(row)
                bar.update(min(CHUNK, len(rows) - start))
        bar.close()

    def executemany(self, sql: str, rows: list[tuple]):
        """Write rows in chunks through the driver's executemany (with a progress bar on long imports).

        `sql` marks parameters with ?; they become the driver's own markers (%s for PostgreSQL)."""
        if self.conn.dialect.paramstyle in ("format", "pyformat"):
            sql = sql.replace("?", "%s")
        chunks = range(0, len(rows), CHUNK)
        bar = tqdm(total=len(rows), desc=self.label, unit="列", disable=not self.progress or len(rows) < CHUNK,
                   leave=False)
        for start in chunks:
            part = rows[start:start + CHUNK]
            self.conn.exec_driver_sql(sql, part)
            bar.update(len(part))
        bar.close()


def lookup_ids(values: pd.Series, known: dict) -> pd.Series:
    """Map keys to ids through a hash index (NaN where unknown)."""
    keys = pd.Index(list(known), dtype="object")
    ids = pd.Series(list(known.values()), dtype="float64")
    position = keys.get_indexer(values.astype("object"))
    if not len(ids):
        return pd.Series(float("nan"), index=values.index)
    found = pd.Series(ids.to_numpy()[position], index=values.index)
    return found.where(position >= 0)


def flag_unknown(checker: Checker, values: pd.Series, known: dict, column: str, what: str) -> pd.Series:
    ids = lookup_ids(values, known)
    checker.flag(values.ne("") & ids.isna(), column, why.values(why.UNKNOWN, what=what))
    return ids


def placeholders(n: int) -> str:
    return ", ".join("?" * n)
