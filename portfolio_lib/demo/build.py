"""Build a realistic demo school: rosters, courses, three years of uploads, certification, selection.

Rosters, teaching assignments, course records and synced cadre records go through the real
importers; the three years of activity are written in one transaction, every item obeying
the same policy the services enforce. The same seed and `as_of` give the same database."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select

from .. import services
from ..adapters import tables as t
from ..adapters.db import refresh_statistics
from ..domain.calendar import academic_year_of
from ..domain.errors import AlreadyExists
from ..domain.model import Actor
from ..queries.viewer import officer_directory
from ..services.unit_of_work import Workbench, remove_unused_files
from .activity import store_sample_files, write_activity
from .activity.receipts import receive_submissions
from .programmes import add_programmes
from .roster import DEFAULT_SEED, SCHOOL_CODE, SCHOOL_NAME, Plan
from .schedule import term_windows


def build_demo(wb: Workbench, seed: int = DEFAULT_SEED, students: int = 1500, as_of: datetime | None = None,
               progress: bool = False, school_code: str = SCHOOL_CODE, school_name: str = SCHOOL_NAME) -> dict:
    """Add a demo school as it stands at `as_of` (default: now) to the database: its staff, students, courses,
    schedule and three years of activity, deterministic from `seed`. A database may hold several (a city's), each
    with its own code; student and staff numbers repeat between them, as between real schools, and sign-on names
    do not. The first demo school of a database brings the demo's district officer (`DEMO_OFFICER`)."""
    as_of = as_of or wb.clock()
    with wb.engine.connect() as conn:
        if conn.execute(select(t.schools.c.id).where(t.schools.c.code == school_code)).first():
            raise AlreadyExists(entity="示範學校", key=school_code)
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
                                 school_code=school_code, actor=builder, progress=progress)
        for term in plan.terms:
            for kind, (opens, closes) in term_windows(term).items():
                services.set_window(wb.uow(), term.year, term.semester, kind, opens, closes,
                                    school_code=school_code, actor=builder)
        if officer_directory(wb.engine).empty:
            services.save_district_officer(wb.uow(), *DEMO_OFFICER, actor=builder)
        files = store_sample_files(wb, rng, as_of)
        counts = write_activity(wb, plan, files, rng, as_of, progress)
        # the samples no record drew are not kept: a file no record uses is what `check` reports
        remove_unused_files(wb, [sha256 for sha256, *_ in files.documents + files.videos])
        counts["receipts"] = receive_submissions(wb, plan, rng, as_of)
        counts.update(add_programmes(wb, school_code, current, seed, as_of, builder))
        refresh_statistics(wb.engine)
    finally:
        wb.clock = clock
    return {"school": school_code, "students": len(plan.enrolled(current)), "students_all_years": plan.student_count,
            "staff": len(plan.staff),
            "as_of": as_of.isoformat(), "seed": seed, **counts}


# the demo's officer of the city's education office (教育局), added with the first demo school of a database
DEMO_OFFICER = ("E001", "林科員", "e001")


def city_school(n: int) -> tuple[str, str]:
    """The code and name of a city demo's n-th school (from 1): 999301 示範第1高中, 999302 示範第2高中, …"""
    return f"{999300 + n}", f"示範第{n}高中"


def build_city(wb: Workbench, schools: int, seed: int = DEFAULT_SEED, students: int = 1500,
               as_of: datetime | None = None, progress: bool = False) -> dict:
    """A city's demo: `schools` demo schools in one database, the n-th built from seed + n, so that each has its own
    staff, students, courses and history while their numbers repeat, as between a city's real schools."""
    built = []
    for n in range(1, schools + 1):
        code, name = city_school(n)
        built.append(build_demo(wb, seed=seed + n, students=students, as_of=as_of, progress=progress,
                                school_code=code, school_name=name))
    totals = {key: sum(b[key] for b in built) for key in ("students", "staff", "outcomes", "performances",
                                                         "selections", "course_records")}
    return {"schools": [b["school"] for b in built], **totals}
