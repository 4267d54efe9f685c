"""One answer per question the write side and the read side both ask: the school's rules, what counts as an
uploaded 多元表現, quota used, a student's grade, the year's windows, what a student's target programmes ask
for against their items.

The services ask through the repository, the dashboards through the queries; both build their SQL here,
so a figure on a screen is the figure a rule checks.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, and_, bindparam, func, select, union_all

from ..domain.admission import HeldItem, ProgrammeReport, cover, outcome_codes, parse_requirement, performance_codes
from ..domain.calendar import Term
from ..domain.categories import CATEGORIES
from ..domain.grades import FINAL_GRADE
from ..domain.model import ItemKind, OutcomeStatus, Window, WindowKind, outcome_selectable, performance_selectable
from ..domain.policy import Policy, Rules
from . import tables as t


def school_policy(conn: Connection, school_id: int, national: Policy) -> Policy:
    """The national policy with the school's own overrides merged in."""
    overrides = conn.execute(select(t.schools.c.policy_overrides).where(t.schools.c.id == school_id)).scalar_one()
    return national.with_overrides(overrides)


def school_rules(conn: Connection, school_id: int, term: Term, national: Policy) -> Rules:
    """The rules in force for a school in a term."""
    return school_policy(conn, school_id, national).rules(term)


def every_school_rules(conn: Connection, term: Term, national: Policy) -> dict[int, Rules]:
    """The rules in force in a term for every school of the database, by school id (schools with the same
    overrides share one resolution)."""
    resolved: dict[str | None, Rules] = {}
    rules = {}
    for school_id, overrides in conn.execute(select(t.schools.c.id, t.schools.c.policy_overrides)):
        if overrides not in resolved:
            resolved[overrides] = national.with_overrides(overrides).rules(term)
        rules[school_id] = resolved[overrides]
    return rules


def uploaded_performance():
    """多元表現 the student uploaded: records synced from the school system (幹部) are not uploads and do not
    count against the yearly cap."""
    return t.performances.c.synced.is_(False)


def used_bytes_by_student(student_ids):
    """(student_id, bytes) of every file each student's items hold: the quota counts each item's files."""
    refs = union_all(*[select(table.c.student_id, col.label("sha"))
                       .where(table.c.student_id.in_(student_ids), col.is_not(None))
                       for table, col in t.ITEM_FILE_REFERENCES]).subquery()
    return (select(refs.c.student_id, func.sum(t.files.c.size).label("used"))
            .join(t.files, t.files.c.sha256 == refs.c.sha).group_by(refs.c.student_id))


_USED_BYTES = None


def used_bytes(conn: Connection, student_ids: list[int]) -> dict[int, int]:
    """Bytes each student's items hold: one statement made once, the students bound (an upload checks its
    student's quota inside the write lock, where the statement's making would be the largest part of the cost)."""
    global _USED_BYTES
    if not student_ids:
        return {}
    if _USED_BYTES is None:
        _USED_BYTES = used_bytes_by_student(bindparam("students", expanding=True))
    return {sid: int(size) for sid, size in conn.execute(_USED_BYTES, {"students": list(student_ids)})}


def grade_of(conn: Connection, student_id: int, year: int) -> int | None:
    """The grade (10–12) of the class a student is enrolled in that year, None when not enrolled."""
    return conn.execute(
        select(t.classes.c.grade).join(t.enrolments, t.enrolments.c.class_id == t.classes.c.id)
        .where(t.enrolments.c.student_id == student_id, t.enrolments.c.academic_year == year)
    ).scalar_one_or_none()


def roster(year: int):
    """The students enrolled in a year with their class and seat (id, class_id, class_name, seat, student_no,
    name), in class and seat order: every roster the workbench shows starts here and narrows it (`.where(...)`)."""
    c, e, s = t.classes, t.enrolments, t.students
    return (select(s.c.id, c.c.id.label("class_id"), c.c.name.label("class_name"), e.c.seat_no.label("seat"),
                   s.c.student_no, s.c.name)
            .join(e, e.c.student_id == s.c.id).join(c, c.c.id == e.c.class_id)
            .where(e.c.academic_year == year).order_by(c.c.name, e.c.seat_no))


def windows(conn: Connection, school_id: int, year: int, semester: int | None = None) -> list[Window]:
    """The school's windows of a year (with a semester: that semester's and the year's own)."""
    query = select(t.windows).where(t.windows.c.school_id == school_id, t.windows.c.academic_year == year)
    if semester is not None:
        query = query.where(t.windows.c.semester.in_([semester, 0]))
    return [_window(r) for r in conn.execute(query.order_by(t.windows.c.opens))]


def open_windows(conn: Connection, school_id: int, now) -> list[Window]:
    """The school's windows open at a moment (of any year), the one closing first first."""
    query = select(t.windows).where(t.windows.c.school_id == school_id, t.windows.c.opens <= now,
                                    t.windows.c.closes >= now).order_by(t.windows.c.closes)
    return [_window(r) for r in conn.execute(query)]


def _window(row) -> Window:
    return Window(WindowKind(row.kind), row.academic_year, row.semester, row.opens, row.closes)


def kept_originals(conn: Connection, student_ids: list[int] | None = None) -> list[dict]:
    """The rescued originals kept (of some students, or all), each with the date its items were settled, or None
    while one of them is not: a course outcome when it passed certification, a 多元表現 record at the end of its
    term, another item when the original was kept. The cleanup and the cabinet both date an original from here."""
    o = t.rescued_originals
    query = (select(o.c.id, o.c.student_id, o.c.derivative_sha256, o.c.original_sha256, o.c.original_name,
                    o.c.tool, o.c.tool_version, o.c.parameters, o.c.kept_at, t.files.c.size)
             .join(t.files, t.files.c.sha256 == o.c.original_sha256).order_by(o.c.id))
    if student_ids is not None:
        query = query.where(o.c.student_id.in_(student_ids))
    rows = [dict(row._mapping) for row in conn.execute(query)]
    if not rows:
        return rows
    students = sorted({row["student_id"] for row in rows})
    used: dict[tuple[int, str], list] = {}
    passed = (select(t.certifications.c.outcome_id, func.max(t.certifications.c.certified_at).label("at"))
              .where(t.certifications.c.passed.is_(True)).group_by(t.certifications.c.outcome_id).subquery())
    oc = t.outcomes.c
    for row in conn.execute(select(oc.student_id, oc.document_sha256, oc.video_sha256, oc.status, passed.c.at)
                            .outerjoin(passed, passed.c.outcome_id == oc.id).where(oc.student_id.in_(students))):
        settled = row.at.date() if row.status == "passed" and row.at is not None else None
        for sha in (row.document_sha256, row.video_sha256):
            if sha:
                used.setdefault((row.student_id, sha), []).append(settled)
    pc = t.performances.c
    for row in conn.execute(select(pc.student_id, pc.document_sha256, pc.video_sha256, pc.academic_year,
                                   pc.semester).where(pc.student_id.in_(students))):
        for sha in (row.document_sha256, row.video_sha256):
            if sha:
                used.setdefault((row.student_id, sha), []).append(Term(row.academic_year, row.semester).ends)
    for row in rows:
        dates = used.get((row["student_id"], row["derivative_sha256"]))
        kept_on = row["kept_at"].date()
        row["settled"] = kept_on if dates is None else (None if None in dates else max(dates))
    return rows


# --- programme requirements (大學端需求) ------------------------------------------------------------------

def _held(conn, student_ids: list[int]) -> dict[int, list[HeldItem]]:
    """Every outcome and 多元表現 of the students, with its codes, whether it is selected and picked for application,
    and whether it could be selected (a certified outcome; a 多元表現 with its proof)."""
    s, a, o, r, cs, p = (t.selections, t.application_picks, t.outcomes, t.course_records, t.course_sections,
                         t.performances)
    held: dict[int, list[HeldItem]] = {i: [] for i in student_ids}
    if not student_ids:
        return held
    selected, picked = s.c.id.isnot(None).label("selected"), a.c.id.isnot(None).label("picked")
    pick_join = and_(a.c.item_kind == s.c.item_kind, a.c.item_id == s.c.item_id)
    outcome_rows = conn.execute(
        select(o.c.student_id, o.c.id, o.c.description, o.c.outcome_kind, o.c.status, cs.c.subject,
               cs.c.course_code, selected, picked)
        .outerjoin(s, and_(s.c.item_kind == ItemKind.OUTCOME.value, s.c.item_id == o.c.id))
        .outerjoin(a, pick_join).join(r, r.c.id == o.c.course_record_id).join(cs, cs.c.id == r.c.section_id)
        .where(o.c.student_id.in_(student_ids)).order_by(o.c.academic_year, o.c.semester, o.c.id))
    for row in outcome_rows:
        held[row.student_id].append(HeldItem(
            ItemKind.OUTCOME, row.id, f"{row.subject}：{row.description}",
            outcome_codes(row.outcome_kind, row.subject, row.course_code), bool(row.picked),
            unmarked=row.outcome_kind is None, selected=bool(row.selected),
            ready=outcome_selectable(OutcomeStatus(row.status))))
    performance_rows = conn.execute(
        select(p.c.student_id, p.c.id, p.c.category, p.c.fields, p.c.description, p.c.synced,
               (p.c.document_sha256.isnot(None) | p.c.video_sha256.isnot(None)).label("proof"), selected, picked)
        .outerjoin(s, and_(s.c.item_kind == ItemKind.PERFORMANCE.value, s.c.item_id == p.c.id))
        .outerjoin(a, pick_join).where(p.c.student_id.in_(student_ids)).order_by(p.c.academic_year, p.c.id))
    for row in performance_rows:
        fields = json.loads(row.fields)
        named = row.description or fields.get("name") or fields.get("content") or ""
        held[row.student_id].append(HeldItem(
            ItemKind.PERFORMANCE, row.id, f"{CATEGORIES[row.category].label}：{named}",
            performance_codes(row.category, fields), bool(row.picked), selected=bool(row.selected),
            ready=performance_selectable(bool(row.synced), bool(row.proof))))
    return held


def programme_reports(conn: Connection, student_ids: list[int], grades: dict[int, int | None], policy: Policy,
                      school_id: int, year: int, programme_code: str | None = None) -> list[ProgrammeReport]:
    """Every target programme of the students (or only `programme_code`), each compared with their items."""
    if not student_ids:
        return []
    g, p = t.programme_targets, t.programmes
    query = (select(g.c.student_id, p.c.code, p.c.name, p.c.requirement, p.c.sample)
             .join(p, p.c.id == g.c.programme_id).where(g.c.student_id.in_(student_ids))
             .order_by(g.c.student_id, g.c.added_at, g.c.id))
    if programme_code is not None:
        query = query.where(p.c.code == programme_code.strip())
    targets = conn.execute(query).all()
    held = _held(conn, sorted({row.student_id for row in targets}))
    rules = school_rules(conn, school_id, Term(year, 2), policy)
    reports = []
    for row in targets:
        requirement = parse_requirement(row.requirement)
        reports.append(ProgrammeReport(
            row.student_id, row.code, row.name, bool(row.sample), requirement,
            cover(requirement, held[row.student_id], rules.application_outcome_picks,
                  rules.application_performance_picks, grades.get(row.student_id) == FINAL_GRADE)))
    return reports
