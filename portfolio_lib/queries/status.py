"""Status of uploads, certification and selection for a school, a class and a student."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, case, distinct, func, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.categories import CATEGORIES
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


def school_summary(engine: Readable, year: int, semester: int | None = None,
                   school_code: str | None = None) -> pd.Series:
    """Headline figures of a year (and semester): students, outcomes by status, selections, 多元表現."""
    o, p, s, e = t.outcomes, t.performances, t.selections, t.enrolments
    enrolled = _school_filter(select(func.count(distinct(e.c.student_id))).join(t.students)
                              .where(e.c.academic_year == year), school_code)
    term = [o.c.academic_year == year] + ([o.c.semester == semester] if semester else [])
    outcome_counts = _school_filter(select(
        func.count(o.c.id).label("outcomes"),
        func.sum(case((o.c.status == OutcomeStatus.UPLOADED.value, 1), else_=0)).label("not_sent"),
        func.sum(case((o.c.status == OutcomeStatus.PENDING.value, 1), else_=0)).label("pending"),
        func.sum(case((o.c.status == OutcomeStatus.PASSED.value, 1), else_=0)).label("passed"),
        func.sum(case((o.c.status == OutcomeStatus.FAILED.value, 1), else_=0)).label("failed"),
        func.count(distinct(o.c.student_id)).label("students_uploading"),
    ).join(t.students, t.students.c.id == o.c.student_id).where(*term), school_code)
    selected = _school_filter(select(s.c.item_kind, func.count()).join(t.students, t.students.c.id == s.c.student_id)
                              .where(s.c.academic_year == year).group_by(s.c.item_kind), school_code)
    perf = _school_filter(select(func.count(p.c.id)).join(t.students, t.students.c.id == p.c.student_id)
                          .where(p.c.academic_year == year, answers.uploaded_performance(),
                                 *([p.c.semester == semester] if semester else [])),
                          school_code)
    with reading(engine) as conn:
        students = conn.execute(enrolled).scalar_one()
        counts = conn.execute(outcome_counts).one()._asdict()
        chosen = dict(conn.execute(selected).all())
        performances = conn.execute(perf).scalar_one()
    figures = {
        "students": students,
        "outcomes": counts["outcomes"] or 0,
        "not_sent": counts["not_sent"] or 0,
        "pending": counts["pending"] or 0,
        "passed": counts["passed"] or 0,
        "failed": counts["failed"] or 0,
        "selected_outcomes": chosen.get(ItemKind.OUTCOME.value, 0),
        "students_without_upload": students - (counts["students_uploading"] or 0),
        "performances": performances,
        "selected_performances": chosen.get(ItemKind.PERFORMANCE.value, 0),
    }
    return pd.Series(figures, name=f"{year}-{semester}" if semester else str(year))


def students_of_class(engine: Readable, year: int, class_name: str, school_code: str | None = None) -> pd.DataFrame:
    """The roster of a class by its name (id, class_id, class_name, seat, student_no, name), for the command
    line."""
    return _frame(engine, _school_filter(answers.roster(year).where(t.classes.c.name == class_name), school_code))


@question
def class_status(engine: Readable, year: int, class_name: str, semester: int | None = None,
                 school_code: str | None = None) -> pd.DataFrame:
    """One row per student of a class, as data: the counts every per-student table reads
    (`scope.student_counts`)."""
    return student_counts(engine, students_of_class(engine, year, class_name, school_code), year, semester)


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


__all__ = ["school_summary", "class_status", "student_items", "category_distribution", "students_of_class"]
