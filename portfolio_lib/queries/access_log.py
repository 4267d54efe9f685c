"""The access log as a school administrator reads it: who signed in or opened what, whose data, when."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import func, or_, select

from ..adapters import tables as t
from ..domain.model import AccessEvent
from .frames import Readable, reading


def access_entries(engine: Readable, school_id: int | None, since: date | None = None, until: date | None = None,
                   login: str | None = None, student_no: str | None = None,
                   event: AccessEvent | str | None = None) -> pd.DataFrame:
    """Entries from `since` to `until` (whole days, both included), newest first, of one school, as data (at,
    login, event, target, student_no, name, address; `queries.vocabulary.access_table` reads them out).

    Refused sign-ins of names that match no account belong to no school: every school's log shows them.
    With `school_id` None (the administrator path), every school's entries."""
    a, s = t.access_log, t.students
    query = (select(a.c.at, a.c.login, a.c.event, a.c.target, s.c.student_no, s.c.name, a.c.address)
             .outerjoin(s, s.c.id == a.c.student_id).order_by(a.c.at.desc(), a.c.id.desc()))
    if school_id is not None:
        query = query.where(or_(a.c.school_id == school_id, a.c.school_id.is_(None)))
    if since is not None:
        query = query.where(a.c.at >= datetime.combine(since, time.min))
    if until is not None:
        query = query.where(a.c.at < datetime.combine(until + timedelta(days=1), time.min))
    if login:
        query = query.where(func.lower(a.c.login) == login.strip().lower())
    if student_no:
        query = query.where(s.c.student_no == student_no.strip())
    if event:
        query = query.where(a.c.event == AccessEvent(event).value)
    with reading(engine) as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["at", "login", "event", "target", "student_no", "name", "address"])
