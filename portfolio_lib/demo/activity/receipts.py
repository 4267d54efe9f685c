"""The central database's receipt lists (收訖明細) for the demo school's past submissions, imported by its receipt
checker through the same service a school uses: nearly everything received, a few items missing or with other files."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, select

from ...adapters import tables as t
from ...adapters.repository import Repository
from ...domain.model import Actor
from ...services.receipts import import_receipt
from ...services.unit_of_work import Workbench
from ..roster import Plan

RECEIPT_DAYS = 10          # a receipt list comes back this many days after the submission
MISSING, MISMATCHED = 0.004, 0.002     # shares of submitted items the central database did not get, or got other files


def receive_submissions(wb: Workbench, plan: Plan, rng: random.Random, as_of: datetime) -> int:
    """Import a receipt list for each term the school submitted whose list is back by `as_of`; returns how many."""
    with wb.engine.connect() as conn:
        school_id = conn.execute(select(t.schools.c.id).where(t.schools.c.code == plan.school_code)).scalar_one()
        b = t.submission_batches
        terms = conn.execute(select(b.c.academic_year, b.c.semester, func.max(b.c.created_at).label("at"))
                             .where(b.c.school_id == school_id).group_by(b.c.academic_year, b.c.semester)
                             .order_by(b.c.academic_year, b.c.semester)).all()
        id_numbers = dict(conn.execute(select(t.students.c.id, t.students.c.id_number)
                                       .where(t.students.c.school_id == school_id)).all())
        repo = Repository(conn, wb.policy)
        lists = []
        for year, semester, at in terms:
            if at + timedelta(days=RECEIPT_DAYS) <= as_of:
                lists.append((year, semester, at + timedelta(days=RECEIPT_DAYS),
                              repo.submitted_items(school_id, year, semester)))
    checker = next(s["staff_no"] for s in plan.staff if "收訖明細" in s["roles"])
    clock = wb.clock
    try:
        for year, semester, back, submitted in lists:
            lines = []
            for (record_type, item_id), item in sorted(submitted.items()):
                roll = rng.random()
                if roll < MISSING:
                    continue
                md5s = item["md5s"] if roll >= MISSING + MISMATCHED else [f"{rng.getrandbits(128):032x}"]
                lines.append({"身分證字號": id_numbers[item["student_id"]], "學年度": year, "學期": semester,
                              "紀錄類型": record_type, "項目編號": item_id, "檔案MD5": ";".join(md5s)})
            wb.clock = lambda back=back: back
            import_receipt(wb.uow(), pd.DataFrame(lines).to_csv(index=False).encode("utf-8"), year, semester,
                           name=f"收訖明細-{year}-{semester}.csv", actor=Actor("staff", checker, school_id=school_id))
    finally:
        wb.clock = clock
    return len(lists)
