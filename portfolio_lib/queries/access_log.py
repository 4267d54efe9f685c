"""The access log as a school administrator reads it: who signed in or opened what, whose data, when."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Engine, func, or_, select

from ..adapters import tables as t
from ..domain.calendar import format_roc_datetime
from ..domain.model import ACCESS_EVENT_LABELS, SIGN_IN_REFUSALS, AccessEvent
from ..domain.pages import page_title

HEADERS = ["時間", "帳號", "事件", "項目", "學號", "學生", "來源位址"]


def access_entries(engine: Engine, school_id: int | None, since: date | None = None, until: date | None = None,
                   login: str | None = None, student_no: str | None = None,
                   event: AccessEvent | str | None = None) -> pd.DataFrame:
    """Entries from `since` to `until` (whole days, both included), newest first, of one school.

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
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["at", "login", "event", "target", "student_no", "name", "address"])
    return pd.DataFrame({
        "時間": [format_roc_datetime(v) for v in frame["at"]],
        "帳號": frame["login"],
        "事件": [ACCESS_EVENT_LABELS[AccessEvent(v)] for v in frame["event"]],
        "項目": [_target(e, v) for e, v in zip(frame["event"], frame["target"])],
        "學號": frame["student_no"].fillna(""),
        "學生": frame["name"].fillna(""),
        "來源位址": frame["address"].fillna(""),
    }, columns=HEADERS)


def _target(event: str, target: str | None) -> str:
    if target is None:
        return ""
    if event == AccessEvent.SIGN_IN_REFUSED.value:
        return SIGN_IN_REFUSALS.get(target, target)
    return page_title(target)
