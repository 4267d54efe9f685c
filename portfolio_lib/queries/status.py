"""Status of uploads, certification and selection for a school, a class and a student."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, case, distinct, func, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.categories import CATEGORIES
from ..domain.errors import InSeveralSchools
from ..domain.model import ItemKind, OutcomeStatus
from . import items
from .frames import Readable, question, reading
from .frames import frame as _frame
from .scope import student_counts


def _school_filter(query, school_code: str | None):
    """Narrow a query that reads `students` to one school (by code)."""
    if school_code:
        query = query.where(t.students.c.school_id ==
                            select(t.schools.c.id).where(t.schools.c.code == school_code).scalar_subquery())
    return query


FIGURES = ("students", "outcomes", "not_sent", "pending", "passed", "failed", "selected_outcomes",
           "students_without_upload", "performances", "selected_performances")


def school_figures(engine: Readable, year: int, semester: int | None = None,
                   school_code: str | None = None) -> pd.DataFrame:
    """Headline figures of a year (and semester) for every school of the database (or only the one of
    `school_code`), one row each (code, name and `FIGURES`), counted in the database grouped by school: students,
    outcomes by status, selections, 多元表現. A city's table and a school's summary are rows of this one answer."""
    o, p, s, e, st = t.outcomes, t.performances, t.selections, t.enrolments, t.students
    school = st.c.school_id.label("school_id")
    enrolled = (select(school, func.count(distinct(e.c.student_id)).label("students")).join(st)
                .where(e.c.academic_year == year).group_by(st.c.school_id))
    term = [o.c.academic_year == year] + ([o.c.semester == semester] if semester else [])
    outcome_counts = select(
        school, func.count(o.c.id).label("outcomes"),
        func.sum(case((o.c.status == OutcomeStatus.UPLOADED.value, 1), else_=0)).label("not_sent"),
        func.sum(case((o.c.status == OutcomeStatus.PENDING.value, 1), else_=0)).label("pending"),
        func.sum(case((o.c.status == OutcomeStatus.PASSED.value, 1), else_=0)).label("passed"),
        func.sum(case((o.c.status == OutcomeStatus.FAILED.value, 1), else_=0)).label("failed"),
        func.count(distinct(o.c.student_id)).label("students_uploading"),
    ).join(st, st.c.id == o.c.student_id).where(*term).group_by(st.c.school_id)
    selected = (select(school, s.c.item_kind, func.count().label("n")).join(st, st.c.id == s.c.student_id)
                .where(s.c.academic_year == year).group_by(st.c.school_id, s.c.item_kind))
    perf = (select(school, func.count(p.c.id).label("performances")).join(st, st.c.id == p.c.student_id)
            .where(p.c.academic_year == year, answers.uploaded_performance(),
                   *([p.c.semester == semester] if semester else [])).group_by(st.c.school_id))
    with reading(engine) as conn:
        schools = _frame(conn, select(t.schools.c.id.label("school_id"), t.schools.c.code, t.schools.c.name)
                         .order_by(t.schools.c.code))
        parts = [_frame(conn, _school_filter(query, school_code)) for query in (enrolled, outcome_counts, perf)]
        chosen = _frame(conn, _school_filter(selected, school_code))
    if school_code:
        schools = schools[schools["code"] == school_code]
    for part in parts:
        schools = schools.merge(part, on="school_id", how="left")
    for kind, column in ((ItemKind.OUTCOME.value, "selected_outcomes"),
                         (ItemKind.PERFORMANCE.value, "selected_performances")):
        counts = chosen[chosen["item_kind"] == kind][["school_id", "n"]].rename(columns={"n": column})
        schools = schools.merge(counts, on="school_id", how="left")
    numbers = ["students", "outcomes", "not_sent", "pending", "passed", "failed", "students_uploading",
               "performances", "selected_outcomes", "selected_performances"]
    schools[numbers] = schools[numbers].astype("Float64").fillna(0).astype(int)
    schools["students_without_upload"] = schools["students"] - schools["students_uploading"]
    return schools[["school_id", "code", "name", *FIGURES]]


def school_summary(engine: Readable, year: int, semester: int | None = None,
                   school_code: str | None = None) -> pd.Series:
    """Headline figures of a year (and semester) of one school (by code), or of every school of the database
    together: its row, or the sum of the rows, of `school_figures`."""
    figures = school_figures(engine, year, semester, school_code)
    totals = figures[list(FIGURES)].sum()
    return pd.Series({key: int(totals[key]) for key in FIGURES}, name=f"{year}-{semester}" if semester else str(year))


@question
def class_status(engine: Readable, year: int, class_name: str, semester: int | None = None,
                 school_code: str | None = None) -> pd.DataFrame:
    """One row per student of a class (by its name, of the school by code where the database holds several), as
    data: the counts every per-student table reads (`scope.student_counts`). A class name found in several schools
    with no school named is refused (InSeveralSchools), as a student number is."""
    c = t.classes
    query = select(c.c.id, c.c.school_id).where(c.c.academic_year == year, c.c.name == class_name)
    if school_code:
        query = query.where(c.c.school_id == select(t.schools.c.id).where(t.schools.c.code == school_code)
                            .scalar_subquery())
    with reading(engine) as conn:
        classes = conn.execute(query).all()
    if len({row.school_id for row in classes}) > 1:
        raise InSeveralSchools(entity="班級", key=f"{year}/{class_name}")
    return student_counts(engine, [row.id for row in classes], year, semester)


@question
def student_items(engine: Readable, student_no: str, school_code: str | None = None) -> pd.DataFrame:
    """Every outcome and 多元表現 record of a student by number (`items.student_items`), for the command line."""
    school_id = None
    if school_code:
        with reading(engine) as conn:
            school_id = conn.execute(select(t.schools.c.id).where(t.schools.c.code == school_code)).scalar()
    student_id = items.student_id_of(engine, student_no, school_id)
    return items.student_items(engine, student_id) if student_id is not None else pd.DataFrame(
        columns=items.ITEM_COLUMNS)


def used_bytes(engine: Readable, student_ids: list[int]) -> dict[int, int]:
    """Bytes of every file each student's items hold (the quota counts each item's files)."""
    with reading(engine) as conn:
        return answers.used_bytes(conn, student_ids)


def category_distribution(engine: Readable, year: int | None = None, grade: int | None = None,
                          school_code: str | None = None) -> pd.DataFrame:
    """多元表現 records per category (counts and shares), optionally for one year and grade."""
    p = t.performances
    query = select(p.c.category, func.count().label("count")).join(t.students, t.students.c.id == p.c.student_id)
    if year is not None:
        query = query.where(p.c.academic_year == year)
    if grade is not None:
        query = query.join(t.enrolments, and_(t.enrolments.c.student_id == p.c.student_id,
                                              t.enrolments.c.academic_year == p.c.academic_year)) \
            .join(t.classes, t.classes.c.id == t.enrolments.c.class_id).where(t.classes.c.grade == grade)
    counts = _frame(engine, _school_filter(query.group_by(p.c.category), school_code))
    table = pd.DataFrame({"category": list(CATEGORIES)})
    table = table.merge(counts, on="category", how="left").fillna({"count": 0})
    table["count"] = table["count"].astype(int)
    table["label"] = table["category"].map(lambda key: CATEGORIES[key].label)
    total = table["count"].sum()
    table["share"] = table["count"] / total if total else 0.0
    return table[["category", "label", "count", "share"]]


__all__ = ["school_summary", "class_status", "student_items", "category_distribution"]
