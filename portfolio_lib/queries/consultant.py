"""What a course consultant asks: the consultation records they entered (課程諮詢紀錄)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ..adapters import tables as t
from ..domain.model import Role
from .frames import Readable
from .frames import frame as _frame
from .scope import require
from .viewer import Viewer


def consultations_by(engine: Readable, viewer: Viewer) -> pd.DataFrame:
    """Consultation records the viewer (a course consultant) entered, newest first."""
    require(viewer, {Role.CONSULTANT})
    c, s = t.consultation_records, t.students
    return _frame(engine, select(c.c.id.label("consultation_id"), c.c.consulted_on, s.c.student_no, s.c.name,
                                 c.c.description, c.c.document_name)
                  .join(s, s.c.id == c.c.student_id).where(c.c.consultant_id == viewer.staff_id)
                  .order_by(c.c.consulted_on.desc(), c.c.id.desc()))
