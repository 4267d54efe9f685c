"""The windows of a school's schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ...domain.model import Window, WindowKind
from ...domain.policy import Policy
from .. import answers
from .. import tables as t


class Schedule:
    conn: Connection
    policy: Policy

    # --- windows --------------------------------------------------------------------

    def windows(self, school_id: int, year: int, semester: int | None = None) -> list[Window]:
        return answers.windows(self.conn, school_id, year, semester)

    def window(self, school_id: int, year: int, semester: int, kind: WindowKind):
        """The row of one window of the schedule, None when it is not set."""
        return self.conn.execute(select(t.windows).where(*_window_key(school_id, year, semester, kind))).first()

    def save_window(self, school_id: int, year: int, semester: int, kind: WindowKind, opens: datetime,
                    closes: datetime):
        """Set a window (its row is replaced when the window was set before)."""
        key = _window_key(school_id, year, semester, kind)
        if self.conn.execute(select(t.windows.c.id).where(*key)).first():
            self.conn.execute(update(t.windows).where(*key).values(opens=opens, closes=closes))
        else:
            self.conn.execute(insert(t.windows).values(school_id=school_id, academic_year=year, semester=semester,
                                                      kind=kind.value, opens=opens, closes=closes))


def _window_key(school_id: int, year: int, semester: int, kind: WindowKind):
    return (t.windows.c.school_id == school_id, t.windows.c.academic_year == year,
            t.windows.c.semester == semester, t.windows.c.kind == kind.value)
