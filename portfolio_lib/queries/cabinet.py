"""The student's cabinet (學習歷程檔案櫃): what one student, or their parent, may see of their own portfolio."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import and_, func, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.calendar import Term
from ..domain.categories import CATEGORIES, describe_fields
from ..domain.errors import NotFound
from ..domain.model import Actor, ActorKind, ItemKind, OutcomeStatus, outcome_can_change, plan_can_replace
from ..domain.policy import Policy, Rules
from . import items
from .frames import Readable, missing, question, reading
from .frames import frame as _frame
from .rules import school_rules


@dataclass(frozen=True)
class CabinetViewer:
    """A student looking at their own cabinet, or a parent looking (read-only) at their child's."""

    student_id: int
    student_no: str
    name: str
    school_id: int
    parent: str | None = None        # the parent's name when a parent is looking
    parent_login: str | None = None  # the parent's sign-on name

    @property
    def read_only(self) -> bool:
        return self.parent is not None

    @property
    def actor(self) -> Actor:
        """Who acts from this cabinet: the student, or the guardian (whom every service refuses)."""
        if self.read_only:
            return Actor(ActorKind.GUARDIAN.value, self.parent_login or f"guardian-of-{self.student_no}",
                         school_id=self.school_id)
        return Actor(ActorKind.STUDENT.value, self.student_no, school_id=self.school_id)

    @property
    def label(self) -> str:
        return f"{self.parent}（{self.name}的家長，唯讀）" if self.parent else f"{self.name}（{self.student_no}）"


def _student(engine: Readable, where) -> object | None:
    with reading(engine) as conn:
        return conn.execute(select(t.students).where(where)).first()


def cabinet_viewer(engine: Readable, login: str, student_no: str | None = None) -> CabinetViewer | None:
    """The cabinet a sign-on name opens: a student's own, or (read-only) a parent's child's; a parent of
    several children at the school names which child by student number (default: the first)."""
    own = student_by_login(engine, login)
    if own is not None:
        return own
    children = guardian_children(engine, login)
    if student_no is not None:
        children = [c for c in children if c.student_no == student_no]
    if not children:
        return None
    return children[0]


def student_by_login(engine: Readable, login: str) -> CabinetViewer | None:
    """The student whose 登入帳號 is this sign-on name."""
    row = _student(engine, func.lower(t.students.c.login) == login.lower())
    return None if row is None else CabinetViewer(row.id, row.student_no, row.name, row.school_id)


def guardian_children(engine: Readable, login: str) -> list[CabinetViewer]:
    """Every child a guardian's sign-on name reads, as read-only cabinet viewers, by student number."""
    g, s = t.guardians, t.students
    with reading(engine) as conn:
        rows = conn.execute(select(s.c.id, s.c.student_no, s.c.name, s.c.school_id, g.c.name.label("parent"),
                                   g.c.login).join(g, g.c.student_id == s.c.id)
                            .where(func.lower(g.c.login) == login.lower()).order_by(s.c.student_no)).all()
    return [CabinetViewer(r.id, r.student_no, r.name, r.school_id, parent=r.parent, parent_login=r.login)
            for r in rows]


def student_viewer(engine: Readable, student_no: str, as_parent: bool = False,
                   school_id: int | None = None) -> CabinetViewer:
    """A student's cabinet by student number (in a database of several schools, name the school), or read-only
    as their first guardian."""
    where = t.students.c.student_no == str(student_no)
    if school_id is not None:
        where = and_(where, t.students.c.school_id == school_id)
    return _cabinet_of(engine, _student(engine, where), student_no, as_parent)


def student_viewer_by_id(engine: Readable, student_id: int, as_parent: bool = False) -> CabinetViewer:
    return _cabinet_of(engine, _student(engine, t.students.c.id == student_id), student_id, as_parent)


def _cabinet_of(engine: Readable, row, key, as_parent: bool) -> CabinetViewer:
    if row is None:
        raise NotFound(entity="學生", key=key)
    parent = login = None
    if as_parent:
        with reading(engine) as conn:
            guardian = conn.execute(select(t.guardians.c.name, t.guardians.c.login)
                                    .where(t.guardians.c.student_id == row.id).order_by(t.guardians.c.id)).first()
        parent, login = (guardian.name, guardian.login) if guardian else ("家長", None)
    return CabinetViewer(row.id, row.student_no, row.name, row.school_id, parent=parent, parent_login=login)


def students_for_picker(engine: Readable, year: int, school_id: int | None = None) -> pd.DataFrame:
    """Students enrolled in a year (of one school, or of every school for the demo's view-as picker)."""
    c, e, s = t.classes, t.enrolments, t.students
    query = (select(s.c.id, s.c.student_no, s.c.name, c.c.name.label("class_name"), e.c.seat_no, c.c.grade,
                    t.schools.c.code)
             .join(e, e.c.student_id == s.c.id).join(c, c.c.id == e.c.class_id)
             .join(t.schools, t.schools.c.id == s.c.school_id)
             .where(e.c.academic_year == year).order_by(t.schools.c.code, c.c.name, e.c.seat_no))
    if school_id is not None:
        query = query.where(s.c.school_id == school_id)
    with reading(engine) as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["student_id", "student_no", "name", "class_name", "seat_no", "grade", "school"])


def rules_for(engine: Readable, viewer: CabinetViewer, term: Term, policy: Policy) -> Rules:
    """The rules in force for the viewer's school in a term (the national policy with the school's overrides)."""
    return school_rules(engine, viewer.school_id, term, policy)


def grade_in(engine: Readable, viewer: CabinetViewer, year: int) -> int | None:
    with reading(engine) as conn:
        return answers.grade_of(conn, viewer.student_id, year)


# --- home -----------------------------------------------------------------------------

@question
def home(engine: Readable, viewer: CabinetViewer, now: datetime, policy: Policy) -> dict:
    """Counts per item type, quota used, outcomes not yet certified, the year's selections, open windows."""
    term = Term.of(now.date())
    rules = rules_for(engine, viewer, term, policy)
    o, p, s = t.outcomes, t.performances, t.selections
    with reading(engine) as conn:
        outcome_count = conn.execute(select(func.count()).select_from(o).where(o.c.student_id == viewer.student_id)
                                     ).scalar_one()
        uncertified = conn.execute(select(func.count()).select_from(o).where(
            o.c.student_id == viewer.student_id, o.c.status != OutcomeStatus.PASSED.value)).scalar_one()
        per_category = dict(conn.execute(select(p.c.category, func.count()).where(p.c.student_id == viewer.student_id)
                                         .group_by(p.c.category)).all())
        selected = dict(conn.execute(select(s.c.item_kind, func.count()).where(
            s.c.student_id == viewer.student_id, s.c.academic_year == term.year).group_by(s.c.item_kind)).all())
        windows = answers.open_windows(conn, viewer.school_id, now)
        used = answers.used_bytes(conn, [viewer.student_id]).get(viewer.student_id, 0)
    return {
        "term": term, "outcomes": outcome_count, "uncertified": uncertified,
        "performances": {CATEGORIES[k].label: per_category.get(k, 0) for k in CATEGORIES},
        "used": used, "quota": rules.quota_bytes,
        "selected_outcomes": selected.get(ItemKind.OUTCOME.value, 0),
        "outcome_cap": rules.outcome_selection_cap_per_year,
        "selected_performances": selected.get(ItemKind.PERFORMANCE.value, 0),
        "performance_cap": rules.performance_selection_cap_per_year,
        "windows": [(w.kind.label, w.term_year, w.semester, *w.span()) for w in windows],
    }


def notifications(engine: Readable, viewer: CabinetViewer) -> pd.DataFrame:
    """The student's notices, newest first (id, created_at, message, read)."""
    n = t.notifications
    table = _frame(engine, select(n.c.id, n.c.created_at, n.c.message, n.c.read_at)
                   .where(n.c.student_id == viewer.student_id).order_by(n.c.created_at.desc(), n.c.id.desc()))
    table["read"] = table.pop("read_at").map(lambda v: not missing(v)).astype(bool)
    return table


# --- outcomes -------------------------------------------------------------------------

def course_records(engine: Readable, viewer: CabinetViewer) -> pd.DataFrame:
    """The course record (修課紀錄) with each course's outcome, if any, and whether one can be uploaded now."""
    r, cs, o = t.course_records, t.course_sections, t.outcomes
    table = _frame(engine, select(
        r.c.id.label("record_id"), cs.c.academic_year, cs.c.semester, cs.c.subject, cs.c.course_code, cs.c.credits,
        r.c.score, o.c.id.label("outcome_id"), o.c.status.label("outcome_status"), o.c.submitted_at)
        .join(cs, cs.c.id == r.c.section_id).outerjoin(o, o.c.course_record_id == r.c.id)
        .where(r.c.student_id == viewer.student_id)
        .order_by(cs.c.academic_year.desc(), cs.c.semester.desc(), cs.c.subject))
    table["can_upload"] = [missing(status) or outcome_can_change(status, not missing(sub))
                           for status, sub in zip(table["outcome_status"], table.pop("submitted_at"))]
    return table


def outcomes(engine: Readable, viewer: CabinetViewer) -> pd.DataFrame:
    """Every outcome of the viewer's, as data (`items.outcome_items`)."""
    return items.outcome_items(engine, viewer.student_id)


# --- 多元表現 ---------------------------------------------------------------------------

@question
def performances(engine: Readable, viewer: CabinetViewer, policy: Policy) -> pd.DataFrame:
    """Every 多元表現 record of the viewer's (`items.performance_items`), with its fields described the way the
    rules of its year name them (`content`)."""
    table = items.performance_items(engine, viewer.student_id)
    rules = rules_for(engine, viewer, Term(int(table["academic_year"].max()), 1), policy) if len(table) else None
    table["content"] = [" ".join(f"{k}:{v}" for k, v in describe_fields(cat, json.loads(f), rules).items())
                        for cat, f in zip(table["category"], table["fields"])]
    return table


def performance_record(engine: Readable, viewer: CabinetViewer, performance_id: int):
    """One of the viewer's own 多元表現 records as stored, to edit it; another student's is not found."""
    p = t.performances
    with reading(engine) as conn:
        row = conn.execute(select(p).where(p.c.id == performance_id, p.c.student_id == viewer.student_id)).first()
    if row is None:
        raise NotFound(entity="多元表現", key=performance_id)
    return row


# --- selection, picks, submissions -----------------------------------------------------

@question
def _named_items(engine: Readable, viewer: CabinetViewer, policy: Policy) -> pd.DataFrame:
    """The viewer's outcomes and 多元表現 in one list (kind, item_id, academic_year, name, selected, selectable,
    submitted_at), each named as the cabinet lists it: 「科目：簡述」 or 「類別：簡述」."""
    mine = outcomes(engine, viewer)
    perf = performances(engine, viewer, policy)
    named = [pd.DataFrame({"kind": ItemKind.OUTCOME.value, "item_id": mine["outcome_id"],
                           "academic_year": mine["academic_year"],
                           "name": [f"{s}：{d}" for s, d in zip(mine["subject"], mine["description"])],
                           "selected": mine["selected"], "selectable": mine["selectable"],
                           "submitted_at": mine["submitted_at"]}),
             pd.DataFrame({"kind": ItemKind.PERFORMANCE.value, "item_id": perf["performance_id"],
                           "academic_year": perf["academic_year"],
                           "name": [f"{CATEGORIES[c].label}：{d or content}" for c, d, content
                                    in zip(perf["category"], perf["description"], perf["content"])],
                           "selected": perf["selected"], "selectable": perf["selectable"],
                           "submitted_at": perf["submitted_at"]})]
    return pd.concat([part for part in named if not part.empty] or named[:1], ignore_index=True)


@question
def selectable(engine: Readable, viewer: CabinetViewer, year: int, policy: Policy) -> pd.DataFrame:
    """Items of a year that can be selected: certified outcomes, 多元表現 (synced ones with proof)."""
    named = _named_items(engine, viewer, policy)
    chosen = named[(named["academic_year"] == year) & named["selectable"].astype(bool)]
    return chosen.drop(columns=["selectable"]).reset_index(drop=True)


@question
def application_pool(engine: Readable, viewer: CabinetViewer, policy: Policy) -> pd.DataFrame:
    """Selected items of every year (kind, item_id, academic_year, name, picked), with whether each is picked
    for application."""
    s, a = t.selections, t.application_picks
    table = _frame(engine, select(s.c.item_kind.label("kind"), s.c.item_id, s.c.academic_year, a.c.id.label("pick_id"))
                   .outerjoin(a, and_(a.c.item_kind == s.c.item_kind, a.c.item_id == s.c.item_id))
                   .where(s.c.student_id == viewer.student_id).order_by(s.c.academic_year, s.c.item_kind, s.c.item_id))
    names = {(k, i): n for k, i, n in _named_items(engine, viewer, policy)[["kind", "item_id", "name"]]
             .itertuples(index=False)}
    table["name"] = [names.get((k, i), "") for k, i in zip(table["kind"], table["item_id"])]
    table["picked"] = table.pop("pick_id").map(lambda v: not missing(v)).astype(bool)
    return table


@question
def submission_records(engine: Readable, viewer: CabinetViewer) -> pd.DataFrame:
    """What went to the central database, and when (查詢提交中央資料庫紀錄): created_at, academic_year, semester,
    item_kind, item_id, newest first."""
    b, i = t.submission_batches, t.submission_items
    parts = []
    for kind, table in ((ItemKind.OUTCOME, t.outcomes), (ItemKind.PERFORMANCE, t.performances)):
        parts.append(_frame(engine, select(b.c.created_at, b.c.academic_year, b.c.semester, i.c.item_kind, i.c.item_id)
                            .join(i, i.c.batch_id == b.c.id).join(table, and_(i.c.item_kind == kind.value,
                                                                              table.c.id == i.c.item_id))
                            .where(table.c.student_id == viewer.student_id)))
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["created_at", "item_kind", "item_id"], ascending=[False, True, True]) \
        .reset_index(drop=True)


# --- school-only items -----------------------------------------------------------------

def consultation_records(engine: Readable, viewer: CabinetViewer) -> pd.DataFrame:
    """The student's consultation records (consulted_on, consultant, description, document_name)."""
    c = t.consultation_records
    return _frame(engine, select(c.c.consulted_on, t.staff.c.name.label("consultant"), c.c.description,
                                 c.c.document_name)
                  .join(t.staff, t.staff.c.id == c.c.consultant_id)
                  .where(c.c.student_id == viewer.student_id).order_by(c.c.consulted_on.desc()))


def learning_plans(engine: Readable, viewer: CabinetViewer) -> pd.DataFrame:
    """The student's self-directed learning plans, newest first, with whether each can still be replaced."""
    p = t.learning_plans
    table = _frame(engine, select(p.c.id.label("plan_id"), p.c.academic_year, p.c.semester, p.c.title,
                                  p.c.description, p.c.document_name, p.c.status, p.c.review_comment, p.c.updated_at)
                   .where(p.c.student_id == viewer.student_id).order_by(p.c.id.desc()))
    table["can_replace"] = table["status"].map(plan_can_replace).astype(bool)
    return table


def school_documents(engine: Readable, viewer: CabinetViewer) -> pd.DataFrame:
    """The documents the school keeps for the student (document_id, document_kind, description, document_name,
    uploaded_at), newest first."""
    d = t.school_documents
    return _frame(engine, select(d.c.id.label("document_id"), d.c.kind.label("document_kind"), d.c.description,
                                 d.c.document_name, d.c.uploaded_at)
                  .where(d.c.student_id == viewer.student_id).order_by(d.c.uploaded_at.desc(), d.c.id.desc()))
