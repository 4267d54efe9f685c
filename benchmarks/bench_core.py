"""Benchmarks of the portfolio core, each against a floor measured in the same run.

    python benchmarks/bench_core.py [--students 1500] [--repeat 5]

Prints a table: demo generation time; course-record import rate against raw sqlite3
executemany of the same rows in one transaction; upload validation throughput against
hashlib.sha256 over the same bytes. Figures are the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from timing import best_of

from portfolio_lib import services
from portfolio_lib.adapters.filestore import digests
from portfolio_lib.demo import build_demo
from portfolio_lib.demo.roster import SCHOOL_CODE, SCHOOL_NAME, Plan
from portfolio_lib.demo.samples import make_pdf, make_picture, media
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.files import Upload, check_file
from portfolio_lib.domain.model import Actor
from portfolio_lib.domain.policy import Policy
from portfolio_lib.services.unit_of_work import Workbench

AS_OF = datetime(2026, 11, 28, 10, 0)
MB = 1024 * 1024
ADMIN = Actor.administrator("benchmark")


def bench_demo(folder: Path, students: int) -> dict:
    wb = Workbench.open(folder / "demo.sqlite")
    start = time.perf_counter()
    summary = build_demo(wb, students=students, as_of=AS_OF)
    return {"seconds": time.perf_counter() - start, "summary": summary}


def rostered_school(wb: Workbench, students: int, code: str = SCHOOL_CODE, name: str = SCHOOL_NAME,
                    close: bool = True) -> bytes:
    """A demo school's staff, students and teaching imported into `wb` (then closed, unless not to `close`);
    returns its course-record file, the rows the import benchmarks load."""
    import random
    services.create_school(wb.uow(), code, name, actor=ADMIN)
    plan = Plan(random.Random(1), [113, 114, 115], students, AS_OF, code)
    for kind, frame in (("staff", plan.staff_frame()), ("students", plan.student_frame()),
                        ("teaching", plan.teaching_frame())):
        services.import_file(wb.uow(), kind, frame.to_csv(index=False).encode(), name=kind, school_code=code,
                             actor=ADMIN)
    if close:
        wb.engine.dispose()
    return plan.record_frame().to_csv(index=False).encode()


def bench_import(folder: Path, students: int, repeat: int) -> dict:
    """Import course records into a school with rosters and sections; the floor inserts the same rows raw."""
    base = folder / "base.sqlite"
    csv = rostered_school(Workbench.open(base, clock=lambda: AS_OF), students)
    rows = csv.count(b"\n") - 1

    def fresh(name: str) -> Path:
        target = folder / name
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(base) + suffix)
            if source.exists():
                shutil.copy(source, str(target) + suffix)
        return target

    import_times, tuples = [], None
    for n in range(repeat):
        target = fresh(f"import-{n}.sqlite")
        run_wb = Workbench.open(target, clock=lambda: AS_OF)
        start = time.perf_counter()
        services.import_file(run_wb.uow(), "course_records", csv, name="records.csv", actor=ADMIN)
        import_times.append(time.perf_counter() - start)
        if tuples is None:
            with run_wb.engine.connect() as conn:
                tuples = conn.exec_driver_sql(
                    "SELECT student_id, section_id, score, mode FROM course_records ORDER BY id").all()
                tuples = [tuple(r) for r in tuples]
        run_wb.engine.dispose()

    floor_times = []
    for n in range(repeat):
        target = fresh(f"floor-{n}.sqlite")
        conn = sqlite3.connect(target, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO course_records (student_id, section_id, score, mode) VALUES (?, ?, ?, ?)", tuples)
        conn.execute("COMMIT")
        floor_times.append(time.perf_counter() - start)
        conn.close()
    return {"rows": rows, "import": min(import_times), "floor": min(floor_times),
            "import_median": statistics.median(import_times), "floor_median": statistics.median(floor_times)}


def _mp3_of_size(size: int) -> bytes:
    sample = media("mp3")
    tag_end = 10 + ((sample[6] << 21) | (sample[7] << 14) | (sample[8] << 7) | sample[9])
    frames = sample[tag_end:]
    out = bytearray(sample[:tag_end])
    while len(out) + len(frames) <= size:
        out += frames
    return bytes(out)


def _mp4_of_size(size: int) -> bytes:
    base = media("mp4")
    free = size - len(base)
    return base + free.to_bytes(4, "big") + b"free" + b"\0" * (free - 8)


def bench_validation(repeat: int) -> list[dict]:
    rules = Policy.default().rules(Term(115, 1))
    cases = [
        ("pdf 4 MB", Upload("a.pdf", make_pdf(["benchmark"], size=4 * MB)), "document"),
        ("png 4 MB", Upload("a.png", _png_of_size(4 * MB)), "document"),
        ("mp4 10 MB", Upload("a.mp4", _mp4_of_size(10 * MB)), "video"),
        ("mp3 10 MB", Upload("a.mp3", _mp3_of_size(10 * MB)), "video"),
    ]
    out = []
    for label, upload, slot in cases:
        size = len(upload.data)
        sha = best_of(repeat * 4, lambda: hashlib.sha256(upload.data).digest())
        check = best_of(repeat * 4, lambda: check_file(upload, slot, rules))
        full = best_of(repeat * 4, lambda: (check_file(upload, slot, rules), digests(upload.data)))
        out.append({"case": label, "bytes": size, "sha256": size / sha / MB, "check": size / check / MB,
                    "check+hashes": size / full / MB})
    return out


def _png_of_size(size: int) -> bytes:
    """A valid PNG padded with a private ancillary chunk to exactly `size` bytes."""
    import struct
    import zlib
    picture = make_picture("png", 2, "benchmark")
    iend = picture.rindex(b"IEND") - 4
    pad = size - len(picture) - 12
    chunk = struct.pack(">I", pad) + b"prVt" + b"\0" * pad
    chunk += struct.pack(">I", zlib.crc32(b"prVt" + b"\0" * pad) & 0xFFFFFFFF)
    return picture[:iend] + chunk + picture[iend:]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="portfolio-bench-"))
    try:
        demo = bench_demo(folder, args.students)
        imp = bench_import(folder, args.students, args.repeat)
        validation = bench_validation(args.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    s = demo["summary"]
    print(f"{'measure':<46} {'figure':>14} {'floor':>14} {'ratio':>7}")
    print("-" * 84)
    print(f"{'demo school (' + str(s['students']) + ' students a year, 3 years), s':<46} {demo['seconds']:>14.1f} "
          f"{'':>14} {'':>7}")
    print(f"{'  outcomes / 多元表現 / course records':<46} "
          f"{s['outcomes']:>6}/{s['performances']}/{s['course_records']}")
    rate, floor = imp["rows"] / imp["import"], imp["rows"] / imp["floor"]
    print(f"{'import course records (' + str(imp['rows']) + ' rows), rows/s':<46} {rate:>14,.0f} {floor:>14,.0f} "
          f"{rate / floor:>7.2f}")
    for v in validation:
        for key in ("check", "check+hashes"):
            label = f"validate {v['case']} ({key}), MB/s"
            print(f"{label:<46} {v[key]:>14,.0f} {v['sha256']:>14,.0f} {v[key] / v['sha256']:>7.2f}")
    print("-" * 84)
    print("floors: raw sqlite3 executemany in one transaction (same pragmas); hashlib.sha256 over the same bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
