"""Time from request to the first chart visible, per dashboard, against a floor notebook, in headless Chromium.

    python benchmarks/bench_dashboards.py [--loads 3] [--students 1500] [--preheat]

Serves a copy of dashboards/ plus benchmarks/floor.ipynb (imports pandas and plotly, draws one
chart) from one Voila server on the demo school, loads each page --loads times in Debian's
Chromium and prints the median seconds to the first visible chart, and the ratio to the floor.
With --preheat, Voila keeps a preheated kernel per notebook (as scripts/serve.sh does) and each
load waits for the pool to refill first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from portfolio_lib.demo import build_demo
from portfolio_lib.services.config import fixed_clock
from portfolio_lib.services.unit_of_work import Workbench

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "115/11/28 10:00"
PAGES = ["floor.ipynb", "index.ipynb", "counselor.ipynb", "homeroom.ipynb", "teacher.ipynb", "research.ipynb"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--preheat", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="portfolio-bench-ui-"))
    served = work / "served"
    shutil.copytree(ROOT / "dashboards", served, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "benchmarks" / "floor.ipynb", served / "floor.ipynb")
    db = work / "demo.sqlite"
    build_demo(Workbench.open(db, clock=fixed_clock(AS_OF)), students=args.students, as_of=fixed_clock(AS_OF)())
    port = free_port()
    env = {**os.environ, "PORTFOLIO_DB": str(db), "PORTFOLIO_AS_OF": AS_OF}
    command = [str(Path(sys.executable).with_name("voila")), str(served), "--Voila.ip=127.0.0.1", f"--port={port}",
               "--no-browser"]
    if args.preheat:
        command += ["--preheat_kernel=True", "--pool_size=1"]
    log = open(work / "voila.log", "wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, list[float]] = {}
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(base + "/", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        if args.preheat:
            time.sleep(45)                      # let every pool fill before the first load
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for _ in range(args.loads):
                for name in PAGES:
                    page = browser.new_page(viewport={"width": 1366, "height": 768})
                    start = time.perf_counter()
                    page.goto(f"{base}/voila/render/{name}", timeout=180_000)
                    page.locator(".js-plotly-plot .main-svg").first.wait_for(state="visible", timeout=180_000)
                    results.setdefault(name, []).append(time.perf_counter() - start)
                    page.close()
                    if args.preheat:
                        time.sleep(20)          # the pool refills before the next load of any page
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    floor = statistics.median(results["floor.ipynb"])
    mode = "preheated kernels" if args.preheat else "a kernel started per load"
    print(f"first chart visible, median of {args.loads} loads, {mode}, demo school of {args.students} students")
    print(f"{'page':<18} {'seconds':>8} {'floor':>8} {'ratio':>7}   all loads")
    print("-" * 70)
    for name in PAGES:
        median = statistics.median(results[name])
        loads = " ".join(f"{v:.2f}" for v in results[name])
        print(f"{name:<18} {median:>8.2f} {floor:>8.2f} {median / floor:>7.2f}   {loads}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
