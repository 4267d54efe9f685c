"""SIGKILL at random moments, many times, during an import, an upload, a batch upload and a submission.

After every kill: the database passes its integrity check; `check --repair` leaves `check` passing; the use case is
all there or not at all; no stored file is orphaned; no package exists without its batch record and its lock, and
no lock without its package. Each use case runs in a child process that has loaded everything first
(`child.py`), so that the random moment falls inside the use case: uniformly over the time it takes, plus the
moment a file of it first appears on disk."""

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.adapters.exchange import digest, package_location, recorded_batches
from portfolio_lib.demo.roster import Plan
from portfolio_lib.demo.samples import make_pdf
from portfolio_lib.domain.files import Upload
from portfolio_lib.domain.model import Actor
from portfolio_lib.services.check import check_workbench, repair_workbench
from portfolio_lib.services.unit_of_work import Workbench

from ..conftest import ADMIN, IN_SELECTION, IN_UPLOAD, Clock, build_school, course_code

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20                       # random moments per use case, besides the kill when its first file appears
BIG = 3_900_000                  # bytes of each document: under 4 MB, large enough that writing it takes a while
ROC = {IN_UPLOAD: "114/01/10 10:00", IN_SELECTION: "114/07/10 10:00"}


class Child:
    """A loaded child process running one use case (`child.py`)."""

    def __init__(self, args: list[str], as_of: datetime, prefix: list[str] = (), preexec_fn=None):
        env = {**os.environ, "PORTFOLIO_AS_OF": ROC[as_of]}
        env.pop("PORTFOLIO_DB", None)
        self.process = subprocess.Popen([*prefix, sys.executable, "-m", "tests.recovery.child", *args], cwd=ROOT,
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, preexec_fn=preexec_fn)
        assert self.process.stdout.readline().strip() == b"ready", self.process.stderr.read().decode()

    def go(self):
        self.process.stdin.write(b"go\n")
        self.process.stdin.flush()
        self.started = time.monotonic()

    def kill_after(self, seconds: float) -> bool:
        """SIGKILL after `seconds` unless it ended first; True when it was killed."""
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            pass
        return self._kill()

    def kill_when(self, appeared) -> bool:
        """SIGKILL as soon as `appeared()` is true (polled every millisecond); True when it was killed."""
        while self.process.poll() is None and not appeared():
            time.sleep(0.001)
        return self._kill()

    def finish(self) -> float:
        out, err = self.process.communicate(timeout=300)
        assert self.process.returncode == 0, err.decode()
        return time.monotonic() - self.started

    def outcome(self) -> tuple[int, str, str]:
        """Let it run to its end: (exit status, standard output, standard error)."""
        out, err = self.process.communicate(timeout=300)
        return self.process.returncode, out.decode(), err.decode()

    def _kill(self) -> bool:
        if self.process.poll() is not None:
            self.process.communicate()
            return False
        self.process.send_signal(signal.SIGKILL)
        self.process.communicate()
        return True


class Case:
    """A use case: its name, its prepared database (copied afresh for every kill) and the child's arguments that
    run it on a copy."""

    def __init__(self, name: str, base: Path, as_of: datetime, args):
        self.name, self.base, self.as_of, self.args = name, base, as_of, args

    def copy(self, target: Path) -> Path:
        shutil.copytree(self.base, target)
        return target / "school.sqlite"

    def run(self, db: Path) -> Child:
        child = Child(self.args(db), self.as_of)
        child.go()
        return child


def open_wb(db: Path, as_of: datetime) -> Workbench:
    return Workbench.open(db, clock=Clock(as_of))


def prepared(folder: Path, as_of: datetime) -> tuple[Workbench, Clock]:
    folder.mkdir(parents=True)
    clock = Clock(as_of)
    return Workbench.open(folder / "school.sqlite", clock=clock), clock


def big_pdf(label: str) -> Upload:
    return Upload(f"{label}.pdf", make_pdf([label], size=BIG))


def count(wb: Workbench, table, *where) -> int:
    with wb.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def recovered(db: Path, as_of: datetime) -> Workbench:
    """The state a kill left, recovered: integrity sound before repair, every check passing after it."""
    wb = open_wb(db, as_of)
    before = check_workbench(wb)
    assert not [p for p in before if "完整性" in p or "參照不存在" in p or "請由備份還原" in p], before
    repair_workbench(wb)
    assert check_workbench(wb) == []
    return wb


def kill_loop(case: Case, tmp_path: Path, invariant, first_file) -> dict:
    """One run to the end (its duration), then KILLS kills at random moments and one when its first file
    appears; after each, `recovered` and the use case's own all-or-nothing `invariant(wb, done)`."""
    rng = random.Random(14)
    whole = case.run(case.copy(tmp_path / "whole"))
    duration = whole.finish()
    invariant(recovered(tmp_path / "whole" / "school.sqlite", case.as_of), True)
    outcomes = {"killed": 0, "finished": 0}
    for n in range(KILLS + 1):
        db = case.copy(tmp_path / f"kill-{n}")
        child = case.run(db)
        if n == KILLS:
            killed = child.kill_when(lambda: first_file(db.parent))
        else:
            killed = child.kill_after(rng.uniform(0, duration * 1.05))
        outcomes["killed" if killed else "finished"] += 1
        wb = recovered(db, case.as_of)
        invariant(wb, None)
        wb.engine.dispose()
        shutil.rmtree(db.parent)
    assert outcomes["killed"] >= KILLS // 2, outcomes
    print(f"{case.name}: {duration:.2f} s whole; {outcomes}")
    return outcomes


def stored_files(folder: Path) -> bool:
    return any(p.is_file() for p in (folder / "school.files").glob("??/??/*"))


# --- the use cases ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def school_base(tmp_path_factory) -> Path:
    """The test school at the upload stage, closed: the base of the upload and batch cases."""
    folder = tmp_path_factory.mktemp("school") / "base"
    wb, clock = prepared(folder, IN_UPLOAD)
    build_school(wb, clock)
    wb.engine.dispose()
    return folder


def test_killing_an_import_keeps_it_whole_or_absent(tmp_path_factory, tmp_path):
    folder = tmp_path_factory.mktemp("import") / "base"
    as_of = IN_UPLOAD
    wb, _ = prepared(folder, as_of)
    plan = Plan(random.Random(1), [111, 112, 113], 240, datetime(2025, 1, 10), "330301")
    services.create_school(wb.uow(), "330301", "測試高中", actor=ADMIN)
    for kind, frame in (("staff", plan.staff_frame()), ("students", plan.student_frame()),
                        ("teaching", plan.teaching_frame())):
        services.import_file(wb.uow(), kind, frame.to_csv(index=False).encode(), name=kind, actor=ADMIN)
    records = plan.record_frame()
    (folder.parent / "records.csv").write_bytes(records.to_csv(index=False).encode())
    wb.engine.dispose()

    def args(db):
        return ["cli", "import", "course-records", str(folder.parent / "records.csv"), "--db", str(db),
                "--as", "admin", "--json"]

    def invariant(wb, done):
        rows = count(wb, t.course_records)
        assert rows in ({len(records)} if done else {0, len(records)})

    kill_loop(Case("import", folder, as_of, args), tmp_path, invariant, first_file=lambda _: False)


def test_killing_an_upload_leaves_the_outcome_whole_or_absent(school_base, tmp_path):
    document = tmp_path / "成果.pdf"
    document.write_bytes(big_pdf("one upload").data)

    def args(db):
        return ["cli", "upload", "outcome", "--student", "113001", "--term", "113-1", "--course",
                course_code(0), "--description", "期末報告", "--document", str(document), "--db", str(db)]

    def invariant(wb, done):
        outcomes = count(wb, t.outcomes)
        assert outcomes in ({1} if done else {0, 1})
        assert len(wb.store.all_hashes()) == outcomes        # the outcome's file, or none

    kill_loop(Case("upload", school_base, IN_UPLOAD, args), tmp_path, invariant, first_file=stored_files)


def test_killing_a_batch_upload_keeps_it_whole_or_absent(school_base, tmp_path):
    rows, archive = [], io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for n in range(6):
            student = ("113001", "113002")[n % 2]
            name = f"成果{n}.pdf"
            z.writestr(name, big_pdf(f"batch {n}").data)
            rows.append({"學號": student, "學年度": 113, "學期": 1, "課程代碼": course_code(n // 2),
                         "類別": "", "內容簡述": f"批次第 {n} 筆", "檔名": name})
    (tmp_path / "清單.csv").write_bytes(pd.DataFrame(rows).to_csv(index=False).encode())
    (tmp_path / "files.zip").write_bytes(archive.getvalue())

    def args(db):
        return ["batch", str(db), str(tmp_path / "清單.csv"), str(tmp_path / "files.zip")]

    def invariant(wb, done):
        outcomes = count(wb, t.outcomes)
        assert outcomes in ({6} if done else {0, 6})
        assert len(wb.store.all_hashes()) == outcomes

    kill_loop(Case("batch upload", school_base, IN_UPLOAD, args), tmp_path, invariant, first_file=stored_files)


def test_killing_a_submission_leaves_package_batch_and_lock_together(tmp_path_factory, tmp_path):
    folder = tmp_path_factory.mktemp("submit") / "base"
    wb, clock = prepared(folder, IN_UPLOAD)
    school = build_school(wb, clock)
    chosen = []
    for n in range(6):
        student = ("113001", "113002")[n % 2]
        outcome = services.upload_outcome(wb.uow(), student, 113, 1, course_code(n // 2), f"成果 {n}",
                                          document=big_pdf(f"submit {n}"))
        services.send_for_certification(wb.uow(), outcome)
        services.certify(wb.uow(), outcome, actor=Actor("staff", "T002"), passed=True)
        chosen.append((student, outcome))
    clock.now = IN_SELECTION
    for student, outcome in chosen:
        services.select_for_submission(school.uow(), student, "outcome", outcome)
    wb.engine.dispose()

    def args(db):
        return ["cli", "submit", "--term", "113-1", "--db", str(db), "--as", "staff:S001", "--json"]

    def invariant(wb, done):
        with wb.engine.connect() as conn:
            batches = recorded_batches(conn)
        locked = count(wb, t.outcomes, t.outcomes.c.submitted_at.is_not(None))
        packages = sorted(wb.package_folder.glob("*.zip")) if wb.package_folder.exists() else []
        assert len(batches) in ({1} if done else {0, 1})
        if batches:
            path = package_location(wb.package_folder, batches[0])
            assert packages == [path] and digest(path.read_bytes()) == batches[0].digest
            assert locked == batches[0].item_count == 6
        else:
            assert packages == [] and locked == 0

    def zip_appeared(base: Path) -> bool:
        return any((base / "school.packages").glob("*.zip"))

    kill_loop(Case("submission", folder, IN_SELECTION, args), tmp_path, invariant, first_file=zip_appeared)
