"""Programmes (校系) a school lists with what they ask for, and the programmes its students aim at."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select

from ...domain.errors import UnknownProgramme
from .. import tables as t


class Programmes:
    conn: Connection

    def programme(self, school_id: int, code: str):
        p = t.programmes
        row = self.conn.execute(select(p).where(p.c.school_id == school_id, p.c.code == code.strip())).first()
        if row is None:
            raise UnknownProgramme(code=code.strip())
        return row

    def count_targets(self, student_id: int) -> int:
        return self.conn.execute(select(func.count()).select_from(t.programme_targets)
                                 .where(t.programme_targets.c.student_id == student_id)).scalar_one()

    def has_target(self, student_id: int, programme_id: int) -> bool:
        g = t.programme_targets
        return self.conn.execute(select(g.c.id).where(g.c.student_id == student_id,
                                                      g.c.programme_id == programme_id)).first() is not None

    def add_target(self, student_id: int, programme_id: int, now: datetime) -> int:
        return self.conn.execute(insert(t.programme_targets).values(
            student_id=student_id, programme_id=programme_id, added_at=now)).inserted_primary_key[0]

    def remove_target(self, student_id: int, programme_id: int) -> None:
        g = t.programme_targets
        self.conn.execute(delete(g).where(g.c.student_id == student_id, g.c.programme_id == programme_id))
