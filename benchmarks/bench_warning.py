"""How good the early warning is, and how fast it lists a whole school, against the dashboards' floor.

    python benchmarks/bench_warning.py [--students 1500] [--loads 3] [--no-floor]

A demo school stands at 116/01/18 10:00, 7.6 days before 115-1's first upload deadline. For each deadline of its last
finished term (114-2's two upload stages, and the 114 school year's 多元表現 and selection windows, which close in
that term's summer) and each horizon of the policy, the table prints precision, recall and F1 of the rules and of
the model (trained on the earlier terms, checked on that one), the spread of the model's F1 over ten repeated
splits, and whether the gate lets the model be shown.

Then the time to list the whole school's warnings for the open deadline (every student of 1,500, as a counselor
asks): the first call in this process (scikit-learn imported, models fitted), a call with the models to fit again,
and a call with them fitted; beside them the floor, the first render of the plainest Voila page (one plotly bar
chart, `benchmarks/floor.ipynb`) in Debian's Chromium, median of --loads cold loads in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import best_of  # noqa: E402

from portfolio_lib.demo import build_demo  # noqa: E402
from portfolio_lib.domain.calendar import Term  # noqa: E402
from portfolio_lib.domain.warning import Deadline  # noqa: E402
from portfolio_lib.queries import warning as q  # noqa: E402
from portfolio_lib.queries.viewer import viewer_by_staff_no  # noqa: E402
from portfolio_lib.services.config import fixed_clock  # noqa: E402
from portfolio_lib.services.unit_of_work import Workbench  # noqa: E402

AS_OF = "116/01/18 10:00"


def quality(wb: Workbench, now):
    history = q.load_history(wb.engine, 1)
    table = q.evaluation(history, now, wb.policy.rules(Term.of(now.date())))
    print(f"\nEarly warning on the last finished deadlines (trained on the earlier terms); as of {AS_OF}")
    print(f"{'deadline':<22} {'days':>4} {'checked on':<10} {'missed':>8}  {'rules P/R/F1':<17} "
          f"{'model P/R/F1':<17} {'spread':>6}  shown")
    print("-" * 100)
    for row in table.itertuples():
        rules = f"{row.rules_precision:.2f}/{row.rules_recall:.2f}/{row.rules_f1:.2f}"
        model = f"{row.model_precision:.2f}/{row.model_recall:.2f}/{row.model_f1:.2f}"
        print(f"{Deadline(row.deadline).label:<16} {row.horizon:>4} {row.test_term:<10} "
              f"{row.missed:>4}/{row.students:<4}  {rules:<17} {model:<17} {row.spread:>6.3f}  "
              f"{'yes' if row.shown else 'no: ' + row.why_not}")
    return table


def speed(wb: Workbench, now) -> dict:
    viewer = viewer_by_staff_no(wb.engine, "T0003")             # a counselor: every class of the school
    term = Term(115, 1)

    def listing():
        return q.warnings(wb.engine, viewer, Deadline.STAGE_1, term, now, wb.policy)

    start = time.perf_counter()
    listed = listing()
    first = time.perf_counter() - start

    def refit():
        q._FITTED.clear()
        listing()
    return {"students": int(q.frame_at(q.load_history(wb.engine, 1), Deadline.STAGE_1, 115, 1,
                                       listed.closes, now).shape[0]),
            "listed": len(listed.table), "method": listed.method, "first call": first,
            "models to fit": best_of(3, refit), "models fitted": best_of(3, listing),
            "history read": best_of(3, lambda: q.load_history(wb.engine, 1))}


def floor_first_render(db: Path, loads: int, work: Path) -> float:
    """Median first content of the plain floor page, cold, in Debian's Chromium (bench_dashboards' own probe)."""
    import bench_dashboards as bd
    from playwright.sync_api import sync_playwright
    served = bd.served_pages(work)
    server, base = bd.serve(served, db, preheat=False, log=work / "voila.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=bd.CHROMIUM_ARGS)
            bd.load(browser, base, "floor")                           # warms the browser and server; not counted
            seen = [bd.load(browser, base, "floor")[0] for _ in range(loads)]
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    return statistics.median(seen)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--no-floor", action="store_true", help="skip the Voila floor (no browser)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="portfolio-bench-warning-"))
    try:
        db = work / "demo.sqlite"
        now = fixed_clock(AS_OF)()
        wb = Workbench.open(db, clock=fixed_clock(AS_OF))
        build_demo(wb, students=args.students, as_of=now)
        figures = speed(wb, now)            # first: its first call imports scikit-learn, as a page's first does
        quality(wb, now)
        floor = None if args.no_floor else floor_first_render(db, args.loads, work)
        print(f"\nListing the open deadline ({Term(115, 1).label}第一階段) for a counselor: {figures['students']} "
              f"students, {figures['listed']} listed, by the {figures['method']}")
        print(f"{'':<30} {'seconds':>8} {'× floor':>8}")
        for name in ("first call", "models to fit", "models fitted", "history read"):
            ratio = f"{figures[name] / floor:>8.2f}" if floor else f"{'':>8}"
            print(f"{name:<30} {figures[name]:>8.3f} {ratio}")
        if floor:
            print(f"{'floor: plain Voila chart page':<30} {floor:>8.3f} {1:>8.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
