"""Submission packages for the central database (教育部學習歷程資料庫): the same items give the same bytes.

A package is one ZIP: `manifest.json`, one JSON file per record type under `records/`, every file
under `files/`, and the 提交名冊 roster (XLSX). Entries are sorted and carry a fixed timestamp;
JSON is written with sorted keys; so building a package twice gives identical bytes, and its
SHA-256 identifies what was sent.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select

from ..domain.calendar import format_roc_datetime
from ..domain.categories import CATEGORIES
from ..domain.model import ItemKind
from . import tables as t
from .filestore import FileStore

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
OUTCOME_TYPE = "course_outcome"
ROSTER = "提交名冊.xlsx"
ROSTER_HEADERS = ["序號", "學號", "姓名", "種類", "類別/科目", "學年度", "學期", "內容簡述", "檔案數", "項目編號"]


def record_type(kind: str, category: str | None) -> str:
    return OUTCOME_TYPE if kind == ItemKind.OUTCOME.value else f"performance_{category}"


def _deterministic_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name])
    return out.getvalue()


def _roster(rows: list[list], created: datetime) -> bytes:
    import openpyxl  # loaded when a package is made, not by every page that opens the repository
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "提交名冊"
    sheet.append(ROSTER_HEADERS)
    for row in rows:
        sheet.append(row)
    book.properties.creator = "學習歷程工作台"
    book.properties.created = created
    raw = io.BytesIO()
    book.save(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as saved:
        entries = {name: saved.read(name) for name in saved.namelist()}
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp,
                                          entries["docProps/core.xml"])
    return _deterministic_zip(entries)


def _items(conn: Connection, items: list[tuple[str, int]]):
    """Rows of the items with their student, in a stable order."""
    wanted = {(k, i) for k, i in items}
    s = t.students
    outcomes = conn.execute(
        select(t.outcomes, s.c.student_no, s.c.name.label("student_name"), s.c.id_number, s.c.birth_date,
               t.course_sections.c.course_code, t.course_sections.c.subject, t.course_sections.c.credits)
        .join(s, s.c.id == t.outcomes.c.student_id)
        .join(t.course_records, t.course_records.c.id == t.outcomes.c.course_record_id)
        .join(t.course_sections, t.course_sections.c.id == t.course_records.c.section_id)
        .where(t.outcomes.c.id.in_([i for k, i in wanted if k == ItemKind.OUTCOME.value]))).all()
    performances = conn.execute(
        select(t.performances, s.c.student_no, s.c.name.label("student_name"), s.c.id_number, s.c.birth_date)
        .join(s, s.c.id == t.performances.c.student_id)
        .where(t.performances.c.id.in_([i for k, i in wanted if k == ItemKind.PERFORMANCE.value]))).all()
    rows = [(ItemKind.OUTCOME.value, r) for r in outcomes] + [(ItemKind.PERFORMANCE.value, r) for r in performances]
    return sorted(rows, key=lambda pair: (pair[1].student_no, pair[0], pair[1].id))


def build_package(conn: Connection, store: FileStore, school, year: int, semester: int,
                  items: list[tuple[str, int]], created: datetime, md5s: dict | None = None) -> bytes:
    """The package of these items (kind, id) for a school's term, as bytes. Each file's MD5 is computed from the
    bytes packaged; `md5s`, when given, receives them by SHA-256."""
    files_meta = {}
    records: dict[str, list] = {}
    entries: dict[str, bytes] = {}
    roster = []
    md5 = {} if md5s is None else md5s
    for kind, row in _items(conn, items):
        rtype = record_type(kind, getattr(row, "category", None))
        files = []
        for slot in ("document", "video"):
            sha256 = getattr(row, f"{slot}_sha256")
            if not sha256:
                continue
            name = getattr(row, f"{slot}_name") or slot
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
            path = f"files/{rtype}/{row.id}_{slot}.{ext}"
            entries[path] = store.read(sha256)
            if sha256 not in md5:
                md5[sha256] = hashlib.md5(entries[path], usedforsecurity=False).hexdigest()
            files.append({"slot": slot, "name": name, "md5": md5[sha256], "path": path})
            files_meta[path] = {"md5": md5[sha256], "sha256": sha256, "size": len(entries[path])}
        record = {"item_id": row.id, "school_code": school.code, "academic_year": row.academic_year,
                  "semester": row.semester, "student_no": row.student_no, "id_number": row.id_number,
                  "birth_date": row.birth_date.isoformat(), "description": row.description, "files": files}
        if kind == ItemKind.OUTCOME.value:
            record.update(course_code=row.course_code, subject=row.subject, credits=row.credits)
            title = row.subject
        else:
            record.update(category=row.category, fields=json.loads(row.fields), external_link=row.external_link)
            title = CATEGORIES[row.category].label
        records.setdefault(rtype, []).append(record)
        roster.append([len(roster) + 1, row.student_no, row.student_name, ItemKind(kind).label, title,
                       row.academic_year, row.semester, row.description, len(files), row.id])
    for rtype, rows in records.items():
        entries[f"records/{rtype}.json"] = _json({"record_type": rtype, "school_code": school.code,
                                                   "academic_year": year, "semester": semester, "records": rows})
    entries[ROSTER] = _roster(roster, created)
    entries["manifest.json"] = _json({
        "school_code": school.code, "school_name": school.name, "academic_year": year, "semester": semester,
        "created_at": created.isoformat(), "created_roc": format_roc_datetime(created),
        "record_counts": {rtype: len(rows) for rtype, rows in sorted(records.items())}, "files": files_meta})
    return _deterministic_zip(entries)


def batch_items(conn: Connection, batch_id: int) -> list[tuple[str, int]]:
    i = t.submission_items
    return [(r.item_kind, r.item_id) for r in conn.execute(select(i.c.item_kind, i.c.item_id)
                                                           .where(i.c.batch_id == batch_id))]


def rebuild_batch_package(conn: Connection, store: FileStore, batch_id: int) -> bytes:
    """The package of a recorded submission, built again from its (locked) items."""
    b = t.submission_batches
    batch = conn.execute(select(b).where(b.c.id == batch_id)).one()
    school = conn.execute(select(t.schools).where(t.schools.c.id == batch.school_id)).one()
    return build_package(conn, store, school, batch.academic_year, batch.semester, batch_items(conn, batch_id),
                         batch.created_at)


def package_file_name(school_code: str, year: int, semester: int, batch_id: int) -> str:
    """A package's file name: school, term and batch (330301-115-1-00012.zip)."""
    return f"{school_code}-{year}-{semester}-{batch_id:05d}.zip"


def recorded_batches(conn: Connection) -> list:
    """Every submission batch with its school's code, in order: what `package_location` needs, and its digest."""
    b, s = t.submission_batches, t.schools
    return conn.execute(select(b, s.c.code.label("school_code")).join(s, s.c.id == b.c.school_id)
                        .order_by(b.c.id)).all()


def package_location(folder: Path, batch) -> Path:
    """Where a batch's package is (a row of `recorded_batches`): the path recorded for one written elsewhere, else
    its name in `folder`."""
    if batch.package_path:
        return Path(batch.package_path)
    return folder / package_file_name(batch.school_code, batch.academic_year, batch.semester, batch.id)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


__all__ = ["build_package", "rebuild_batch_package", "batch_items", "digest"]
