"""One transaction per use case, files included: a failed use case leaves no row and no file behind."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import Engine, insert, select

from ..adapters import tables as t
from ..adapters.db import WRITE, database_url, make_engine, upgrade
from ..adapters.filestore import FileStore
from ..adapters.repository import Repository
from ..domain.calendar import parse_roc_moment, taipei_now
from ..domain.files import CheckedFile
from ..domain.policy import Policy


@dataclass
class Workbench:
    """A database, its file store, the national policy and a clock: what every use case runs against."""

    engine: Engine
    store: FileStore
    clock: Callable[[], datetime] = taipei_now
    policy: Policy = field(default_factory=Policy.default)

    @classmethod
    def open(cls, db: str | os.PathLike | None = None, files: str | os.PathLike | None = None,
             clock: Callable[[], datetime] = taipei_now, create: bool = True) -> "Workbench":
        """Open (and migrate) the database named by `db` or $PORTFOLIO_DB; files beside it or in $PORTFOLIO_FILES."""
        db = db or os.environ.get("PORTFOLIO_DB")
        if not db:
            raise ValueError("no database: give --db or set PORTFOLIO_DB")
        if clock is taipei_now and os.environ.get(AS_OF_VARIABLE):
            clock = fixed_clock(os.environ[AS_OF_VARIABLE])
        files = files or os.environ.get("PORTFOLIO_FILES") or default_file_root(db)
        engine = make_engine(db)
        if create:
            upgrade(engine)
        return cls(engine, FileStore(files), clock)

    def uow(self) -> "UnitOfWork":
        return UnitOfWork(self)


AS_OF_VARIABLE = "PORTFOLIO_AS_OF"


def fixed_clock(text: str) -> Callable[[], datetime]:
    """A clock stopped at an ROC moment ('115/11/28 10:00'): for demonstrations and tests, never production."""
    moment = parse_roc_moment(text)
    return lambda: moment


def default_file_root(db: str | os.PathLike) -> Path:
    """The file store sits beside a SQLite database file: school.sqlite → school.files/."""
    url = database_url(db)
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        path = Path(url.removeprefix("sqlite:///"))
        return path.with_name(path.stem + ".files")
    return Path.cwd() / "portfolio-files"


class UnitOfWork:
    """`with uow: ... uow.commit()` — rolls back, and removes the files it wrote, unless committed."""

    def __init__(self, workbench: Workbench):
        self.workbench = workbench
        self.store = workbench.store

    def __enter__(self) -> "UnitOfWork":
        self.conn = self.workbench.engine.connect()
        self.conn.execution_options(**{WRITE: True})
        self.conn.begin()
        self.now = self.workbench.clock()
        self.repo = Repository(self.conn, self.workbench.policy)
        self._created: list[str] = []
        self._released: set[str] = set()
        self._committed = False
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if not self._committed:
                self.conn.rollback()
        finally:
            self.conn.close()
        if not self._committed:
            self._discard(self._created)

    def commit(self):
        self.conn.commit()
        self._committed = True
        if self._released:
            self._collect(self._released)

    def store_file(self, checked: CheckedFile) -> str:
        """Store a checked file (deduplicated by content) and its row; returns its sha256."""
        stored = self.store.put(checked.data)
        if stored.created:
            self._created.append(stored.sha256)
        exists = self.conn.execute(select(t.files.c.sha256).where(t.files.c.sha256 == stored.sha256)).first()
        if not exists:
            self.conn.execute(insert(t.files).values(
                sha256=stored.sha256, md5=stored.md5, size=stored.size, ext=checked.ext,
                media_type=checked.media_type, stored_at=self.now))
        return stored.sha256

    def release_file(self, sha256: str | None):
        """The use case dropped a reference: remove the file after commit if nothing else uses it."""
        if sha256:
            self._released.add(sha256)

    def _discard(self, hashes):
        """After a rollback: remove files this use case wrote unless a committed row uses them."""
        if not hashes:
            return
        with self.workbench.engine.connect() as conn:
            known = set(conn.execute(select(t.files.c.sha256).where(t.files.c.sha256.in_(hashes))).scalars())
        for sha256 in hashes:
            if sha256 not in known:
                self.store.remove(sha256)

    def _collect(self, hashes):
        """Remove files no record uses any more: the row first, in its own transaction, then the file."""
        with self.workbench.engine.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                unused = [h for h in hashes if Repository(conn, self.workbench.policy).file_references(h) == 0]
                if unused:
                    conn.execute(t.files.delete().where(t.files.c.sha256.in_(unused)))
        for sha256 in unused:
            self.store.remove(sha256)
