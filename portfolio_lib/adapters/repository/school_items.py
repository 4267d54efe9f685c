"""Items kept at school only: course consultation records, self-directed learning plans, school documents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, insert, select, update

from ...domain.calendar import Term
from ...domain.errors import NotFound
from ...domain.model import LearningPlan, PlanStatus
from .. import tables as t


class SchoolItems:
    conn: Connection

    def add_consultation(self, student_id: int, consultant_id: int, term: Term, consulted_on: date,
                         description: str, document_sha256: str | None, document_name: str | None,
                         now: datetime) -> int:
        return self.conn.execute(insert(t.consultation_records).values(
            student_id=student_id, consultant_id=consultant_id, academic_year=term.year, semester=term.semester,
            consulted_on=consulted_on, description=description, document_sha256=document_sha256,
            document_name=document_name, created_at=now)).inserted_primary_key[0]

    def add_learning_plan(self, student_id: int, term: Term, title: str, description: str, document_sha256: str,
                          document_name: str, now: datetime) -> int:
        return self.conn.execute(insert(t.learning_plans).values(
            student_id=student_id, academic_year=term.year, semester=term.semester, title=title,
            description=description, document_sha256=document_sha256, document_name=document_name,
            status=PlanStatus.SUBMITTED.value, uploaded_at=now, updated_at=now)).inserted_primary_key[0]

    def learning_plan(self, plan_id: int):
        """(row, LearningPlan) of a plan."""
        self.lock_owner(t.learning_plans, plan_id)
        row = self.conn.execute(select(t.learning_plans).where(t.learning_plans.c.id == plan_id)).first()
        if row is None:
            raise NotFound(entity="自主學習計畫", key=plan_id)
        return row, LearningPlan(row.id, row.student_id, Term(row.academic_year, row.semester),
                                 PlanStatus(row.status))

    def save_learning_plan(self, plan_id: int, **values):
        self.conn.execute(update(t.learning_plans).where(t.learning_plans.c.id == plan_id).values(**values))

    def add_school_document(self, student_id: int, kind: str, description: str, document_sha256: str,
                            document_name: str, now: datetime) -> int:
        return self.conn.execute(insert(t.school_documents).values(
            student_id=student_id, kind=kind, description=description, document_sha256=document_sha256,
            document_name=document_name, uploaded_at=now)).inserted_primary_key[0]

    def school_document(self, document_id: int):
        self.lock_owner(t.school_documents, document_id)
        row = self.conn.execute(select(t.school_documents).where(t.school_documents.c.id == document_id)).first()
        if row is None:
            raise NotFound(entity="文件", key=document_id)
        return row

    def delete_school_document(self, document_id: int):
        self.conn.execute(t.school_documents.delete().where(t.school_documents.c.id == document_id))
