"""A city's schools in one database: the demo and the import at a city's size, one school's and one class's questions,
the district's table of every school, its page in a browser and a research report on the whole city, each against a
floor measured in the same run, on SQLite and on PostgreSQL.

    python benchmarks/bench_city.py [--schools 40] [--students 1500] [--backend both|sqlite|postgresql]
                                    [--repeat 5] [--loads 3] [--reports trends,funnel]

Builds the city demo (`build_city`; the M tier is the default, 40 schools of 1,500 students) into a SQLite file
and into a throwaway PostgreSQL server (fsync on), then measures, the questions best of --repeat:
  - the demo built: enrolled students a second;
  - the course-record import of one more school of --students (read, every row checked, new rows written) into
    the city, against the same rows written raw in one transaction (sqlite3 executemany; psycopg COPY);
  - the counselor's class overview of one school inside the city (`counselor.class_overview`) against the
    GROUP BYs of the same counts (students, students uploading, outcomes by status, selections per class);
  - one class's progress as its homeroom teacher opens it (`homeroom.class_progress`: the roster, outcomes by
    status, selections, 多元表現, space used, the school's rules and windows) against the roster and the GROUP BYs
    of the same counts, each filtered to the class;
  - the district's table of every school (`district.school_table`) against the GROUP BYs of the same figures by
    school, with the Python memory it allocated at its peak (tracemalloc);
  - on SQLite, the district page (`dashboards/district.ipynb`) in Debian's Chromium, cold, to first content,
    against the plain floor (a notebook showing one `px.bar`, `benchmarks/floor.ipynb`) served by the same Voila;
  - on SQLite, research reports on the whole city (papermill + HTML, read one school at a time) against papermill
    running a notebook that only imports pandas, with the largest memory the report's kernel held.
The floors are what anyone would write to count the same rows, fetched through the same driver on one
connection, with no frame built; the ratio is ours over the floor.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

import psycopg
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_core import ADMIN, rostered_school  # noqa: E402  (same folder)
from timing import best_of  # noqa: E402

from portfolio_lib import services  # noqa: E402
from portfolio_lib.demo import build_city, city_school  # noqa: E402
from portfolio_lib.domain.calendar import Term  # noqa: E402
from portfolio_lib.queries import district  # noqa: E402
from portfolio_lib.queries.counselor import class_overview  # noqa: E402
from portfolio_lib.queries.homeroom import class_progress  # noqa: E402
from portfolio_lib.queries.viewer import officer_by_login, school_id_of, staff_directory, viewer_by_staff_no  # noqa
from portfolio_lib.services.unit_of_work import Workbench  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

AS_OF = datetime(2026, 11, 28, 10, 0)
YEAR, SEMESTER = 115, 1
NEW_SCHOOL = ("999399", "新設示範高中")

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
IN_CLASS = "(SELECT student_id FROM enrolments WHERE class_id = :class AND academic_year = :y)"
FLOOR_CLASS = ["""SELECT s.id, c.name, e.seat_no, s.student_no, s.name FROM enrolments e
    JOIN students s ON s.id = e.student_id JOIN classes c ON c.id = e.class_id
    WHERE e.class_id = :class AND e.academic_year = :y ORDER BY e.seat_no""",
               f"""SELECT e.student_id, count(o.id), {STATUS_SUMS} FROM enrolments e
    LEFT JOIN outcomes o ON o.student_id = e.student_id AND o.academic_year = :y AND o.semester = :s
    WHERE e.class_id = :class AND e.academic_year = :y GROUP BY e.student_id""",
               f"""SELECT student_id, count(*) FROM performances WHERE student_id IN {IN_CLASS}
    AND academic_year = :y AND NOT synced GROUP BY student_id""",
               f"""SELECT student_id, item_kind, count(*) FROM selections WHERE student_id IN {IN_CLASS}
    AND academic_year = :y GROUP BY student_id, item_kind""",
               f"""SELECT r.student_id, sum(f.size) FROM (
    SELECT student_id, document_sha256 AS sha FROM outcomes WHERE student_id IN {IN_CLASS}
    UNION ALL SELECT student_id, video_sha256 FROM outcomes WHERE student_id IN {IN_CLASS}
    UNION ALL SELECT student_id, document_sha256 FROM performances WHERE student_id IN {IN_CLASS}
    UNION ALL SELECT student_id, video_sha256 FROM performances WHERE student_id IN {IN_CLASS}
    UNION ALL SELECT student_id, document_sha256 FROM consultation_records WHERE student_id IN {IN_CLASS}
    UNION ALL SELECT student_id, document_sha256 FROM learning_plans WHERE student_id IN {IN_CLASS}
    UNION ALL SELECT student_id, document_sha256 FROM school_documents WHERE student_id IN {IN_CLASS}
    ) r JOIN files f ON f.sha256 = r.sha GROUP BY r.student_id"""]
FLOOR_CITY = [f"""SELECT st.school_id, count(o.id), count(DISTINCT o.student_id), {STATUS_SUMS} FROM outcomes o
    JOIN students st ON st.id = o.student_id WHERE o.academic_year = :y AND o.semester = :s
    GROUP BY st.school_id""",
              """SELECT st.school_id, count(DISTINCT e.student_id) FROM enrolments e JOIN students st
    ON st.id = e.student_id WHERE e.academic_year = :y GROUP BY st.school_id""",
              """SELECT st.school_id, count(*) FROM performances p JOIN students st ON st.id = p.student_id
    WHERE p.academic_year = :y AND p.semester = :s AND NOT p.synced GROUP BY st.school_id""",
              """SELECT st.school_id, x.item_kind, count(*), count(DISTINCT x.student_id) FROM selections x
    JOIN students st ON st.id = x.student_id WHERE x.academic_year = :y GROUP BY st.school_id, x.item_kind""",
              """SELECT st.school_id, count(DISTINCT CASE WHEN o.uploaded_at <= w1.closes THEN o.student_id END),
    count(DISTINCT CASE WHEN o.uploaded_at <= w2.closes THEN o.student_id END) FROM outcomes o
    JOIN students st ON st.id = o.student_id
    LEFT JOIN windows w1 ON w1.school_id = st.school_id AND w1.academic_year = :y AND w1.semester = :s
        AND w1.kind = 'upload_1'
    LEFT JOIN windows w2 ON w2.school_id = st.school_id AND w2.academic_year = :y AND w2.semester = :s
        AND w2.kind = 'upload_2'
    WHERE o.academic_year = :y AND o.semester = :s GROUP BY st.school_id""",
              """SELECT st.school_id, o.uploaded_at <= w1.closes, count(*), min(o.sent_at) FROM outcomes o
    JOIN students st ON st.id = o.student_id
    LEFT JOIN windows w1 ON w1.school_id = st.school_id AND w1.academic_year = :y AND w1.semester = :s
        AND w1.kind = 'upload_1'
    WHERE o.academic_year = :y AND o.semester = :s AND o.status = 'pending' GROUP BY 1, 2""",
              """SELECT school_id, opens, closes FROM windows WHERE academic_year = :y AND semester = 0
    AND kind = 'selection'""",
              """SELECT school_id, sum(item_count), max(created_at) FROM submission_batches
    WHERE academic_year = :y AND semester = :s GROUP BY school_id""",
              """SELECT r.school_id, l.status, count(*) FROM receipt_lines l JOIN receipts r ON r.id = l.receipt_id
    WHERE r.id IN (SELECT max(id) FROM receipts WHERE academic_year = :y AND semester = :s GROUP BY school_id)
    GROUP BY r.school_id, l.status"""]


def _floor(engine, queries: list[str], **params):
    """The floor: the same counts, each query run and its rows fetched on one connection, nothing more."""
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
    officer = officer_by_login(engine, "e001")
    with engine.connect() as conn:
        class_id = conn.execute(text(
            "SELECT id FROM classes WHERE school_id = :s AND academic_year = :y ORDER BY name LIMIT 1"),
            {"s": school_id, "y": YEAR}).scalar_one()
    term = Term(YEAR, SEMESTER)
    rows = []
    ours = best_of(repeat, lambda: class_overview(engine, viewer, YEAR, SEMESTER))
    rows.append(("counselor's class overview of one school", ours,
                 best_of(repeat, _floor(engine, FLOOR_OVERVIEW, school=school_id)), ""))
    ours = best_of(repeat, lambda: class_progress(engine, viewer, class_id, term, AS_OF, wb.policy))
    rows.append(("one class's progress (homeroom)", ours,
                 best_of(repeat, _floor(engine, FLOOR_CLASS, **{"class": class_id})), ""))
    ours = best_of(repeat, lambda: district.school_table(engine, officer, term, AS_OF, wb.policy))
    tracemalloc.start()
    district.school_table(engine, officer, term, AS_OF, wb.policy)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rows.append((f"the district's table of {schools} schools", ours, best_of(repeat, _floor(engine, FLOOR_CITY)),
                 f"peak {peak / 2 ** 20:.1f} MiB"))
    return rows


def bench_import(wb: Workbench, backend: str, repeat: int, students: int) -> tuple[float, float, int]:
    """(rows/s of the importer, rows/s of the raw write, rows): one more school's course records into the city,
    its rows removed again after each run so that every run starts from the same city."""
    records = rostered_school(wb, students, *NEW_SCHOOL, close=False)
    rows, ours, floors = None, [], []
    remove = ("DELETE FROM course_records WHERE section_id IN (SELECT id FROM course_sections WHERE school_id = "
              "(SELECT id FROM schools WHERE code = :code))")
    for _ in range(repeat):
        start = time.perf_counter()
        services.import_file(wb.uow(), "course_records", records, name="records.csv", school_code=NEW_SCHOOL[0],
                             actor=ADMIN)
        ours.append(time.perf_counter() - start)
        with wb.engine.begin() as conn:
            if rows is None:
                rows = [tuple(r) for r in conn.execute(text(
                    "SELECT student_id, section_id, score, mode FROM course_records WHERE section_id IN (SELECT id "
                    "FROM course_sections WHERE school_id = (SELECT id FROM schools WHERE code = :code))"),
                    {"code": NEW_SCHOOL[0]})]
            conn.execute(text(remove), {"code": NEW_SCHOOL[0]})
        floors.append(_raw_write(wb, backend, rows))
        with wb.engine.begin() as conn:
            conn.execute(text(remove), {"code": NEW_SCHOOL[0]})
    return len(rows) / min(ours), len(rows) / min(floors), len(rows)


def _raw_write(wb: Workbench, backend: str, rows: list[tuple]) -> float:
    url = wb.engine.url
    start = time.perf_counter()
    if backend == "sqlite":
        with sqlite3.connect(url.database) as conn:
            conn.executemany("INSERT INTO course_records (student_id, section_id, score, mode) VALUES (?, ?, ?, ?)",
                             rows)
    else:
        with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
            with conn.cursor().copy("COPY course_records (student_id, section_id, score, mode) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    return time.perf_counter() - start


def bench_page(db: str, files: Path, loads: int, work: Path) -> tuple[float, float]:
    """(median seconds to the district page's first content, the plain floor's), cold, in one Voila."""
    import bench_dashboards as pages
    served = pages.served_pages(work)
    results = pages.run("cold", ["floor", "district"], loads, served, db, work, files)
    return (statistics.median(c for c, _ in results["district"]), statistics.median(c for c, _ in results["floor"]))


def bench_reports(db: str, names: list[str], work: Path) -> list[tuple[str, float, float, str]]:
    """Each report rendered on the whole city against papermill running a notebook that only imports pandas."""
    import nbformat
    import papermill

    from portfolio_lib.research.report import render_report
    empty = work / "floor.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas")], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}), empty)
    start = time.perf_counter()
    papermill.execute_notebook(str(empty), str(work / "floor-out.ipynb"), kernel_name="python3", progress_bar=False)
    floor = time.perf_counter() - start
    parameters = {"databases": [db], "exports": [], "schools": [], "years": [], "k": 10, "figures_dir": ""}
    rows = []
    for name in names:
        start = time.perf_counter()
        render_report(name, work / "reports", parameters)
        seconds = time.perf_counter() - start
        kernel = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2 ** 10
        rows.append((f"research report '{name}' on the whole city", seconds, floor,
                     f"kernels' largest memory {kernel:,.0f} MiB"))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--backend", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loads", type=int, default=3, help="page loads in the browser (0: no browser)")
    parser.add_argument("--reports", default="trends,funnel", help="research reports to render ('' for none)")
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
            files = folder / f"{backend}.files"
            wb = Workbench.open(url, files=files, clock=lambda: AS_OF)
            start = time.perf_counter()
            built = build_city(wb, args.schools, students=args.students, as_of=AS_OF)
            seconds = time.perf_counter() - start
            rows = measure(wb, args.schools, args.repeat)
            rate, floor, count = bench_import(wb, backend, min(args.repeat, 3), args.students)
            rows.insert(0, (f"import of one more school's {count:,} course records", count / rate, count / floor,
                            f"{rate:,.0f} against {floor:,.0f} rows/s"))
            if backend == "sqlite":
                if args.loads:
                    page, plain = bench_page(url, files, args.loads, folder)
                    rows.append(("the district page's first content, cold (s)", page, plain, "median"))
                reports = [name for name in args.reports.split(",") if name]
                rows += bench_reports(url, reports, folder) if reports else []
            results[backend] = (built, seconds, rows)
            wb.engine.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    for backend, (built, seconds, rows) in results.items():
        print(f"\n{backend}: {args.schools} schools, {built['students']:,} students enrolled in {YEAR}, "
              f"{built['outcomes']:,} outcomes; built in {seconds:.0f} s "
              f"({built['students'] / seconds:,.0f} enrolled students a second); questions best of {args.repeat}")
        print(f"{'measure':<52} {'ours s':>9} {'floor s':>9} {'ratio':>7}   note")
        print("-" * 100)
        for label, ours, floor, note in rows:
            print(f"{label:<52} {ours:>9.4f} {floor:>9.4f} {ours / floor:>7.2f}   {note}")
    print("\nfloors: the same counts as plain GROUP BYs through the same driver, rows fetched, no frame built; the raw "
          "write of the same rows in one transaction; the plain px.bar notebook in the same Voila; papermill running "
          "a notebook that imports pandas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
