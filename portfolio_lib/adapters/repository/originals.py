"""The originals of converted files (檔案救援): kept beside their derivative in the student's store for a time."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select

from .. import answers
from .. import tables as t


class Originals:
    conn: Connection

    def add_original(self, student_id: int, derivative_sha256: str, original_sha256: str, origin,
                     now: datetime) -> int:
        """Record that `origin` (a `rescue.Origin`, already stored) is the original of a student's stored file."""
        return self.conn.execute(insert(t.rescued_originals).values(
            student_id=student_id, derivative_sha256=derivative_sha256, original_sha256=original_sha256,
            original_name=origin.name[:255], tool=origin.tool[:80], tool_version=origin.tool_version[:200],
            parameters=json.dumps(origin.parameters, ensure_ascii=False, sort_keys=True), kept_at=now,
        )).inserted_primary_key[0]

    def original(self, original_id: int):
        return self.conn.execute(select(t.rescued_originals).where(t.rescued_originals.c.id == original_id)).first()

    def kept_originals(self, student_ids: list[int] | None = None) -> list[dict]:
        return answers.kept_originals(self.conn, student_ids)

    def originals_of_files(self, sha256s) -> list:
        """The originals kept for these stored files (of any student)."""
        if not sha256s:
            return []
        o = t.rescued_originals
        return self.conn.execute(select(o.c.id, o.c.student_id, o.c.derivative_sha256, o.c.original_sha256)
                                 .where(o.c.derivative_sha256.in_(sorted(sha256s)))).all()

    def student_uses_file(self, student_id: int, sha256: str) -> bool:
        """Whether any item of the student's holds this stored file."""
        return any(self.conn.execute(select(func.count()).select_from(table)
                                     .where(table.c.student_id == student_id, col == sha256)).scalar_one()
                   for table, col in t.ITEM_FILE_REFERENCES)

    def delete_original(self, original_id: int) -> None:
        self.conn.execute(delete(t.rescued_originals).where(t.rescued_originals.c.id == original_id))
