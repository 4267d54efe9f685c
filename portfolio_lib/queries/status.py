"""Status of uploads, certification and selection for a school, a class and a student."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, and_, case, distinct, func, literal, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.calendar import format_roc_date
from ..domain.categories import CATEGORIES
from ..domain.model import ItemKind, OutcomeStatus
from .frames import frame as _frame
from .scope import student_counts


def _school_filter(query, school_code: str | None):
    """Narrow a query that reads `students` to one school (by code)."""
    if school_code:
        query = query.where(t.students.c.school_id ==
                            select(t.schools.c.id).where(t.schools.c.code == school_code).scalar_subquery())
    return query


def school_summary(engine: Engine, year: int, semester: int | None = None,
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
    with engine.connect() as conn:
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


def students_of_class(engine: Engine, year: int, class_name: str, school_code: str | None = None) -> pd.DataFrame:
    """The roster of a class by its name (id, class_id, class_name, seat, student_no, name), for the command
    line."""
    return _frame(engine, _school_filter(answers.roster(year).where(t.classes.c.name == class_name), school_code))


def class_status(engine: Engine, year: int, class_name: str, semester: int | None = None,
                 school_code: str | None = None) -> pd.DataFrame:
    """One row per student of a class, as data: the counts every per-student table reads
    (`scope.student_counts`), with the outcome status `uploaded` called `not_sent` as on every screen."""
    counts = student_counts(engine, students_of_class(engine, year, class_name, school_code), year, semester)
    return counts.rename(columns={OutcomeStatus.UPLOADED.value: "not_sent"})


def student_items(engine: Engine, student_no: str, school_code: str | None = None) -> pd.DataFrame:
    """Every outcome and 多元表現 record of a student, with status, selection and submission."""
    student = _frame(engine, _school_filter(select(t.students.c.id).where(t.students.c.student_no == str(student_no)),
                                            school_code))
    if student.empty:
        return pd.DataFrame()
    sid = int(student["id"].iloc[0])
    o, p, cs, s = t.outcomes, t.performances, t.course_sections, t.selections
    outcomes = _frame(engine, select(
        literal(ItemKind.OUTCOME.value).label("kind"), o.c.id, o.c.academic_year, o.c.semester,
        cs.c.subject.label("title"), o.c.description, o.c.status, o.c.uploaded_at, o.c.submitted_at,
        s.c.id.label("selection_id"))
        .join(t.course_records, t.course_records.c.id == o.c.course_record_id)
        .join(cs, cs.c.id == t.course_records.c.section_id)
        .outerjoin(s, and_(s.c.item_kind == ItemKind.OUTCOME.value, s.c.item_id == o.c.id))
        .where(o.c.student_id == sid))
    performances = _frame(engine, select(
        literal(ItemKind.PERFORMANCE.value).label("kind"), p.c.id, p.c.academic_year, p.c.semester,
        p.c.category.label("title"), p.c.description, p.c.fields, p.c.uploaded_at, p.c.submitted_at,
        s.c.id.label("selection_id"))
        .outerjoin(s, and_(s.c.item_kind == ItemKind.PERFORMANCE.value, s.c.item_id == p.c.id))
        .where(p.c.student_id == sid))
    if not performances.empty:
        performances["title"] = performances["title"].map(lambda key: CATEGORIES[key].label)
        performances["status"] = ""
        performances = performances.drop(columns="fields")
    items = pd.concat([df for df in (outcomes, performances) if not df.empty], ignore_index=True) \
        if not (outcomes.empty and performances.empty) else outcomes
    if items.empty:
        return items
    items["status"] = items["status"].map(lambda v: OutcomeStatus(v).label if v else "—")
    items["selected"] = items["selection_id"].notna()
    items["submitted"] = items["submitted_at"].map(format_roc_date)
    items["uploaded"] = items["uploaded_at"].map(format_roc_date)
    return items.drop(columns=["selection_id", "submitted_at", "uploaded_at"]).sort_values(
        ["academic_year", "semester", "kind", "id"]).reset_index(drop=True)


def used_bytes(engine: Engine, student_ids: list[int]) -> dict[int, int]:
    """Bytes of every file each student's items hold (the quota counts each item's files)."""
    with engine.connect() as conn:
        return answers.used_bytes(conn, student_ids)


def category_distribution(engine: Engine, year: int | None = None, grade: int | None = None,
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
