"""The student's cabinet (學習歷程檔案櫃): what one student, or their parent, may see of their own portfolio."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, and_, func, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.calendar import Term, format_roc_date, format_roc_datetime
from ..domain.categories import CATEGORIES, describe_fields
from ..domain.errors import NotFound
from ..domain.model import (
    Actor,
    ActorKind,
    ItemKind,
    OutcomeStatus,
    PlanStatus,
    outcome_can_change,
    outcome_can_send,
    outcome_selectable,
    performance_selectable,
    plan_can_replace,
)
from ..domain.policy import Policy, Rules
from .frames import frame as _frame
from .frames import missing
from .rules import school_rules

SOURCE_LABELS = {True: "校務系統", False: "自行上傳"}


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
            return Actor(ActorKind.GUARDIAN.value, self.parent_login or f"guardian-of-{self.student_no}")
        return Actor(ActorKind.STUDENT.value, self.student_no)

    @property
    def label(self) -> str:
        return f"{self.parent}（{self.name}的家長，唯讀）" if self.parent else f"{self.name}（{self.student_no}）"


def _student(engine: Engine, where) -> object | None:
    with engine.connect() as conn:
        return conn.execute(select(t.students).where(where)).first()


def cabinet_viewer(engine: Engine, login: str, student_no: str | None = None) -> CabinetViewer | None:
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


def student_by_login(engine: Engine, login: str) -> CabinetViewer | None:
    """The student whose 登入帳號 is this sign-on name."""
    row = _student(engine, func.lower(t.students.c.login) == login.lower())
    return None if row is None else CabinetViewer(row.id, row.student_no, row.name, row.school_id)


def guardian_children(engine: Engine, login: str) -> list[CabinetViewer]:
    """Every child a guardian's sign-on name reads, as read-only cabinet viewers, by student number."""
    g, s = t.guardians, t.students
    with engine.connect() as conn:
        rows = conn.execute(select(s.c.id, s.c.student_no, s.c.name, s.c.school_id, g.c.name.label("parent"),
                                   g.c.login).join(g, g.c.student_id == s.c.id)
                            .where(func.lower(g.c.login) == login.lower()).order_by(s.c.student_no)).all()
    return [CabinetViewer(r.id, r.student_no, r.name, r.school_id, parent=r.parent, parent_login=r.login)
            for r in rows]


def student_viewer(engine: Engine, student_no: str, as_parent: bool = False,
                   school_id: int | None = None) -> CabinetViewer:
    """A student's cabinet by student number (in a database of several schools, name the school), or read-only
    as their first guardian."""
    where = t.students.c.student_no == str(student_no)
    if school_id is not None:
        where = and_(where, t.students.c.school_id == school_id)
    return _cabinet_of(engine, _student(engine, where), student_no, as_parent)


def student_viewer_by_id(engine: Engine, student_id: int, as_parent: bool = False) -> CabinetViewer:
    return _cabinet_of(engine, _student(engine, t.students.c.id == student_id), student_id, as_parent)


def _cabinet_of(engine: Engine, row, key, as_parent: bool) -> CabinetViewer:
    if row is None:
        raise NotFound(entity="學生", key=key)
    parent = login = None
    if as_parent:
        with engine.connect() as conn:
            guardian = conn.execute(select(t.guardians.c.name, t.guardians.c.login)
                                    .where(t.guardians.c.student_id == row.id).order_by(t.guardians.c.id)).first()
        parent, login = (guardian.name, guardian.login) if guardian else ("家長", None)
    return CabinetViewer(row.id, row.student_no, row.name, row.school_id, parent=parent, parent_login=login)


def students_for_picker(engine: Engine, year: int, school_id: int | None = None) -> pd.DataFrame:
    """Students enrolled in a year (of one school, or of every school for the demo's view-as picker)."""
    c, e, s = t.classes, t.enrolments, t.students
    query = (select(s.c.id, s.c.student_no, s.c.name, c.c.name.label("class_name"), e.c.seat_no, c.c.grade,
                    t.schools.c.code)
             .join(e, e.c.student_id == s.c.id).join(c, c.c.id == e.c.class_id)
             .join(t.schools, t.schools.c.id == s.c.school_id)
             .where(e.c.academic_year == year).order_by(t.schools.c.code, c.c.name, e.c.seat_no))
    if school_id is not None:
        query = query.where(s.c.school_id == school_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["student_id", "student_no", "name", "class_name", "seat_no", "grade", "school"])


def rules_for(engine: Engine, viewer: CabinetViewer, term: Term, policy: Policy) -> Rules:
    """The rules in force for the viewer's school in a term (the national policy with the school's overrides)."""
    return school_rules(engine, viewer.school_id, term, policy)


def grade_in(engine: Engine, viewer: CabinetViewer, year: int) -> int | None:
    with engine.connect() as conn:
        return answers.grade_of(conn, viewer.student_id, year)


# --- home -----------------------------------------------------------------------------

def home(engine: Engine, viewer: CabinetViewer, now: datetime, policy: Policy) -> dict:
    """Counts per item type, quota used, outcomes not yet certified, the year's selections, open windows."""
    term = Term.of(now.date())
    rules = rules_for(engine, viewer, term, policy)
    o, p, s = t.outcomes, t.performances, t.selections
    with engine.connect() as conn:
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


def notifications(engine: Engine, viewer: CabinetViewer) -> pd.DataFrame:
    n = t.notifications
    table = _frame(engine, select(n.c.id, n.c.created_at.label("時間"), n.c.message.label("通知"), n.c.read_at)
                   .where(n.c.student_id == viewer.student_id).order_by(n.c.created_at.desc(), n.c.id.desc()))
    table["狀態"] = table.pop("read_at").map(lambda v: "未讀" if missing(v) else "已讀")
    table["時間"] = table["時間"].map(format_roc_datetime)
    return table


# --- outcomes -------------------------------------------------------------------------

def course_records(engine: Engine, viewer: CabinetViewer) -> pd.DataFrame:
    """The course record (修課紀錄) with each course's outcome, if any."""
    r, cs, o = t.course_records, t.course_sections, t.outcomes
    table = _frame(engine, select(
        r.c.id.label("record_id"), cs.c.academic_year.label("學年度"), cs.c.semester.label("學期"),
        cs.c.subject.label("科目"), cs.c.course_code.label("課程代碼"), cs.c.credits.label("學分"),
        r.c.score.label("成績"), o.c.id.label("outcome_id"), o.c.status, o.c.submitted_at)
        .join(cs, cs.c.id == r.c.section_id).outerjoin(o, o.c.course_record_id == r.c.id)
        .where(r.c.student_id == viewer.student_id)
        .order_by(cs.c.academic_year.desc(), cs.c.semester.desc(), cs.c.subject))
    uploaded = table["status"].map(lambda v: isinstance(v, str))
    table["學習成果"] = table["status"].map(lambda v: OutcomeStatus(v).label if isinstance(v, str) else "未上傳")
    table["成績"] = table["成績"].map(lambda v: "" if missing(v) else f"{v:g}")
    table["can_upload"] = [not up or outcome_can_change(status, not missing(sub))
                           for up, status, sub in zip(uploaded, table["status"], table["submitted_at"])]
    return table.drop(columns=["status", "submitted_at"])


def outcomes(engine: Engine, viewer: CabinetViewer) -> pd.DataFrame:
    """Every outcome with its status, the latest certification's reason, selection and submission."""
    o, r, cs, c, s = t.outcomes, t.course_records, t.course_sections, t.certifications, t.selections
    latest = select(c.c.outcome_id, func.max(c.c.id).label("cid")).group_by(c.c.outcome_id).subquery()
    table = _frame(engine, select(
        o.c.id.label("編號"), o.c.academic_year.label("學年度"), o.c.semester.label("學期"), cs.c.subject.label("科目"),
        cs.c.course_code, o.c.description.label("內容簡述"), o.c.document_name.label("文件"),
        o.c.video_name.label("影音"), o.c.status, c.c.reason.label("原因"), o.c.sent_at, o.c.submitted_at,
        s.c.id.label("selection_id"))
        .join(r, r.c.id == o.c.course_record_id).join(cs, cs.c.id == r.c.section_id)
        .outerjoin(latest, latest.c.outcome_id == o.c.id).outerjoin(c, c.c.id == latest.c.cid)
        .outerjoin(s, and_(s.c.item_kind == ItemKind.OUTCOME.value, s.c.item_id == o.c.id))
        .where(o.c.student_id == viewer.student_id).order_by(o.c.academic_year.desc(), o.c.semester.desc(), o.c.id))
    table["認證"] = table["status"].map(lambda v: OutcomeStatus(v).label)
    table["送出時間"] = table.pop("sent_at").map(format_roc_datetime)
    table["已勾選"] = table.pop("selection_id").map(lambda v: "" if missing(v) else "✓")
    submitted = table.pop("submitted_at")
    table["提交"] = submitted.map(lambda v: "" if missing(v) else "🔒 " + format_roc_date(v))
    table["can_send"] = [outcome_can_send(st, not missing(v)) for st, v in zip(table["status"], submitted)]
    table["selectable"] = table["status"].map(outcome_selectable).astype(bool)
    return table.fillna("")


# --- 多元表現 ---------------------------------------------------------------------------

def performances(engine: Engine, viewer: CabinetViewer, policy: Policy) -> pd.DataFrame:
    p, s = t.performances, t.selections
    table = _frame(engine, select(
        p.c.id.label("編號"), p.c.academic_year.label("學年度"), p.c.semester.label("學期"), p.c.category,
        p.c.fields, p.c.description.label("內容簡述"), p.c.document_name.label("證明文件"),
        p.c.video_name.label("影音"), p.c.external_link.label("外部連結"), p.c.synced, p.c.submitted_at,
        p.c.document_sha256, p.c.video_sha256, s.c.id.label("selection_id"))
        .outerjoin(s, and_(s.c.item_kind == ItemKind.PERFORMANCE.value, s.c.item_id == p.c.id))
        .where(p.c.student_id == viewer.student_id).order_by(p.c.academic_year.desc(), p.c.id))
    if table.empty:
        return table
    rules = rules_for(engine, viewer, Term(int(table["學年度"].max()), 1), policy)
    table["類別"] = table["category"].map(lambda k: CATEGORIES[k].label)
    table["內容"] = [" ".join(f"{k}:{v}" for k, v in describe_fields(cat, json.loads(f), rules).items())
                   for cat, f in zip(table["category"], table["fields"])]
    synced = table.pop("synced").astype(bool)
    table["來源"] = synced.map(SOURCE_LABELS)
    table["已勾選"] = table.pop("selection_id").map(lambda v: "" if missing(v) else "✓")
    table["提交"] = table.pop("submitted_at").map(lambda v: "" if missing(v) else "🔒 " + format_roc_date(v))
    has_proof = [not (missing(d) and missing(v))
                 for d, v in zip(table.pop("document_sha256"), table.pop("video_sha256"))]
    table["selectable"] = [performance_selectable(s, p) for s, p in zip(synced, has_proof)]
    return table.fillna("")


def performance_record(engine: Engine, viewer: CabinetViewer, performance_id: int):
    """One of the viewer's own 多元表現 records as stored, to edit it; another student's is not found."""
    p = t.performances
    with engine.connect() as conn:
        row = conn.execute(select(p).where(p.c.id == performance_id, p.c.student_id == viewer.student_id)).first()
    if row is None:
        raise NotFound(entity="多元表現", key=performance_id)
    return row


# --- selection, picks, submissions -----------------------------------------------------

def selectable(engine: Engine, viewer: CabinetViewer, year: int, policy: Policy) -> pd.DataFrame:
    """Items of a year that can be selected: certified outcomes, 多元表現 (synced ones with proof)."""
    items = []
    for row in outcomes(engine, viewer).itertuples():
        if row.學年度 == year and row.selectable:
            items.append({"種類": ItemKind.OUTCOME.label, "kind": ItemKind.OUTCOME.value, "編號": row.編號,
                          "名稱": f"{row.科目}：{row.內容簡述}", "已勾選": row.已勾選, "提交": row.提交,
                          "selected": bool(row.已勾選)})
    perf = performances(engine, viewer, policy)
    for row in perf.itertuples() if not perf.empty else []:
        if row.學年度 == year and row.selectable:
            items.append({"種類": ItemKind.PERFORMANCE.label, "kind": ItemKind.PERFORMANCE.value, "編號": row.編號,
                          "名稱": f"{row.類別}：{row.內容簡述 or row.內容}", "已勾選": row.已勾選, "提交": row.提交,
                          "selected": bool(row.已勾選)})
    return pd.DataFrame(items, columns=["種類", "kind", "編號", "名稱", "已勾選", "提交", "selected"])


def application_pool(engine: Engine, viewer: CabinetViewer, policy: Policy) -> pd.DataFrame:
    """Selected items of every year, with whether each is picked for application."""
    s, a = t.selections, t.application_picks
    table = _frame(engine, select(s.c.item_kind.label("kind"), s.c.item_id.label("編號"),
                                  s.c.academic_year.label("學年度"), a.c.id.label("pick_id"))
                   .outerjoin(a, and_(a.c.item_kind == s.c.item_kind, a.c.item_id == s.c.item_id))
                   .where(s.c.student_id == viewer.student_id).order_by(s.c.academic_year, s.c.item_kind, s.c.item_id))
    names = {}
    for row in outcomes(engine, viewer).itertuples():
        names[(ItemKind.OUTCOME.value, row.編號)] = f"{row.科目}：{row.內容簡述}"
    perf = performances(engine, viewer, policy)
    for row in perf.itertuples() if not perf.empty else []:
        names[(ItemKind.PERFORMANCE.value, row.編號)] = f"{row.類別}：{row.內容簡述 or row.內容}"
    table["種類"] = table["kind"].map(lambda k: ItemKind(k).label)
    table["名稱"] = [names.get((k, i), "") for k, i in zip(table["kind"], table["編號"])]
    table["picked"] = table.pop("pick_id").map(lambda v: not missing(v)).astype(bool)
    table["申請入學"] = table["picked"].map({True: "✓", False: ""})
    return table[["種類", "kind", "編號", "學年度", "名稱", "申請入學", "picked"]]


def submission_records(engine: Engine, viewer: CabinetViewer) -> pd.DataFrame:
    """What went to the central database, and when (查詢提交中央資料庫紀錄)."""
    b, i = t.submission_batches, t.submission_items
    parts = []
    for kind, table in ((ItemKind.OUTCOME, t.outcomes), (ItemKind.PERFORMANCE, t.performances)):
        parts.append(_frame(engine, select(b.c.created_at.label("提交時間"), b.c.academic_year.label("學年度"),
                                           b.c.semester.label("學期"), i.c.item_id.label("編號"))
                            .join(i, i.c.batch_id == b.c.id).join(table, and_(i.c.item_kind == kind.value,
                                                                              table.c.id == i.c.item_id))
                            .where(table.c.student_id == viewer.student_id)).assign(種類=kind.label))
    table = pd.concat(parts, ignore_index=True).sort_values(["提交時間", "種類", "編號"], ascending=[False, True, True])
    table["提交時間"] = table["提交時間"].map(format_roc_datetime)
    return table[["提交時間", "學年度", "學期", "種類", "編號"]].reset_index(drop=True)


# --- school-only items -----------------------------------------------------------------

def consultation_records(engine: Engine, viewer: CabinetViewer) -> pd.DataFrame:
    c = t.consultation_records
    table = _frame(engine, select(c.c.consulted_on.label("日期"), t.staff.c.name.label("課程諮詢師"),
                                  c.c.description.label("內容簡述"), c.c.document_name.label("文件"))
                   .join(t.staff, t.staff.c.id == c.c.consultant_id)
                   .where(c.c.student_id == viewer.student_id).order_by(c.c.consulted_on.desc()))
    table["日期"] = table["日期"].map(format_roc_date)
    return table.fillna("")


def learning_plans(engine: Engine, viewer: CabinetViewer) -> pd.DataFrame:
    p = t.learning_plans
    table = _frame(engine, select(p.c.id.label("編號"), p.c.academic_year.label("學年度"), p.c.semester.label("學期"),
                                  p.c.title.label("計畫名稱"), p.c.description.label("內容簡述"),
                                  p.c.document_name.label("文件"), p.c.status, p.c.review_comment.label("審核意見"),
                                  p.c.updated_at)
                   .where(p.c.student_id == viewer.student_id).order_by(p.c.id.desc()))
    table["can_replace"] = table["status"].map(plan_can_replace).astype(bool)
    table["審核"] = table.pop("status").map(lambda v: PlanStatus(v).label)
    table["更新時間"] = table.pop("updated_at").map(format_roc_datetime)
    return table.fillna("")


def school_documents(engine: Engine, viewer: CabinetViewer) -> pd.DataFrame:
    from ..domain.model import SchoolDocumentKind
    d = t.school_documents
    table = _frame(engine, select(d.c.id.label("編號"), d.c.kind, d.c.description.label("內容簡述"),
                                  d.c.document_name.label("文件"), d.c.uploaded_at)
                   .where(d.c.student_id == viewer.student_id).order_by(d.c.uploaded_at.desc(), d.c.id.desc()))
    table.insert(1, "種類", table.pop("kind").map(lambda v: SchoolDocumentKind(v).label))
    table["上傳時間"] = table.pop("uploaded_at").map(format_roc_datetime)
    return table.fillna("")
