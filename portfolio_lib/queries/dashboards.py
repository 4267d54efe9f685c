"""Questions the staff dashboards ask, each scoped to what its viewer may see.

Scoping is enforced here, not in the widgets: a homeroom teacher's questions return only
their own class, a course teacher's only their own courses (or those they are proxy for).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.calendar import Term, format_roc_date, format_roc_datetime
from ..domain.categories import CATEGORIES
from ..domain.errors import NotFound, PermissionDenied
from ..domain.model import (
    RECEIPT_LABELS,
    ItemKind,
    OutcomeStatus,
    ReceiptStatus,
    Role,
    WindowKind,
    certification_result,
)
from ..domain.policy import Policy
from ..reference import slide_reference
from .frames import frame as _frame
from .rules import school_rules
from .status import SUMMARY_LABELS, school_summary, used_bytes
from .viewer import Viewer, school_identity

COUNSELING = {Role.COUNSELOR, Role.ADMIN}
STATUS = {s.value: s.label for s in OutcomeStatus}


def windows(engine: Engine, school_id: int, year: int) -> dict[tuple[int, WindowKind], tuple[datetime, datetime]]:
    with engine.connect() as conn:
        return {(w.semester, w.kind): (w.opens, w.closes) for w in answers.windows(conn, school_id, year)}


def school_years(engine: Engine, viewer: Viewer) -> list[int]:
    """The academic years the viewer's school has classes in, newest first."""
    with engine.connect() as conn:
        years = conn.execute(select(t.classes.c.academic_year).distinct()
                             .where(t.classes.c.school_id == viewer.school_id)).scalars().all()
    return sorted(years, reverse=True)


# --- schedule -----------------------------------------------------------------------

def schedule(engine: Engine, viewer: Viewer, year: int, now: datetime) -> pd.DataFrame:
    """The windows of a year with what is left of each."""
    rows = []
    for (semester, kind), (opens, closes) in sorted(windows(engine, viewer.school_id, year).items(),
                                                    key=lambda item: item[1][0]):
        if now < opens:
            state = f"{(opens.date() - now.date()).days} 天後開始"
        elif now <= closes:
            state = f"進行中，剩 {(closes.date() - now.date()).days} 天"
        else:
            state = "已結束"
        rows.append({"項目": kind.label, "學期": "全學年" if semester == 0 else f"第{semester}學期",
                     "開始": format_roc_datetime(opens), "結束": format_roc_datetime(closes), "狀態": state})
    return pd.DataFrame(rows, columns=["項目", "學期", "開始", "結束", "狀態"])


def certification_due(engine: Engine, school_id: int, term: Term, stage: int, policy: Policy) -> datetime | None:
    """The one-week rule: certification due a week after the stage's upload deadline."""
    kind = WindowKind.UPLOAD_1 if stage == 1 else WindowKind.UPLOAD_2
    window = windows(engine, school_id, term.year).get((term.semester, kind))
    if window is None:
        return None
    return window[1] + timedelta(days=school_rules(engine, school_id, term, policy).certification_days_after_deadline)


# --- school-wide (counselors) ----------------------------------------------------------

def _outcomes_per_student(year: int, semester: int | None):
    o = t.outcomes
    where = [o.c.academic_year == year] + ([o.c.semester == semester] if semester else [])
    return select(
        o.c.student_id, func.count().label("n"),
        *[func.sum(case((o.c.status == s.value, 1), else_=0)).label(s.value) for s in OutcomeStatus],
    ).where(*where).group_by(o.c.student_id).subquery()


def _selected_per_student(year: int):
    s = t.selections
    return select(s.c.student_id,
                  func.sum(case((s.c.item_kind == ItemKind.OUTCOME.value, 1), else_=0)).label("sel_o"),
                  func.sum(case((s.c.item_kind == ItemKind.PERFORMANCE.value, 1), else_=0)).label("sel_p"),
                  ).where(s.c.academic_year == year).group_by(s.c.student_id).subquery()


def class_overview(engine: Engine, viewer: Viewer, year: int, semester: int | None = None) -> pd.DataFrame:
    """One row per class of the school: students, uploads by status, selections (one GROUP BY)."""
    _require(viewer, COUNSELING)
    per, sel = _outcomes_per_student(year, semester), _selected_per_student(year)
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
    _require(viewer, COUNSELING)
    figures = school_summary(engine, year, semester, school_code=school_identity(engine, viewer.school_id)[0])
    return {SUMMARY_LABELS[key]: int(value) for key, value in figures.items()}


def certification_backlog(engine: Engine, viewer: Viewer, term: Term, stage: int, now: datetime,
                          policy: Policy) -> pd.DataFrame:
    """Pending outcomes by teacher and course, against the one-week rule (days late)."""
    _require(viewer, COUNSELING)
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
    roster = _roster(engine, viewer, term.year, class_id)
    per = _frame(engine, select(_outcomes_per_student(term.year, term.semester)))
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
    _require(viewer, COUNSELING)
    o = t.outcomes
    day = func.date(o.c.uploaded_at)
    table = _frame(engine, select(day.label("日期"), func.count().label("上傳件數")).join(t.students)
                   .where(t.students.c.school_id == viewer.school_id, o.c.academic_year == term.year,
                          o.c.semester == term.semester).group_by(day).order_by(day))
    table["日期"] = pd.to_datetime(table["日期"])
    return table


def category_shares(engine: Engine, viewer: Viewer, year: int | None, grade: int | None) -> pd.DataFrame:
    """多元表現 by category for the school, with the guide's slide as a reference series (both as shares)."""
    _require(viewer, COUNSELING)
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




# --- one class (homeroom teachers, counselors) -----------------------------------------

def my_classes(engine: Engine, viewer: Viewer, year: int) -> pd.DataFrame:
    """Classes a viewer may open: a homeroom teacher's own; every class for counselors."""
    c = t.classes
    query = select(c.c.id, c.c.name, c.c.grade).where(c.c.school_id == viewer.school_id, c.c.academic_year == year)
    if not viewer.roles & COUNSELING:
        query = query.where(c.c.homeroom_teacher_id == viewer.staff_id)
    return _frame(engine, query.order_by(c.c.name))


def _check_class(engine: Engine, viewer: Viewer, class_id: int):
    row = _frame(engine, select(t.classes.c.school_id, t.classes.c.homeroom_teacher_id)
                 .where(t.classes.c.id == class_id))
    if row.empty or int(row.iloc[0, 0]) != viewer.school_id:
        raise NotFound(entity="班級", key=class_id)
    if viewer.roles & COUNSELING:
        return
    if Role.HOMEROOM in viewer.roles and row.iloc[0, 1] == viewer.staff_id:
        return
    raise PermissionDenied(who=f"{viewer.name} ", action="查看其他班級的資料")


def _roster(engine: Engine, viewer: Viewer, year: int, class_id: int | None) -> pd.DataFrame:
    c, e, s = t.classes, t.enrolments, t.students
    query = (select(s.c.id, c.c.name.label("班級"), e.c.seat_no.label("座號"), s.c.student_no.label("學號"),
                    s.c.name.label("姓名"))
             .join(e, e.c.student_id == s.c.id).join(c, c.c.id == e.c.class_id)
             .where(e.c.academic_year == year, c.c.school_id == viewer.school_id))
    if class_id is not None:
        _check_class(engine, viewer, class_id)
        query = query.where(c.c.id == class_id)
    elif not viewer.roles & COUNSELING:
        query = query.where(c.c.homeroom_teacher_id == viewer.staff_id)
    return _frame(engine, query.order_by(c.c.name, e.c.seat_no))


FLAGS = ("尚未上傳", "不通過未補件", "勾選將截止未勾選", "空間將滿")


def class_progress(engine: Engine, viewer: Viewer, class_id: int, term: Term, now: datetime,
                   policy: Policy) -> pd.DataFrame:
    """A row per student of one class: uploads vs the cap, certification, selections, 多元表現, flags."""
    roster = _roster(engine, viewer, term.year, class_id)
    rules = school_rules(engine, viewer.school_id, term, policy)
    ids = roster["id"].tolist()
    per = _frame(engine, select(_outcomes_per_student(term.year, term.semester)))
    sel = _frame(engine, select(_selected_per_student(term.year)))
    p = t.performances
    perf = _frame(engine, select(p.c.student_id, func.count().label("perf")).where(
        p.c.student_id.in_(ids), p.c.academic_year == term.year, answers.uploaded_performance())
        .group_by(p.c.student_id))
    used = used_bytes(engine, ids)
    table = (roster.merge(per, left_on="id", right_on="student_id", how="left")
             .merge(sel, left_on="id", right_on="student_id", how="left", suffixes=("", "_s"))
             .merge(perf, left_on="id", right_on="student_id", how="left", suffixes=("", "_p")))
    for column in ["n", *[s.value for s in OutcomeStatus], "sel_o", "sel_p", "perf"]:
        table[column] = table[column].fillna(0).astype(int) if column in table else 0
    table["used"] = table["id"].map(used).fillna(0)
    selection = windows(engine, viewer.school_id, term.year).get((0, WindowKind.SELECTION))
    closing = bool(selection and selection[0] <= now <= selection[1]
                   and (selection[1] - now).days <= rules.warn_selection_closing_days)
    out = pd.DataFrame({
        "座號": table["座號"], "學號": table["學號"], "姓名": table["姓名"],
        "學習成果": table["n"].astype(str) + f"/{rules.outcome_upload_cap_per_semester}",
        "通過": table["passed"], "不通過": table["failed"], "待認證": table["pending"],
        "未送認證": table["uploaded"],
        "勾選成果": table["sel_o"].astype(str) + f"/{rules.outcome_selection_cap_per_year}",
        "多元表現": table["perf"].astype(str) + f"/{rules.performance_upload_cap_per_year}",
        "勾選多元表現": table["sel_p"].astype(str) + f"/{rules.performance_selection_cap_per_year}",
        "已用空間(MB)": (table["used"] / (1024 * 1024)).round(1),
    })
    flags = []
    for row in table.itertuples():
        mine = []
        if row.n == 0:
            mine.append(FLAGS[0])
        if row.failed > 0:
            mine.append(FLAGS[1])
        if closing and row.sel_o + row.sel_p == 0:
            mine.append(FLAGS[2])
        if row.used > rules.warn_quota_share * rules.quota_bytes:
            mine.append(FLAGS[3])
        flags.append("、".join(mine))
    out["提醒"] = flags
    return out


def student_cabinet(engine: Engine, viewer: Viewer, student_no: str, year: int) -> pd.DataFrame:
    """One student's items, for a viewer who may see that student (their homeroom class, or counselors)."""
    from .status import student_items
    e, c, s = t.enrolments, t.classes, t.students
    row = _frame(engine, select(c.c.id).join(e, e.c.class_id == c.c.id).join(s, s.c.id == e.c.student_id)
                 .where(s.c.student_no == str(student_no), s.c.school_id == viewer.school_id,
                        e.c.academic_year == year))
    if row.empty:
        raise NotFound(entity="學生", key=student_no)
    _check_class(engine, viewer, int(row.iloc[0, 0]))
    items = student_items(engine, student_no, school_code=school_identity(engine, viewer.school_id)[0])
    if items.empty:
        return items
    items = items.rename(columns={"academic_year": "學年度", "semester": "學期", "title": "科目/類別",
                                  "description": "內容簡述", "status": "認證", "uploaded": "上傳日期",
                                  "submitted": "提交日期"})
    items["種類"] = items["kind"].map(lambda k: ItemKind(k).label)
    items["已勾選"] = items["selected"].map({True: "✓", False: ""})
    return items[["種類", "學年度", "學期", "科目/類別", "內容簡述", "認證", "已勾選", "上傳日期", "提交日期"]]


# --- course teachers -------------------------------------------------------------------

def _teaching(viewer: Viewer):
    cs = t.course_sections
    return or_(cs.c.teacher_id == viewer.staff_id, cs.c.proxy_teacher_id == viewer.staff_id)


def certification_queue(engine: Engine, viewer: Viewer, now: datetime, open_only: bool = True) -> pd.DataFrame:
    """Pending outcomes of the viewer's courses (and those they are proxy for), with days left.

    With open_only, only what can be certified now: its term's certification window is open."""
    _require(viewer, {Role.TEACHER})
    o, cs, cr, s = t.outcomes, t.course_sections, t.course_records, t.students
    w = t.windows
    query = (select(o.c.id.label("編號"), o.c.academic_year.label("學年度"), o.c.semester.label("學期"),
                    cs.c.subject.label("科目"), cs.c.section.label("開課班級"), s.c.student_no.label("學號"),
                    s.c.name.label("姓名"), o.c.description.label("內容簡述"), o.c.sent_at.label("送出時間"),
                    o.c.document_name.label("文件檔案"), o.c.video_name.label("影音檔案"),
                    (cs.c.teacher_id != viewer.staff_id).label("代理"), w.c.closes.label("認證截止"))
             .join(cr, cr.c.id == o.c.course_record_id).join(cs, cs.c.id == cr.c.section_id)
             .join(s, s.c.id == o.c.student_id)
             .outerjoin(w, and_(w.c.school_id == cs.c.school_id, w.c.academic_year == o.c.academic_year,
                                w.c.semester == o.c.semester, w.c.kind == WindowKind.CERTIFICATION.value))
             .where(_teaching(viewer), o.c.status == OutcomeStatus.PENDING.value,
                    *([w.c.opens <= now, w.c.closes >= now] if open_only else []))
             .order_by(o.c.sent_at, o.c.id))
    table = _frame(engine, query)
    table["剩餘天數"] = table["認證截止"].map(lambda closes: (closes.date() - now.date()).days if closes else None)
    table["送出時間"] = table["送出時間"].map(format_roc_datetime)
    table["認證截止"] = table["認證截止"].map(format_roc_datetime)
    table["代理"] = table["代理"].map({True: "代理", False: ""})
    return table.fillna("")


def certification_history(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """What the viewer certified, newest first."""
    _require(viewer, {Role.TEACHER})
    c, o, cs, cr, s = t.certifications, t.outcomes, t.course_sections, t.course_records, t.students
    table = _frame(engine, select(c.c.certified_at.label("認證時間"), o.c.id.label("編號"),
                                  cs.c.subject.label("科目"), s.c.student_no.label("學號"), s.c.name.label("姓名"),
                                  c.c.passed, c.c.reason.label("原因"))
                   .join(o, o.c.id == c.c.outcome_id).join(cr, cr.c.id == o.c.course_record_id)
                   .join(cs, cs.c.id == cr.c.section_id).join(s, s.c.id == o.c.student_id)
                   .where(c.c.teacher_id == viewer.staff_id).order_by(c.c.certified_at.desc(), c.c.id.desc()))
    table["結果"] = table.pop("passed").map(certification_result)
    table["認證時間"] = table["認證時間"].map(format_roc_datetime)
    return table.fillna("")


def outcome_file(engine: Engine, viewer: Viewer, outcome_id: int, slot: str) -> tuple[str, str, str] | None:
    """(sha256, ext, client name) of an outcome's file, for a viewer who teaches its course or counsels."""
    o, cs, cr = t.outcomes, t.course_sections, t.course_records
    sha, name = (o.c.document_sha256, o.c.document_name) if slot == "document" else (o.c.video_sha256, o.c.video_name)
    query = (select(sha.label("sha"), name.label("name"), t.files.c.ext, cs.c.teacher_id, cs.c.proxy_teacher_id,
                    cs.c.school_id).join(cr, cr.c.id == o.c.course_record_id).join(cs, cs.c.id == cr.c.section_id)
             .outerjoin(t.files, t.files.c.sha256 == sha).where(o.c.id == outcome_id))
    row = _frame(engine, query)
    if row.empty:
        raise NotFound(entity="學習成果", key=outcome_id)
    r = row.iloc[0]
    allowed = (viewer.roles & COUNSELING and r["school_id"] == viewer.school_id) or \
        viewer.staff_id in (r["teacher_id"], r["proxy_teacher_id"])
    if not allowed:
        raise PermissionDenied(who=f"{viewer.name} ", action="查看這件學習成果")
    if not r["sha"]:
        return None
    return r["sha"], r["ext"], r["name"]


def _require(viewer: Viewer, roles: set):
    if not viewer.roles & roles:
        raise PermissionDenied(who=f"{viewer.name} ", action="查看這些資料")


# --- school-only items -------------------------------------------------------------------

def class_learning_plans(engine: Engine, viewer: Viewer, class_id: int, year: int) -> pd.DataFrame:
    """Self-directed learning plans of one class's students in a year (for its homeroom teacher or counselors)."""
    from ..domain.model import PlanStatus
    _check_class(engine, viewer, class_id)
    p, e, s = t.learning_plans, t.enrolments, t.students
    table = _frame(engine, select(p.c.id.label("編號"), e.c.seat_no.label("座號"), s.c.student_no.label("學號"),
                                  s.c.name.label("姓名"), p.c.title.label("計畫名稱"),
                                  p.c.description.label("內容簡述"),
                                  p.c.document_name.label("文件"), p.c.status, p.c.review_comment.label("審核意見"))
                   .join(s, s.c.id == p.c.student_id)
                   .join(e, and_(e.c.student_id == s.c.id, e.c.academic_year == p.c.academic_year))
                   .where(e.c.class_id == class_id, p.c.academic_year == year).order_by(e.c.seat_no, p.c.id))
    table["審核"] = table.pop("status").map(lambda v: PlanStatus(v).label)
    return table.fillna("")


def plan_file(engine: Engine, viewer: Viewer, plan_id: int) -> tuple[str, str, str]:
    """(sha256, ext, name) of a plan's document, for a viewer who may review it."""
    p, e = t.learning_plans, t.enrolments
    row = _frame(engine, select(p.c.document_sha256, p.c.document_name, t.files.c.ext, e.c.class_id)
                 .join(t.files, t.files.c.sha256 == p.c.document_sha256)
                 .join(e, and_(e.c.student_id == p.c.student_id, e.c.academic_year == p.c.academic_year))
                 .where(p.c.id == plan_id))
    if row.empty:
        raise NotFound(entity="自主學習計畫", key=plan_id)
    _check_class(engine, viewer, int(row.iloc[0]["class_id"]))
    return row.iloc[0]["document_sha256"], row.iloc[0]["ext"], row.iloc[0]["document_name"]


def consultations_by(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """Consultation records the viewer (a course consultant) entered, newest first."""
    _require(viewer, {Role.CONSULTANT})
    c, s = t.consultation_records, t.students
    table = _frame(engine, select(c.c.id.label("編號"), c.c.consulted_on.label("日期"), s.c.student_no.label("學號"),
                                  s.c.name.label("姓名"), c.c.description.label("內容簡述"),
                                  c.c.document_name.label("文件"))
                   .join(s, s.c.id == c.c.student_id).where(c.c.consultant_id == viewer.staff_id)
                   .order_by(c.c.consulted_on.desc(), c.c.id.desc()))
    table["日期"] = table["日期"].map(format_roc_date)
    return table.fillna("")


# --- submission and receipts (submitters, receipt checkers) -----------------------------------

SUBMITTING = {Role.SUBMITTER, Role.RECEIPT_CHECKER, Role.ADMIN}


def submission_preview(engine: Engine, viewer: Viewer, term: Term) -> pd.DataFrame:
    """Selected, not yet submitted items of a term, by class and kind (what a package would hold)."""
    _require(viewer, SUBMITTING)
    s, e, c = t.selections, t.enrolments, t.classes
    parts = []
    for kind, table in ((ItemKind.OUTCOME, t.outcomes), (ItemKind.PERFORMANCE, t.performances)):
        parts.append(_frame(engine, select(c.c.name.label("班級"), func.count().label(kind.label))
                            .select_from(table)
                            .join(s, and_(s.c.item_kind == kind.value, s.c.item_id == table.c.id))
                            .join(e, and_(e.c.student_id == table.c.student_id,
                                          e.c.academic_year == table.c.academic_year))
                            .join(c, c.c.id == e.c.class_id)
                            .where(c.c.school_id == viewer.school_id, table.c.academic_year == term.year,
                                   table.c.semester == term.semester, table.c.submitted_at.is_(None))
                            .group_by(c.c.name)))
    table = parts[0].merge(parts[1], on="班級", how="outer").fillna(0).sort_values("班級")
    for column in (ItemKind.OUTCOME.label, ItemKind.PERFORMANCE.label):
        table[column] = table[column].astype(int) if column in table else 0
    return table.reset_index(drop=True)


def submission_batches(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    _require(viewer, SUBMITTING)
    b = t.submission_batches
    table = _frame(engine, select(b.c.id.label("批次"), b.c.academic_year.label("學年度"), b.c.semester.label("學期"),
                                  b.c.created_at.label("提交時間"), b.c.created_by.label("提交人"),
                                  b.c.item_count.label("件數"), b.c.digest.label("SHA-256"))
                   .where(b.c.school_id == viewer.school_id).order_by(b.c.id.desc()))
    table["提交時間"] = table["提交時間"].map(format_roc_datetime)
    return table


def receipt_list(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    _require(viewer, SUBMITTING)
    r = t.receipts
    table = _frame(engine, select(r.c.id.label("明細"), r.c.academic_year.label("學年度"), r.c.semester.label("學期"),
                                  r.c.file_name.label("檔名"), r.c.imported_at.label("匯入時間"),
                                  r.c.imported_by.label("匯入人"))
                   .where(r.c.school_id == viewer.school_id).order_by(r.c.id.desc()))
    table["匯入時間"] = table["匯入時間"].map(format_roc_datetime)
    return table


def _receipt_lines(engine: Engine, viewer: Viewer, receipt_id: int) -> pd.DataFrame:
    _require(viewer, SUBMITTING)
    r, line, s, e, c = t.receipts, t.receipt_lines, t.students, t.enrolments, t.classes
    table = _frame(engine, select(line.c.status, line.c.item_kind, line.c.item_id.label("項目編號"),
                                  line.c.detail.label("說明"), c.c.name.label("班級"), e.c.seat_no.label("座號"),
                                  s.c.student_no.label("學號"), s.c.name.label("姓名"))
                   .join(r, r.c.id == line.c.receipt_id)
                   .outerjoin(s, s.c.id == line.c.student_id)
                   .outerjoin(e, and_(e.c.student_id == s.c.id, e.c.academic_year == r.c.academic_year))
                   .outerjoin(c, c.c.id == e.c.class_id)
                   .where(line.c.receipt_id == receipt_id, r.c.school_id == viewer.school_id)
                   .order_by(c.c.name, e.c.seat_no, line.c.id))
    table["狀態"] = table.pop("status").map(lambda v: ReceiptStatus(v).label)
    table["種類"] = table.pop("item_kind").map(lambda k: ItemKind(k).label if isinstance(k, str) else "")
    return table


def receipt_by_class(engine: Engine, viewer: Viewer, receipt_id: int) -> pd.DataFrame:
    """Counts of each reconciliation result per class."""
    lines = _receipt_lines(engine, viewer, receipt_id)
    if lines.empty:
        return pd.DataFrame(columns=["班級", *RECEIPT_LABELS.values()])
    table = lines.assign(班級=lines["班級"].fillna("（無班級）")).pivot_table(
        index="班級", columns="狀態", values="項目編號", aggfunc="count", fill_value=0)
    return table.reindex(columns=list(RECEIPT_LABELS.values()), fill_value=0).reset_index()


def receipt_to_confirm(engine: Engine, viewer: Viewer, receipt_id: int, policy: Policy) -> pd.DataFrame:
    """Students who must check the receipt (anything not received as sent), by class, with the day to check by."""
    lines = _receipt_lines(engine, viewer, receipt_id)
    problems = lines[lines["狀態"] != ReceiptStatus.RECEIVED.label].copy()
    receipt = _frame(engine, select(t.receipts).where(t.receipts.c.id == receipt_id))
    if not receipt.empty:
        r = receipt.iloc[0]
        term = Term(int(r["academic_year"]), int(r["semester"]))
        days = school_rules(engine, viewer.school_id, term, policy).receipt_check_days
        problems["確認期限"] = format_roc_date(r["imported_at"] + timedelta(days=days))
    else:
        problems["確認期限"] = ""
    return problems[["班級", "座號", "學號", "姓名", "種類", "項目編號", "狀態", "說明", "確認期限"]].fillna(
        "").reset_index(drop=True)
