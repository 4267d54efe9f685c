"""Verify that the database, its file store and its submission packages agree, and bring them back to agreement.

What a crash can leave, and what `repair_workbench` does about it (nothing it does loses a record's file):
- a temporary `.part` file whose writer died: removed (a write in progress holds its lock, `filestore.py`);
- a stored file no row knows (the process died after writing it, before its transaction committed), or a row and
  file no record uses any more (it died after the commit that dropped the last use): removed, under the file's lock;
- a package with no batch record (it died after writing the package, before the commit): removed, nothing of the
  submission happened;
- a recorded package missing, or different from its recorded SHA-256: built again from its batch's locked items
  when that gives the recorded digest (an altered file is kept beside it as `.altered`).
A record whose file is gone or altered, or an item locked with no batch, is reported: only a backup brings that
back (`portfolio restore`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select

from ..adapters import tables as t
from ..adapters.db import integrity_problems, schema_status
from ..adapters.exchange import digest, package_location, rebuild_batch_package, recorded_batches
from ..adapters.filestore import abandoned_parts, file_digest, write_atomically
from .unit_of_work import Workbench, remove_unused_files

PACKAGE_NAME = re.compile(r"^(?P<school>[0-9A-Za-z]+)-(?P<year>\d+)-(?P<semester>\d)-(?P<batch>\d{5,})\.zip$")


@dataclass(frozen=True)
class Finding:
    text: str
    repair: Callable[[], str] | None = None       # does the repair and says what it did


def check_workbench(wb: Workbench) -> list[str]:
    """Everything wrong with the database, its file store and its packages, in words; empty when all is well."""
    return [finding.text for finding in findings(wb)]


def repair_workbench(wb: Workbench) -> list[str]:
    """Repair what a crash can leave (see the module's text); returns what was done, in words."""
    return [finding.repair() for finding in findings(wb) if finding.repair is not None]


def findings(wb: Workbench) -> list[Finding]:
    found = []
    current, head = schema_status(wb.engine)
    if current != head:
        found.append(Finding(f"資料庫結構版本 {current} 不是最新版 {head}，請執行 portfolio init 更新"))
    found += [Finding(text) for text in integrity_problems(wb.engine)]
    found += _file_findings(wb)
    found += _package_findings(wb)
    found += _lock_findings(wb)
    return found


def _file_findings(wb: Workbench) -> list[Finding]:
    with wb.engine.connect() as conn:
        stored = conn.execute(select(t.files.c.sha256, t.files.c.size)).all()
        referenced = set()
        for _, column in t.FILE_REFERENCES:
            referenced |= set(conn.execute(select(column).where(column.is_not(None))).scalars())
    known = {row.sha256 for row in stored}
    found = []
    for row in stored:
        problem = wb.store.verify(row.sha256, row.size)
        unused = row.sha256 not in referenced
        if problem and unused:
            found.append(Finding(f"檔案 {row.sha256}：{problem}（沒有紀錄使用它）", _remover(wb, row.sha256)))
        elif problem:
            found.append(Finding(f"檔案 {row.sha256}：{problem}，請由備份還原"))
        elif unused:
            found.append(Finding(f"檔案 {row.sha256}：沒有任何紀錄使用它（刪除後未清除）", _remover(wb, row.sha256)))
    for sha256 in sorted(referenced - known):
        found.append(Finding(f"檔案 {sha256}：資料庫有引用，但沒有檔案紀錄"))
    for sha256 in sorted(wb.store.all_hashes() - known):
        found.append(Finding(f"檔案 {sha256}：在檔案庫中，但資料庫沒有紀錄（孤兒檔案）", _remover(wb, sha256)))
    for part in wb.store.leftover_parts():
        found.append(Finding(f"未完成的暫存檔 {part.name}（寫入中斷留下的）", _unlinker(part)))
    return found


def _package_findings(wb: Workbench) -> list[Finding]:
    folder = wb.package_folder
    with wb.engine.connect() as conn:
        batches = recorded_batches(conn)
    found, recorded, folders = [], set(), {folder}
    for batch in batches:
        path = package_location(folder, batch)
        recorded.add(path.resolve())
        folders.add(path.parent)
        if not path.is_file():
            found.append(Finding(f"提交包 {path.name}（批次 {batch.id}）不見了", _rebuilder(wb, batch, path)))
        elif file_digest(path)[0] != batch.digest:
            found.append(Finding(f"提交包 {path.name}（批次 {batch.id}）內容與紀錄的 SHA-256 不符",
                                 _rebuilder(wb, batch, path)))
    for where in sorted(folders):
        if not where.is_dir():
            continue
        for path in sorted(where.glob("*.zip")):
            if PACKAGE_NAME.match(path.name) and path.resolve() not in recorded:
                found.append(Finding(f"提交包 {path.name} 沒有提交紀錄（提交中斷留下的，項目未鎖定）",
                                     _unlinker(path)))
        for part in abandoned_parts(where):
            found.append(Finding(f"未完成的暫存檔 {part.name}（寫入提交包時中斷留下的）", _unlinker(part)))
    return found


def _lock_findings(wb: Workbench) -> list[Finding]:
    found = []
    items = t.submission_items
    with wb.engine.connect() as conn:
        for kind, table in (("outcome", t.outcomes), ("performance", t.performances)):
            in_batch = select(items.c.item_id).where(items.c.item_kind == kind)
            count = conn.execute(select(func.count()).select_from(table).where(
                table.c.submitted_at.is_not(None), table.c.id.not_in(in_batch))).scalar_one()
            if count:
                label = "學習成果" if kind == "outcome" else "多元表現"
                found.append(Finding(f"{count} 筆{label}已鎖定為已提交，卻不在任何提交批次中"))
    return found


def _remover(wb: Workbench, sha256: str) -> Callable[[], str]:
    def repair() -> str:
        removed = remove_unused_files(wb, [sha256])
        return f"已清除沒有紀錄使用的檔案 {sha256}" if removed else f"檔案 {sha256} 已有紀錄使用，保留"
    return repair


def _unlinker(path: Path) -> Callable[[], str]:
    def repair() -> str:
        path.unlink(missing_ok=True)
        return f"已刪除 {path}"
    return repair


def _rebuilder(wb: Workbench, batch, path: Path) -> Callable[[], str]:
    def repair() -> str:
        try:
            with wb.engine.connect() as conn:
                data = rebuild_batch_package(conn, wb.store, batch.id)
        except OSError as err:
            return f"提交包 {path.name} 無法重建：{err.strerror or err}，請由備份還原"
        if digest(data) != batch.digest:
            return f"提交包 {path.name} 無法重建：重建內容與紀錄的 SHA-256 不符，請由備份還原"
        kept = ""
        if path.is_file():
            aside = path.with_name(path.name + ".altered")
            path.replace(aside)
            kept = f"（被更改的檔案保留為 {aside.name}）"
        write_atomically(path, data)
        return f"已由批次 {batch.id} 的鎖定項目重建提交包 {path.name}{kept}"
    return repair
