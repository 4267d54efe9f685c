"""The unit of work: one transaction per use case, its files and its package included."""

import fcntl
import os

import pytest
from sqlalchemy import func, select

from portfolio_lib.adapters import tables as t
from portfolio_lib.adapters.db import WriterQueue
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.files import check_file
from portfolio_lib.domain.policy import Policy

from ..conftest import pdf

RULES = Policy.default().rules(Term(113, 1))


def checked(label: str):
    return check_file(pdf(label), "document", RULES)


def files_rows(wb) -> int:
    with wb.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.files)).scalar_one()


def test_a_use_case_that_does_not_commit_rolls_back(wb):
    with wb.uow() as uow:
        uow.repo.add_school("330399", "未提交高中")
    with wb.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.schools)).scalar_one() == 0


def test_a_rolled_back_use_case_removes_the_files_it_stored(wb):
    with pytest.raises(RuntimeError):
        with wb.uow() as uow:
            sha = uow.store_file(checked("rolled back"))
            assert wb.store.exists(sha)
            raise RuntimeError("the use case failed after storing its file")
    assert not wb.store.exists(sha) and files_rows(wb) == 0


def test_a_file_another_committed_row_uses_survives_a_rollback(wb):
    with wb.uow() as uow:
        kept = uow.store_file(checked("kept"))
        uow.commit()
    with wb.uow() as uow:
        again = uow.store_file(checked("kept"))
    assert again == kept and wb.store.exists(kept) and files_rows(wb) == 1


def test_a_released_file_is_collected_after_commit_when_nothing_uses_it(wb):
    with wb.uow() as uow:
        sha = uow.store_file(checked("released"))
        uow.commit()
    with wb.uow() as uow:
        uow.release_file(sha)
        assert wb.store.exists(sha)            # not before the commit
        uow.commit()
    assert not wb.store.exists(sha) and files_rows(wb) == 0


def test_a_written_package_stays_after_commit_and_goes_without_it(wb, tmp_path):
    with wb.uow() as uow:
        kept = uow.write_file(tmp_path / "kept.zip", b"PK package")
        uow.commit()
    assert kept.read_bytes() == b"PK package"
    with pytest.raises(RuntimeError):
        with wb.uow() as uow:
            dropped = uow.write_file(tmp_path / "dropped.zip", b"PK package")
            assert dropped.exists()
            raise RuntimeError("the commit never came")
    assert not dropped.exists() and not list(tmp_path.glob("*.part"))


def test_the_packages_sit_beside_the_file_store(wb):
    assert wb.package_folder == wb.store.root.with_name("school.packages")


def writers_queue_taken(wb) -> bool:
    """Whether a use case holds the SQLite writers' queue (its flock) now."""
    fd = os.open(WriterQueue(wb.engine).path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def test_sqlite_writers_queue_for_their_turn_until_the_use_case_ends(wb):
    """On SQLite a use case holds the writers' queue from before its transaction to after its files are settled,
    committed or not; PostgreSQL's writers have their own locks and no queue."""
    if wb.engine.dialect.name != "sqlite":
        assert WriterQueue(wb.engine).path is None
        return
    with wb.uow() as uow:
        assert writers_queue_taken(wb)
        uow.repo.add_school("330399", "排隊高中")
        uow.commit()
    assert not writers_queue_taken(wb)
    with pytest.raises(RuntimeError):
        with wb.uow():
            assert writers_queue_taken(wb)
            raise RuntimeError("a use case that fails")
    assert not writers_queue_taken(wb)
