"""Verify that every stored file is there with its hash and that the database is sound."""

from __future__ import annotations

from sqlalchemy import select

from ..adapters import tables as t
from ..adapters.db import integrity_problems, schema_status
from .unit_of_work import Workbench


def check_workbench(wb: Workbench) -> list[str]:
    """Everything wrong with the database and its file store, in words; empty when all is well."""
    problems = []
    current, head = schema_status(wb.engine)
    if current != head:
        problems.append(f"資料庫結構版本 {current} 不是最新版 {head}，請執行 portfolio init 更新")
    problems += integrity_problems(wb.engine)
    with wb.engine.connect() as conn:
        stored = conn.execute(select(t.files.c.sha256, t.files.c.size)).all()
        referenced = set()
        for _, column in t.FILE_REFERENCES:
            referenced |= set(conn.execute(select(column).where(column.is_not(None))).scalars())
    known = {row.sha256 for row in stored}
    for row in stored:
        problem = wb.store.verify(row.sha256, row.size)
        if problem:
            problems.append(f"檔案 {row.sha256}：{problem}")
    for sha256 in sorted(referenced - known):
        problems.append(f"檔案 {sha256}：資料庫有引用，但沒有檔案紀錄")
    for sha256 in sorted(wb.store.all_hashes() - known):
        problems.append(f"檔案 {sha256}：在檔案庫中，但資料庫沒有紀錄（孤兒檔案）")
    for part in wb.store.leftover_parts():
        problems.append(f"未完成的暫存檔 {part.name}（寫入中斷留下的）")
    return problems
