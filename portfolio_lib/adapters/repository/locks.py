"""Locks of the write side. On SQLite every write transaction holds the database's one write lock from its start
(BEGIN IMMEDIATE, `adapters/db.py`), so these do nothing there. On PostgreSQL a use case locks what it decides
about, with transaction-level advisory locks released at commit or rollback:

- a student: held exclusively by whatever writes that student's items, so that two sessions checking one of the
  student's caps (uploads per semester, 多元表現 per year, selections, picks, quota) cannot both see room for one
  more; students of other schools, and other students of the same school, never wait;
- a stored file (by its sha256): held by whatever adds or removes that file's row and the file itself, so that a
  file one session stores is never removed under it by another that found it unused (on SQLite the write lock does
  the same);
- a school: held shared with each of its students' locks, and exclusively by what acts on the whole school at once
  (a submission takes a term's selections of every student), so that no student's selection changes under it.

A school's lock is always taken before its student's, and a use case locking several students (a batch upload)
may still meet another in the opposite order: PostgreSQL then cancels one of them, and `retried` runs it again.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select

from .. import tables as t

SCHOOL, STUDENT, FILE = 0x5057_0001, 0x5057_0002, 0x5057_0003   # key spaces of pg_advisory_xact_lock(int4, int4)


class Locks:
    conn: Connection

    @property
    def _locking(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    def lock_student(self, student_id: int):
        """Hold the student's lock (and their school's, shared) until the transaction ends."""
        if self._locking:
            s = t.students
            self.conn.execute(select(func.pg_advisory_xact_lock_shared(SCHOOL, s.c.school_id),
                                     func.pg_advisory_xact_lock(STUDENT, s.c.id)).where(s.c.id == student_id)).all()

    def lock_owner(self, table: Table, item_id: int):
        """Hold the lock of the student whose item (a row of `table`) this is, before the item is read, so that
        what is read is what no other session is changing."""
        if self._locking:
            student_id = self.conn.execute(select(table.c.student_id).where(table.c.id == item_id)).scalar()
            if student_id is not None:
                self.lock_student(student_id)

    def lock_school(self, school_id: int):
        """Hold the school's lock exclusively: no write of one of its students runs until the transaction ends."""
        if self._locking:
            self.conn.execute(select(func.pg_advisory_xact_lock(SCHOOL, school_id))).all()

    def lock_file(self, sha256: str):
        """Hold a stored file's lock until the transaction ends (its key: the hash's first 32 bits, signed)."""
        if self._locking:
            self.conn.execute(select(func.pg_advisory_xact_lock(FILE, int(sha256[:8], 16) - (1 << 31)))).all()
