"""Programme requirements (大學端需求): what the programmes a student aims at ask for, against the items they
selected and picked. One answer for the student's cabinet, `portfolio requirements`, the homeroom teacher's and the
counselor's class counts and reminder list, and the research summary: `answers.programme_reports` builds it for
any set of students from three statements, and `domain.admission.cover` compares."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.admission import CODE_TABLES, Cover, ProgrammeReport, System
from ..domain.grades import FINAL_GRADE
from ..domain.policy import Policy
from .cabinet import CabinetViewer
from .frames import Readable, question
from .frames import frame as _frame
from .scope import classes_of
from .viewer import Viewer

PROGRAMME_COLUMNS = ["code", "name", "system", "requirement", "admission_year", "source", "sample"]
REMINDER_COLUMNS = ["class_name", "seat", "student_no", "name", "programme", "missing"]


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
    own, every class for counselors): per class (class_name, students, targeted, lacking: with a target programme
    that asks a code they have nothing selected for); per student with a gap, the reminder list (class_name, seat,
    student_no, name, programme, missing: the codes, 「F 高中自主學習計畫與成果、…」)."""
    roster = _final_year_roster(engine, viewer, year, class_id)
    ids = [int(i) for i in roster["id"]]
    reports = answers.programme_reports(engine, ids, dict.fromkeys(ids, FINAL_GRADE), policy, viewer.school_id,
                                        year)
    targeted = {r.student_id for r in reports}
    gaps = [r for r in reports if not r.cover.covered]
    lacking = {r.student_id for r in gaps}
    per_class = (roster.assign(targeted=roster["id"].isin(targeted), lacking=roster["id"].isin(lacking))
                 .groupby("class_name", sort=True)
                 .agg(students=("id", "size"), targeted=("targeted", "sum"), lacking=("lacking", "sum"))
                 .reset_index())
    people = roster.set_index("id")
    reminders = pd.DataFrame([{
        "class_name": people.at[r.student_id, "class_name"], "seat": people.at[r.student_id, "seat"],
        "student_no": people.at[r.student_id, "student_no"], "name": people.at[r.student_id, "name"],
        "programme": r.title, "missing": "、".join(c.short for c in r.cover.missing)} for r in gaps],
        columns=REMINDER_COLUMNS).sort_values(["class_name", "seat"], kind="stable")
    return per_class, reminders.reset_index(drop=True), reports


def lacking_counts(reports: list[ProgrammeReport]) -> pd.DataFrame:
    """How many students lack each code for at least one target programme (system, code, label, students), most
    first."""
    lacking: dict[tuple[System, str], set[int]] = {}
    for r in reports:
        for code in r.cover.missing:
            lacking.setdefault((code.system, code.code), set()).add(r.student_id)
    rows = [{"system": system.value, "code": code, "label": CODE_TABLES[system].codes[code].label,
             "students": len(ids)} for (system, code), ids in lacking.items()]
    table = pd.DataFrame(rows, columns=["system", "code", "label", "students"])
    return table.sort_values(["students", "code"], ascending=[False, True]).reset_index(drop=True)


__all__ = ["PROGRAMME_COLUMNS", "REMINDER_COLUMNS", "Cover", "ProgrammeReport", "class_requirements",
           "lacking_counts", "programmes", "student_requirements"]
