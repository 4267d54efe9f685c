"""Benchmarks of the research workbench, each against a floor measured in the same run.

    python benchmarks/bench_research.py [--students 1500] [--schools 2] [--repeat 3]

Builds demo schools (one database each) and prints a table:
- reading them through the de-identified view, one school at a time as the analyses do, against reading the same
  rows raw with sqlite3 (`SELECT` of the outcome, 多元表現, enrolment and student rows, no joins);
- peak Python memory of that read (tracemalloc): one school's tables at a time;
- every analysis on the combined data, and all of them together;
- rendering one report with papermill and nbconvert, against papermill running a notebook that
  only imports pandas (the kernel start and notebook run every report pays).
Figures are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import tracemalloc
from datetime import datetime
from pathlib import Path

import nbformat
import papermill
from timing import best_of

from portfolio_lib.demo import build_demo
from portfolio_lib.research import analyses as a
from portfolio_lib.research.report import render_report
from portfolio_lib.research.sources import load_research_data
from portfolio_lib.services.unit_of_work import Workbench

AS_OF = datetime(2026, 11, 28, 10, 0)
ANALYSES = {
    "categories_by_year_grade": a.categories_by_year_grade, "categories_beside_slide": a.categories_beside_slide,
    "pass_rates_by_domain": a.pass_rates_by_domain, "time_to_certification": a.time_to_certification,
    "deadline_crowding": a.deadline_crowding, "funnel_by_cohort": a.funnel_by_cohort,
    "funnel_by_class": a.funnel_by_class, "selection_choices": a.selection_choices,
    "selections_per_student": a.selections_per_student, "trends": a.trends, "category_trends": a.category_trends,
}
RAW = ("SELECT * FROM outcomes", "SELECT * FROM performances", "SELECT * FROM enrolments",
       "SELECT * FROM students", "SELECT * FROM certifications")


def raw_read(databases: list[Path]):
    for db in databases:
        with sqlite3.connect(db) as conn:
            for query in RAW:
                conn.execute(query).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--schools", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-research-"))
    databases = []
    for n in range(args.schools):
        db = folder / f"school{n + 1}.sqlite"
        build_demo(Workbench.open(db), seed=115 + n, students=args.students, as_of=AS_OF,
                   school_code=f"9993{n + 1:02d}", school_name=f"示範高中 {n + 1}")
        databases.append(db)

    rows = []
    floor = best_of(args.repeat, lambda: raw_read(databases))
    data = load_research_data(databases)

    def read_all():
        for _ in data.parts():
            pass
    read = best_of(args.repeat, read_all)
    rows.append(("raw sqlite3 read of the same tables (floor)", floor, ""))
    rows.append(("de-identified read, all schools, one at a time", read, f"{read / floor:.2f}× floor"))
    tracemalloc.start()
    read_all()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rows.append(("peak Python memory of that read (MB)", peak / 2 ** 20, ""))
    total = 0.0
    for name, analysis in ANALYSES.items():
        seconds = best_of(args.repeat, lambda analysis=analysis: analysis(data, 10))
        total += seconds
        rows.append((f"analysis: {name}", seconds, ""))
    rows.append(("all analyses", total, f"{total / read:.2f}× the read"))

    empty = folder / "floor.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas")],
                                            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                     "language": "python"}}), empty)
    kernel = best_of(args.repeat, lambda: papermill.execute_notebook(
        str(empty), str(folder / "floor-out.ipynb"), kernel_name="python3", progress_bar=False))
    parameters = {"databases": [str(db) for db in databases], "exports": [], "schools": [], "years": [], "k": 10,
                  "figures_dir": ""}
    report = best_of(args.repeat, lambda: render_report("trends", folder / "reports", parameters))
    rows.append(("papermill, a notebook importing pandas (floor)", kernel, ""))
    rows.append(("trends report: papermill + HTML", report, f"{report / kernel:.2f}× floor"))

    sizes = data.summary()[["enrolments", "outcomes", "performances"]].sum()
    print(f"\n{args.schools} demo schools × {args.students} students a year, 3 years: {sizes['enrolments']:,} "
          f"enrolments, {sizes['outcomes']:,} outcomes, {sizes['performances']:,} 多元表現 (best of {args.repeat})\n")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>9}  ratio")
    for label, value, ratio in rows:
        print(f"{label:<{width}}  {value:>9.3f}  {ratio}")


if __name__ == "__main__":
    main()
