"""Build a realistic demo school: rosters, courses, three years of uploads, certification, selection.

Rosters, teaching assignments, course records and synced cadre records go through the real
importers; the three years of activity are written in one transaction, every item obeying
the same policy the services enforce. The same seed and `as_of` give the same database."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import func, select

from .. import services
from ..adapters import tables as t
from ..domain.calendar import academic_year_of
from ..domain.errors import AlreadyExists
from ..domain.model import Actor
from ..services.unit_of_work import Workbench
from .activity import store_sample_files, write_activity
from .roster import DEFAULT_SEED, SCHOOL_CODE, SCHOOL_NAME, Plan
from .schedule import term_windows


def build_demo(wb: Workbench, seed: int = DEFAULT_SEED, students: int = 1500, as_of: datetime | None = None,
               progress: bool = False, school_code: str = SCHOOL_CODE, school_name: str = SCHOOL_NAME) -> dict:
    """Fill an empty database with a demo school as it stands at `as_of` (default: now).

    A second school for research across schools is another database with its own code, name and seed."""
    as_of = as_of or wb.clock()
    with wb.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(t.schools)).scalar_one():
            raise AlreadyExists(entity="資料庫中的學校", key="（示範學校只能建在空白資料庫）")
    rng = random.Random(seed)
    current = academic_year_of(as_of.date())
    years = [current - 2, current - 1, current]
    clock = wb.clock
    wb.clock = lambda: as_of
    try:
        builder = Actor.administrator("demo")
        services.create_school(wb.uow(), school_code, school_name, actor=builder)
        plan = Plan(rng, years, students, as_of, school_code)
        for kind, frame in (("staff", plan.staff_frame()), ("students", plan.student_frame()),
                            ("teaching", plan.teaching_frame()), ("course_records", plan.record_frame()),
                            ("cadre", plan.cadre_frame()), ("guardians", plan.guardian_frame())):
            services.import_file(wb.uow(), kind, frame.to_csv(index=False).encode("utf-8"), name=f"demo-{kind}.csv",
                                 actor=builder, progress=progress)
        for term in plan.terms:
            for kind, (opens, closes) in term_windows(term).items():
                services.set_window(wb.uow(), term.year, term.semester, kind, opens, closes, actor=builder)
        files = store_sample_files(wb, rng, as_of)
        counts = write_activity(wb, plan, files, rng, as_of, progress)
    finally:
        wb.clock = clock
    return {"school": school_code, "students": len(plan.enrolled(current)), "students_all_years": plan.student_count,
            "staff": len(plan.staff),
            "as_of": as_of.isoformat(), "seed": seed, **counts}
