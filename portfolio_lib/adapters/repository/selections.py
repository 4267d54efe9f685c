"""Selections for the central database, application picks, and what a submission locks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, literal, select, union_all, update

from ...domain.model import Actor, ItemKind
from ...domain.policy import Policy
from .. import tables as t


class Selections:
    conn: Connection
    policy: Policy

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
                select(literal(kind.value).label("kind"), table.c.id.label("id"),
                       table.c.student_id.label("student_id"),
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
