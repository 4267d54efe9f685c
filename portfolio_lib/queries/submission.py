"""What submitters and receipt checkers ask: what a package would hold, the batches, the receipts."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from sqlalchemy import Engine, and_, func, select

from ..adapters import tables as t
from ..domain.calendar import Term, format_roc_date, format_roc_datetime
from ..domain.model import RECEIPT_LABELS, ItemKind, ReceiptStatus
from ..domain.policy import Policy
from .frames import frame as _frame
from .rules import school_rules
from .scope import SUBMITTING, require
from .viewer import Viewer


def submission_preview(engine: Engine, viewer: Viewer, term: Term) -> pd.DataFrame:
    """Selected, not yet submitted items of a term, by class and kind (what a package would hold)."""
    require(viewer, SUBMITTING)
    s, e, c = t.selections, t.enrolments, t.classes
    parts = []
    for kind, table in ((ItemKind.OUTCOME, t.outcomes), (ItemKind.PERFORMANCE, t.performances)):
        parts.append(_frame(engine, select(c.c.name.label("班級"), func.count().label(kind.label))
                            .select_from(table)
                            .join(s, and_(s.c.item_kind == kind.value, s.c.item_id == table.c.id))
                            .join(e, and_(e.c.student_id == table.c.student_id,
                                          e.c.academic_year == table.c.academic_year))
                            .join(c, c.c.id == e.c.class_id)
                            .where(c.c.school_id == viewer.school_id, table.c.academic_year == term.year,
                                   table.c.semester == term.semester, table.c.submitted_at.is_(None))
                            .group_by(c.c.name)))
    table = parts[0].merge(parts[1], on="班級", how="outer").fillna(0).sort_values("班級")
    for column in (ItemKind.OUTCOME.label, ItemKind.PERFORMANCE.label):
        table[column] = table[column].astype(int) if column in table else 0
    return table.reset_index(drop=True)


def submission_batches(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    require(viewer, SUBMITTING)
    b = t.submission_batches
    table = _frame(engine, select(b.c.id.label("批次"), b.c.academic_year.label("學年度"), b.c.semester.label("學期"),
                                  b.c.created_at.label("提交時間"), b.c.created_by.label("提交人"),
                                  b.c.item_count.label("件數"), b.c.digest.label("SHA-256"))
                   .where(b.c.school_id == viewer.school_id).order_by(b.c.id.desc()))
    table["提交時間"] = table["提交時間"].map(format_roc_datetime)
    return table


def receipt_list(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    require(viewer, SUBMITTING)
    r = t.receipts
    table = _frame(engine, select(r.c.id.label("明細"), r.c.academic_year.label("學年度"), r.c.semester.label("學期"),
                                  r.c.file_name.label("檔名"), r.c.imported_at.label("匯入時間"),
                                  r.c.imported_by.label("匯入人"))
                   .where(r.c.school_id == viewer.school_id).order_by(r.c.id.desc()))
    table["匯入時間"] = table["匯入時間"].map(format_roc_datetime)
    return table


def _receipt_lines(engine: Engine, viewer: Viewer, receipt_id: int) -> pd.DataFrame:
    require(viewer, SUBMITTING)
    r, line, s, e, c = t.receipts, t.receipt_lines, t.students, t.enrolments, t.classes
    table = _frame(engine, select(line.c.status, line.c.item_kind, line.c.item_id.label("項目編號"),
                                  line.c.detail.label("說明"), c.c.name.label("班級"), e.c.seat_no.label("座號"),
                                  s.c.student_no.label("學號"), s.c.name.label("姓名"))
                   .join(r, r.c.id == line.c.receipt_id)
                   .outerjoin(s, s.c.id == line.c.student_id)
                   .outerjoin(e, and_(e.c.student_id == s.c.id, e.c.academic_year == r.c.academic_year))
                   .outerjoin(c, c.c.id == e.c.class_id)
                   .where(line.c.receipt_id == receipt_id, r.c.school_id == viewer.school_id)
                   .order_by(c.c.name, e.c.seat_no, line.c.id))
    table["狀態"] = table["status"].map(lambda v: ReceiptStatus(v).label)
    table["種類"] = table.pop("item_kind").map(lambda k: ItemKind(k).label if isinstance(k, str) else "")
    return table


def receipt_by_class(engine: Engine, viewer: Viewer, receipt_id: int) -> pd.DataFrame:
    """Counts of each reconciliation result per class."""
    lines = _receipt_lines(engine, viewer, receipt_id)
    if lines.empty:
        return pd.DataFrame(columns=["班級", *RECEIPT_LABELS.values()])
    table = lines.assign(班級=lines["班級"].fillna("（無班級）")).pivot_table(
        index="班級", columns="狀態", values="項目編號", aggfunc="count", fill_value=0)
    return table.reindex(columns=list(RECEIPT_LABELS.values()), fill_value=0).reset_index()


def receipt_to_confirm(engine: Engine, viewer: Viewer, receipt_id: int, policy: Policy) -> pd.DataFrame:
    """Students who must check the receipt (anything not received as sent), by class, with the day to check by."""
    lines = _receipt_lines(engine, viewer, receipt_id)
    problems = lines[lines["status"] != ReceiptStatus.RECEIVED.value].copy()
    receipt = _frame(engine, select(t.receipts).where(t.receipts.c.id == receipt_id))
    if not receipt.empty:
        r = receipt.iloc[0]
        term = Term(int(r["academic_year"]), int(r["semester"]))
        days = school_rules(engine, viewer.school_id, term, policy).receipt_check_days
        problems["確認期限"] = format_roc_date(r["imported_at"] + timedelta(days=days))
    else:
        problems["確認期限"] = ""
    return problems[["班級", "座號", "學號", "姓名", "種類", "項目編號", "狀態", "說明", "確認期限"]].fillna(
        "").reset_index(drop=True)
