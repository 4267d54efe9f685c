"""The workbench on PostgreSQL against raw psycopg, each floor measured in the same run on the same server.

    python benchmarks/bench_postgres.py [--students 1500] [--repeat 3]

Starts a throwaway PostgreSQL server (Debian's postgresql, fsync on, as tests/postgres.py starts it) and
prints:
  - the course-record import (the importer: read the file, check every row against the database, COPY the new
    rows) against raw psycopg COPY of the same rows in one transaction, each into a fresh copy of the same
    school (a database copied from one template);
  - the demo school built on PostgreSQL and on a SQLite file.
Figures are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_core import ADMIN, AS_OF, rostered_school  # noqa: E402  (same folder)

from portfolio_lib import services  # noqa: E402
from portfolio_lib.demo import build_demo  # noqa: E402
from portfolio_lib.services.unit_of_work import Workbench  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402


def bench_import(server: PostgresServer, folder: Path, students: int, repeat: int) -> dict:
    server.execute("CREATE DATABASE base")
    csv = rostered_school(Workbench.open(server.url("base"), files=folder / "files", clock=lambda: AS_OF), students)
    rows, imports, floors = None, [], []
    for n in range(repeat):
        server.execute(f"CREATE DATABASE import_{n} TEMPLATE base")
        run = Workbench.open(server.url(f"import_{n}"), files=folder / "files", clock=lambda: AS_OF)
        start = time.perf_counter()
        services.import_file(run.uow(), "course_records", csv, name="records.csv", actor=ADMIN)
        imports.append(time.perf_counter() - start)
        if rows is None:
            with run.engine.connect() as conn:
                rows = [tuple(r) for r in conn.exec_driver_sql(
                    "SELECT student_id, section_id, score, mode FROM course_records ORDER BY id")]
        run.engine.dispose()
    for n in range(repeat):
        server.execute(f"CREATE DATABASE floor_{n} TEMPLATE base")
        with psycopg.connect(server.url(f"floor_{n}").replace("+psycopg", "")) as conn:
            start = time.perf_counter()
            with conn.cursor().copy("COPY course_records (student_id, section_id, score, mode) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.commit()
            floors.append(time.perf_counter() - start)
    return {"rows": len(rows), "import": min(imports), "floor": min(floors)}


def bench_demo(server: PostgresServer, folder: Path, students: int) -> dict:
    server.execute("CREATE DATABASE demo")
    times = {}
    for name, db in (("PostgreSQL", server.url("demo")), ("SQLite", str(folder / "demo.sqlite"))):
        wb = Workbench.open(db, files=folder / f"{name}.files")
        start = time.perf_counter()
        summary = build_demo(wb, students=students, as_of=AS_OF)
        times[name] = time.perf_counter() - start
        wb.engine.dispose()
    return {"times": times, "summary": summary}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="portfolio-bench-pg-"))
    server = PostgresServer.start(durable=True)
    try:
        imp = bench_import(server, folder, args.students, args.repeat)
        demo = bench_demo(server, folder, args.students)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'measure':<52} {'figure':>12} {'floor':>12} {'ratio':>7}")
    print("-" * 86)
    rate, floor = imp["rows"] / imp["import"], imp["rows"] / imp["floor"]
    print(f"{'import course records (' + format(imp['rows'], ',') + ' rows), rows/s':<52} {rate:>12,.0f} "
          f"{floor:>12,.0f} {rate / floor:>7.2f}")
    pg, lite = demo["times"]["PostgreSQL"], demo["times"]["SQLite"]
    print(f"{'demo school (' + str(args.students) + ' students), s: PostgreSQL / SQLite':<52} {pg:>12.1f} "
          f"{lite:>12.1f} {pg / lite:>7.2f}")
    print("-" * 86)
    print("floors: raw psycopg COPY of the same rows in one transaction, into a copy of the same school; "
          "the demo built on a SQLite file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
