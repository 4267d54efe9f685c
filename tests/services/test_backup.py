"""Backups taken while uploads go on, restored into a new database: every row and file of one moment."""

import json
import threading

import pytest
from sqlalchemy import select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.cli import main
from portfolio_lib.domain.errors import BackupProblem
from portfolio_lib.services.backup import backup, restore
from portfolio_lib.services.check import check_workbench
from portfolio_lib.services.unit_of_work import Workbench

from ..conftest import course_code, pdf, snapshot
from .test_recovery import submitted  # noqa: F401  (the fixture)
from .test_submission import selected  # noqa: F401  (the fixture)


@pytest.fixture
def target(databases, backend, tmp_path):
    made = databases.new(backend, tmp_path / "restored", "restored", empty=True)
    yield made
    databases.drop(made)


def restored(folder, target) -> Workbench:
    restore(folder, target.url, target.files)
    return target.open()


def test_a_backup_during_an_upload_loop_restores_one_moment_exactly(school, tmp_path, target):
    """An upload loop (uploads, and every third turn a deletion) records the state after each of its commits; the
    restored copy is one of those states, row for row and file for file, and passes check."""
    wb = school.wb
    states, stop = [snapshot(wb)], threading.Event()

    def uploads():
        n = 0
        while not stop.is_set() and n < 60:
            student, course = ("113001", "113002")[n % 2], course_code((n // 2) % 6)
            with wb.engine.connect() as conn:
                old = conn.execute(select(t.outcomes.c.id).join(t.students).where(
                    t.students.c.student_no == student, t.outcomes.c.course_record_id.in_(
                        select(t.course_records.c.id).join(t.course_sections).where(
                            t.course_sections.c.course_code == course)))).scalar()
            if old is not None:
                services.delete_outcome(school.uow(), old)
            else:
                services.upload_outcome(school.uow(), student, 113, 1, course, f"第 {n} 次",
                                        document=pdf(f"loop {n}", size=300_000))
            states.append(snapshot(wb))
            n += 1

    loop = threading.Thread(target=uploads)
    loop.start()
    try:
        while len(states) < 4:
            stop.wait(0.01)
        result = backup(wb, tmp_path / "backup")
    finally:
        stop.set()
        loop.join(120)
    copy = restored(tmp_path / "backup", target)
    assert snapshot(copy) in states[3:]
    assert check_workbench(copy) == []
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert len(manifest["files"]) == result["files"] == len(copy.store.all_hashes())
    with copy.engine.connect() as conn:
        assert manifest["tables"]["outcomes"] == len(conn.execute(select(t.outcomes)).all())


def test_a_backup_carries_the_packages_and_restores_them_beside_the_new_database(school, submitted,  # noqa: F811
                                                                                 tmp_path, target):
    result = backup(school.wb, tmp_path / "backup")
    assert result["packages"] == 1 and result["missing_packages"] == []
    copy = restored(tmp_path / "backup", target)
    assert check_workbench(copy) == []
    assert [p.name for p in copy.package_folder.glob("*.zip")] == [submitted["path"].rsplit("/", 1)[1]]


def test_a_damaged_backup_is_refused_and_nothing_is_written(school, tmp_path, target):
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf("kept"))
    backup(school.wb, tmp_path / "backup")
    stored = next(p for p in (tmp_path / "backup" / "files").rglob("*") if p.is_file())
    stored.write_bytes(stored.read_bytes() + b"!")
    with pytest.raises(BackupProblem) as err:
        restore(tmp_path / "backup", target.url, target.files)
    assert "內容不符" in err.value.message
    assert not target.files.exists()


def test_a_restore_never_overwrites_a_database(school, tmp_path):
    backup(school.wb, tmp_path / "backup")
    db = school.wb.engine.url.render_as_string(hide_password=False)
    before = snapshot(school.wb)
    with pytest.raises(BackupProblem) as err:
        restore(tmp_path / "backup", db, tmp_path / "elsewhere.files")
    assert "已經存在" in err.value.message or "已有資料表" in err.value.message
    assert snapshot(school.wb) == before and not (tmp_path / "elsewhere.files").exists()


def test_backup_refuses_a_folder_with_files(school, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "a.txt").write_text("x")
    with pytest.raises(BackupProblem) as err:
        backup(school.wb, tmp_path / "used")
    assert "不是空的" in err.value.message


def test_the_commands_back_up_and_restore(school, tmp_path, target, capsys):
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf("cli"))
    db = school.wb.engine.url.render_as_string(hide_password=False)
    assert main(["backup", str(tmp_path / "b"), "--db", db, "--files", str(school.wb.store.root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == 1
    assert main(["restore", str(tmp_path / "b"), "--db", target.url, "--files", str(target.files), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["check"] == "通過"
