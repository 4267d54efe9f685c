"""Every dashboard against the plain floor: time to first visible content and to usable, cold and preheated.

    python benchmarks/bench_dashboards.py [--loads 3] [--students 1500] [--mode cold|preheated|both]
                                          [--pages index,counselor,...]

The floor is the simplest way anyone shows a chart through Voila: a notebook that imports pandas and
plotly and displays one `px.bar` figure as its output (`benchmarks/floor.ipynb`). A second reference,
`benchmarks/floor_widget.ipynb`, shows the same bar chart as a `go.FigureWidget`.

One Voila server serves a copy of dashboards/ and both floors on the demo school. Each page is loaded
--loads times in Debian's Chromium (a fresh browser context each time, so nothing is cached) and timed
from the request to
  - first content: the page's main content visible (its first chart, or its first table or cards);
  - usable: one of its controls answered (a tab built, a student opened, a filter applied).
First content is taken in the page itself: the first animation frame in which that content is laid out
and visible, in milliseconds from the navigation's start (so no polling from outside the browser adds to
it); usable is timed here from the request to the control's answer arriving.
Cold: a kernel is started per load. Preheated: Voila keeps one preheated kernel per notebook, and each
load waits until the server and its kernels are idle again (the pool refilled). The table prints medians
and their ratio to the floor's first content measured in the same run, in the same mode.
"""

from __future__ import annotations

import argparse
import json
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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psutil
from playwright.sync_api import Page, sync_playwright

from portfolio_lib.demo import build_demo
from portfolio_lib.services.config import fixed_clock
from portfolio_lib.services.unit_of_work import Workbench

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "115/11/28 10:00"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
CHART = ".js-plotly-plot .main-svg"
TIMEOUT = 180_000


def choose_second(page: Page, label: str):
    """Pick the second option of the dropdown labelled `label` (an ipywidgets Dropdown is a <select>)."""
    select = page.get_by_label(label, exact=True).first
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    select.select_option(values[1])


def changes(page: Page, target, act: Callable[[], None]):
    """Do `act`, then wait until `target` (a CSS selector or a locator) reads differently: the kernel answered."""
    target = page.locator(target).first if isinstance(target, str) else target
    before = target.inner_html()
    act()
    deadline = time.perf_counter() + TIMEOUT / 1000
    while target.inner_html() == before:
        if time.perf_counter() > deadline:
            raise TimeoutError("the page did not answer")
        page.wait_for_timeout(25)


def tab(page: Page, title: str, shows: str):
    page.locator(".lm-TabBar-tab", has_text=title).first.click()
    page.locator(shows).first.wait_for(state="visible", timeout=TIMEOUT)


@dataclass(frozen=True)
class Probe:
    """What shows that a page is up (`content`, a CSS selector) and one control answering (`use`)."""

    content: str
    use: Callable[[Page], None] | None = None


PROBES = {
    "floor": Probe(CHART),
    "floor_widget": Probe(CHART),
    "index": Probe(CHART),
    "counselor": Probe(".pf-card", lambda p: tab(p, "認證催辦", ".pf-table:has-text('認證進度') .pf-grid")),
    "homeroom": Probe(CHART, lambda p: changes(p, ".pf-table:has-text('學生的項目')",
                                               lambda: choose_second(p, "學生"))),
    "teacher": Probe(".pf-table .pf-grid", lambda p: changes(p, ".pf-preview", lambda: choose_second(p, "檢視"))),
    "consultant": Probe(".pf-table .pf-grid", lambda p: changes(p, p.get_by_label("學生", exact=True),
                                                              lambda: choose_second(p, "班級"))),
    "submission": Probe(".pf-table .pf-grid", lambda p: changes(p, ".pf-status", lambda: p.get_by_role(
        "button", name="產生提交包並鎖定").click())),     # nothing is selected this term: the page says so
    "research": Probe(CHART, lambda p: changes(p, ".pf-chart", lambda: choose_second(p, "分析項目"))),
    "cabinet": Probe(".pf-home", lambda p: changes(p, ".pf-status", lambda: p.get_by_role(
        "button", name="全部標示為已讀").click())),
    "district": Probe(CHART, lambda p: changes(p, ".pf-table:has-text('該校各班狀況')",
                                               lambda: choose_second(p, "學校"))),
    "access": Probe(".pf-access-summary", lambda p: changes(p, ".pf-status", lambda: (
        p.get_by_label("起日", exact=True).fill("115/13/01"), p.get_by_role("button", name="查詢").click()))),
}
STAFF_PAGES = ["index", "counselor", "homeroom", "teacher", "consultant", "submission", "research", "cabinet", "access",
               "district"]


# Each animation frame, until it is seen: is the content laid out and visible? (one check per frame, when the
# browser lays the page out anyway, so the watching does not slow what it watches). Kept on the page's clock
# (from its navigation's start) and on the wall clock (for a time that starts on another page, a sign-in's).
FIRST_SEEN = """(() => { window.__pfFirst = null; const selector = %s;
  const look = () => { for (const el of document.querySelectorAll(selector)) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.height > 0 && el.checkVisibility()) {
        window.__pfFirst = performance.now(); window.__pfFirstAt = Date.now(); return; } }
    requestAnimationFrame(look); };
  requestAnimationFrame(look); })();"""


def watch(page: Page, selector: str):
    """From the page's next navigation on, note when `selector` is first seen."""
    page.add_init_script(FIRST_SEEN % json.dumps(selector))


def first_seen(page: Page, wall_clock: bool = False) -> float:
    """Once seen: seconds from the page's navigation start, or the wall-clock time (epoch seconds)."""
    page.wait_for_function("window.__pfFirst !== null", timeout=TIMEOUT, polling=100)
    return page.evaluate("window.__pfFirstAt" if wall_clock else "window.__pfFirst") / 1000


def wait_until_idle(server: subprocess.Popen, most: float = 120, cpu: float = 0.05):
    """Until the server and its kernels use under `cpu` of a core over a second (a preheated pool has refilled)."""
    root = psutil.Process(server.pid)
    deadline = time.monotonic() + most

    def used() -> float:
        total = 0.0
        for p in [root, *root.children(recursive=True)]:
            try:
                times = p.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total
    while time.monotonic() < deadline:
        before = used()
        time.sleep(1)
        if used() - before < cpu:
            return
    raise TimeoutError("the Voila server did not become idle")


def leave(page: Page):
    """Close a Voila page as a person leaving it does: its unload handler asks the server to shut its kernel down."""
    page.evaluate("window.dispatchEvent(new Event('beforeunload'))")
    page.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(served: Path, db: Path | str, preheat: bool, log: Path,
          files: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PORTFOLIO_DB": str(db), "PORTFOLIO_AS_OF": AS_OF}
    if files is not None:
        env["PORTFOLIO_FILES"] = str(files)
    command = [str(Path(sys.executable).with_name("voila")), str(served), "--Voila.ip=127.0.0.1", f"--port={port}",
               "--no-browser"]
    if preheat:
        command += ["--preheat_kernel=True", "--pool_size=1"]
    server = subprocess.Popen(command, stdout=open(log, "wb"), stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_answers(base)
    return server, base


def wait_until_answers(base: str, most: float = 180):
    """Until the server at `base` answers."""
    deadline = time.monotonic() + most
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def load(browser, base: str, name: str) -> tuple[float, float]:
    """(seconds to first content, seconds to usable) of one load of page `name`."""
    probe = PROBES[name]
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    watch(page, probe.content)
    start = time.perf_counter()
    page.goto(f"{base}/voila/render/{name}.ipynb", timeout=TIMEOUT)
    content = first_seen(page)
    if probe.use is not None:
        probe.use(page)
    usable = time.perf_counter() - start
    leave(page)
    context.close()
    return content, usable


def run(mode: str, pages: list[str], loads: int, served: Path, db: Path | str, work: Path,
        files: Path | None = None) -> dict[str, list]:
    preheat = mode == "preheated"
    server, base = serve(served, db, preheat, work / f"voila-{mode}.log", files)
    results: dict[str, list] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            if preheat:
                time.sleep(10)                      # the pools start filling once the server is up …
                wait_until_idle(server, most=300)   # … and every notebook's pool has filled
            load(browser, base, "floor")        # a first load warms the browser and the server; not counted
            for _ in range(loads):
                for name in pages:
                    if preheat:
                        wait_until_idle(server)     # the pool refilled after the last load
                    results.setdefault(name, []).append(load(browser, base, name))
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    return results


def report(mode: str, results: dict[str, list], loads: int, what: str):
    floor = statistics.median(c for c, _ in results["floor"])
    print(f"\n{mode}: median of {loads} loads, {what}; ratios against the plain floor's first content ({floor:.2f} s)")
    print(f"{'page':<14} {'content s':>9} {'ratio':>6} {'usable s':>9} {'ratio':>6}   loads (content/usable)")
    print("-" * 88)
    for name, timings in results.items():
        content = statistics.median(c for c, _ in timings)
        usable = statistics.median(u for _, u in timings)
        loads_text = " ".join(f"{c:.1f}/{u:.1f}" for c, u in timings)
        print(f"{name:<14} {content:>9.2f} {content / floor:>6.2f} {usable:>9.2f} {usable / floor:>6.2f}   "
              f"{loads_text}")


def served_pages(work: Path) -> Path:
    """A copy of dashboards/ with both floors beside the pages, served by one Voila."""
    served = work / "served"
    shutil.copytree(ROOT / "dashboards", served, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for floor in ("floor.ipynb", "floor_widget.ipynb"):
        shutil.copy(ROOT / "benchmarks" / floor, served / floor)
    return served


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--mode", choices=["cold", "preheated", "both"], default="both")
    parser.add_argument("--pages", default=",".join(STAFF_PAGES))
    args = parser.parse_args(argv)
    pages = ["floor", "floor_widget", *[p for p in args.pages.split(",") if p]]
    work = Path(tempfile.mkdtemp(prefix="portfolio-bench-ui-"))
    served = served_pages(work)
    db = work / "demo.sqlite"
    build_demo(Workbench.open(db, clock=fixed_clock(AS_OF)), students=args.students, as_of=fixed_clock(AS_OF)())
    try:
        for mode in (["cold", "preheated"] if args.mode == "both" else [args.mode]):
            report(mode, run(mode, pages, args.loads, served, db, work), args.loads,
                   f"demo school of {args.students} students")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
