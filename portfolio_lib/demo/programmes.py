"""The demo school's programme list (the shipped sample, marked as sample data) and its grade-12 students'
target programmes."""

from __future__ import annotations

import random
from datetime import datetime
from importlib import resources

from sqlalchemy import insert, select

from .. import services
from ..adapters import tables as t
from ..adapters.db import WRITE
from ..domain.grades import FINAL_GRADE
from ..domain.model import Actor

SAMPLE_FILE = "sample_programmes.csv"
TARGET_SHARE = 0.7          # grade-12 students who named target programmes by the as-of date
TECHNICAL_SHARE = 0.15      # of them, those who also aim at a technical programme (四技)


def sample_programmes() -> bytes:
    """The shipped sample programme list (CSV), every row marked 範例資料."""
    return resources.files("portfolio_lib.reference").joinpath(SAMPLE_FILE).read_bytes()


def add_programmes(wb, school_code: str, year: int, seed: int, as_of: datetime, actor: Actor) -> dict:
    services.import_file(wb.uow(), "programmes", sample_programmes(), name=SAMPLE_FILE, school_code=school_code,
                         actor=actor)
    rng = random.Random(seed * 31 + 17)          # its own sequence: the rest of the demo stays as it was
    c, e = t.classes, t.enrolments
    with wb.engine.connect() as conn:
        school_id = conn.execute(select(t.schools.c.id).where(t.schools.c.code == school_code)).scalar_one()
        listed = conn.execute(select(t.programmes.c.id, t.programmes.c.system)
                              .where(t.programmes.c.school_id == school_id).order_by(t.programmes.c.code)).all()
        students = list(conn.execute(select(e.c.student_id).join(c, c.c.id == e.c.class_id)
                                     .where(c.c.school_id == school_id, c.c.academic_year == year,
                                            c.c.grade == FINAL_GRADE).order_by(e.c.student_id)).scalars())
    university = [p.id for p in listed if p.system == "university"]
    technical = [p.id for p in listed if p.system != "university"]
    rows = []
    for sid in students:
        if rng.random() >= TARGET_SHARE:
            continue
        # a general high school: most aim at universities, some also at a technical programme
        chosen = rng.sample(university, min(len(university), rng.randint(1, 3)))
        if technical and rng.random() < TECHNICAL_SHARE:
            chosen.append(rng.choice(technical))
        rows += [{"student_id": sid, "programme_id": pid, "added_at": as_of} for pid in chosen]
    with wb.engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            if rows:
                conn.execute(insert(t.programme_targets), rows)
    return {"programmes": len(listed), "targets": len(rows)}
