"""What the counselor's dashboard asks of the whole school (輔導室總覽)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, select

from ..adapters import tables as t
from ..domain.calendar import Term
from ..domain.categories import CATEGORIES
from ..domain.model import OutcomeStatus
from ..domain.policy import Policy
from ..reference import slide_reference
from .frames import Readable, question
from .frames import frame as _frame
from .schedule import certification_due
from .scope import COUNSELING, class_counts, require
from .status import school_summary
from .viewer import Viewer, school_identity


def class_overview(engine: Readable, viewer: Viewer, year: int, semester: int | None = None) -> pd.DataFrame:
    """One row per class of the school, as data, with its homeroom teacher (`scope.class_counts`).
    `queries.vocabulary.overview_table` reads it out."""
    require(viewer, COUNSELING)
    return class_counts(engine, viewer.school_id, year, semester, homeroom=True)


@question
def kpis(engine: Readable, viewer: Viewer, year: int, semester: int | None = None) -> pd.Series:
    """Headline figures for the counselor's cards: the school summary the landing page and `portfolio status
    school` show (`queries.vocabulary.summary_cards` labels them the same way on every screen)."""
    require(viewer, COUNSELING)
    return school_summary(engine, year, semester, school_code=school_identity(engine, viewer.school_id)[0])


@question
def certification_backlog(engine: Readable, viewer: Viewer, term: Term, stage: int, now: datetime,
                          policy: Policy) -> pd.DataFrame:
    """Pending outcomes by teacher and course, as data, against the one-week rule: the day certification is
    due (None when the school set no window) and the days late."""
    require(viewer, COUNSELING)
    o, cs, cr = t.outcomes, t.course_sections, t.course_records
    query = (select(t.staff.c.staff_no, t.staff.c.name.label("teacher"), cs.c.subject, cs.c.section,
                    func.count().label("pending"), func.min(o.c.sent_at).label("earliest_sent"))
             .select_from(o).join(cr, cr.c.id == o.c.course_record_id).join(cs, cs.c.id == cr.c.section_id)
             .join(t.staff, t.staff.c.id == cs.c.teacher_id)
             .where(cs.c.school_id == viewer.school_id, o.c.academic_year == term.year,
                    o.c.semester == term.semester, o.c.status == OutcomeStatus.PENDING.value)
             .group_by(t.staff.c.staff_no, t.staff.c.name, cs.c.subject, cs.c.section)
             .order_by(t.staff.c.staff_no, cs.c.subject, cs.c.section))
    table = _frame(engine, query)
    due = certification_due(engine, viewer.school_id, term, stage, policy)
    table["due"] = due
    table["days_late"] = max(0, (now.date() - due.date()).days) if due else 0
    return table


@question
def reminder_students(engine: Readable, viewer: Viewer, term: Term, now: datetime, policy: Policy,
                      class_id: int | None = None) -> pd.DataFrame:
    """Students to remind, by class: the rows of `homeroom.class_progress` that carry a reminder, for every class
    the viewer may open (or one), so the counselor's list and the homeroom table flag the same students."""
    from .homeroom import class_progress
    progress = class_progress(engine, viewer, class_id, term, now, policy)
    return progress[progress["reminders"].map(bool)].reset_index(drop=True)


def upload_timeline(engine: Readable, viewer: Viewer, term: Term) -> pd.DataFrame:
    """Outcome uploads per day of a semester (day, uploads)."""
    require(viewer, COUNSELING)
    o = t.outcomes
    day = func.date(o.c.uploaded_at)
    table = _frame(engine, select(day.label("day"), func.count().label("uploads")).join(t.students)
                   .where(t.students.c.school_id == viewer.school_id, o.c.academic_year == term.year,
                          o.c.semester == term.semester).group_by(day).order_by(day))
    table["day"] = pd.to_datetime(table["day"])
    return table


@question
def category_shares(engine: Readable, viewer: Viewer, year: int | None, grade: int | None) -> pd.DataFrame:
    """多元表現 by category for the school, with the guide's slide as a reference series (both as shares)."""
    require(viewer, COUNSELING)
    from .status import category_distribution
    school_code = _frame(engine, select(t.schools.c.code).where(t.schools.c.id == viewer.school_id)).iloc[0, 0]
    ours = category_distribution(engine, year=year, grade=grade, school_code=school_code)
    ours["application_code"] = ours["category"].map(lambda key: CATEGORIES[key].application_code)
    slide = slide_reference()
    by_code = ours.groupby("application_code")["count"].sum()
    slide["school_count"] = slide["code"].map(by_code).fillna(0).astype(int)
    total = slide["school_count"].sum()
    slide["school_share"] = slide["school_count"] / total if total else 0.0
    return ours, slide
