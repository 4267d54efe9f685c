"""What the counselor's dashboard asks of the whole school (輔導室總覽)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, and_, func, select

from ..adapters import tables as t
from ..domain.calendar import Term, format_roc_date, format_roc_datetime
from ..domain.categories import CATEGORIES
from ..domain.model import OutcomeStatus
from ..domain.policy import Policy
from ..reference import slide_reference
from .frames import frame as _frame
from .schedule import certification_due
from .scope import COUNSELING, class_roster, outcomes_per_student, require, selected_per_student
from .status import SUMMARY_LABELS, school_summary
from .viewer import Viewer, school_identity


def class_overview(engine: Engine, viewer: Viewer, year: int, semester: int | None = None) -> pd.DataFrame:
    """One row per class of the school: students, uploads by status, selections (one GROUP BY)."""
    require(viewer, COUNSELING)
    per, sel = outcomes_per_student(year, semester), selected_per_student(year)
    c, e = t.classes, t.enrolments
    query = (select(c.c.id.label("class_id"), c.c.grade.label("年級"), c.c.name.label("班級"),
                    t.staff.c.name.label("導師"), func.count(e.c.student_id).label("學生數"),
                    func.count(per.c.student_id).label("已上傳學生"),
                    func.coalesce(func.sum(per.c.n), 0).label("成果件數"),
                    *[func.coalesce(func.sum(per.c[s.value]), 0).label(s.label) for s in OutcomeStatus],
                    func.coalesce(func.sum(sel.c.sel_o), 0).label("已勾選成果"))
             .select_from(c).join(e, and_(e.c.class_id == c.c.id, e.c.academic_year == year))
             .outerjoin(per, per.c.student_id == e.c.student_id)
             .outerjoin(sel, sel.c.student_id == e.c.student_id)
             .outerjoin(t.staff, t.staff.c.id == c.c.homeroom_teacher_id)
             .where(c.c.school_id == viewer.school_id, c.c.academic_year == year)
             .group_by(c.c.id, c.c.grade, c.c.name, t.staff.c.name).order_by(c.c.name))
    table = _frame(engine, query)
    table["未上傳學生"] = table["學生數"] - table["已上傳學生"]
    table["上傳率"] = (table["已上傳學生"] / table["學生數"].where(table["學生數"] > 0)).fillna(0).round(3)
    return table


def kpis(engine: Engine, viewer: Viewer, year: int, semester: int | None = None) -> dict:
    """Headline figures for the counselor's cards: the school summary the landing page and `portfolio status
    school` show, under the same labels."""
    require(viewer, COUNSELING)
    figures = school_summary(engine, year, semester, school_code=school_identity(engine, viewer.school_id)[0])
    return {SUMMARY_LABELS[key]: int(value) for key, value in figures.items()}


def certification_backlog(engine: Engine, viewer: Viewer, term: Term, stage: int, now: datetime,
                          policy: Policy) -> pd.DataFrame:
    """Pending outcomes by teacher and course, against the one-week rule (days late)."""
    require(viewer, COUNSELING)
    o, cs, cr = t.outcomes, t.course_sections, t.course_records
    query = (select(t.staff.c.staff_no.label("職員編號"), t.staff.c.name.label("授課教師"),
                    cs.c.subject.label("科目"), cs.c.section.label("開課班級"),
                    func.count().label("待認證"), func.min(o.c.sent_at).label("最早送出"))
             .select_from(o).join(cr, cr.c.id == o.c.course_record_id).join(cs, cs.c.id == cr.c.section_id)
             .join(t.staff, t.staff.c.id == cs.c.teacher_id)
             .where(cs.c.school_id == viewer.school_id, o.c.academic_year == term.year,
                    o.c.semester == term.semester, o.c.status == OutcomeStatus.PENDING.value)
             .group_by(t.staff.c.staff_no, t.staff.c.name, cs.c.subject, cs.c.section)
             .order_by(t.staff.c.staff_no, cs.c.subject, cs.c.section))
    table = _frame(engine, query)
    due = certification_due(engine, viewer.school_id, term, stage, policy)
    table["應完成日"] = format_roc_date(due) if due else "未設定"
    late = max(0, (now.date() - due.date()).days) if due else 0
    table["逾期天數"] = late
    table["最早送出"] = table["最早送出"].map(format_roc_datetime)
    return table


def reminder_students(engine: Engine, viewer: Viewer, term: Term, class_id: int | None = None) -> pd.DataFrame:
    """Students to remind, by class: nothing uploaded, uploaded but not sent, failed and not replaced."""
    roster = class_roster(engine, viewer, term.year, class_id)
    per = _frame(engine, select(outcomes_per_student(term.year, term.semester)))
    table = roster.merge(per, left_on="id", right_on="student_id", how="left").fillna(0)
    notes = []
    for row in table.itertuples():
        items = []
        if row.n == 0:
            items.append("尚未上傳學習成果")
        if getattr(row, OutcomeStatus.UPLOADED.value) > 0:
            items.append(f"{int(getattr(row, OutcomeStatus.UPLOADED.value))} 件未送認證")
        if getattr(row, OutcomeStatus.FAILED.value) > 0:
            items.append(f"{int(getattr(row, OutcomeStatus.FAILED.value))} 件不通過待補件")
        notes.append("；".join(items))
    table["提醒事項"] = notes
    table = table[table["提醒事項"] != ""]
    return table[["班級", "座號", "學號", "姓名", "提醒事項"]].reset_index(drop=True)


def upload_timeline(engine: Engine, viewer: Viewer, term: Term) -> pd.DataFrame:
    """Outcome uploads per day of a semester."""
    require(viewer, COUNSELING)
    o = t.outcomes
    day = func.date(o.c.uploaded_at)
    table = _frame(engine, select(day.label("日期"), func.count().label("上傳件數")).join(t.students)
                   .where(t.students.c.school_id == viewer.school_id, o.c.academic_year == term.year,
                          o.c.semester == term.semester).group_by(day).order_by(day))
    table["日期"] = pd.to_datetime(table["日期"])
    return table


def category_shares(engine: Engine, viewer: Viewer, year: int | None, grade: int | None) -> pd.DataFrame:
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
