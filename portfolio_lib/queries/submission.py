"""What submitters and receipt checkers ask: what a package would hold, the batches, the receipts."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from sqlalchemy import and_, func, select

from ..adapters import tables as t
from ..domain.calendar import Term
from ..domain.model import ItemKind, ReceiptStatus
from ..domain.policy import Policy
from .frames import Readable, question
from .frames import frame as _frame
from .rules import school_rules
from .scope import SUBMITTING, require
from .viewer import Viewer


@question
def submission_preview(engine: Readable, viewer: Viewer, term: Term) -> pd.DataFrame:
    """Selected, not yet submitted items of a term, by class and kind (what a package would hold): class_name
    and one count column per item kind (outcome, performance)."""
    require(viewer, SUBMITTING)
    s, e, c = t.selections, t.enrolments, t.classes
    parts = []
    for kind, table in ((ItemKind.OUTCOME, t.outcomes), (ItemKind.PERFORMANCE, t.performances)):
        parts.append(_frame(engine, select(c.c.name.label("class_name"), func.count().label(kind.value))
                            .select_from(table)
                            .join(s, and_(s.c.item_kind == kind.value, s.c.item_id == table.c.id))
                            .join(e, and_(e.c.student_id == table.c.student_id,
                                          e.c.academic_year == table.c.academic_year))
                            .join(c, c.c.id == e.c.class_id)
                            .where(c.c.school_id == viewer.school_id, table.c.academic_year == term.year,
                                   table.c.semester == term.semester, table.c.submitted_at.is_(None))
                            .group_by(c.c.name)))
    table = parts[0].merge(parts[1], on="class_name", how="outer").fillna(0).sort_values("class_name")
    for kind in ItemKind:
        table[kind.value] = table[kind.value].astype(int) if kind.value in table else 0
    return table.reset_index(drop=True)


def submission_batches(engine: Readable, viewer: Viewer) -> pd.DataFrame:
    """The school's submission batches, newest first."""
    require(viewer, SUBMITTING)
    b = t.submission_batches
    return _frame(engine, select(b.c.id.label("batch_id"), b.c.academic_year, b.c.semester, b.c.created_at,
                                 b.c.created_by, b.c.item_count, b.c.digest)
                  .where(b.c.school_id == viewer.school_id).order_by(b.c.id.desc()))


def receipt_list(engine: Readable, viewer: Viewer) -> pd.DataFrame:
    """The receipt lists (收訖明細) imported for the school, newest first."""
    require(viewer, SUBMITTING)
    r = t.receipts
    return _frame(engine, select(r.c.id.label("receipt_id"), r.c.academic_year, r.c.semester, r.c.file_name,
                                 r.c.imported_at, r.c.imported_by)
                  .where(r.c.school_id == viewer.school_id).order_by(r.c.id.desc()))


def _receipt_lines(engine: Readable, viewer: Viewer, receipt_id: int) -> pd.DataFrame:
    require(viewer, SUBMITTING)
    r, line, s, e, c = t.receipts, t.receipt_lines, t.students, t.enrolments, t.classes
    return _frame(engine, select(line.c.status, line.c.item_kind, line.c.item_id, line.c.detail,
                                 c.c.name.label("class_name"), e.c.seat_no.label("seat"), s.c.student_no, s.c.name)
                  .join(r, r.c.id == line.c.receipt_id)
                  .outerjoin(s, s.c.id == line.c.student_id)
                  .outerjoin(e, and_(e.c.student_id == s.c.id, e.c.academic_year == r.c.academic_year))
                  .outerjoin(c, c.c.id == e.c.class_id)
                  .where(line.c.receipt_id == receipt_id, r.c.school_id == viewer.school_id)
                  .order_by(c.c.name, e.c.seat_no, line.c.id))


@question
def receipt_by_class(engine: Readable, viewer: Viewer, receipt_id: int) -> pd.DataFrame:
    """Counts of each reconciliation result per class: class_name (None: a line of no class) and one column per
    `ReceiptStatus` value."""
    lines = _receipt_lines(engine, viewer, receipt_id)
    statuses = [status.value for status in ReceiptStatus]
    if lines.empty:
        return pd.DataFrame(columns=["class_name", *statuses])
    table = lines.assign(class_name=lines["class_name"].fillna("")).pivot_table(
        index="class_name", columns="status", values="item_id", aggfunc="count", fill_value=0)
    table = table.reindex(columns=statuses, fill_value=0).reset_index()
    table["class_name"] = table["class_name"].replace("", None)
    return table


@question
def receipt_to_confirm(engine: Readable, viewer: Viewer, receipt_id: int, policy: Policy) -> pd.DataFrame:
    """Students who must check the receipt (anything not received as sent), by class, with the day to check by."""
    lines = _receipt_lines(engine, viewer, receipt_id)
    problems = lines[lines["status"] != ReceiptStatus.RECEIVED.value].copy()
    receipt = _frame(engine, select(t.receipts).where(t.receipts.c.id == receipt_id))
    if not receipt.empty:
        r = receipt.iloc[0]
        term = Term(int(r["academic_year"]), int(r["semester"]))
        days = school_rules(engine, viewer.school_id, term, policy).receipt_check_days
        problems["check_by"] = (r["imported_at"] + timedelta(days=days)).date()
    else:
        problems["check_by"] = None
    return problems[["class_name", "seat", "student_no", "name", "item_kind", "item_id", "status", "detail",
                     "check_by"]].reset_index(drop=True)
