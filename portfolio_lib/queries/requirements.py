"""Programme requirements (大學端需求): what the programmes a student aims at ask for, against the items they
selected and picked. One answer for the student's cabinet, `portfolio requirements`, the homeroom teacher's and the
counselor's class counts and reminder list, and the research summary: `reports_for` builds it for any set of
students from three statements, and `domain.admission.cover` compares."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.admission import (
    CODE_TABLES,
    COVER_LABELS,
    Cover,
    HeldItem,
    ProgrammeCover,
    Requirement,
    System,
    cover,
    outcome_codes,
    parse_requirement,
    performance_codes,
)
from ..domain.calendar import Term
from ..domain.categories import CATEGORIES
from ..domain.grades import FINAL_GRADE
from ..domain.model import ItemKind
from ..domain.policy import Policy
from .cabinet import CabinetViewer
from .frames import Readable, question
from .frames import frame as _frame
from .rules import school_rules
from .scope import classes_of
from .viewer import Viewer

PROGRAMME_COLUMNS = ["code", "name", "system", "requirement", "admission_year", "source", "sample"]


@dataclass(frozen=True)
class ProgrammeReport:
    """One target programme of one student, and how their items cover what it asks."""

    student_id: int
    code: str
    name: str
    sample: bool
    requirement: Requirement
    cover: ProgrammeCover

    @property
    def title(self) -> str:
        return f"{self.code} {self.name}" + ("（範例資料）" if self.sample else "")

    def summary(self) -> str:
        """「F 高中自主學習計畫與成果：2 件 ✔；N 多元表現綜整心得：申請時撰寫」"""
        return "；".join(c.line() for c in self.cover.codes)


@question
def programmes(engine: Readable, school_id: int) -> pd.DataFrame:
    """The programmes the school listed (`PROGRAMME_COLUMNS`), by code."""
    p = t.programmes
    table = _frame(engine, select(*(p.c[c] for c in PROGRAMME_COLUMNS)).where(p.c.school_id == school_id)
                   .order_by(p.c.code))
    table["sample"] = table["sample"].astype(bool)
    return table


def _held(conn, student_ids: list[int]) -> dict[int, list[HeldItem]]:
    """Every selected item of the students, with its codes and whether it is picked for application."""
    s, a, o, r, cs, p = (t.selections, t.application_picks, t.outcomes, t.course_records, t.course_sections,
                         t.performances)
    held: dict[int, list[HeldItem]] = {i: [] for i in student_ids}
    if not student_ids:
        return held
    picked = a.c.id.isnot(None).label("picked")
    pick_join = and_(a.c.item_kind == s.c.item_kind, a.c.item_id == s.c.item_id)
    outcome_rows = conn.execute(
        select(o.c.student_id, o.c.id, o.c.description, o.c.outcome_kind, cs.c.subject, cs.c.course_code, picked)
        .join(s, and_(s.c.item_kind == ItemKind.OUTCOME.value, s.c.item_id == o.c.id))
        .outerjoin(a, pick_join).join(r, r.c.id == o.c.course_record_id).join(cs, cs.c.id == r.c.section_id)
        .where(o.c.student_id.in_(student_ids)).order_by(o.c.academic_year, o.c.semester, o.c.id))
    for row in outcome_rows:
        held[row.student_id].append(HeldItem(
            ItemKind.OUTCOME, row.id, f"{row.subject}：{row.description}",
            outcome_codes(row.outcome_kind, row.subject, row.course_code), bool(row.picked),
            unmarked=row.outcome_kind is None))
    performance_rows = conn.execute(
        select(p.c.student_id, p.c.id, p.c.category, p.c.fields, p.c.description, picked)
        .join(s, and_(s.c.item_kind == ItemKind.PERFORMANCE.value, s.c.item_id == p.c.id))
        .outerjoin(a, pick_join).where(p.c.student_id.in_(student_ids)).order_by(p.c.academic_year, p.c.id))
    for row in performance_rows:
        fields = json.loads(row.fields)
        named = row.description or fields.get("name") or fields.get("content") or ""
        held[row.student_id].append(HeldItem(
            ItemKind.PERFORMANCE, row.id, f"{CATEGORIES[row.category].label}：{named}",
            performance_codes(row.category, fields), bool(row.picked)))
    return held


def reports_for(conn, student_ids: list[int], grades: dict[int, int | None], policy: Policy, school_id: int,
                year: int, programme_code: str | None = None) -> list[ProgrammeReport]:
    """Every target programme of the students (or only `programme_code`), each compared with their items."""
    if not student_ids:
        return []
    g, p = t.programme_targets, t.programmes
    query = (select(g.c.student_id, p.c.code, p.c.name, p.c.requirement, p.c.sample)
             .join(p, p.c.id == g.c.programme_id).where(g.c.student_id.in_(student_ids))
             .order_by(g.c.student_id, g.c.added_at, g.c.id))
    if programme_code is not None:
        query = query.where(p.c.code == programme_code.strip())
    targets = conn.execute(query).all()
    held = _held(conn, sorted({row.student_id for row in targets}))
    rules = school_rules(conn, school_id, Term(year, 2), policy)
    reports = []
    for row in targets:
        requirement = parse_requirement(row.requirement)
        reports.append(ProgrammeReport(
            row.student_id, row.code, row.name, bool(row.sample), requirement,
            cover(requirement, held[row.student_id], rules.application_outcome_picks,
                  rules.application_performance_picks, grades.get(row.student_id) == FINAL_GRADE)))
    return reports


# --- the student's own ---------------------------------------------------------------------------------

@question
def student_requirements(engine: Readable, viewer: CabinetViewer, year: int, policy: Policy,
                         programme_code: str | None = None) -> list[ProgrammeReport]:
    """The viewer's target programmes (or one of them), each compared with the viewer's own items."""
    grade = answers.grade_of(engine, viewer.student_id, year)
    return reports_for(engine, [viewer.student_id], {viewer.student_id: grade}, policy, viewer.school_id, year,
                       programme_code)


COVER_COLUMNS = ["代碼", "項目", "已勾選", "已選為申請", "狀態", "下一步", "符合的項目"]


def cover_table(report: ProgrammeReport) -> pd.DataFrame:
    """One programme's asked codes as a table a student reads (`COVER_COLUMNS`): how many selected items fit each
    code, how many of them are picked for application, its state, what to do next, and the items themselves."""
    rows = [{"代碼": c.code.code, "項目": c.code.label,
             "已勾選": len(c.selected) if c.code.item_kind else "",
             "已選為申請": len(c.picked) if c.code.item_kind else "",
             "狀態": COVER_LABELS[c.state], "下一步": c.next_step,
             "符合的項目": "、".join(i.name for i in c.selected)} for c in report.cover.codes]
    return pd.DataFrame(rows, columns=COVER_COLUMNS)


def code_tables() -> pd.DataFrame:
    """Both code tables as one reference table: 系統, 代碼, 項目, 組別, 來源."""
    rows = [{"系統": table.label, "代碼": code.code, "項目": code.label, "組別": code.group,
             "適用": f"{table.from_year} 學年度起", "來源": table.source}
            for table in CODE_TABLES.values() for code in table.codes.values()]
    return pd.DataFrame(rows)


# --- a class's students, for the homeroom teacher and the counselor ------------------------------------

def _final_year_roster(conn, viewer: Viewer, year: int, class_id: int | None) -> pd.DataFrame:
    class_ids = classes_of(conn, viewer, year, class_id)
    c = t.classes
    query = answers.roster(year).where(c.c.id.in_(class_ids), c.c.grade == FINAL_GRADE)
    return _frame(conn, query)


@question
def class_requirements(engine: Readable, viewer: Viewer, year: int, policy: Policy,
                       class_id: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[ProgrammeReport]]:
    """(per class, per student, the reports) for the grade-12 classes the viewer may open (a homeroom teacher's
    own, every class for counselors): per class 高三人數, 有目標校系, 有缺項 (a target programme with an asked
    code they have nothing selected for); per student with a gap, the reminder list: 班級, 座號, 學號, 姓名,
    校系, 缺少項目."""
    roster = _final_year_roster(engine, viewer, year, class_id)
    ids = [int(i) for i in roster["id"]]
    reports = reports_for(engine, ids, dict.fromkeys(ids, FINAL_GRADE), policy, viewer.school_id, year)
    targeted = {r.student_id for r in reports}
    gaps = [r for r in reports if not r.cover.covered]
    lacking = {r.student_id for r in gaps}
    per_class = (roster.assign(targeted=roster["id"].isin(targeted), lacking=roster["id"].isin(lacking))
                 .groupby("class_name", sort=True)
                 .agg(高三人數=("id", "size"), 有目標校系=("targeted", "sum"), 有缺項=("lacking", "sum"))
                 .reset_index().rename(columns={"class_name": "班級"}))
    people = roster.set_index("id")
    reminders = pd.DataFrame([{
        "班級": people.at[r.student_id, "class_name"], "座號": people.at[r.student_id, "seat"],
        "學號": people.at[r.student_id, "student_no"], "姓名": people.at[r.student_id, "name"],
        "校系": r.title, "缺少項目": "、".join(c.short for c in r.cover.missing)} for r in gaps],
        columns=["班級", "座號", "學號", "姓名", "校系", "缺少項目"])
    return per_class, reminders, reports


def lacking_counts(reports: list[ProgrammeReport]) -> pd.DataFrame:
    """How many students lack each code for at least one target programme: 系統, 代碼, 項目, 學生數."""
    lacking: dict[tuple[System, str], set[int]] = {}
    for r in reports:
        for code in r.cover.missing:
            lacking.setdefault((code.system, code.code), set()).add(r.student_id)
    rows = [{"系統": system.label, "代碼": code, "項目": CODE_TABLES[system].codes[code].label, "學生數": len(ids)}
            for (system, code), ids in lacking.items()]
    table = pd.DataFrame(rows, columns=["系統", "代碼", "項目", "學生數"])
    return table.sort_values(["學生數", "代碼"], ascending=[False, True]).reset_index(drop=True)


__all__ = ["COVER_COLUMNS", "PROGRAMME_COLUMNS", "ProgrammeReport", "class_requirements", "code_tables", "cover_table",
           "lacking_counts", "programmes", "reports_for", "student_requirements", "Cover"]
