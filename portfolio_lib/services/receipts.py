"""The receipt list (收訖明細) from the central database, reconciled against what the school submitted."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import Path

import pandas as pd
from sqlalchemy import insert, select

from ..adapters import tables as t
from ..adapters.exchange import OUTCOME_TYPE, batch_items, record_type
from ..adapters.importers import Checker, Col, Problem
from ..adapters.tabular import read_table
from ..domain.categories import CATEGORIES
from ..domain.errors import ImportRejected
from ..domain.model import Actor, ItemKind, Role
from ..domain.rules import check_has_role
from .unit_of_work import UnitOfWork

COLUMNS = (Col("身分證字號", "id_number", max_len=10), Col("學年度", "year", "int"), Col("學期", "semester", "int"),
           Col("紀錄類型", "record_type", max_len=40), Col("項目編號", "item_id", "int"),
           Col("檔案MD5", "md5", required=False, max_len=400))


class ReceiptStatus(StrEnum):
    RECEIVED = "received"
    MISSING = "missing"
    UNEXPECTED = "unexpected"
    MD5_MISMATCH = "md5_mismatch"

    @property
    def label(self) -> str:
        return {"received": "已收訖", "missing": "未收到", "unexpected": "非本校提交",
                "md5_mismatch": "檔案不符"}[self.value]


def _record_types() -> dict[str, str]:
    """Record type names the receipt may use: the package's own, or the Chinese labels."""
    names = {OUTCOME_TYPE: OUTCOME_TYPE, "課程學習成果": OUTCOME_TYPE}
    for key, category in CATEGORIES.items():
        names[f"performance_{key}"] = f"performance_{key}"
        names[category.label] = f"performance_{key}"
    return names


def import_receipt(uow: UnitOfWork, source: str | Path | bytes, year: int, semester: int, name: str | None = None,
                   *, actor: Actor, school_code: str | None = None) -> dict:
    """Read a 收訖明細 file and reconcile it with every item submitted for the term.

    Each submitted item is received, missing or received with other files (MD5 mismatch); each
    receipt line that matches nothing submitted is unexpected. A file with a bad row is refused whole."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "收訖明細")
    frame = read_table(data, name)
    with uow:
        repo = uow.repo
        school = repo.school(school_code)
        actor = repo.resolve_actor(actor)
        check_has_role(actor, {Role.RECEIPT_CHECKER, Role.SUBMITTER, Role.ADMIN}, "匯入收訖明細")
        checker = Checker(frame)
        try:
            clean = checker.parse(COLUMNS)
        except ImportRejected:
            raise checker.rejection(name) from None
        students = {r.id_number: r.id for r in uow.conn.execute(
            select(t.students.c.id_number, t.students.c.id).where(t.students.c.school_id == school.id))}
        types = _record_types()
        for row in clean.itertuples():
            line = int(row.Index) + 2
            if row.id_number and row.id_number.upper() not in students:
                checker.problems.append(Problem(line, "身分證字號", f"「{row.id_number}」不是本校學生"))
            if row.record_type and row.record_type not in types:
                checker.problems.append(Problem(line, "紀錄類型", f"不認得「{row.record_type}」"))
            if pd.notna(row.year) and pd.notna(row.semester) and (int(row.year), int(row.semester)) != (year, semester):
                checker.problems.append(Problem(line, "學年度", f"不是 {year} 學年度第 {semester} 學期的明細"))
        if checker.problems:
            raise checker.rejection(name)
        submitted = _submitted(uow, school.id, year, semester)
        receipt_id = uow.conn.execute(insert(t.receipts).values(
            school_id=school.id, academic_year=year, semester=semester, file_name=name,
            file_sha256=hashlib.sha256(data).hexdigest(), imported_by=str(actor),
            imported_at=uow.now)).inserted_primary_key[0]
        lines, seen = [], set()
        for row in clean.itertuples():
            rtype, item_id = types[row.record_type], int(row.item_id)
            student_id = students[row.id_number.upper()]
            key = (rtype, item_id)
            item = submitted.get(key)
            md5s = sorted(m.strip().lower() for m in row.md5.replace("；", ";").split(";") if m.strip())
            if item is None or item["student_id"] != student_id:
                lines.append((ReceiptStatus.UNEXPECTED, None, None, student_id,
                              f"{row.record_type} #{item_id} 不在本學期提交的項目中"))
                continue
            seen.add(key)
            if md5s != item["md5s"]:
                lines.append((ReceiptStatus.MD5_MISMATCH, item["kind"], item_id, student_id,
                              f"收到的檔案 MD5 {','.join(md5s) or '（無）'}，提交的是 {','.join(item['md5s']) or '（無）'}"))
            else:
                lines.append((ReceiptStatus.RECEIVED, item["kind"], item_id, student_id, None))
        for key, item in sorted(submitted.items()):
            if key not in seen:
                lines.append((ReceiptStatus.MISSING, item["kind"], key[1], item["student_id"],
                              f"已於批次 {item['batch_id']} 提交，明細中沒有"))
        if lines:
            uow.conn.execute(insert(t.receipt_lines), [
                {"receipt_id": receipt_id, "status": status.value, "item_kind": kind, "item_id": item_id,
                 "student_id": student_id, "detail": detail} for status, kind, item_id, student_id, detail in lines])
        counts = {status.value: sum(1 for line in lines if line[0] is status) for status in ReceiptStatus}
        repo.audit(actor, "import", "receipt", receipt_id, uow.now, after={"file": name, **counts})
        uow.commit()
        return {"receipt_id": receipt_id, **counts}


def _submitted(uow: UnitOfWork, school_id: int, year: int, semester: int) -> dict:
    """(record type, item id) → the item's kind, student, batch and sorted file MD5s, for every submitted item."""
    b = t.submission_batches
    md5 = {r.sha256: r.md5 for r in uow.conn.execute(select(t.files.c.sha256, t.files.c.md5))}
    out = {}
    for batch_id in uow.conn.execute(select(b.c.id).where(b.c.school_id == school_id, b.c.academic_year == year,
                                                          b.c.semester == semester)).scalars():
        for kind, item_id in batch_items(uow.conn, batch_id):
            table = t.outcomes if kind == ItemKind.OUTCOME.value else t.performances
            columns = [table.c.student_id, table.c.document_sha256, table.c.video_sha256]
            if kind == ItemKind.PERFORMANCE.value:
                columns.append(table.c.category)
            row = uow.conn.execute(select(*columns).where(table.c.id == item_id)).one()
            category = row.category if kind == ItemKind.PERFORMANCE.value else None
            out[(record_type(kind, category), item_id)] = {
                "kind": kind, "student_id": row.student_id, "batch_id": batch_id,
                "md5s": sorted(md5[s] for s in (row.document_sha256, row.video_sha256) if s)}
    return out
