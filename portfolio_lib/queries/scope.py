"""Who may see what: the roles a staff question needs, a class the viewer may open and its roster, and the
per-student counts several dashboards build on. Scoping is enforced here, not in the widgets."""

from __future__ import annotations

import functools
from datetime import datetime

import pandas as pd
from sqlalchemy import BigInteger, Integer, and_, bindparam, case, cast, distinct, func, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.errors import NotFound, PermissionDenied
from ..domain.model import ItemKind, OutcomeStatus, Role, WindowKind
from .frames import Readable, reading
from .frames import frame as _frame
from .viewer import Viewer

COUNSELING = {Role.COUNSELOR, Role.ADMIN}


SUBMITTING = {Role.SUBMITTER, Role.RECEIPT_CHECKER, Role.ADMIN}


def require(viewer: Viewer, roles: set):
    if not viewer.roles & roles:
        raise PermissionDenied(who=f"{viewer.name} ", action="查看這些資料")


def check_class(engine: Readable, viewer: Viewer, class_id: int):
    with reading(engine) as conn:
        row = conn.execute(select(t.classes.c.school_id, t.classes.c.homeroom_teacher_id)
                           .where(t.classes.c.id == class_id)).first()
    if row is None or row.school_id != viewer.school_id:
        raise NotFound(entity="班級", key=class_id)
    if viewer.roles & COUNSELING:
        return
    if Role.HOMEROOM in viewer.roles and row.homeroom_teacher_id == viewer.staff_id:
        return
    raise PermissionDenied(who=f"{viewer.name} ", action="查看其他班級的資料")


def classes_of(engine: Readable, viewer: Viewer, year: int, class_id: int | None) -> list[int]:
    """The class a viewer asks for, if they may open it (refused here otherwise), or with `class_id` None every class
    of the year they may open (a homeroom teacher's own; every class of the school for counselors)."""
    if class_id is not None:
        check_class(engine, viewer, class_id)
        return [class_id]
    c = t.classes
    query = select(c.c.id).where(c.c.school_id == viewer.school_id, c.c.academic_year == year)
    if not viewer.roles & COUNSELING:
        query = query.where(c.c.homeroom_teacher_id == viewer.staff_id)
    with reading(engine) as conn:
        return list(conn.execute(query.order_by(c.c.name)).scalars())


def school_years(engine: Readable, viewer: Viewer) -> list[int]:
    """The academic years the viewer's school has classes in, newest first."""
    with reading(engine) as conn:
        years = conn.execute(select(t.classes.c.academic_year).distinct()
                             .where(t.classes.c.school_id == viewer.school_id)).scalars().all()
    return sorted(years, reverse=True)


def windows(engine: Readable, school_id: int, year: int) -> dict[tuple[int, WindowKind], tuple[datetime, datetime]]:
    with reading(engine) as conn:
        return {(w.semester, w.kind): (w.opens, w.closes) for w in answers.windows(conn, school_id, year)}


# an outcome's status as a count column: `uploaded` (not yet sent) is called `not_sent` on every screen
STATUS_COUNTS = {s.value: "not_sent" if s is OutcomeStatus.UPLOADED else s.value for s in OutcomeStatus}
COUNTS = ["outcomes", *STATUS_COUNTS.values(), "selected_outcomes", "selected_performances", "performances"]


def student_counts(engine: Readable, class_ids: list[int], year: int, semester: int | None,
                   used_bytes: bool = False) -> pd.DataFrame:
    """The roster of some classes in a year (`answers.roster`: id, class_id, class_name, seat, student_no, name)
    with each student's counts, as data: outcomes of the term and each status, the year's selections of each kind
    and the year's uploaded 多元表現 (the caps count them so), and with `used_bytes` the space their files take.
    Every per-student table (the homeroom's, the counselor's drill-down and reminder list, `portfolio status class`)
    reads these columns. One statement, built once, its values bound."""
    columns, rows = student_rows(engine, class_ids, year, semester, used_bytes)
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns)


def student_rows(engine: Readable, class_ids: list[int], year: int, semester: int | None,
                 used_bytes: bool = False) -> tuple[list[str], list]:
    """`student_counts` as its column names and rows (for a question that adds columns of its own first)."""
    statement = _counts_statement(semester is not None, used_bytes)
    with reading(engine) as conn:
        result = conn.execute(statement, {"classes": list(class_ids), "year": year, "semester": semester or 0})
        return list(result.keys()), result.all()


@functools.cache
def _counts_statement(by_semester: bool, used_bytes: bool):
    """The statement of `student_counts`, for the classes `:classes` in year `:year` (and semester `:semester`)."""
    year = bindparam("year")
    roster = (answers.roster(year).where(t.classes.c.id.in_(bindparam("classes", expanding=True)))
              .order_by(None).cte("roster"))
    ids = select(roster.c.id)
    per = outcomes_per_student(year, bindparam("semester") if by_semester else None, ids)
    sel = selected_per_student(year, ids)
    p = t.performances
    perf = (select(p.c.student_id, func.count().label("n"))
            .where(p.c.student_id.in_(ids), p.c.academic_year == year, answers.uploaded_performance())
            .group_by(p.c.student_id).subquery())
    counts = [per.c.n, *[per.c[status] for status in STATUS_COUNTS], sel.c.sel_o, sel.c.sel_p, perf.c.n]
    query = (select(*roster.c, *[cast(func.coalesce(column, 0), Integer).label(name)
                                 for column, name in zip(counts, COUNTS)])
             .select_from(roster).outerjoin(per, per.c.student_id == roster.c.id)
             .outerjoin(sel, sel.c.student_id == roster.c.id).outerjoin(perf, perf.c.student_id == roster.c.id))
    if used_bytes:
        used = answers.used_bytes_by_student(ids).subquery()
        query = query.add_columns(cast(func.coalesce(used.c.used, 0), BigInteger).label("used_bytes")).outerjoin(
            used, used.c.student_id == roster.c.id)
    return query.order_by(roster.c.class_name, roster.c.seat)


def class_counts(engine: Readable, school_id: int, year: int, semester: int | None = None,
                 homeroom: bool = False) -> pd.DataFrame:
    """One row per class of a school, as data: students, students uploading, outcomes by status, selected outcomes,
    students without an upload and the upload rate, in one GROUP BY; with `homeroom`, the homeroom teacher's name.
    The counselor's class overview and the district's drill-down (counts only, no names) read it."""
    c, e, o, x = t.classes, t.enrolments, t.outcomes, t.selections
    term = [o.c.academic_year == year] + ([o.c.semester == semester] if semester is not None else [])
    selected = (select(e.c.class_id, func.count().label("n")).select_from(x)
                .join(e, and_(e.c.student_id == x.c.student_id, e.c.academic_year == year))
                .join(c, c.c.id == e.c.class_id)
                .where(c.c.school_id == school_id, x.c.academic_year == year,
                       x.c.item_kind == ItemKind.OUTCOME.value).group_by(e.c.class_id).subquery())
    keys = [c.c.id.label("class_id"), c.c.grade, c.c.name.label("class_name"), selected.c.n]
    if homeroom:
        keys.append(t.staff.c.name.label("homeroom_teacher"))
    query = (select(*keys[:3], *keys[4:], func.count(distinct(e.c.student_id)).label("students"),
                    func.count(distinct(o.c.student_id)).label("students_uploading"),
                    func.count(o.c.id).label("outcomes"),
                    *[func.coalesce(func.sum(case((o.c.status == status, 1), else_=0)), 0).label(name)
                      for status, name in STATUS_COUNTS.items()],
                    func.coalesce(selected.c.n, 0).label("selected_outcomes"))
             .select_from(c).join(e, and_(e.c.class_id == c.c.id, e.c.academic_year == year))
             .outerjoin(o, and_(o.c.student_id == e.c.student_id, *term))
             .outerjoin(selected, selected.c.class_id == c.c.id))
    if homeroom:
        query = query.outerjoin(t.staff, t.staff.c.id == c.c.homeroom_teacher_id)
    table = _frame(engine, query.where(c.c.school_id == school_id, c.c.academic_year == year)
                   .group_by(*keys).order_by(c.c.name))
    counts = ["students", "students_uploading", "outcomes", *STATUS_COUNTS.values(), "selected_outcomes"]
    table[counts] = table[counts].astype(int)        # PostgreSQL's sums are numeric
    table["students_without_upload"] = table["students"] - table["students_uploading"]
    table["upload_rate"] = rate(table["students_uploading"], table["students"])
    return table


def rate(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole to three places, 0 where the whole is 0: every rate the pages show."""
    return (part / whole.where(whole > 0)).fillna(0).astype(float).round(3)


def outcomes_per_student(year, semester, student_ids):
    """Outcomes of the term per student (of `student_ids`, a list or a query): n and one count per status."""
    o = t.outcomes
    where = [o.c.academic_year == year, o.c.student_id.in_(student_ids)]
    if semester is not None:
        where.append(o.c.semester == semester)
    return select(
        o.c.student_id, func.count().label("n"),
        *[func.sum(case((o.c.status == s.value, 1), else_=0)).label(s.value) for s in OutcomeStatus],
    ).where(*where).group_by(o.c.student_id).subquery()


def selected_per_student(year, student_ids):
    """The year's selections per student (of `student_ids`): outcomes (sel_o) and 多元表現 (sel_p)."""
    s = t.selections
    where = [s.c.academic_year == year, s.c.student_id.in_(student_ids)]
    return select(s.c.student_id,
                  func.sum(case((s.c.item_kind == ItemKind.OUTCOME.value, 1), else_=0)).label("sel_o"),
                  func.sum(case((s.c.item_kind == ItemKind.PERFORMANCE.value, 1), else_=0)).label("sel_p"),
                  ).where(*where).group_by(s.c.student_id).subquery()
