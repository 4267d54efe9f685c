"""What a homeroom teacher (or a counselor) asks of one class (導師班級進度)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import and_, select

from ..adapters import tables as t
from ..domain.calendar import Term
from ..domain.errors import NotFound
from ..domain.model import Reminder, WindowKind
from ..domain.policy import Policy
from .frames import Readable, question
from .frames import frame as _frame
from .items import student_items
from .rules import school_rules
from .scope import COUNSELING, check_class, classes_of, student_rows, windows
from .viewer import Viewer


def my_classes(engine: Readable, viewer: Viewer, year: int) -> pd.DataFrame:
    """Classes a viewer may open: a homeroom teacher's own; every class for counselors."""
    c = t.classes
    query = select(c.c.id, c.c.name, c.c.grade).where(c.c.school_id == viewer.school_id, c.c.academic_year == year)
    if not viewer.roles & COUNSELING:
        query = query.where(c.c.homeroom_teacher_id == viewer.staff_id)
    return _frame(engine, query.order_by(c.c.name))


@question
def class_progress(engine: Readable, viewer: Viewer, class_id: int | None, term: Term, now: datetime,
                   policy: Policy) -> pd.DataFrame:
    """A row per student of one class (or, with `class_id` None, of every class the viewer may open), as data:
    uploads and the cap, certification, selections, 多元表現, space used, and the reminders (`Reminder`
    values) the student is flagged for. The pages turn it into Chinese headers with one vocabulary
    (`queries.vocabulary.progress_table`)."""
    rules = school_rules(engine, viewer.school_id, term, policy)
    columns, rows = student_rows(engine, classes_of(engine, viewer, term.year, class_id), term.year, term.semester,
                                 used_bytes=True)
    selection = windows(engine, viewer.school_id, term.year).get((0, WindowKind.SELECTION))
    closing = bool(selection and selection[0] <= now <= selection[1]
                   and (selection[1] - now).days <= rules.warn_selection_closing_days)
    caps = (rules.outcome_upload_cap_per_semester, rules.outcome_selection_cap_per_year,
            rules.performance_upload_cap_per_year, rules.performance_selection_cap_per_year)
    return pd.DataFrame.from_records(
        [(*row, *caps, reminders_for(row, rules, closing)) for row in rows],
        columns=["student_id" if column == "id" else column for column in columns] + [
            "outcome_cap", "outcome_selection_cap", "performance_cap", "performance_selection_cap", "reminders"])


def reminders_for(row, rules, selection_closing: bool) -> tuple[Reminder, ...]:
    """The reminders a student's counts flag (one answer for the homeroom table and the counselor's list)."""
    flags = []
    if row.outcomes == 0:
        flags.append(Reminder.NO_UPLOAD)
    if row.not_sent > 0:
        flags.append(Reminder.NOT_SENT)
    if row.failed > 0:
        flags.append(Reminder.FAILED)
    if selection_closing and row.selected_outcomes + row.selected_performances == 0:
        flags.append(Reminder.SELECTION_CLOSING)
    if row.used_bytes > rules.warn_quota_share * rules.quota_bytes:
        flags.append(Reminder.QUOTA_NEARLY_FULL)
    return tuple(flags)


@question
def student_cabinet(engine: Readable, viewer: Viewer, student_no: str, year: int) -> pd.DataFrame:
    """One student's items (`items.student_items`), for a viewer who may see that student (their homeroom class,
    or counselors); a student of another school, or of no class the viewer may open, is refused."""
    e, c, s = t.enrolments, t.classes, t.students
    row = _frame(engine, select(c.c.id, s.c.id.label("student_id")).join(e, e.c.class_id == c.c.id)
                 .join(s, s.c.id == e.c.student_id)
                 .where(s.c.student_no == str(student_no), s.c.school_id == viewer.school_id,
                        e.c.academic_year == year))
    if row.empty:
        raise NotFound(entity="學生", key=student_no)
    check_class(engine, viewer, int(row.iloc[0]["id"]))
    return student_items(engine, int(row.iloc[0]["student_id"]))


@question
def class_learning_plans(engine: Readable, viewer: Viewer, class_id: int, year: int) -> pd.DataFrame:
    """Self-directed learning plans of one class's students in a year (for its homeroom teacher or counselors)."""
    check_class(engine, viewer, class_id)
    p, e, s = t.learning_plans, t.enrolments, t.students
    return _frame(engine, select(p.c.id.label("plan_id"), e.c.seat_no.label("seat"), s.c.student_no, s.c.name,
                                 p.c.title, p.c.description, p.c.document_name, p.c.status, p.c.review_comment)
                  .join(s, s.c.id == p.c.student_id)
                  .join(e, and_(e.c.student_id == s.c.id, e.c.academic_year == p.c.academic_year))
                  .where(e.c.class_id == class_id, p.c.academic_year == year).order_by(e.c.seat_no, p.c.id))


@question
def plan_file(engine: Readable, viewer: Viewer, plan_id: int) -> tuple[str, str, str]:
    """(sha256, ext, name) of a plan's document, for a viewer who may review it."""
    p, e = t.learning_plans, t.enrolments
    row = _frame(engine, select(p.c.document_sha256, p.c.document_name, t.files.c.ext, e.c.class_id)
                 .join(t.files, t.files.c.sha256 == p.c.document_sha256)
                 .join(e, and_(e.c.student_id == p.c.student_id, e.c.academic_year == p.c.academic_year))
                 .where(p.c.id == plan_id))
    if row.empty:
        raise NotFound(entity="自主學習計畫", key=plan_id)
    check_class(engine, viewer, int(row.iloc[0]["class_id"]))
    return row.iloc[0]["document_sha256"], row.iloc[0]["ext"], row.iloc[0]["document_name"]
