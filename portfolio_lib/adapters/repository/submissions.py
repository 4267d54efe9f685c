"""Submissions to the central database and the receipt lists (收訖明細) that come back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ...domain.errors import NotFound
from ...domain.model import ItemKind, ReceiptStatus
from .. import tables as t
from ..exchange import batch_items, build_package, record_type
from ..filestore import FileStore


class Submissions:
    conn: Connection

    def record_md5s(self, md5s: dict[str, str]):
        """The MD5s of files packaged for submission, kept for the receipt list's reconciliation."""
        for sha256, md5 in md5s.items():
            self.conn.execute(update(t.files).where(t.files.c.sha256 == sha256, t.files.c.md5.is_(None))
                              .values(md5=md5))

    def package(self, store: FileStore, school, year: int, semester: int, items: list[tuple[str, int]],
                now: datetime) -> bytes:
        """The exchange package (ZIP) of these items, as the central database takes it; the MD5s of its files
        are recorded with them."""
        md5s: dict[str, str] = {}
        data = build_package(self.conn, store, school, year, semester, items, now, md5s)
        self.record_md5s(md5s)
        return data

    def add_batch(self, school_id: int, year: int, semester: int, by: str, now: datetime, digest: str,
                  items: list[tuple[str, int]]) -> int:
        batch_id = self.conn.execute(insert(t.submission_batches).values(
            school_id=school_id, academic_year=year, semester=semester, created_by=by, created_at=now,
            digest=digest, item_count=len(items))).inserted_primary_key[0]
        self.conn.execute(insert(t.submission_items), [
            {"batch_id": batch_id, "item_kind": kind, "item_id": item_id} for kind, item_id in items])
        return batch_id

    def set_package_path(self, batch_id: int, path: str):
        """A package written outside the packages folder: where it is, for `check` and `backup` to find it."""
        self.conn.execute(update(t.submission_batches).where(t.submission_batches.c.id == batch_id)
                          .values(package_path=path))

    def receipt(self, receipt_id: int):
        row = self.conn.execute(select(t.receipts).where(t.receipts.c.id == receipt_id)).first()
        if row is None:
            raise NotFound(entity="收訖明細", key=receipt_id)
        return row

    def items_to_resubmit(self, receipt_id: int) -> list[tuple[str, int]]:
        """(kind, id) of the items a receipt lists as not received, or received with other files."""
        lines = t.receipt_lines
        rows = self.conn.execute(select(lines.c.item_kind, lines.c.item_id).where(
            lines.c.receipt_id == receipt_id,
            lines.c.status.in_([ReceiptStatus.MISSING.value, ReceiptStatus.MD5_MISMATCH.value])))
        return sorted({(row.item_kind, row.item_id) for row in rows})

    def add_receipt(self, school_id: int, year: int, semester: int, file_name: str, file_sha256: str, by: str,
                    now: datetime, lines: list[tuple]) -> int:
        """A receipt list and its reconciled lines: (status, kind, item id, student id, detail) each."""
        receipt_id = self.conn.execute(insert(t.receipts).values(
            school_id=school_id, academic_year=year, semester=semester, file_name=file_name,
            file_sha256=file_sha256, imported_by=by, imported_at=now)).inserted_primary_key[0]
        if lines:
            self.conn.execute(insert(t.receipt_lines), [
                {"receipt_id": receipt_id, "status": status.value, "item_kind": kind, "item_id": item_id,
                 "student_id": student_id, "detail": detail} for status, kind, item_id, student_id, detail in lines])
        return receipt_id

    def submitted_items(self, school_id: int, year: int, semester: int) -> dict:
        """(record type, item id) → the item's kind, student, batch and sorted file MD5s, for every item a
        school submitted in a term."""
        b = t.submission_batches
        md5 = {r.sha256: r.md5 for r in self.conn.execute(select(t.files.c.sha256, t.files.c.md5))}
        out = {}
        for batch_id in self.conn.execute(select(b.c.id).where(b.c.school_id == school_id, b.c.academic_year == year,
                                                               b.c.semester == semester)).scalars():
            for kind, item_id in batch_items(self.conn, batch_id):
                table = t.outcomes if kind == ItemKind.OUTCOME.value else t.performances
                columns = [table.c.student_id, table.c.document_sha256, table.c.video_sha256]
                if kind == ItemKind.PERFORMANCE.value:
                    columns.append(table.c.category)
                row = self.conn.execute(select(*columns).where(table.c.id == item_id)).one()
                category = row.category if kind == ItemKind.PERFORMANCE.value else None
                out[(record_type(kind, category), item_id)] = {
                    "kind": kind, "student_id": row.student_id, "batch_id": batch_id,
                    "md5s": sorted(md5[s] for s in (row.document_sha256, row.video_sha256) if s)}
        return out
