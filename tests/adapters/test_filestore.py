"""The file store: atomic writes, dedup, nothing left by a failure, and `check` finding damage."""

import os

import pytest
from sqlalchemy import select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.adapters.filestore import FileStore, digests
from portfolio_lib.domain.errors import StorageError
from portfolio_lib.services.check import check_workbench

from ..conftest import course_code, pdf


def test_files_are_named_by_content_and_deduplicated(tmp_path):
    store = FileStore(tmp_path / "files")
    first = store.put(b"%PDF-1.4 same bytes")
    second = store.put(b"%PDF-1.4 same bytes")
    assert first.created and not second.created
    assert first.sha256 == second.sha256 == digests(b"%PDF-1.4 same bytes")[0]
    assert store.all_hashes() == {first.sha256}
    assert store.read(first.sha256) == b"%PDF-1.4 same bytes"


def test_an_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    store = FileStore(tmp_path / "files")

    def crash(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(StorageError) as err:
        store.put(b"half-written upload")
    assert "磁碟空間已滿" in err.value.message and "No space left" in err.value.message
    assert store.all_hashes() == set() and store.leftover_parts() == []


def test_a_storage_failure_in_a_use_case_writes_nothing(school, monkeypatch):
    def crash(fd):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(StorageError):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf())
    monkeypatch.undo()
    with school.wb.engine.connect() as conn:
        assert conn.execute(select(t.outcomes)).all() == []
    assert school.wb.store.all_hashes() == set()


def _upload(school, label="a"):
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf(label))
    with school.wb.engine.connect() as conn:
        return conn.execute(select(t.outcomes.c.document_sha256)).scalar_one()


def test_check_passes_on_a_sound_workbench(school):
    _upload(school)
    assert check_workbench(school.wb) == []


def test_check_finds_a_deleted_file(school):
    sha = _upload(school)
    school.wb.store.path(sha).unlink()
    problems = check_workbench(school.wb)
    assert len(problems) == 1 and sha in problems[0] and "不存在" in problems[0]


def test_check_finds_an_altered_file(school):
    sha = _upload(school)
    path = school.wb.store.path(sha)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOX"))
    problems = check_workbench(school.wb)
    assert len(problems) == 1 and "雜湊值不符" in problems[0]


def test_check_finds_an_orphan_file_and_a_leftover_part(school):
    orphan = school.wb.store.put(b"nobody uses me")
    (school.wb.store.root / "tmp" / "deadbeef.part").write_bytes(b"x")
    problems = check_workbench(school.wb)
    assert any(orphan.sha256 in p and "孤兒" in p for p in problems)
    assert any("deadbeef.part" in p for p in problems)


def test_the_store_sits_beside_the_database(wb, tmp_path):
    assert wb.store.root == tmp_path / "school.files"
