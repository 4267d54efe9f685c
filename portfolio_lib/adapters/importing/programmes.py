"""Programme lists (校系清單): each programme's code, name and the requirement string of its review material."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ...domain import row_reasons as why
from ...domain.admission import REQUIREMENT_MAX_CHARS, parse_requirement
from ...domain.errors import InvalidRequirement
from .. import tables as t
from .base import Importer
from .checks import Col, ImportResult, Problem

SAMPLE_WORDS = ("是", "Y", "y", "yes", "1", "範例")


class ProgrammeImporter(Importer):
    kind, label = "programmes", "校系清單"
    columns = (Col("校系代碼", "code", max_len=20), Col("校系名稱", "name", max_len=100),
               Col("要求項目", "requirement", max_len=REQUIREMENT_MAX_CHARS),
               Col("學年度", "admission_year", "int", required=False),
               Col("來源", "source", required=False, max_len=500),
               Col("範例資料", "sample", required=False, max_len=10))

    def check(self, clean, checker):
        checker.flag(clean["code"].ne("") & clean["code"].duplicated(keep=False), "校系代碼", why.DUPLICATE)
        systems = []
        for idx, text in clean["requirement"].items():
            if not text:
                systems.append(None)
                continue
            try:
                systems.append(parse_requirement(text).system.value)
            except InvalidRequirement as err:
                checker.problems.append(Problem(int(idx) + 2, "要求項目", err.facts["reason"]))
                systems.append(None)
        clean["system"] = systems
        clean["sample"] = clean["sample"].str.strip().isin(SAMPLE_WORDS)
        return clean

    def write(self, clean):
        result = ImportResult(self.kind, len(clean))
        p = t.programmes
        existing = {r.code: r for r in self.conn.execute(select(p).where(p.c.school_id == self.school_id))}
        for row in clean.itertuples():
            year = None if pd.isna(row.admission_year) else int(row.admission_year)
            values = dict(name=row.name, system=row.system, requirement=row.requirement.strip(),
                          admission_year=year, source=row.source, sample=bool(row.sample))
            old = existing.get(row.code)
            if old is None:
                self.conn.execute(p.insert().values(school_id=self.school_id, code=row.code, imported_at=self.now,
                                                    **values))
                result.inserted += 1
            elif any(getattr(old, k) != v for k, v in values.items()):
                self.conn.execute(p.update().where(p.c.id == old.id).values(imported_at=self.now, **values))
                result.updated += 1
        return result
