"""Course records and the items of a portfolio: outcomes, certifications, 多元表現, their files and quota."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from ...domain.calendar import Term
from ...domain.errors import NotFound
from ...domain.model import ItemKind, Outcome, OutcomeStatus, Performance
from ...domain.policy import Policy
from .. import answers
from .. import tables as t


class Items:
    conn: Connection
    policy: Policy

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

    # --- outcomes -------------------------------------------------------------------

    def outcome(self, outcome_id: int) -> Outcome:
        self.lock_owner(t.outcomes, outcome_id)
        row = self.conn.execute(select(t.outcomes).where(t.outcomes.c.id == outcome_id)).first()
        if row is None:
            raise NotFound(entity="學習成果", key=outcome_id)
        return Outcome(row.id, row.student_id, row.course_record_id, Term(row.academic_year, row.semester),
                       row.description, row.document_sha256, row.video_sha256, OutcomeStatus(row.status),
                       row.sent_at, row.submitted_at, kind=row.outcome_kind)

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
            video_name=names.get("video"), status=outcome.status.value, outcome_kind=outcome.kind,
            uploaded_at=now, updated_at=now)).inserted_primary_key[0]

    def save_outcome(self, outcome: Outcome, now: datetime, names: dict | None = None):
        values = dict(description=outcome.description, document_sha256=outcome.document_sha256,
                      video_sha256=outcome.video_sha256, status=outcome.status.value,
                      sent_at=outcome.sent_at, submitted_at=outcome.submitted_at, outcome_kind=outcome.kind,
                      updated_at=now)
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
        self.lock_owner(t.performances, performance_id)
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
            answers.uploaded_performance())).scalar_one()

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
        return answers.used_bytes(self.conn, [student_id]).get(student_id, 0)

    def file_size(self, sha256: str | None) -> int:
        if not sha256:
            return 0
        return self.conn.execute(select(t.files.c.size).where(t.files.c.sha256 == sha256)).scalar_one()

    def file_references(self, sha256: str) -> int:
        counts = [select(func.count()).select_from(table).where(col == sha256) for table, col in t.FILE_REFERENCES]
        return sum(self.conn.execute(q).scalar_one() for q in counts)
