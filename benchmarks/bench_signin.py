"""Deadline evening on one server: N people sign in through the real hub and open their pages.

    sudo .venv/bin/python benchmarks/bench_signin.py [--students 1500] [--users 10 25 50] [--spread 60]

Starts a trial deployment (slapd, JupyterHub and its proxy, the dashboards service) on a demo school,
then for each N: N people arrive spread evenly over --spread seconds (and, as the stress case, all
in the same second); four in five are students who open their cabinet and upload a 1-4 MB PDF
through its drop zone, one in five teachers who open their certification queue. Each person is a
client speaking what the page's script speaks (the login form, the page, the kernel websocket), so
the server does all a browser would make it do; drawing in a browser is the visitor's own machine's.

Printed per case: seconds from submitting the login form to the page's widgets arriving (first
render) at p50 and p95, against one person alone measured in the same run (the floor); uploads
stored and refused; the deployment's memory at its peak, and per person over the idle deployment.

Before the cases, one person at a time in Debian's Chromium (--browser-loads times each, median):
seconds from pressing 登入 to the landing page's first content being visible (a student's cabinet,
a staff member's landing page and its chart), and from opening each staff dashboard, signed in, to
its first content; against the plain floor measured in the same run: `benchmarks/floor.ipynb` (a
notebook that imports pandas and plotly and shows one `px.bar` chart) in a plain Voila of the
deployment's own Python, with no sign-in. First content is taken in the page as bench_dashboards
takes it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_dashboards as pages_bench  # noqa: E402  (same folder: its probes and in-page timing)

from portfolio_lib.demo.samples import make_pdf  # noqa: E402
from portfolio_lib.deploy.client import Person  # noqa: E402
from portfolio_lib.deploy.trial import PYTHON, free_ports, start_trial, stop_trial  # noqa: E402

MB = 1024 * 1024


@dataclass
class Visit:
    login: str
    page: str
    started: float = 0.0
    rendered: float | None = None
    upload: str = ""
    error: str = ""

    @property
    def seconds(self) -> float | None:
        return None if self.rendered is None else self.rendered - self.started


@dataclass
class Memory:
    """The deployment's resident memory, sampled while a case runs."""

    trial: object
    peak: int = 0
    samples: list = field(default_factory=list)
    cpu: tuple = (0.0, 0.0)

    def now(self) -> int:
        total = 0
        for p in self.trial.processes():
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def watch(self, stop: threading.Event):
        while not stop.is_set():
            value = self.now()
            self.samples.append(value)
            self.peak = max(self.peak, value)
            stop.wait(0.5)


def visit(trial, v: Visit, pdf: bytes, pages: list):
    person = Person(trial.base)
    v.started = time.monotonic()
    try:
        person.sign_in(v.login, trial.passwords[v.login])
        page = person.open(v.page, timeout=600)
        v.rendered = time.monotonic()
        pages.append(page)
        if v.page == "cabinet.ipynb":
            v.upload = upload(page, pdf)
    except Exception as err:  # a failure is a result of the benchmark: counted and printed
        v.error = f"{type(err).__name__}: {err}"[:160]


def upload(page, pdf: bytes) -> str:
    """Choose the first subject, write a description, drop the PDF, press 儲存; what the status line says."""
    courses = [k for k, s in page.states.items() if s.get("_model_name") == "DropdownModel"
               and s.get("description") == "科目" and s.get("_options_labels")]
    zones = [k for k, s in page.states.items() if s.get("_model_name") == "AnyModel" and s.get("label") == "文件檔案"]
    texts = [k for k, s in page.states.items() if s.get("_model_name") == "TextareaModel"
             and s.get("description") == "內容簡述"]
    saves = page.widgets("ButtonModel", description="儲存")
    if not (courses and zones and texts and saves):
        return "no upload form"
    page.update(courses[0], settle=0, index=0)
    page.update(texts[0], settle=0, value="期末報告：函數圖形的探究")
    page.custom(zones[0], {"names": ["報告.pdf"]}, [pdf], settle=0)
    page.click(saves[0], settle=0)
    def said(m) -> str:
        if m.get("msg_type") != "comm_msg":
            return ""
        return str(m["content"].get("data", {}).get("state", {}).get("value", ""))
    status = page.wait_for(lambda m: "已上傳「" in said(m) or "已更新「" in said(m) or "pf-error" in said(m),
                           seconds=300)
    return "refused" if "pf-error" in said(status) else "stored"


def run_case(trial, people: list[tuple[str, str]], spread: float, pdfs: list[bytes]) -> tuple[list[Visit], Memory]:
    """One case; also the CPU seconds the deployment and this client spent on it (they share the machine)."""
    visits = [Visit(login, page) for login, page in people]
    cpu_before = (cpu_of(trial.processes()), cpu_of([psutil.Process()]))
    memory, stop, pages = Memory(trial), threading.Event(), []
    watcher = threading.Thread(target=memory.watch, args=(stop,), daemon=True)
    watcher.start()
    threads = []
    start = time.monotonic()
    for i, v in enumerate(visits):
        delay = start + (spread * i / max(len(visits) - 1, 1) if spread else 0) - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        t = threading.Thread(target=visit, args=(trial, v, pdfs[i % len(pdfs)], pages), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join(900)
    time.sleep(1)
    stop.set()
    watcher.join()
    memory.cpu = (cpu_of(trial.processes()) - cpu_before[0], cpu_of([psutil.Process()]) - cpu_before[1])
    for page in pages:
        page.close()
    return visits, memory


def cpu_of(processes) -> float:
    """CPU seconds of these processes and their finished children so far (user and system)."""
    total = 0.0
    for p in processes:
        try:
            times = p.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            pass
    return total


def settle(trial, baseline: int, timeout: float = 120):
    """Wait until the pages' kernels of the last case are gone and memory is back near the idle deployment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = [p for p in trial.processes() if "ipykernel_launcher" in " ".join(p.cmdline())]
        if not kernels:
            return
        time.sleep(2)


PARTS = {"page's kernel": "ipykernel_launcher", "dashboards service": "portfolio_lib.deploy.web",
         "hub": "jupyterhub -f", "proxy": "configurable-http-proxy", "directory": "slapd"}


def cpu_breakdown(trial, login: str) -> dict[str, float]:
    """CPU seconds each part of the deployment spends while one person signs in and opens their cabinet."""
    def by_part() -> dict[str, float]:
        totals = dict.fromkeys(PARTS, 0.0)
        for p in trial.processes():
            line = " ".join(p.cmdline())
            for part, mark in PARTS.items():
                if mark in line:
                    totals[part] += cpu_of([p])
        return totals
    before = by_part()
    person = Person(trial.base)
    person.sign_in(login, trial.passwords[login])
    page = person.open("cabinet.ipynb")
    after = by_part()                      # the page's kernel is new: all its CPU is this visit's
    page.close()
    settle(trial, 0)
    return {part: after[part] - before[part] for part in PARTS}


def accounts(trial) -> dict[str, tuple[str, list[str]]]:
    """A student, a course teacher, a homeroom teacher and a counselor, with the dashboards each opens."""
    def first(query: str) -> str:
        return trial.sql(query)[0][0]
    only = "st.id NOT IN (SELECT staff_id FROM staff_roles WHERE role != '{role}')"
    return {
        "student": (first("SELECT s.login FROM students s JOIN enrolments e ON e.student_id = s.id "
                          "WHERE e.academic_year = 115 ORDER BY s.id LIMIT 1"), []),
        "course teacher": (first("SELECT st.login FROM staff st JOIN course_sections c ON c.teacher_id = st.id "
                                 f"WHERE c.academic_year = 115 AND {only.format(role='teacher')} ORDER BY st.id"),
                           ["teacher"]),
        "homeroom teacher": (first("SELECT st.login FROM staff st JOIN classes c ON c.homeroom_teacher_id = st.id "
                                   "WHERE c.academic_year = 115 AND st.id NOT IN (SELECT staff_id FROM staff_roles "
                                   "WHERE role IN ('counselor', 'admin')) ORDER BY c.name"), ["homeroom", "teacher"]),
        "counselor": (first("SELECT st.login FROM staff st JOIN staff_roles r ON r.staff_id = st.id "
                            "WHERE r.role = 'counselor' ORDER BY st.id"), ["counselor", "research"]),
    }


def import_seconds(trial) -> float:
    """A fresh interpreter of the deployment importing what every page's kernel imports, as the service user."""
    import subprocess

    from portfolio_lib.deploy.trial import PYTHON
    code = ("import time; t = time.perf_counter(); import ipykernel.ipkernel, pandas, plotly.graph_objects, "
            "ipywidgets, portfolio_lib.ui.cabinet, portfolio_lib.ui.identity; print(time.perf_counter() - t)")
    runs = [float(subprocess.run(["runuser", "-u", trial.service_user, "--", str(PYTHON), "-c", code],
                                 capture_output=True, text=True, check=True, cwd="/").stdout) for _ in range(3)]
    return statistics.median(runs)


def plain_floor(loads: int, browser) -> list[float]:
    """First content of the plain floor notebook in a plain Voila of the deployment's Python, cold kernels."""
    folder = Path(tempfile.mkdtemp(prefix="pf-floor-"))
    shutil.copy(Path(__file__).with_name("floor.ipynb"), folder / "floor.ipynb")
    (port,) = free_ports(1)
    server = subprocess.Popen([str(PYTHON), "-m", "voila", str(folder), "--Voila.ip=127.0.0.1", f"--port={port}",
                               "--no-browser"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True, cwd=folder)
    try:
        base = f"http://127.0.0.1:{port}"
        pages_bench.wait_until_answers(base)
        pages_bench.load(browser, base, "floor")         # the first load warms the server; not counted
        return [pages_bench.load(browser, base, "floor")[0] for _ in range(loads)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


LANDING = ".pf-home, " + pages_bench.CHART          # a student's cabinet, or a staff member's landing chart


def signed_in_visit(trial, browser, login: str, dashboards: list[str]) -> dict[str, float]:
    """One person in a fresh browser: press 登入 and time the landing page's first content; then open each
    of `dashboards` and time its first content."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(trial.base + "/hub/login", timeout=pages_bench.TIMEOUT)
    page.get_by_label("帳號").fill(login)
    page.get_by_label("密碼").fill(trial.passwords[login])
    pages_bench.watch(page, LANDING)
    pressed = time.time()
    page.get_by_role("button", name="登入").click()
    times = {"sign-in": pages_bench.first_seen(page, wall_clock=True) - pressed}
    for name in dashboards:
        tab = context.new_page()
        pages_bench.watch(tab, pages_bench.PROBES[name].content)
        tab.goto(f"{trial.base}/services/portfolio/voila/render/{name}.ipynb", timeout=pages_bench.TIMEOUT)
        times[name] = pages_bench.first_seen(tab)
        pages_bench.leave(tab)
    pages_bench.leave(page)
    context.close()
    return times


def browser_section(trial, loads: int, who: dict[str, tuple[str, list[str]]]):
    """Sign-in to first render, and each dashboard signed in, one person at a time, against the plain floor."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=pages_bench.CHROMIUM_ARGS)
        floor = statistics.median(plain_floor(loads, browser))
        rows: dict[str, list[float]] = {}
        for _ in range(loads):
            for role, (login, dashboards) in who.items():
                for name, seconds in signed_in_visit(trial, browser, login, dashboards).items():
                    rows.setdefault(f"{role}: {'sign-in → landing' if name == 'sign-in' else name}", []).append(
                        seconds)
                settle(trial, 0)
        browser.close()
    print(f"\nin Chromium, one person at a time (median of {loads}); the plain floor, a plain Voila showing one "
          f"px.bar chart: {floor:.2f} s")
    print(f"{'what':<36}{'first content s':>16}{'/floor':>8}   loads")
    for what, times in rows.items():
        median = statistics.median(times)
        print(f"{what:<36}{median:>16.2f}{median / floor:>8.2f}   {' '.join(f'{t:.1f}' for t in times)}")
    print(flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--users", type=int, nargs="*", default=[10, 25, 50])
    parser.add_argument("--spread", type=float, default=60)
    parser.add_argument("--floor-runs", type=int, default=3)
    parser.add_argument("--browser-loads", type=int, default=3, help="0 leaves out the browser section")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))     # stopped: the trial is still taken down

    print(f"starting a trial deployment on a demo school of {args.students} students …", flush=True)
    started = time.monotonic()
    trial = start_trial(students=args.students, kernel_idle_minutes=30, service_user="pfbench-web",
                        researcher_prefix="pfbench-r-")
    print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
    try:
        students = [r[0] for r in trial.sql(
            "SELECT s.login FROM students s JOIN enrolments e ON e.student_id = s.id JOIN classes c ON "
            "c.id = e.class_id WHERE e.academic_year = 115 ORDER BY c.grade, c.name, e.seat_no")]
        teachers = [r[0] for r in trial.sql(
            "SELECT DISTINCT st.login FROM staff st JOIN course_sections s ON s.teacher_id = st.id "
            "WHERE s.academic_year = 115 ORDER BY st.login")]
        pdfs = [make_pdf([f"benchmark report {i}"], size=size)
                for i, size in enumerate((1 * MB, 2 * MB, 4 * MB - 4096))]
        if args.browser_loads:
            browser_section(trial, args.browser_loads, accounts(trial))
        idle = Memory(trial).now()
        floor_times = []
        for i in range(args.floor_runs):
            visits, _ = run_case(trial, [(students[-1 - i], "cabinet.ipynb")], 0, pdfs)
            if visits[0].seconds is None:
                raise RuntimeError(visits[0].error)
            floor_times.append(visits[0].seconds)
            settle(trial, idle)
        floor = statistics.median(floor_times)
        print(f"\nidle deployment: {idle / MB:,.0f} MB; one person alone, sign-in to first render: "
              f"{floor:.2f} s (median of {args.floor_runs})", flush=True)
        print("where one person's CPU goes (sign-in and the cabinet, no upload): " + ", ".join(
            f"{part} {seconds:.2f} s" for part, seconds in cpu_breakdown(trial, students[0]).items()))
        print(f"of the kernel's, importing what a page needs: {import_seconds(trial):.2f} s\n", flush=True)
        header = (f"{'case':<24}{'done':>6}{'failed':>7}{'p50 s':>8}{'p95 s':>8}{'p95/floor':>10}"
                  f"{'stored':>8}{'refused':>8}{'peak MB':>9}{'MB/person':>10}{'server cpu s/person':>21}"
                  f"{'client cpu s/person':>21}")
        if args.users:
            print(header)
        used = 0
        for n in args.users:
            for spread, label in ((args.spread, f"{n} over {args.spread:.0f} s"), (0, f"{n} in the same second")):
                people = []
                for i in range(n):
                    if i % 5 == 4:
                        people.append((teachers[(used + i) % len(teachers)], "teacher.ipynb"))
                    else:
                        people.append((students[used + i], "cabinet.ipynb"))
                used += n
                visits, memory = run_case(trial, people, spread, pdfs)
                times = [v.seconds for v in visits if v.seconds is not None]
                failed = [v for v in visits if v.error]
                p50, p95 = (statistics.median(times), percentile(times, 0.95)) if times else (float("nan"),) * 2
                print(f"{label:<24}{len(times):>6}{len(failed):>7}{p50:>8.2f}{p95:>8.2f}{p95 / floor:>10.2f}"
                      f"{sum(v.upload == 'stored' for v in visits):>8}{sum(v.upload == 'refused' for v in visits):>8}"
                      f"{memory.peak / MB:>9,.0f}{(memory.peak - idle) / MB / n:>10.0f}"
                      f"{memory.cpu[0] / n:>21.2f}{memory.cpu[1] / n:>21.2f}", flush=True)
                for v in failed[:3]:
                    print(f"    failed: {v.login} {v.page}: {v.error}")
                settle(trial, idle)
        print(f"\nfloor: one person alone; p95/floor is the case's p95 over it. Machine: {psutil.cpu_count()} cores, "
              f"{psutil.virtual_memory().total / 1024 ** 3:.0f} GiB.")
    finally:
        stop_trial(trial)
    return 0


if __name__ == "__main__":
    sys.exit(main())
