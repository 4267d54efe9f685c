"""What the city's education office asks (教育局各校總覽): every school side by side, and a school's classes, by
counts only. An officer belongs to no school and sees no student's name, number or item."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import case, distinct, func, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.calendar import Term
from ..domain.errors import NotFound
from ..domain.model import OutcomeStatus, ReceiptStatus, Role, WindowKind
from ..domain.policy import Policy
from .frames import Readable, question, reading
from .frames import frame as _frame
from .scope import class_counts, rate, require
from .status import school_figures

DISTRICT = {Role.DISTRICT}

# the district table's columns, in the order it shows them (`queries.vocabulary.district_table` names them)
COLUMNS = ["code", "name", "students", "stage_1_rate", "stage_2_rate", "students_without_upload", "outcomes",
           "not_sent", "pending", "overdue", "oldest_pending_days", "passed", "failed", "performances",
           "selecting_students", "selection_rate", "selected_outcomes", "selected_performances", "selection_state",
           "selection_closes", "submitted_items", "last_submitted", *[status.value for status in ReceiptStatus]]


def _window(kind: WindowKind, year: int, semester: int):
    """A window of each school (one row per school at most), to join on the school's id."""
    w = t.windows
    return (select(w.c.school_id, w.c.opens, w.c.closes)
            .where(w.c.kind == kind.value, w.c.academic_year == year, w.c.semester == semester).subquery())


@question
def school_table(engine: Readable, viewer, term: Term, now: datetime, policy: Policy) -> pd.DataFrame:
    """Every school of the database side by side for a term, as data, one row each (`COLUMNS`):
    - uploads: the school's figures (`status.school_figures`: students, outcomes by status, selections), and the
      share of students with an outcome uploaded by the first stage's deadline (`stage_1_rate`) and by the second's
      (`stage_2_rate`; so far, while a stage is open);
    - certification against the one-week rule: pending outcomes, those of them past the day certification was due
      (the deadline of the stage they were uploaded in, plus the school's days), and the days the oldest has waited;
    - selection in the year: students who selected anything and their share, the selection window's state
      (upcoming, open, closed, unset) and closing moment;
    - submission: items submitted for the term and the last batch's moment, and the latest receipt list's lines by
      result (received, missing, unexpected, md5_mismatch).
    Every figure is counted in the database, grouped by school."""
    require(viewer, DISTRICT)
    year, semester = term.year, term.semester
    o, st = t.outcomes, t.students
    school = st.c.school_id.label("school_id")
    first, second = _window(WindowKind.UPLOAD_1, year, semester), _window(WindowKind.UPLOAD_2, year, semester)
    uploads = (select(school,
                      func.count(distinct(case((o.c.uploaded_at <= first.c.closes, o.c.student_id)))).label("by_1"),
                      func.count(distinct(case((o.c.uploaded_at <= second.c.closes, o.c.student_id)))).label("by_2"))
               .select_from(o).join(st, st.c.id == o.c.student_id)
               .outerjoin(first, first.c.school_id == st.c.school_id)
               .outerjoin(second, second.c.school_id == st.c.school_id)
               .where(o.c.academic_year == year, o.c.semester == semester).group_by(st.c.school_id))
    stage = case((o.c.uploaded_at <= first.c.closes, 1), else_=2).label("stage")
    pending = (select(school, stage, func.count().label("n"), func.min(o.c.sent_at).label("oldest"),
                      func.max(first.c.closes).label("closes_1"), func.max(second.c.closes).label("closes_2"))
               .select_from(o).join(st, st.c.id == o.c.student_id)
               .outerjoin(first, first.c.school_id == st.c.school_id)
               .outerjoin(second, second.c.school_id == st.c.school_id)
               .where(o.c.academic_year == year, o.c.semester == semester,
                      o.c.status == OutcomeStatus.PENDING.value).group_by(st.c.school_id, stage))
    s = t.selections
    selecting = (select(school, func.count(distinct(s.c.student_id)).label("selecting_students"))
                 .select_from(s).join(st, st.c.id == s.c.student_id)
                 .where(s.c.academic_year == year).group_by(st.c.school_id))
    selection = _window(WindowKind.SELECTION, year, 0)
    b = t.submission_batches
    batches = (select(b.c.school_id, func.sum(b.c.item_count).label("submitted_items"),
                      func.max(b.c.created_at).label("last_submitted"))
               .where(b.c.academic_year == year, b.c.semester == semester).group_by(b.c.school_id))
    r, line = t.receipts, t.receipt_lines
    latest = (select(func.max(r.c.id)).where(r.c.academic_year == year, r.c.semester == semester)
              .group_by(r.c.school_id))
    receipts = (select(r.c.school_id, line.c.status, func.count().label("n")).select_from(line)
                .join(r, r.c.id == line.c.receipt_id).where(r.c.id.in_(latest)).group_by(r.c.school_id, line.c.status))
    with reading(engine) as conn:
        table = school_figures(conn, year, semester)
        parts = [_frame(conn, query) for query in (uploads, selecting, select(selection), batches)]
        backlog = _frame(conn, pending)
        lines = _frame(conn, receipts)
        days = {school_id: rules.certification_days_after_deadline
                for school_id, rules in answers.every_school_rules(conn, term, policy).items()}
    for part in parts:
        table = table.merge(part, on="school_id", how="left")
    for column in ("by_1", "by_2", "selecting_students", "submitted_items"):
        table[column] = table[column].astype("Float64").fillna(0).astype(int)
    table["stage_1_rate"] = rate(table["by_1"], table["students"])
    table["stage_2_rate"] = rate(table["by_2"], table["students"])
    table["selection_rate"] = rate(table["selecting_students"], table["students"])
    table["selection_state"] = [_state(now, opens, closes) for opens, closes in zip(table["opens"], table["closes"])]
    table["selection_closes"] = table["closes"].astype(object).where(table["closes"].notna(), None)
    table["last_submitted"] = table["last_submitted"].astype(object).where(table["last_submitted"].notna(), None)
    overdue, oldest = _backlog(backlog, days, now)
    table["overdue"] = table["school_id"].map(overdue).fillna(0).astype(int)
    table["oldest_pending_days"] = table["school_id"].map(oldest).fillna(0).astype(int)
    for status in ReceiptStatus:
        counts = lines[lines["status"] == status.value].set_index("school_id")["n"]
        table[status.value] = table["school_id"].map(counts).fillna(0).astype(int)
    return table[["school_id", *COLUMNS]]


def _state(now: datetime, opens, closes) -> str:
    """Where a window stands at `now`: upcoming, open, closed, or unset (the school set none)."""
    if pd.isna(opens) or pd.isna(closes):
        return "unset"
    return "upcoming" if now < opens else "open" if now <= closes else "closed"


def _backlog(pending: pd.DataFrame, days: dict[int, int], now: datetime) -> tuple[dict, dict]:
    """Per school: pending outcomes past their certification due day (their stage's deadline + the school's days;
    none while the school set no deadline), and the days the oldest pending outcome has waited since it was sent."""
    overdue: dict[int, int] = {}
    oldest: dict[int, int] = {}
    for row in pending.itertuples():
        closes = row.closes_1 if row.stage == 1 else row.closes_2
        late = not pd.isna(closes) and now > closes + timedelta(days=days[row.school_id])
        overdue[row.school_id] = overdue.get(row.school_id, 0) + (int(row.n) if late else 0)
        if not pd.isna(row.oldest):
            oldest[row.school_id] = max(oldest.get(row.school_id, 0), (now.date() - row.oldest.date()).days)
    return overdue, oldest


def school_classes(engine: Readable, viewer, school_code: str, year: int, semester: int | None) -> pd.DataFrame:
    """One school's classes by counts only (`scope.class_counts` without the homeroom teacher): what a district
    officer drills down to."""
    require(viewer, DISTRICT)
    with reading(engine) as conn:
        school_id = conn.execute(select(t.schools.c.id).where(t.schools.c.code == str(school_code))).scalar()
        if school_id is None:
            raise NotFound(entity="學校", key=school_code)
        return class_counts(conn, school_id, year, semester)


def district_years(engine: Readable, viewer) -> list[int]:
    """The academic years any school of the database has classes in, newest first."""
    require(viewer, DISTRICT)
    with reading(engine) as conn:
        years = conn.execute(select(t.classes.c.academic_year).distinct()).scalars().all()
    return sorted(years, reverse=True)


__all__ = ["school_table", "school_classes", "district_years", "COLUMNS"]
