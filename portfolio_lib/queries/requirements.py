"""Programme requirements (大學端需求): what the programmes a student aims at ask for, against the items they
selected and picked. One answer for the student's cabinet, `portfolio requirements`, the homeroom teacher's and the
counselor's class counts and reminder list, and the research summary: `answers.programme_reports` builds it for
any set of students from three statements, and `domain.admission.cover` compares."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.admission import CODE_TABLES, COVER_LABELS, Cover, ProgrammeReport, System
from ..domain.grades import FINAL_GRADE
from ..domain.policy import Policy
from .cabinet import CabinetViewer
from .frames import Readable, question
from .frames import frame as _frame
from .scope import classes_of
from .viewer import Viewer

PROGRAMME_COLUMNS = ["code", "name", "system", "requirement", "admission_year", "source", "sample"]


@question
def programmes(engine: Readable, school_id: int) -> pd.DataFrame:
    """The programmes the school listed (`PROGRAMME_COLUMNS`), by code."""
    p = t.programmes
    table = _frame(engine, select(*(p.c[c] for c in PROGRAMME_COLUMNS)).where(p.c.school_id == school_id)
                   .order_by(p.c.code))
    table["sample"] = table["sample"].astype(bool)
    return table


# --- the student's own ---------------------------------------------------------------------------------

@question
def student_requirements(engine: Readable, viewer: CabinetViewer, year: int, policy: Policy,
                         programme_code: str | None = None) -> list[ProgrammeReport]:
    """The viewer's target programmes (or one of them), each compared with the viewer's own items."""
    grade = answers.grade_of(engine, viewer.student_id, year)
    return answers.programme_reports(engine, [viewer.student_id], {viewer.student_id: grade}, policy,
                                     viewer.school_id, year, programme_code)


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
    reports = answers.programme_reports(engine, ids, dict.fromkeys(ids, FINAL_GRADE), policy, viewer.school_id,
                                        year)
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
        columns=["班級", "座號", "學號", "姓名", "校系", "缺少項目"]).sort_values(["班級", "座號"], kind="stable")
    return per_class, reminders.reset_index(drop=True), reports


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


__all__ = ["COVER_COLUMNS", "PROGRAMME_COLUMNS", "Cover", "ProgrammeReport", "class_requirements", "code_tables",
           "cover_table", "lacking_counts", "programmes", "student_requirements"]
