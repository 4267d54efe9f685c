"""One transaction per use case, files included: a failed use case leaves no row and no file behind."""

from __future__ import annotations

import functools
import logging
import os
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from ..adapters import tables as t
from ..adapters.db import WRITE, WriterQueue, ensure_schema, make_engine
from ..adapters.filestore import FileStore, StoredFile, write_atomically
from ..adapters.repository import Repository
from ..domain.calendar import taipei_now
from ..domain.files import CheckedFile, Upload
from ..domain.policy import Policy
from . import config


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
        """Open (and migrate) the database named by `db` or $PORTFOLIO_DB; files beside it or in $PORTFOLIO_FILES
        (`services.config` reads the environment)."""
        db = config.database(db)
        if not db:
            raise ValueError("no database: give --db or set PORTFOLIO_DB")
        if clock is taipei_now:
            clock = config.clock()
        engine = make_engine(db)
        if create:
            ensure_schema(engine)
        return cls(engine, FileStore(config.file_root(db, files)), clock)

    @classmethod
    def from_environment(cls) -> "Workbench | None":
        """The workbench the environment names ($PORTFOLIO_DB), None when it names none."""
        return cls.open() if config.database() else None

    def uow(self) -> "UnitOfWork":
        return UnitOfWork(self)

    @property
    def package_folder(self) -> Path:
        """Submission packages sit beside the file store: school.files/ → school.packages/."""
        return config.package_folder(self.store.root)


log = logging.getLogger(__name__)
P, R = ParamSpec("P"), TypeVar("R")
ATTEMPTS = 6
# PostgreSQL cancels one of two transactions that wait for each other (deadlock_detected) or that a serializable
# schedule cannot order (serialization_failure); run again, it meets the other's committed result
TRANSIENT = {"40P01", "40001"}


def retried(use_case: Callable[P, R]) -> Callable[P, R]:
    """A use case that runs again, after a short random pause, when the database cancelled its transaction for
    a conflict with another (nothing of it was written: its unit of work rolled back and removed its files),
    so that a conflict is a wait, never an error shown to the user."""
    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return use_case(*args, **kwargs)
            except DBAPIError as err:
                if attempt == ATTEMPTS or getattr(err.orig, "sqlstate", None) not in TRANSIENT:
                    raise
                time.sleep(random.uniform(0, 0.02 * 2 ** attempt))
        raise AssertionError("unreachable")
    return run


class UnitOfWork:
    """`with uow: ... uow.commit()` — rolls back, and removes the files it wrote, unless committed.

    A use case that stores files hands them to `stage` first (`with uow.stage(document, video):`): they are hashed,
    written and fsynced before the transaction begins, so that the write lock (SQLite's one, a student's on
    PostgreSQL) covers only the rows and uploads do not queue behind each other's disks."""

    def __init__(self, workbench: Workbench):
        self.workbench = workbench
        self.store = workbench.store
        self._reset()

    def _reset(self):
        self._staged: dict[int, tuple[StoredFile, bytes]] = {}
        self._created: list[str] = []
        self._used: set[str] = set()
        self._released: set[str] = set()
        self._written: list[Path] = []
        self._committed = False

    def stage(self, *uploads: Upload | None) -> "UnitOfWork":
        """Write these uploads' bytes to the file store now, before the lock. A file larger than any the policy
        takes is left unwritten (its use case refuses it); a failed write removes what this call wrote."""
        limit = self.workbench.policy.largest_file_bytes()
        try:
            for upload in uploads:
                if upload is None:
                    continue
                # a converted file's originals were taken by the conversion: they are written with it
                datas = ([upload.data] if 0 < len(upload.data) <= limit else []) + [o.data for o in upload.origins]
                for data in datas:
                    if id(data) not in self._staged:
                        stored = self.store.put(data)
                        if stored.created:
                            self._created.append(stored.sha256)
                        self._staged[id(data)] = (stored, data)
        except BaseException:
            self._abandon()
            raise
        return self

    def __enter__(self) -> "UnitOfWork":
        self._queue = WriterQueue(self.workbench.engine)
        try:
            self._queue.__enter__()
            self.conn = self.workbench.engine.connect()
            self.conn.execution_options(**{WRITE: True})
            self.conn.begin()
        except BaseException:
            self._leave()
            raise
        self.now = self.workbench.clock()
        self.repo = Repository(self.conn, self.workbench.policy)
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if not self._committed:
                self.conn.rollback()
        finally:
            self.conn.close()
        self._leave()

    def _leave(self):
        """Commit's removals or the abandoned use case's files are done before the next writer's turn."""
        try:
            if self._committed:
                self._reset()
            else:
                self._abandon()
        finally:
            self._queue.__exit__(None, None, None)

    def _abandon(self):
        """Nothing of the use case is kept: the files it wrote go, unless a committed row uses them."""
        try:
            for path in self._written:
                path.unlink(missing_ok=True)
            if self._created:
                remove_unused_files(self.workbench, self._created)
        finally:
            self._reset()

    def commit(self):
        self._drop_originals()
        self.conn.commit()
        self._committed = True
        unused = self._released | (set(self._created) - self._used)     # staged files no row took (a batch's extras)
        if unused:
            try:
                remove_unused_files(self.workbench, unused)
            except Exception:      # the use case is done; what it no longer uses waits for `check --repair`
                log.warning("files no record uses were left for `portfolio check --repair`: %s", sorted(unused),
                            exc_info=True)

    def store_file(self, checked: CheckedFile, student_id: int | None = None) -> str:
        """Store a checked file (deduplicated by content) and its row; returns its sha256. A staged file is already
        written; under the file's lock it is written again only if a session that found it unused removed it.
        A converted file's originals are kept beside it in the student's store (`keep_originals`)."""
        sha256 = self._put(checked.data, checked.ext, checked.media_type)
        if checked.origins:
            if student_id is None:
                raise ValueError("a converted file's originals belong to a student: pass student_id")
            self.keep_originals(student_id, sha256, checked.origins)
        return sha256

    def _put(self, data: bytes, ext: str, media_type: str) -> str:
        staged = self._staged.get(id(data))
        if staged and staged[1] is data:
            stored = staged[0]
        else:
            stored = self.store.put(data)
            if stored.created:
                self._created.append(stored.sha256)
        self.repo.lock_file(stored.sha256)
        if not self.store.exists(stored.sha256):
            stored = self.store.put(data)
            self._created.append(stored.sha256)
        self.repo.add_file(stored, ext, media_type, self.now)
        self._used.add(stored.sha256)
        return stored.sha256

    def keep_originals(self, student_id: int, derivative_sha256: str, origins) -> list[int]:
        """Keep a converted file's originals (`rescue.Origin`) beside it in the student's store, outside the
        quota, with how the derivative was made."""
        kept = []
        for origin in origins:
            sha256 = self._put(origin.data, origin.ext, origin.media_type)
            kept.append(self.repo.add_original(student_id, derivative_sha256, sha256, origin, self.now))
        return kept

    def _drop_originals(self):
        """An original goes with its derivative: when the use case dropped a file that no item of the student's
        holds any more (the item deleted, its file replaced), the originals kept for it are released too."""
        for row in self.repo.originals_of_files(self._released):
            if not self.repo.student_uses_file(row.student_id, row.derivative_sha256):
                self.repo.delete_original(row.id)
                self._released.add(row.original_sha256)

    def write_file(self, path: str | os.PathLike, data: bytes) -> Path:
        """Write a file the use case produces (a submission package) whole, before the commit; it is removed
        again unless the use case commits."""
        path = Path(path)
        write_atomically(path, data)
        self._written.append(path)
        return path

    def release_file(self, sha256: str | None):
        """The use case dropped a reference: remove the file after commit if nothing else uses it."""
        if sha256:
            self._released.add(sha256)


def remove_unused_files(wb: Workbench, hashes) -> list[str]:
    """Remove the stored files no record uses, with their rows: each under its lock, the file before the commit,
    so that a session storing the same content meanwhile either finds the row kept or writes the file again.
    A crash between the two leaves a row no record uses whose file is gone, which `check --repair` removes."""
    removed = []
    with wb.engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            repo = Repository(conn, wb.policy)
            for sha256 in sorted(set(hashes)):
                repo.lock_file(sha256)
                if repo.file_references(sha256) == 0:
                    conn.execute(t.files.delete().where(t.files.c.sha256 == sha256))
                    wb.store.remove(sha256)
                    removed.append(sha256)
    return removed
