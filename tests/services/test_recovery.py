"""What a crash or a hand can leave, found by `check` and brought back by `repair`; files hashed and written before
the write lock, and never removed under a session that stores the same content."""

import fcntl
import hashlib
import os
import shutil
import threading
import time

import pytest
from sqlalchemy import delete, func, select, text

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.adapters.db import WRITE
from portfolio_lib.adapters.repository.locks import STUDENT
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.files import check_file
from portfolio_lib.services.check import check_workbench, repair_workbench

from ..conftest import course_code, pdf
from .test_submission import SUBMITTER, selected  # noqa: F401  (the fixture)


@pytest.fixture
def submitted(school, selected):  # noqa: F811
    return services.submit_selected(school.uow(), 113, 1, SUBMITTER)


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_verifies_each_package_and_repair_rebuilds_a_deleted_one(school, submitted):
    path = school.wb.package_folder / os.path.basename(submitted["path"])
    assert check_workbench(school.wb) == []
    path.unlink()
    problems = check_workbench(school.wb)
    assert len(problems) == 1 and path.name in problems[0] and "不見了" in problems[0]
    done = repair_workbench(school.wb)
    assert len(done) == 1 and "重建" in done[0]
    assert sha256_of(path) == submitted["digest"] and check_workbench(school.wb) == []


def test_an_altered_package_is_found_rebuilt_and_kept_aside(school, submitted):
    path = school.wb.package_folder / os.path.basename(submitted["path"])
    data = path.read_bytes()
    altered = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
    path.write_bytes(altered)
    problems = check_workbench(school.wb)
    assert len(problems) == 1 and "SHA-256 不符" in problems[0]
    repair_workbench(school.wb)
    assert sha256_of(path) == submitted["digest"]
    assert path.with_name(path.name + ".altered").read_bytes() == altered
    assert check_workbench(school.wb) == []


def test_a_package_written_elsewhere_is_checked_where_it_was_written(school, selected, tmp_path):  # noqa: F811
    result = services.submit_selected(school.uow(), 113, 1, SUBMITTER, out_dir=tmp_path / "out")
    assert check_workbench(school.wb) == []
    (tmp_path / "out" / os.path.basename(result["path"])).unlink()
    assert "不見了" in check_workbench(school.wb)[0]


def test_a_package_with_no_batch_record_is_reported_and_removed(school, submitted):
    folder = school.wb.package_folder
    stray = folder / "330301-113-1-00042.zip"        # as a submission killed before its commit leaves it
    shutil.copy(submitted["path"], stray)
    (folder / "notes.zip").write_bytes(b"not ours")  # a file of another name is none of check's business
    problems = check_workbench(school.wb)
    assert len(problems) == 1 and stray.name in problems[0] and "沒有提交紀錄" in problems[0]
    repair_workbench(school.wb)
    assert not stray.exists() and (folder / "notes.zip").exists()
    assert check_workbench(school.wb) == []


def test_only_parts_whose_writer_is_gone_are_reported_and_removed(school, submitted):
    folder = school.wb.package_folder
    dead = folder / ".part-dead.part"
    dead.write_bytes(b"half a package")
    live = folder / ".part-live.part"
    live.write_bytes(b"being written")
    with live.open("rb") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)       # as write_atomically holds it until the rename
        problems = check_workbench(school.wb)
        assert len(problems) == 1 and dead.name in problems[0]
        repair_workbench(school.wb)
        assert not dead.exists() and live.exists()
    assert any(live.name in p for p in check_workbench(school.wb))   # its writer gone now


def test_repair_removes_orphan_files_and_files_no_record_uses(school):
    orphan = school.wb.store.put(b"%PDF-1.4 written, never committed")
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf("u"))
    with school.wb.engine.begin() as conn:       # a process killed after the commit that dropped the outcome
        sha = conn.execute(select(t.outcomes.c.document_sha256)).scalar_one()
        conn.execute(delete(t.outcomes).where(t.outcomes.c.id == outcome_id))
    problems = check_workbench(school.wb)
    assert any(orphan.sha256 in p and "孤兒" in p for p in problems)
    assert any(sha in p and "沒有任何紀錄使用" in p for p in problems)
    assert len(repair_workbench(school.wb)) == 2
    assert check_workbench(school.wb) == [] and school.wb.store.all_hashes() == set()
    with school.wb.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.files)).scalar_one() == 0


def test_a_record_whose_file_is_gone_is_reported_and_not_touched(school):
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf("gone"))
    sha = next(iter(school.wb.store.all_hashes()))
    school.wb.store.remove(sha)
    assert repair_workbench(school.wb) == []
    assert "請由備份還原" in check_workbench(school.wb)[0]


def test_an_item_locked_with_no_batch_is_reported(school, submitted):
    with school.wb.engine.begin() as conn:
        conn.execute(delete(t.submission_items).where(t.submission_items.c.item_kind == "performance"))
    assert check_workbench(school.wb) == ["1 筆多元表現已鎖定為已提交，卻不在任何提交批次中"]


def test_an_upload_writes_its_file_before_it_waits_for_the_lock(school):
    """Another session holds the lock the upload needs: the upload's file is in the store while it waits."""
    wb = school.wb
    holder = wb.engine.connect()
    if wb.engine.dialect.name == "sqlite":
        holder.execution_options(**{WRITE: True})
        holder.begin()                                       # BEGIN IMMEDIATE: the database's write lock
    else:
        student_id = holder.execute(select(t.students.c.id).where(t.students.c.student_no == "113001")).scalar()
        holder.execute(select(func.pg_advisory_lock(STUDENT, student_id))).all()
    upload = pdf("waits")
    sha = hashlib.sha256(upload.data).hexdigest()
    done = []
    worker = threading.Thread(target=lambda: done.append(services.upload_outcome(
        wb.uow(), "113001", 113, 1, course_code(0), "x", document=upload)))
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while not wb.store.exists(sha) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert wb.store.exists(sha) and not done            # written, and still waiting
    finally:
        if wb.engine.dialect.name != "sqlite":
            holder.execute(text("SELECT pg_advisory_unlock_all()"))
        holder.rollback()
        holder.close()
        worker.join(60)
    assert done and check_workbench(wb) == []


def test_a_staged_file_removed_meanwhile_is_written_again_under_its_lock(school):
    """A session found the content unused and removed it between the staging and the transaction."""
    wb = school.wb
    upload = pdf("raced")
    uow = wb.uow().stage(upload)
    sha = hashlib.sha256(upload.data).hexdigest()
    wb.store.remove(sha)
    with uow:
        uow.store_file(check_file(upload, "document", wb.policy.rules(Term(113, 1))))
        uow.commit()
    assert wb.store.verify(sha) is None


def test_a_refused_upload_leaves_no_staged_file(school):
    with pytest.raises(Exception) as err:
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "字" * 101, document=pdf("long"))
    assert "100" in str(err.value)
    assert school.wb.store.all_hashes() == set() and check_workbench(school.wb) == []


def test_a_refused_upload_keeps_the_same_content_another_record_uses(school):
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf("shared"))
    with pytest.raises(Exception):
        services.upload_outcome(school.uow(), "113002", 113, 1, course_code(0), "字" * 101, document=pdf("shared"))
    assert check_workbench(school.wb) == [] and len(school.wb.store.all_hashes()) == 1
