"""Deadline day: many uploaders at once against one school's database, each figure beside its floor.

    python benchmarks/bench_deadline.py [--seconds 20] [--levels 10 25 50] [--backends sqlite postgresql]
                                        [--students 600]

Each uploader is a separate process acting for its own students of one school, as the last hours before a deadline
bring them: it uploads course learning outcomes (a 1–4 MB PDF, three in ten with a 5–10 MB MP4 too) and 多元表現
records, sends outcomes for certification, selects records, and reads its class's progress as the homeroom page
does, for a bounded time. Students pick their course at random, so some uploads meet the rules (a course already
uploaded, the cap of six a semester): those are refusals by rule, counted by rule; anything else is an error.

For each backend and number of uploaders it prints (once every crowd has run): uploads accepted per second; the
p50/p95/p99 latency of an upload; refusals by rule; errors that are not rule refusals (goal 0); and after the run
`portfolio check`'s problems and the stored rows and files (goal: 0 lost, 0 orphaned). Two ways of writing are measured:
- the workbench's: each file hashed, written and fsynced before the write lock is taken (`UnitOfWork.stage`);
- files under the lock: the same use cases with staging turned off, each file hashed and fsynced while the use
  case holds the lock (SQLite's one write lock), as the workbench did before.
On SQLite a third: the workbench's way without its writers' queue (`adapters/db.py`, `WriterQueue`), the writers
waiting for SQLite's lock in its busy handler, which sleeps and tries again.
The floor is the file store's own write rate: the same number of processes writing files of the same sizes,
each written, fsynced and renamed into place, and nothing else (goal: uploads within 2× of it, p99 under 5 s).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import random
import shutil
import statistics
import struct
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import ADMIN, rostered_school  # noqa: E402  (same folder)

from portfolio_lib import services  # noqa: E402
from portfolio_lib.adapters import tables as t  # noqa: E402
from portfolio_lib.adapters.db import WriterQueue  # noqa: E402
from portfolio_lib.adapters.filestore import write_atomically  # noqa: E402
from portfolio_lib.demo.samples import make_pdf, media  # noqa: E402
from portfolio_lib.domain.calendar import Term  # noqa: E402
from portfolio_lib.domain.errors import PortfolioError  # noqa: E402
from portfolio_lib.domain.files import Upload  # noqa: E402
from portfolio_lib.queries.homeroom import class_progress  # noqa: E402
from portfolio_lib.queries.viewer import school_id_of, staff_directory, viewer_by_staff_no  # noqa: E402
from portfolio_lib.services.check import check_workbench  # noqa: E402
from portfolio_lib.services.unit_of_work import UnitOfWork, Workbench  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

AS_OF = datetime(2026, 11, 28, 10, 0)          # 115-1, the benchmark school's upload stage
TERM = Term(115, 1)
CODE = "999301"
MB = 1024 * 1024
ACTIONS = (("outcome", 55), ("performance", 15), ("send", 10), ("select", 10), ("read", 10))
COMPETITION = {"name": "科展", "level": "縣市級", "award": "佳作", "result_date": "115/11/01", "team": "1"}


# --- the files of an upload, as both the uploaders and the floor make them ---------------------------------


def document(rng: random.Random, label: str) -> Upload:
    return Upload(f"{label}.pdf", make_pdf([label], size=rng.randint(1 * MB, 4 * MB - 4096)))


def video(rng: random.Random, label: str) -> Upload:
    """A real MP4 (the packaged sample) grown to 5–10 MB by a `free` box carrying the label."""
    base = media("mp4")
    pad = rng.randint(5 * MB, 10 * MB - 4096) - len(base) - 8
    return Upload(f"{label}.mp4", base + struct.pack(">I4s", pad + 8, b"free") + label.encode().ljust(pad, b"\0"))


def upload_files(rng: random.Random, label: str) -> tuple[Upload, Upload | None]:
    return document(rng, label), (video(rng, label + "v") if rng.random() < 0.3 else None)


# --- the school ---------------------------------------------------------------------------------------------


def build_base(db: str, files: Path, students: int):
    """A school with its roster, course records of 115-1, and every window of deadline day open."""
    wb = Workbench.open(db, files=files, clock=lambda: AS_OF)
    records = rostered_school(wb, students, CODE, "截止日高中", close=False)
    services.import_file(wb.uow(), "course_records", records, name="records.csv", actor=ADMIN)
    opens, closes = AS_OF - timedelta(days=60), AS_OF + timedelta(days=2)
    for semester, kind in ((1, "upload_1"), (1, "certification"), (0, "performance_upload"), (0, "selection")):
        services.set_window(wb.uow(), TERM.year, semester, kind, opens, closes, school_code=CODE, actor=ADMIN)
    wb.engine.dispose()


def students_and_courses(wb: Workbench) -> dict[str, list[str]]:
    cr, cs, st = t.course_records, t.course_sections, t.students
    with wb.engine.connect() as conn:
        rows = conn.execute(select(st.c.student_no, cs.c.course_code).join(cr, cr.c.student_id == st.c.id)
                            .join(cs, cs.c.id == cr.c.section_id)
                            .where(cs.c.academic_year == TERM.year, cs.c.semester == TERM.semester)).all()
    courses: dict[str, list[str]] = {}
    for student, code in rows:
        courses.setdefault(student, []).append(code)
    return courses


# --- an uploader --------------------------------------------------------------------------------------------


MODES = {                          # how the crowd writes: files before the lock?, writers queued?
    "before the lock": (True, True),
    "no writers' queue": (True, False),
    "under the lock": (False, True),
}


def uploader(n: int, db: str, files: str, students: dict[str, list[str]], seconds: float, mode: str,
             barrier, results):
    staged, queued = MODES[mode]
    if not staged:
        UnitOfWork.stage = lambda self, *uploads: self       # files hashed and written under the lock
    if not queued:
        WriterQueue.__enter__ = lambda self: self             # writers wait in SQLite's busy handler
    rng = random.Random(n)
    wb = Workbench.open(db, files=files, clock=lambda: AS_OF, create=False)
    school_id = school_id_of(wb.engine, CODE)
    counselor = staff_directory(wb.engine, "counselor", school_id=school_id).iloc[0]
    viewer = viewer_by_staff_no(wb.engine, counselor["staff_no"], school_id)
    with wb.engine.connect() as conn:
        class_id = conn.execute(select(t.enrolments.c.class_id).join(t.students).where(
            t.students.c.student_no == next(iter(students)), t.enrolments.c.academic_year == TERM.year)).scalar()
    uploaded: list[int] = []
    performances: list[tuple[str, int]] = []
    done, count = [], 0
    kinds, weights = zip(*ACTIONS)
    barrier.wait()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        action = rng.choices(kinds, weights)[0]
        if action == "send" and not uploaded or action == "select" and not performances:
            action = "outcome"
        student = rng.choice(list(students))
        count += 1
        label = f"w{n}-{count}"
        start = time.perf_counter()
        try:
            if action == "outcome":
                doc, vid = upload_files(rng, label)
                start = time.perf_counter()
                uploaded.append(services.upload_outcome(wb.uow(), student, TERM.year, TERM.semester,
                                                        rng.choice(students[student]), "期末報告", doc, vid))
                result = ("ok", uploaded[-1], len(doc.data) + (len(vid.data) if vid else 0))
            elif action == "performance":
                doc = document(rng, label)
                start = time.perf_counter()
                record = services.upload_performance(wb.uow(), student, TERM.year, TERM.semester, "competition",
                                                     COMPETITION, "科展佳作", doc)
                performances.append((student, record))
                result = ("ok", -record, len(doc.data))
            elif action == "send":
                services.send_for_certification(wb.uow(), uploaded.pop(rng.randrange(len(uploaded))))
                result = ("ok", None, 0)
            elif action == "select":
                owner, record = performances.pop(rng.randrange(len(performances)))
                services.select_for_submission(wb.uow(), owner, "performance", record)
                result = ("ok", None, 0)
            else:
                class_progress(wb.engine, viewer, class_id, TERM, AS_OF, wb.policy)
                result = ("ok", None, 0)
        except PortfolioError as err:
            result = (f"refused: {type(err).__name__}", None, 0)
        except Exception as err:      # anything that is not a rule's refusal is what the benchmark looks for
            result = (f"error: {type(err).__name__}: {str(err)[:120]}", None, 0)
        done.append((action, time.perf_counter() - start, *result))
    wb.engine.dispose()
    results.put(done)


def floor_writer(n: int, root: str, seconds: float, barrier, results):
    """The floor: the same files written, fsynced and renamed into place, nothing else."""
    rng = random.Random(n)
    done, count = [], 0
    barrier.wait()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        count += 1
        doc, vid = upload_files(rng, f"w{n}-{count}")
        start = time.perf_counter()
        size = 0
        for upload in (doc, vid):
            if upload is not None:
                write_atomically(Path(root) / f"{n}-{count}-{upload.name}", upload.data)
                size += len(upload.data)
        done.append(("outcome", time.perf_counter() - start, "ok", count, size))
    results.put(done)


def crowd(target, args_of, workers: int) -> list[tuple]:
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    processes = [ctx.Process(target=target, args=(*args_of(n), barrier, results)) for n in range(workers)]
    for p in processes:
        p.start()
    done, reported = [], 0
    while reported < workers:
        try:
            done += results.get(timeout=5)
            reported += 1
        except queue.Empty:
            failed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if failed:
                for p in processes:
                    p.kill()
                raise RuntimeError(f"{len(failed)} of {workers} processes failed (exit {failed[0]})") from None
    for p in processes:
        p.join(60)
    return done


# --- a run --------------------------------------------------------------------------------------------------


def summary(done: list[tuple], seconds: float) -> dict:
    uploads = [row for row in done if row[0] in ("outcome", "performance")]
    accepted = [row for row in uploads if row[2] == "ok"]
    latencies = sorted(row[1] for row in uploads)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0] * 99
    return {"uploads/s": len(accepted) / seconds, "MB/s": sum(row[4] for row in accepted) / MB / seconds,
            "p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "accepted": len(accepted),
            "refused": Counter(row[2].removeprefix("refused: ") for row in done if row[2].startswith("refused")),
            "errors": Counter(row[2] for row in done if row[2].startswith("error")),
            "actions": Counter(row[0] for row in done),
            "acknowledged": {row[3] for row in accepted}}


def audit(db: str, files: Path, acknowledged: set[int]) -> dict:
    """After the run: `portfolio check`, and every acknowledged upload's row and every file accounted for."""
    wb = Workbench.open(db, files=files, create=False)
    problems = check_workbench(wb)
    with wb.engine.connect() as conn:
        outcomes = set(conn.execute(select(t.outcomes.c.id)).scalars())
        records = {-i for i in conn.execute(select(t.performances.c.id)).scalars()}
        rows = set(conn.execute(select(t.files.c.sha256)).scalars())
        stored = conn.execute(select(func.count()).select_from(t.files)).scalar_one()
    on_disk = wb.store.all_hashes()
    wb.engine.dispose()
    return {"problems": len(problems), "lost": len(acknowledged - (outcomes | records)),
            "unacknowledged rows": len((outcomes | records) - acknowledged), "orphaned": len(on_disk - rows),
            "missing": len(rows - on_disk), "files": stored, "first problem": problems[0] if problems else ""}


class Backend:
    """Fresh copies of the base school for every run: a file copy (SQLite) or a database made from a template."""

    def __init__(self, name: str, folder: Path, students: int):
        self.name, self.folder, self.runs = name, folder, 0
        self.server = PostgresServer.start(durable=True) if name == "postgresql" else None
        if self.server:
            self.server.execute("CREATE DATABASE deadline_base")
            build_base(self.server.url("deadline_base"), folder / "base.files", students)
        else:
            build_base(str(folder / "base.sqlite"), folder / "base.files", students)
        wb = Workbench.open(self.base_url, files=folder / "base.files", create=False)
        self.students = students_and_courses(wb)
        wb.engine.dispose()

    @property
    def base_url(self) -> str:
        return self.server.url("deadline_base") if self.server else str(self.folder / "base.sqlite")

    def fresh(self) -> tuple[str, Path]:
        self.runs += 1
        files = self.folder / f"run{self.runs}.files"
        if self.server:
            self.server.execute(f"CREATE DATABASE run{self.runs} TEMPLATE deadline_base")
            return self.server.url(f"run{self.runs}"), files
        target = self.folder / f"run{self.runs}.sqlite"
        shutil.copy(self.folder / "base.sqlite", target)
        return str(target), files

    def stop(self):
        if self.server:
            self.server.stop()


def run(backend: Backend, workers: int, seconds: float, mode: str) -> dict:
    db, files = backend.fresh()
    names = sorted(backend.students)
    shares = [{s: backend.students[s] for s in names[n::workers]} for n in range(workers)]
    done = crowd(uploader, lambda n: (n, db, str(files), shares[n], seconds, mode), workers)
    result = summary(done, seconds)
    result.update(audit(db, files, result.pop("acknowledged")))
    shutil.rmtree(files, ignore_errors=True)
    return result


def floor(folder: Path, workers: int, seconds: float) -> dict:
    root = folder / f"floor-{workers}"
    root.mkdir()
    result = summary(crowd(floor_writer, lambda n: (n, str(root), seconds), workers), seconds)
    shutil.rmtree(root)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each crowd uploads (default 20)")
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 25, 50], help="uploaders at once")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--students", type=int, default=600, help="students of the school (default 600)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-deadline-"))
    print(f"deadline day: {args.seconds:.0f} s per crowd, a school of {args.students} students, {os.cpu_count()} "
          f"cores; uploads: a 1–4 MB PDF, 3 in 10 with a 5–10 MB MP4\n")
    header = (f"{'backend':<11}{'uploaders':>10}  {'writing':<22}{'uploads/s':>10}{'MB/s':>7}{'p50 s':>7}"
              f"{'p95 s':>7}{'p99 s':>7}{'×floor':>8}  {'refused by rule':<34}{'errors':>7}{'check':>6}"
              f"{'lost':>5}{'orphaned':>9}")
    rows = []
    try:
        floors = {workers: floor(folder, workers, args.seconds) for workers in args.levels}
        for name in args.backends:
            backend = Backend(name, folder, args.students)
            try:
                for workers in args.levels:
                    for mode in MODES:
                        if mode == "no writers' queue" and name != "sqlite":
                            continue                  # PostgreSQL's writers wait on their own locks
                        result = run(backend, workers, args.seconds, mode)
                        rows.append((name, workers, mode, result))
                        print(f"  {name}, {workers} uploaders, {mode}: {result['uploads/s']:.2f} uploads/s", flush=True)
            finally:
                backend.stop()
        for workers in args.levels:          # measured again after the crowds; the faster of the two is the floor
            again = floor(folder, workers, args.seconds)
            if again["uploads/s"] > floors[workers]["uploads/s"]:
                floors[workers] = again
        for name, workers, mode, result in rows:
            print_row(name, workers, mode, result, floors[workers], header if (name, workers, mode) == rows[0][:3]
                      else "")
        print("\nfloor: the same files written, fsynced and renamed into place by as many processes (the faster of a "
              "run before the crowds and one after)")
        for workers, result in floors.items():
            print(f"  {workers:>3} writers: {result['uploads/s']:.2f} uploads' files/s, {result['MB/s']:.1f} MB/s, "
                  f"p50 {result['p50']:.2f} s, p95 {result['p95']:.2f} s, p99 {result['p99']:.2f} s")
        errors = {e: n for *_, r in rows for e, n in r["errors"].items()}
        if errors:
            print("\nerrors:", errors)
        return 1 if errors or any(r["lost"] or r["orphaned"] or r["problems"] for *_, r in rows) else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def print_row(name, workers, mode, result, floor_result, header):
    if header:
        print(header)
    refused = ", ".join(f"{k} {v}" for k, v in result["refused"].most_common(3)) or "—"
    print(f"{name:<11}{workers:>10}  {mode:<22}"
          f"{result['uploads/s']:>10.2f}{result['MB/s']:>7.1f}{result['p50']:>7.2f}{result['p95']:>7.2f}"
          f"{result['p99']:>7.2f}{result['uploads/s'] / floor_result['uploads/s']:>8.2f}  {refused:<34}"
          f"{sum(result['errors'].values()):>7}{result['problems']:>6}{result['lost']:>5}{result['orphaned']:>9}",
          flush=True)


if __name__ == "__main__":
    sys.exit(main())
