"""A city's schools in one database: one school's and one class's questions, and every school side by side,
each against the plain SQL of the same counts measured in the same run, on SQLite and on PostgreSQL.

    python benchmarks/bench_city.py [--schools 40] [--students 1500] [--backend both|sqlite|postgresql]
                                    [--repeat 5]

Builds the city demo (`build_city`; the M tier is the default, 40 schools of 1,500 students) into a SQLite file
and into a throwaway PostgreSQL server (fsync on), then times, best of --repeat:
  - the counselor's class overview of one school inside the city (`queries.counselor.class_overview`) against the
    GROUP BYs of the same counts (students, students uploading, outcomes by status, selections per class);
  - one class's progress (`queries.class_status`) against the GROUP BYs of that class's outcomes by status,
    多元表現 and selections per student;
  - every school side by side (`queries.school_figures`) against the GROUP BYs of the same figures by school,
    with the Python memory it allocated at its peak (tracemalloc).
The floors are what anyone would write to count the same rows, fetched through the same driver on one
connection, with no frame built; the ratio is ours over the floor.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import best_of  # noqa: E402

from portfolio_lib.demo import build_city, city_school  # noqa: E402
from portfolio_lib.queries import class_status, school_figures  # noqa: E402
from portfolio_lib.queries.counselor import class_overview  # noqa: E402
from portfolio_lib.queries.viewer import school_id_of, staff_directory, viewer_by_staff_no  # noqa: E402
from portfolio_lib.services.unit_of_work import Workbench  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

AS_OF = datetime(2026, 11, 28, 10, 0)
YEAR, SEMESTER = 115, 1

STATUS_SUMS = ", ".join(f"sum(CASE WHEN o.status = '{s}' THEN 1 ELSE 0 END)"
                        for s in ("uploaded", "pending", "passed", "failed"))
FLOOR_OVERVIEW = [f"""SELECT c.id, c.name, count(DISTINCT e.student_id), count(DISTINCT o.student_id), count(o.id),
    {STATUS_SUMS} FROM classes c
    JOIN enrolments e ON e.class_id = c.id AND e.academic_year = :y
    LEFT JOIN outcomes o ON o.student_id = e.student_id AND o.academic_year = :y AND o.semester = :s
    WHERE c.school_id = :school AND c.academic_year = :y GROUP BY c.id, c.name""",
                  """SELECT e.class_id, count(*) FROM selections x JOIN enrolments e ON e.student_id = x.student_id
    AND e.academic_year = :y JOIN classes c ON c.id = e.class_id
    WHERE c.school_id = :school AND x.academic_year = :y AND x.item_kind = 'outcome' GROUP BY e.class_id"""]
FLOOR_CLASS = [f"""SELECT e.student_id, count(o.id), {STATUS_SUMS} FROM enrolments e
    LEFT JOIN outcomes o ON o.student_id = e.student_id AND o.academic_year = :y AND o.semester = :s
    WHERE e.class_id = :class GROUP BY e.student_id""",
               """SELECT p.student_id, count(*) FROM performances p JOIN enrolments e ON e.student_id = p.student_id
    AND e.academic_year = :y WHERE e.class_id = :class AND p.academic_year = :y AND NOT p.synced
    GROUP BY p.student_id""",
               """SELECT x.student_id, x.item_kind, count(*) FROM selections x JOIN enrolments e
    ON e.student_id = x.student_id AND e.academic_year = :y WHERE e.class_id = :class AND x.academic_year = :y
    GROUP BY x.student_id, x.item_kind"""]
FLOOR_CITY = [f"""SELECT st.school_id, count(o.id), count(DISTINCT o.student_id), {STATUS_SUMS} FROM outcomes o
    JOIN students st ON st.id = o.student_id WHERE o.academic_year = :y AND o.semester = :s
    GROUP BY st.school_id""",
              """SELECT st.school_id, count(DISTINCT e.student_id) FROM enrolments e JOIN students st
    ON st.id = e.student_id WHERE e.academic_year = :y GROUP BY st.school_id""",
              """SELECT st.school_id, count(*) FROM performances p JOIN students st ON st.id = p.student_id
    WHERE p.academic_year = :y AND p.semester = :s AND NOT p.synced GROUP BY st.school_id""",
              """SELECT st.school_id, x.item_kind, count(*) FROM selections x JOIN students st
    ON st.id = x.student_id WHERE x.academic_year = :y GROUP BY st.school_id, x.item_kind"""]


def _floor(engine, queries: list[str], **params):
    """The floor: the same counts, each GROUP BY run and its rows fetched on one connection, nothing more."""
    def run():
        with engine.connect() as conn:
            for sql in queries:
                conn.execute(text(sql), {"y": YEAR, "s": SEMESTER, **params}).all()
    return run


def measure(wb: Workbench, schools: int, repeat: int) -> list[tuple[str, float, float, str]]:
    engine = wb.engine
    code = city_school(max(1, schools // 2))[0]           # a school in the middle of the city
    school_id = school_id_of(engine, code)
    counselor = staff_directory(engine, "counselor", school_id=school_id).iloc[0]
    viewer = viewer_by_staff_no(engine, counselor["staff_no"], school_id)
    with engine.connect() as conn:
        class_id, class_name = conn.execute(text(
            "SELECT id, name FROM classes WHERE school_id = :s AND academic_year = :y ORDER BY name LIMIT 1"),
            {"s": school_id, "y": YEAR}).one()
    rows = []
    ours = best_of(repeat, lambda: class_overview(engine, viewer, YEAR, SEMESTER))
    rows.append(("counselor's class overview of one school", ours,
                 best_of(repeat, _floor(engine, FLOOR_OVERVIEW, school=school_id)), ""))
    ours = best_of(repeat, lambda: class_status(engine, YEAR, class_name, SEMESTER, school_code=code))
    rows.append(("one class's progress", ours, best_of(repeat, _floor(engine, FLOOR_CLASS, **{"class": class_id})),
                 ""))
    ours = best_of(repeat, lambda: school_figures(engine, YEAR, SEMESTER))
    tracemalloc.start()
    school_figures(engine, YEAR, SEMESTER)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rows.append((f"every school side by side ({schools} schools)", ours,
                 best_of(repeat, _floor(engine, FLOOR_CITY)), f"peak {peak / 2 ** 20:.1f} MiB"))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="portfolio-bench-city-"))
    server = None
    results = {}
    try:
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        for backend in backends:
            if backend == "sqlite":
                url = str(folder / "city.sqlite")
            else:
                server = PostgresServer.start(durable=True)
                server.execute("CREATE DATABASE city")
                url = server.url("city")
            wb = Workbench.open(url, files=folder / f"{backend}.files", clock=lambda: AS_OF)
            start = time.perf_counter()
            built = build_city(wb, args.schools, students=args.students, as_of=AS_OF)
            seconds = time.perf_counter() - start
            results[backend] = (built, seconds, measure(wb, args.schools, args.repeat))
            wb.engine.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    for backend, (built, seconds, rows) in results.items():
        print(f"\n{backend}: {args.schools} schools, {built['students']:,} students enrolled in {YEAR}, "
              f"{built['outcomes']:,} outcomes; built in {seconds:.0f} s "
              f"({built['students'] / seconds:,.0f} enrolled students a second); best of {args.repeat}")
        print(f"{'question':<46} {'ours s':>9} {'floor s':>9} {'ratio':>7}   note")
        print("-" * 90)
        for label, ours, floor, note in rows:
            print(f"{label:<46} {ours:>9.4f} {floor:>9.4f} {ours / floor:>7.2f}   {note}")
    print("\nfloors: the GROUP BYs of the same counts through the same driver, rows fetched, no frame built")
    return 0


if __name__ == "__main__":
    sys.exit(main())
