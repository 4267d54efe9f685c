"""A student's items, as data: their course outcomes and 多元表現 records with status, selection and submission.

One answer for every screen that lists a student's items: the student's own cabinet, the homeroom teacher's and
the counselor's drill-down, and `portfolio status student`. The entity predicates (can send, can change,
selectable) come with them as columns, so no page re-derives a rule from a label.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, func, select

from ..adapters import tables as t
from ..domain.categories import CATEGORIES
from ..domain.errors import InSeveralSchools
from ..domain.model import ItemKind, outcome_can_send, outcome_selectable, performance_selectable
from .frames import Readable, missing, question, reading
from .frames import frame as _frame

ITEM_COLUMNS = ["kind", "item_id", "academic_year", "semester", "title", "description", "status", "selected",
                "selectable", "uploaded_at", "submitted_at"]


def outcome_items(engine: Readable, student_id: int) -> pd.DataFrame:
    """Every course outcome of a student, newest term first: its course, files, status, the latest
    certification's reason, when it was sent, selected, submitted, and whether it can be sent or selected."""
    o, r, cs, c, s = t.outcomes, t.course_records, t.course_sections, t.certifications, t.selections
    latest = select(c.c.outcome_id, func.max(c.c.id).label("cid")).group_by(c.c.outcome_id).subquery()
    table = _frame(engine, select(
        o.c.id.label("outcome_id"), o.c.academic_year, o.c.semester, cs.c.subject, cs.c.course_code,
        o.c.description, o.c.document_name, o.c.video_name, o.c.status, o.c.outcome_kind, c.c.reason,
        o.c.uploaded_at, o.c.sent_at,
        o.c.submitted_at, s.c.id.label("selection_id"))
        .join(r, r.c.id == o.c.course_record_id).join(cs, cs.c.id == r.c.section_id)
        .outerjoin(latest, latest.c.outcome_id == o.c.id).outerjoin(c, c.c.id == latest.c.cid)
        .outerjoin(s, and_(s.c.item_kind == ItemKind.OUTCOME.value, s.c.item_id == o.c.id))
        .where(o.c.student_id == student_id).order_by(o.c.academic_year.desc(), o.c.semester.desc(), o.c.id))
    table["selected"] = table.pop("selection_id").map(lambda v: not missing(v)).astype(bool)
    submitted = table["submitted_at"].map(lambda v: not missing(v))
    table["can_send"] = [outcome_can_send(st, sub) for st, sub in zip(table["status"], submitted)]
    table["selectable"] = table["status"].map(outcome_selectable).astype(bool)
    return table


def performance_items(engine: Readable, student_id: int) -> pd.DataFrame:
    """Every 多元表現 record of a student, newest year first: category and its fields (JSON), files, link, whether
    it was synced from the school system, selected, submitted, and whether it can be selected."""
    p, s = t.performances, t.selections
    table = _frame(engine, select(
        p.c.id.label("performance_id"), p.c.academic_year, p.c.semester, p.c.category, p.c.fields, p.c.description,
        p.c.document_name, p.c.video_name, p.c.external_link, p.c.synced, p.c.uploaded_at, p.c.submitted_at,
        p.c.document_sha256, p.c.video_sha256, s.c.id.label("selection_id"))
        .outerjoin(s, and_(s.c.item_kind == ItemKind.PERFORMANCE.value, s.c.item_id == p.c.id))
        .where(p.c.student_id == student_id).order_by(p.c.academic_year.desc(), p.c.id))
    table["synced"] = table["synced"].astype(bool)
    table["selected"] = table.pop("selection_id").map(lambda v: not missing(v)).astype(bool)
    has_proof = [not (missing(d) and missing(v)) for d, v in zip(table.pop("document_sha256"),
                                                                  table.pop("video_sha256"))]
    table["selectable"] = [performance_selectable(sy, proof) for sy, proof in zip(table["synced"], has_proof)]
    return table


@question
def student_items(engine: Readable, student_id: int) -> pd.DataFrame:
    """Outcomes and 多元表現 of a student in one list (`ITEM_COLUMNS`), by term, kind and number: `title` is the
    subject or the category's name, `status` the outcome's (None for 多元表現)."""
    outcomes = outcome_items(engine, student_id).rename(columns={"outcome_id": "item_id", "subject": "title"})
    outcomes["kind"] = ItemKind.OUTCOME.value
    performances = performance_items(engine, student_id).rename(columns={"performance_id": "item_id"})
    performances["kind"] = ItemKind.PERFORMANCE.value
    performances["title"] = performances["category"].map(lambda key: CATEGORIES[key].label)
    performances["status"] = None
    parts = [part[ITEM_COLUMNS] for part in (outcomes, performances) if not part.empty]
    if not parts:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    items = pd.concat(parts, ignore_index=True)
    return items.sort_values(["academic_year", "semester", "kind", "item_id"]).reset_index(drop=True)


def student_id_of(engine: Readable, student_no: str, school_id: int | None = None) -> int | None:
    """The student with this number (of one school, in a database of several), None when there is none; a number
    found in several schools with none named is refused (InSeveralSchools), never answered with one of them."""
    where = [t.students.c.student_no == str(student_no)]
    if school_id is not None:
        where.append(t.students.c.school_id == school_id)
    with reading(engine) as conn:
        found = conn.execute(select(t.students.c.id).where(*where).order_by(t.students.c.id).limit(2)).scalars().all()
    if len(found) > 1:
        raise InSeveralSchools(entity="學號", key=student_no)
    return found[0] if found else None
