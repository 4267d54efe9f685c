"""Cadre records (幹部紀錄) synced from the school administration system as 多元表現."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
from sqlalchemy import select

from ...domain import row_reasons as why
from ...domain.calendar import Term
from ...domain.categories import validate_fields
from ...domain.errors import EndBeforeStart, PortfolioError
from .. import tables as t
from .base import Importer, flag_unknown
from .checks import Col, ImportResult, Problem

# --- cadre records --------------------------------------------------------------------

class CadreImporter(Importer):
    kind, label = "cadre", "幹部紀錄"
    columns = (Col("學號", "student_no", max_len=20), Col("學年度", "year", "int"), Col("學期", "semester", "int"),
               Col("單位名稱", "unit"), Col("擔任職務", "position"), Col("幹部等級", "level", max_len=20),
               Col("開始日期", "start_date", "rocdate"), Col("結束日期", "end_date", "rocdate"))

    def check(self, clean, checker):
        clean["student_id"] = flag_unknown(checker, clean["student_no"], self.student_ids(), "學號", "學生")
        checker.flag(clean["semester"].notna() & ~clean["semester"].isin([1, 2]), "學期", why.SEMESTER)
        fields = []
        for idx, row in clean.iterrows():
            if (pd.isna(row["year"]) or row["semester"] not in (1, 2) or row["start_date"] is None
                    or row["end_date"] is None):
                fields.append(None)
                continue
            rules = self.policy.rules(Term(int(row["year"]), int(row["semester"])))
            try:
                fields.append(validate_fields("cadre", {k: row[k] for k in ("unit", "position", "level", "start_date",
                                                                            "end_date")}, rules))
            except PortfolioError as err:
                # the refused field's label names the column (the record's labels are the file's headers)
                labels = {c.header for c in self.columns}
                column = "結束日期" if isinstance(err, EndBeforeStart) else err.facts.get("label", "單位名稱")
                column = column if column in labels else "單位名稱"
                checker.problems.append(Problem(int(idx) + 2, column, err.message))
                fields.append(None)
        clean["fields"] = fields
        clean["source_key"] = [_source_key(self.school_id, r) for r in clean.itertuples()]
        checker.flag(clean["source_key"].duplicated(keep=False), "學號", why.DUPLICATE_CADRE)
        return clean

    def write(self, clean):
        result = ImportResult(self.kind, len(clean))
        existing = {r.source_key: r for r in self.conn.execute(
            select(t.performances.c.id, t.performances.c.source_key, t.performances.c.fields)
            .where(t.performances.c.source_key.in_(clean["source_key"].tolist())))}
        now = self.now
        for row in clean.itertuples():
            fields = json.dumps(row.fields, ensure_ascii=False, sort_keys=True)
            old = existing.get(row.source_key)
            if old is None:
                self.conn.execute(t.performances.insert().values(
                    student_id=int(row.student_id), academic_year=int(row.year), semester=int(row.semester),
                    category="cadre", fields=fields, description="", synced=True, source_key=row.source_key,
                    uploaded_at=now, updated_at=now))
                result.inserted += 1
            elif old.fields != fields:
                self.conn.execute(t.performances.update().where(t.performances.c.id == old.id).values(
                    fields=fields, updated_at=now))
                result.updated += 1
        return result


def _source_key(school_id: int, row) -> str:
    basis = f"{school_id}|{row.student_no}|{row.year}|{row.semester}|{row.unit}|{row.position}|{row.start_date}"
    return "cadre:" + hashlib.sha256(basis.encode()).hexdigest()[:40]
