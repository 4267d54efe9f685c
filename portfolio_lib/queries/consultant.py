"""What a course consultant asks: the consultation records they entered (課程諮詢紀錄)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from ..adapters import tables as t
from ..domain.calendar import format_roc_date
from ..domain.model import Role
from .frames import frame as _frame
from .scope import require
from .viewer import Viewer


def consultations_by(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """Consultation records the viewer (a course consultant) entered, newest first."""
    require(viewer, {Role.CONSULTANT})
    c, s = t.consultation_records, t.students
    table = _frame(engine, select(c.c.id.label("編號"), c.c.consulted_on.label("日期"), s.c.student_no.label("學號"),
                                  s.c.name.label("姓名"), c.c.description.label("內容簡述"),
                                  c.c.document_name.label("文件"))
                   .join(s, s.c.id == c.c.student_id).where(c.c.consultant_id == viewer.staff_id)
                   .order_by(c.c.consulted_on.desc(), c.c.id.desc()))
    table["日期"] = table["日期"].map(format_roc_date)
    return table.fillna("")
