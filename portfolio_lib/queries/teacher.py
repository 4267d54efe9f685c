"""What a course teacher asks: the certification queue of their courses, its history, a file to preview."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import and_, or_, select

from ..adapters import tables as t
from ..domain.errors import NotFound, PermissionDenied
from ..domain.model import OutcomeStatus, Role, WindowKind
from .frames import Readable, missing
from .frames import frame as _frame
from .scope import COUNSELING, require
from .viewer import Viewer


def _teaching(viewer: Viewer):
    cs = t.course_sections
    return or_(cs.c.teacher_id == viewer.staff_id, cs.c.proxy_teacher_id == viewer.staff_id)


def certification_queue(engine: Readable, viewer: Viewer, now: datetime, open_only: bool = True) -> pd.DataFrame:
    """Pending outcomes of the viewer's courses (and those they are proxy for), with days left.

    With open_only, only what can be certified now: its term's certification window is open."""
    require(viewer, {Role.TEACHER})
    o, cs, cr, s = t.outcomes, t.course_sections, t.course_records, t.students
    w = t.windows
    query = (select(o.c.id.label("outcome_id"), o.c.academic_year, o.c.semester, cs.c.subject, cs.c.section,
                    s.c.student_no, s.c.name, o.c.description, o.c.sent_at, o.c.document_name, o.c.video_name,
                    (cs.c.teacher_id != viewer.staff_id).label("as_proxy"), w.c.closes.label("closes"))
             .join(cr, cr.c.id == o.c.course_record_id).join(cs, cs.c.id == cr.c.section_id)
             .join(s, s.c.id == o.c.student_id)
             .outerjoin(w, and_(w.c.school_id == cs.c.school_id, w.c.academic_year == o.c.academic_year,
                                w.c.semester == o.c.semester, w.c.kind == WindowKind.CERTIFICATION.value))
             .where(_teaching(viewer), o.c.status == OutcomeStatus.PENDING.value,
                    *([w.c.opens <= now, w.c.closes >= now] if open_only else []))
             .order_by(o.c.sent_at, o.c.id))
    table = _frame(engine, query)
    table["days_left"] = table["closes"].map(
        lambda closes: None if missing(closes) else (closes.date() - now.date()).days)
    table["as_proxy"] = table["as_proxy"].astype(bool)
    return table


def certification_history(engine: Readable, viewer: Viewer) -> pd.DataFrame:
    """What the viewer certified, newest first."""
    require(viewer, {Role.TEACHER})
    c, o, cs, cr, s = t.certifications, t.outcomes, t.course_sections, t.course_records, t.students
    table = _frame(engine, select(c.c.certified_at, o.c.id.label("outcome_id"), cs.c.subject, s.c.student_no,
                                  s.c.name, c.c.passed, c.c.reason)
                   .join(o, o.c.id == c.c.outcome_id).join(cr, cr.c.id == o.c.course_record_id)
                   .join(cs, cs.c.id == cr.c.section_id).join(s, s.c.id == o.c.student_id)
                   .where(c.c.teacher_id == viewer.staff_id).order_by(c.c.certified_at.desc(), c.c.id.desc()))
    table["passed"] = table["passed"].astype(bool)
    return table


def outcome_file(engine: Readable, viewer: Viewer, outcome_id: int, slot: str) -> tuple[str, str, str] | None:
    """(sha256, ext, client name) of an outcome's file, for a viewer who teaches its course or counsels."""
    o, cs, cr = t.outcomes, t.course_sections, t.course_records
    sha, name = (o.c.document_sha256, o.c.document_name) if slot == "document" else (o.c.video_sha256, o.c.video_name)
    query = (select(sha.label("sha"), name.label("name"), t.files.c.ext, cs.c.teacher_id, cs.c.proxy_teacher_id,
                    cs.c.school_id).join(cr, cr.c.id == o.c.course_record_id).join(cs, cs.c.id == cr.c.section_id)
             .outerjoin(t.files, t.files.c.sha256 == sha).where(o.c.id == outcome_id))
    row = _frame(engine, query)
    if row.empty:
        raise NotFound(entity="學習成果", key=outcome_id)
    r = row.iloc[0]
    allowed = (viewer.roles & COUNSELING and r["school_id"] == viewer.school_id) or \
        viewer.staff_id in (r["teacher_id"], r["proxy_teacher_id"])
    if not allowed:
        raise PermissionDenied(who=f"{viewer.name} ", action="查看這件學習成果")
    if not r["sha"]:
        return None
    return r["sha"], r["ext"], r["name"]
