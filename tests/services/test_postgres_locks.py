"""On PostgreSQL a use case waits only for another use case on the same student (or, for a submission, the same
school), and a transaction the database cancels for a deadlock is run again rather than shown as an error."""

import threading
import time

import pytest
from sqlalchemy import text

from portfolio_lib import services
from portfolio_lib.adapters.repository import Repository
from portfolio_lib.domain.model import Actor
from portfolio_lib.services.batch import batch_upload
from portfolio_lib.services.unit_of_work import Workbench

from ..conftest import IN_SELECTION, course_code, pdf
from ..ui.test_dashboards import _batch

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backend() -> str:
    return "postgresql"


def _student_id(wb, student_no: str) -> int:
    with wb.engine.connect() as conn:
        return conn.execute(text("SELECT id FROM students WHERE student_no = :n"), {"n": student_no}).scalar_one()


class Held:
    """A transaction of its own holding one student's lock, as a use case in another session would."""

    def __init__(self, wb, student_no: str):
        self.conn = wb.engine.connect()
        self.transaction = self.conn.begin()
        Repository(self.conn, wb.policy).lock_student(_student_id(wb, student_no))

    def release(self):
        self.transaction.commit()
        self.conn.close()


def _in_thread(work) -> tuple[threading.Thread, dict]:
    done: dict = {}

    def run():
        try:
            done["result"] = work()
        except Exception as err:     # the test asserts on it
            done["error"] = err
        done["at"] = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    return thread, done


def _waiting(wb) -> int:
    """Sessions waiting for an advisory lock now."""
    with wb.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).scalar()


def _until(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_student_being_written_holds_up_only_that_student(school):
    held = Held(school.wb, "113001")
    try:
        other, other_done = _in_thread(lambda: services.upload_outcome(
            school.uow(), "113002", 113, 1, course_code(0), "另一位同學", document=pdf("other")))
        other.join(timeout=30)
        assert "result" in other_done                 # another student of the same school did not wait
        same, same_done = _in_thread(lambda: services.upload_outcome(
            school.uow(), "113001", 113, 1, course_code(0), "同一位同學", document=pdf("same")))
        _until(lambda: _waiting(school.wb) == 1)     # the same student waits for the lock
        time.sleep(0.5)
        assert same.is_alive() and not same_done
        released = time.monotonic()
        held.release()
        same.join(timeout=30)
        assert "result" in same_done and same_done["at"] >= released
    finally:
        if held.transaction.is_active:
            held.release()


def test_a_submission_waits_for_a_students_write_in_progress_and_then_takes_its_result(school, clock):
    outcome_id = school.passed_outcome("113001", 0)
    clock.now = IN_SELECTION
    services.select_for_submission(school.uow(), "113001", "outcome", outcome_id)
    held = Held(school.wb, "113002")                  # some write of another student of the school, not committed
    submit, done = _in_thread(lambda: services.submit_selected(school.uow(), 113, 1, Actor("staff", "S001")))
    _until(lambda: _waiting(school.wb) == 1)
    assert submit.is_alive()
    held.release()
    submit.join(timeout=60)
    assert done["result"]["items"] == 1


def test_a_batch_cancelled_for_a_deadlock_is_run_again_and_stores_everything(school, database):
    """A batch locks its rows' students in manifest order (113001, then 113002); another session holds 113002 and
    then asks for 113001. PostgreSQL cancels the batch, the one that checks first (deadlock_timeout 1 s against the
    other's 60 s); the batch runs again once the other has committed, and every row is stored once."""
    quick = Workbench.open(database.url + "?options=-c%20deadlock_timeout%3D1s", files=database.files,
                           clock=school.clock)
    rows = [{"學號": no, "學年度": 113, "學期": 1, "課程代碼": course_code(n), "內容簡述": "批次", "檔名": f"{no}.pdf"}
            for n, no in enumerate(("113001", "113002"))]
    manifest, archive = _batch(rows, {f"{no}.pdf": pdf(no).data for no in ("113001", "113002")})
    deadlocks_before = _deadlocks(school.wb)
    other = school.wb.engine.connect()
    other_transaction = other.begin()
    other.execute(text("SET LOCAL deadlock_timeout = '60s'"))
    repo = Repository(other, school.wb.policy)
    repo.lock_student(_student_id(school.wb, "113002"))
    batch, done = _in_thread(lambda: batch_upload(quick.uow(), manifest, archive, "清單.csv",
                                                           actor=Actor("staff", "A001")))
    _until(lambda: _waiting(school.wb) == 1)        # the batch holds 113001 and waits for 113002
    closing, closed = _in_thread(lambda: repo.lock_student(_student_id(school.wb, "113001")))
    closing.join(timeout=30)                         # the batch was cancelled, so the other session got 113001
    assert "error" not in closed
    other_transaction.commit()
    other.close()
    batch.join(timeout=60)
    assert done.get("result", done.get("error")) == {"outcomes": 2, "performances": 0, "rows": 2, "rescued": []}
    _until(lambda: _deadlocks(school.wb) == deadlocks_before + 1)     # the statistics arrive within a second
    with school.wb.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outcomes")).scalar() == 2
    assert len(school.wb.store.all_hashes()) == 2
    quick.engine.dispose()


def _deadlocks(wb) -> int:
    with wb.engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        return conn.execute(text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")).scalar()
