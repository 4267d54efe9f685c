"""Where a page's kernel time goes, page by page, against the plain floor: imports, opening the database,
building the page, and what it sends to the browser.

    python benchmarks/bench_page_kernel.py [--students 1500] [--runs 3]

Each page is built in a fresh Python process (so its imports are cold, as in a new kernel) on a demo
school, the best of --runs: seconds to import what the page's notebook imports, to open the workbench
from the environment (as the pages do), and to build the page; then the number of widgets it made
and the bytes of their state (what Voila sends to the browser with the page). The floor does what a
notebook showing one `px.bar` figure does in its kernel: import pandas and plotly express, build the
figure and turn it into its output (plotly's renderers).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from portfolio_lib.demo import build_demo
from portfolio_lib.services.config import fixed_clock
from portfolio_lib.services.unit_of_work import Workbench

AS_OF = "115/11/28 10:00"
PAGES = ["index", "counselor", "homeroom", "teacher", "consultant", "submission", "research", "cabinet", "access"]

FLOOR = """
import json, time
t0 = time.perf_counter()
import pandas as pd
import plotly.express as px
t1 = time.perf_counter()
figure = px.bar(pd.DataFrame({"x": list("ABCDEFGHIJ"), "y": range(10)}), x="x", y="y")
import plotly.io as pio
bundle = pio.renderers["plotly_mimetype"].to_mimebundle(figure.to_dict())
t2 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "open": 0.0, "build": t2 - t1, "widgets": 0,
                  "state": len(json.dumps(bundle, default=str))}))
"""

PAGE = """
import json, sys, time
key = sys.argv[1]
t0 = time.perf_counter()
from ipywidgets.widgets.widget import _instances as live
if key == "index":
    from portfolio_lib.ui.landing import LandingPage
else:
    from portfolio_lib.ui import open_dashboard
t1 = time.perf_counter()
from portfolio_lib.services.unit_of_work import Workbench
Workbench.from_environment()
t2 = time.perf_counter()
before = set(live)
page = LandingPage.from_environment() if key == "index" else open_dashboard(key)
t3 = time.perf_counter()
made = [w for k, w in list(live.items()) if k not in before]
state = sum(len(json.dumps(w.get_state(), default=str)) for w in made)
print(json.dumps({"imports": t1 - t0, "open": t2 - t1, "build": t3 - t2, "widgets": len(made), "state": state}))
"""


def measure(script: str, key: str, env: dict, runs: int) -> dict:
    best: dict = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", script, key], env=env, capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()[-1]
        figures = json.loads(out)
        total = figures["imports"] + figures["open"] + figures["build"]
        if not best or total < best["total"]:
            best = {**figures, "total": total}
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="portfolio-bench-kernel-"))
    db = work / "demo.sqlite"
    build_demo(Workbench.open(db, clock=fixed_clock(AS_OF)), students=args.students, as_of=fixed_clock(AS_OF)())
    env = {**os.environ, "PORTFOLIO_DB": str(db), "PORTFOLIO_AS_OF": AS_OF}
    rows = {"floor": measure(FLOOR, "floor", env, args.runs)}
    for key in PAGES:
        rows[key] = measure(PAGE, key, env, args.runs)
    floor = rows["floor"]["total"]
    print(f"kernel time per page, best of {args.runs} fresh processes, demo school of {args.students} students")
    print(f"{'page':<12}{'imports s':>10}{'open s':>8}{'build s':>9}{'total s':>9}{'/floor':>8}{'widgets':>9}"
          f"{'state KB':>10}")
    print("-" * 75)
    for key, r in rows.items():
        print(f"{key:<12}{r['imports']:>10.2f}{r['open']:>8.2f}{r['build']:>9.2f}{r['total']:>9.2f}"
              f"{r['total'] / floor:>8.2f}{r['widgets']:>9}{r['state'] / 1024:>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
