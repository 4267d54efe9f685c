"""The receipt list (收訖明細) from the central database, reconciled against what the school submitted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from ..adapters.exchange import OUTCOME_TYPE
from ..adapters.importing import Checker, Col, Problem
from ..adapters.tabular import read_table
from ..domain import row_reasons as why
from ..domain.categories import CATEGORIES
from ..domain.errors import ImportRejected
from ..domain.model import Actor, ReceiptStatus, Role
from ..domain.rules import check_has_role
from .unit_of_work import UnitOfWork, retried

COLUMNS = (Col("身分證字號", "id_number", max_len=10), Col("學年度", "year", "int"), Col("學期", "semester", "int"),
           Col("紀錄類型", "record_type", max_len=40), Col("項目編號", "item_id", "int"),
           Col("檔案MD5", "md5", required=False, max_len=400))


def _record_types() -> dict[str, str]:
    """Record type names the receipt may use: the package's own, or the Chinese labels."""
    names = {OUTCOME_TYPE: OUTCOME_TYPE, "課程學習成果": OUTCOME_TYPE}
    for key, category in CATEGORIES.items():
        names[f"performance_{key}"] = f"performance_{key}"
        names[category.label] = f"performance_{key}"
    return names


@retried
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
        school = repo.school_for(school_code, actor)
        actor = repo.resolve_actor(actor, school.id)
        check_has_role(actor, {Role.RECEIPT_CHECKER, Role.SUBMITTER, Role.ADMIN}, "匯入收訖明細")
        repo.lock_school(school.id)
        checker = Checker(frame)
        try:
            clean = checker.parse(COLUMNS)
        except ImportRejected:
            raise checker.rejection(name) from None
        students = repo.student_ids_by_id_number(school.id)
        types = _record_types()
        for row in clean.itertuples():
            line = int(row.Index) + 2
            if row.id_number and row.id_number.upper() not in students:
                checker.problems.append(Problem(line, "身分證字號", why.NOT_OUR_STUDENT.format(value=row.id_number)))
            if row.record_type and row.record_type not in types:
                reason = why.UNKNOWN_RECORD_TYPE.format(value=row.record_type)
                checker.problems.append(Problem(line, "紀錄類型", reason))
            if pd.notna(row.year) and pd.notna(row.semester) and (int(row.year), int(row.semester)) != (year, semester):
                checker.problems.append(Problem(line, "學年度", why.OTHER_TERM.format(year=year, semester=semester)))
        if checker.problems:
            raise checker.rejection(name)
        submitted = repo.submitted_items(school.id, year, semester)
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
                              f"收到的檔案 MD5 {','.join(md5s) or '（無）'}，"
                              f"提交的是 {','.join(item['md5s']) or '（無）'}"))
            else:
                lines.append((ReceiptStatus.RECEIVED, item["kind"], item_id, student_id, None))
        for key, item in sorted(submitted.items()):
            if key not in seen:
                lines.append((ReceiptStatus.MISSING, item["kind"], key[1], item["student_id"],
                              f"已於批次 {item['batch_id']} 提交，明細中沒有"))
        receipt_id = repo.add_receipt(school.id, year, semester, name, hashlib.sha256(data).hexdigest(), str(actor),
                                      uow.now, lines)
        counts = {status.value: sum(1 for line in lines if line[0] is status) for status in ReceiptStatus}
        repo.audit(actor, "import", "receipt", receipt_id, uow.now, after={"file": name, **counts})
        uow.commit()
        return {"receipt_id": receipt_id, **counts}

