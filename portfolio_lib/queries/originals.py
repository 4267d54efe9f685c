"""The originals kept beside converted files (檔案救援): whose, how large, how made, and until when."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.calendar import Term, taipei_now
from ..domain.policy import Policy
from ..domain.rescue import keep_until
from .frames import Readable, question

COLUMNS = ["original_id", "student_id", "student_no", "name", "bytes", "tool", "steps", "kept_at", "settled",
           "keep_until"]


@question
def kept_originals_table(conn: Readable, policy: Policy, student_id: int | None = None) -> pd.DataFrame:
    """Every kept original (or one student's), with the last day it is kept: None while its item is not settled
    (the cleanup, `services.purge_originals`, dates them from the same answer)."""
    rows = answers.kept_originals(conn, None if student_id is None else [student_id])
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    students = {r.id: r for r in conn.execute(select(t.students.c.id, t.students.c.student_no,
                                                     t.students.c.school_id)
                                              .where(t.students.c.id.in_({row["student_id"] for row in rows})))}
    term = Term.of(taipei_now().date())
    terms = {school_id: answers.school_rules(conn, school_id, term, policy).rescue.keep_terms
             for school_id in {s.school_id for s in students.values()}}
    return pd.DataFrame([
        {"original_id": row["id"], "student_id": row["student_id"],
         "student_no": students[row["student_id"]].student_no, "name": row["original_name"],
         "bytes": int(row["size"]), "tool": row["tool"],
         "steps": "、".join(json.loads(row["parameters"]).get("steps", [])), "kept_at": row["kept_at"],
         "settled": row["settled"],
         "keep_until": None if row["settled"] is None else
         keep_until(row["settled"], terms[students[row["student_id"]].school_id])}
        for row in rows], columns=COLUMNS)
