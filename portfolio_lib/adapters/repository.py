"""The write side's access to the database: load and save entities, count what the rules count."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, literal, select, union_all, update

from ..domain.calendar import Term
from ..domain.errors import NotFound, UnknownAccount
from ..domain.model import (Actor, ActorKind, ItemKind, Outcome, OutcomeStatus, Performance, Role,
                            Window, WindowKind)
from ..domain.policy import Policy
from . import tables as t


class Repository:
    def __init__(self, conn: Connection, policy: Policy):
        self.conn = conn
        self.policy = policy

    # --- schools, people ----------------------------------------------------------

    def school(self, code: str | None = None):
        """A school by code; with no code, the only school of the database."""
        query = select(t.schools)
        if code:
            query = query.where(t.schools.c.code == code)
        rows = self.conn.execute(query.limit(2)).all()
        if len(rows) != 1:
            raise NotFound(entity="學校", key=code or "（資料庫中有多所學校，請指定學校代碼）")
        return rows[0]

    def school_by_id(self, school_id: int):
        return self.conn.execute(select(t.schools).where(t.schools.c.id == school_id)).one()

    def school_policy(self, school_id: int) -> Policy:
        overrides = self.conn.execute(
            select(t.schools.c.policy_overrides).where(t.schools.c.id == school_id)).scalar_one()
        return self.policy.with_overrides(overrides)

    def student(self, student_no: str, school_code: str | None = None):
        query = select(t.students).where(t.students.c.student_no == str(student_no))
        if school_code:
            query = query.join(t.schools).where(t.schools.c.code == school_code)
        rows = self.conn.execute(query.limit(2)).all()
        if len(rows) != 1:
            raise NotFound(entity="學生", key=student_no)
        return rows[0]

    def student_by_id(self, student_id: int):
        return self.conn.execute(select(t.students).where(t.students.c.id == student_id)).one()

    def grade_of(self, student_id: int, year: int) -> int | None:
        return self.conn.execute(
            select(t.classes.c.grade).join(t.enrolments, t.enrolments.c.class_id == t.classes.c.id)
            .where(t.enrolments.c.student_id == student_id, t.enrolments.c.academic_year == year)
        ).scalar_one_or_none()

    def staff_member(self, staff_no: str, school_id: int | None = None):
        query = select(t.staff).where(t.staff.c.staff_no == str(staff_no))
        if school_id is not None:
            query = query.where(t.staff.c.school_id == school_id)
        rows = self.conn.execute(query.limit(2)).all()
        if len(rows) != 1:
            raise NotFound(entity="教職員", key=staff_no)
        return rows[0]

    def staff_actor(self, staff_no: str, school_id: int | None = None) -> Actor:
        member = self.staff_member(staff_no, school_id)
        roles = self.conn.execute(
            select(t.staff_roles.c.role).where(t.staff_roles.c.staff_id == member.id)).scalars()
        return Actor("staff", member.staff_no, frozenset(Role(r) for r in roles))

    def resolve_actor(self, actor: Actor) -> Actor:
        """The actor as the database knows it: a staff member with their roles read afresh, a student or
        a guardian that exists; the administrator path as named. Roles a caller passed are never trusted."""
        kind = ActorKind(actor.kind)
        if kind is ActorKind.STAFF:
            return self.staff_actor(actor.key)
        if kind is ActorKind.STUDENT:
            self.student(actor.key)
        elif kind is ActorKind.GUARDIAN:
            if self.conn.execute(select(t.guardians.c.id).where(t.guardians.c.login == actor.key).limit(1)).first() is None:
                raise UnknownAccount(login=actor.key, kinds="家長")
        return Actor(actor.kind, actor.key)

    # --- course records -------------------------------------------------------------

    def course_record(self, student_id: int, term: Term, course_code: str):
        rows = self.conn.execute(
            select(t.course_records.c.id, t.course_records.c.score, t.course_sections)
            .join(t.course_sections, t.course_sections.c.id == t.course_records.c.section_id)
            .where(t.course_records.c.student_id == student_id,
                   t.course_sections.c.academic_year == term.year,
                   t.course_sections.c.semester == term.semester,
                   t.course_sections.c.course_code == course_code.strip().upper())).all()
        if len(rows) != 1:
            raise NotFound(entity="修課紀錄", key=f"{term} {course_code}")
        return rows[0]

    def section_of_record(self, course_record_id: int):
        return self.conn.execute(
            select(t.course_sections).join(t.course_records, t.course_records.c.section_id == t.course_sections.c.id)
            .where(t.course_records.c.id == course_record_id)).one()

    def staff_no_of(self, staff_id: int | None) -> str | None:
        if staff_id is None:
            return None
        return self.conn.execute(select(t.staff.c.staff_no).where(t.staff.c.id == staff_id)).scalar_one()

    # --- windows --------------------------------------------------------------------

    def windows(self, school_id: int, year: int, semester: int | None = None) -> list[Window]:
        query = select(t.windows).where(t.windows.c.school_id == school_id, t.windows.c.academic_year == year)
        if semester is not None:
            query = query.where(t.windows.c.semester.in_([semester, 0]))
        return [Window(WindowKind(r.kind), r.academic_year, r.semester, r.opens, r.closes)
                for r in self.conn.execute(query)]

    # --- outcomes -------------------------------------------------------------------

    def outcome(self, outcome_id: int) -> Outcome:
        row = self.conn.execute(select(t.outcomes).where(t.outcomes.c.id == outcome_id)).first()
        if row is None:
            raise NotFound(entity="學習成果", key=outcome_id)
        return Outcome(row.id, row.student_id, row.course_record_id, Term(row.academic_year, row.semester),
                       row.description, row.document_sha256, row.video_sha256, OutcomeStatus(row.status),
                       row.sent_at, row.submitted_at)

    def outcome_for_record(self, course_record_id: int) -> int | None:
        return self.conn.execute(select(t.outcomes.c.id).where(
            t.outcomes.c.course_record_id == course_record_id)).scalar_one_or_none()

    def count_outcomes(self, student_id: int, term: Term) -> int:
        return self.conn.execute(select(func.count()).select_from(t.outcomes).where(
            t.outcomes.c.student_id == student_id, t.outcomes.c.academic_year == term.year,
            t.outcomes.c.semester == term.semester)).scalar_one()

    def add_outcome(self, outcome: Outcome, names: dict, now: datetime) -> int:
        return self.conn.execute(insert(t.outcomes).values(
            student_id=outcome.student_id, course_record_id=outcome.course_record_id,
            academic_year=outcome.term.year, semester=outcome.term.semester,
            description=outcome.description, document_sha256=outcome.document_sha256,
            document_name=names.get("document"), video_sha256=outcome.video_sha256,
            video_name=names.get("video"), status=outcome.status.value,
            uploaded_at=now, updated_at=now)).inserted_primary_key[0]

    def save_outcome(self, outcome: Outcome, now: datetime, names: dict | None = None):
        values = dict(description=outcome.description, document_sha256=outcome.document_sha256,
                      video_sha256=outcome.video_sha256, status=outcome.status.value,
                      sent_at=outcome.sent_at, submitted_at=outcome.submitted_at, updated_at=now)
        if names is not None:
            values.update(document_name=names.get("document"), video_name=names.get("video"))
        self.conn.execute(update(t.outcomes).where(t.outcomes.c.id == outcome.id).values(**values))

    def delete_outcome(self, outcome_id: int):
        self.conn.execute(t.certifications.delete().where(t.certifications.c.outcome_id == outcome_id))
        self.conn.execute(t.outcomes.delete().where(t.outcomes.c.id == outcome_id))

    def add_certification(self, outcome_id: int, teacher_id: int, as_proxy: bool, passed: bool,
                          reason: str | None, now: datetime) -> int:
        return self.conn.execute(insert(t.certifications).values(
            outcome_id=outcome_id, teacher_id=teacher_id, as_proxy=as_proxy, passed=passed,
            reason=reason, certified_at=now)).inserted_primary_key[0]

    # --- performances ---------------------------------------------------------------

    def performance(self, performance_id: int) -> Performance:
        row = self.conn.execute(select(t.performances).where(t.performances.c.id == performance_id)).first()
        if row is None:
            raise NotFound(entity="多元表現", key=performance_id)
        return Performance(row.id, row.student_id, Term(row.academic_year, row.semester), row.category,
                           json.loads(row.fields), row.description, row.document_sha256,
                           row.video_sha256, row.external_link, row.synced, row.submitted_at)

    def count_uploaded_performances(self, student_id: int, year: int) -> int:
        """多元表現 the student uploaded in a year (records synced from the school system are not uploads)."""
        return self.conn.execute(select(func.count()).select_from(t.performances).where(
            t.performances.c.student_id == student_id, t.performances.c.academic_year == year,
            t.performances.c.synced.is_(False))).scalar_one()

    def add_performance(self, p: Performance, names: dict, now: datetime, source_key: str | None = None) -> int:
        return self.conn.execute(insert(t.performances).values(
            student_id=p.student_id, academic_year=p.term.year, semester=p.term.semester,
            category=p.category, fields=json.dumps(p.fields, ensure_ascii=False, sort_keys=True),
            description=p.description, document_sha256=p.document_sha256,
            document_name=names.get("document"), video_sha256=p.video_sha256,
            video_name=names.get("video"), external_link=p.external_link, synced=p.synced,
            source_key=source_key, uploaded_at=now, updated_at=now)).inserted_primary_key[0]

    def save_performance(self, p: Performance, now: datetime, names: dict):
        self.conn.execute(update(t.performances).where(t.performances.c.id == p.id).values(
            fields=json.dumps(p.fields, ensure_ascii=False, sort_keys=True), description=p.description,
            document_sha256=p.document_sha256, document_name=names.get("document"),
            video_sha256=p.video_sha256, video_name=names.get("video"),
            external_link=p.external_link, submitted_at=p.submitted_at, updated_at=now))

    def file_names(self, kind: ItemKind, item_id: int) -> dict:
        table = t.outcomes if kind is ItemKind.OUTCOME else t.performances
        row = self.conn.execute(select(table.c.document_name, table.c.video_name)
                                .where(table.c.id == item_id)).one()
        return {"document": row.document_name, "video": row.video_name}

    def delete_performance(self, performance_id: int):
        self.conn.execute(t.performances.delete().where(t.performances.c.id == performance_id))

    # --- files and quota ---------------------------------------------------------------

    def used_bytes(self, student_id: int) -> int:
        refs = union_all(*[select(col.label("sha")).where(table.c.student_id == student_id, col.is_not(None))
                           for table, col in t.FILE_REFERENCES]).subquery()
        return self.conn.execute(select(func.coalesce(func.sum(t.files.c.size), 0))
                                 .join_from(refs, t.files, refs.c.sha == t.files.c.sha256)).scalar_one()

    def file_size(self, sha256: str | None) -> int:
        if not sha256:
            return 0
        return self.conn.execute(select(t.files.c.size).where(t.files.c.sha256 == sha256)).scalar_one()

    def file_references(self, sha256: str) -> int:
        counts = [select(func.count()).select_from(table).where(col == sha256) for table, col in t.FILE_REFERENCES]
        return sum(self.conn.execute(q).scalar_one() for q in counts)

    # --- selections and picks -----------------------------------------------------------

    def is_selected(self, kind: ItemKind, item_id: int) -> bool:
        return self.conn.execute(select(t.selections.c.id).where(
            t.selections.c.item_kind == kind.value, t.selections.c.item_id == item_id)).first() is not None

    def count_selections(self, student_id: int, kind: ItemKind, year: int | None = None) -> int:
        query = select(func.count()).select_from(t.selections).where(
            t.selections.c.student_id == student_id, t.selections.c.item_kind == kind.value)
        if year is not None:
            query = query.where(t.selections.c.academic_year == year)
        return self.conn.execute(query).scalar_one()

    def add_selection(self, student_id: int, year: int, kind: ItemKind, item_id: int, by: Actor, now: datetime):
        self.conn.execute(insert(t.selections).values(
            student_id=student_id, academic_year=year, item_kind=kind.value, item_id=item_id,
            selected_at=now, selected_by=str(by)))

    def remove_selection(self, kind: ItemKind, item_id: int):
        self.conn.execute(t.selections.delete().where(
            t.selections.c.item_kind == kind.value, t.selections.c.item_id == item_id))

    def is_picked(self, kind: ItemKind, item_id: int) -> bool:
        return self.conn.execute(select(t.application_picks.c.id).where(
            t.application_picks.c.item_kind == kind.value,
            t.application_picks.c.item_id == item_id)).first() is not None

    def count_picks(self, student_id: int, kind: ItemKind) -> int:
        return self.conn.execute(select(func.count()).select_from(t.application_picks).where(
            t.application_picks.c.student_id == student_id,
            t.application_picks.c.item_kind == kind.value)).scalar_one()

    def add_pick(self, student_id: int, kind: ItemKind, item_id: int, now: datetime):
        self.conn.execute(insert(t.application_picks).values(
            student_id=student_id, item_kind=kind.value, item_id=item_id, picked_at=now))

    def remove_pick(self, kind: ItemKind, item_id: int):
        self.conn.execute(t.application_picks.delete().where(
            t.application_picks.c.item_kind == kind.value, t.application_picks.c.item_id == item_id))

    def unsubmitted_selections(self, school_id: int, year: int, semester: int):
        """Selected items of a term not yet submitted: (kind, id, student_id, file hashes)."""
        parts = []
        for kind, table in ((ItemKind.OUTCOME, t.outcomes), (ItemKind.PERFORMANCE, t.performances)):
            parts.append(
                select(literal(kind.value).label("kind"), table.c.id.label("id"), table.c.student_id.label("student_id"),
                       table.c.document_sha256.label("document_sha256"), table.c.video_sha256.label("video_sha256"))
                .join(t.selections, and_(t.selections.c.item_kind == kind.value, t.selections.c.item_id == table.c.id))
                .join(t.students, t.students.c.id == table.c.student_id)
                .where(t.students.c.school_id == school_id, table.c.academic_year == year,
                       table.c.semester == semester, table.c.submitted_at.is_(None)))
        return self.conn.execute(union_all(*parts).order_by("kind", "id")).all()

    def mark_submitted(self, kind: ItemKind, ids: list[int], now: datetime):
        table = t.outcomes if kind is ItemKind.OUTCOME else t.performances
        for chunk in range(0, len(ids), 500):
            self.conn.execute(update(table).where(table.c.id.in_(ids[chunk:chunk + 500])).values(submitted_at=now))

    # --- notifications and audit ---------------------------------------------------------

    def notify(self, student_id: int, kind: str, message: str, now: datetime,
               item_kind: ItemKind | None = None, item_id: int | None = None):
        self.conn.execute(insert(t.notifications).values(
            student_id=student_id, kind=kind, message=message, created_at=now,
            item_kind=item_kind.value if item_kind else None, item_id=item_id))

    def record_access(self, at: datetime, login: str, event: str, target: str | None = None,
                      school_id: int | None = None, student_id: int | None = None, address: str | None = None):
        self.conn.execute(insert(t.access_log).values(
            at=at, login=login[:64], event=event, target=None if target is None else target[:60],
            school_id=school_id, student_id=student_id, address=None if address is None else address[:64]))

    def audit(self, actor: Actor | str, action: str, entity: str, entity_id, now: datetime,
              before: dict | None = None, after: dict | None = None):
        self.conn.execute(insert(t.audit_events).values(
            at=now, actor=str(actor), action=action, entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=_json(before), after=_json(after)))


def _json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
