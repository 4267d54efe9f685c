"""Submission packages: contents field by field, MD5s from the stored files, same bytes twice, all or nothing."""

import hashlib
import io
import json
import os
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.adapters.exchange import rebuild_batch_package
from portfolio_lib.domain.errors import StorageError
from portfolio_lib.domain.model import Actor

from ..conftest import IN_SELECTION, course_code, mp4, pdf, snapshot
from ..domain.test_domain_rules import VALID

SUBMITTER = Actor("staff", "S001")


@pytest.fixture
def selected(school, clock):
    """Two certified outcomes (one with a video) and a 多元表現 record of 113-1, selected."""
    first = school.passed_outcome("113001", 0)
    second = services.upload_outcome(school.uow(), "113002", 113, 1, course_code(1), "影音成果",
                                     document=pdf("v-doc"), video=mp4())
    services.send_for_certification(school.uow(), second)
    services.certify(school.uow(), second, actor=Actor("staff", "T002"), passed=True)
    record = services.upload_performance(school.uow(), "113001", 113, 1, "competition", VALID["competition"],
                                         "科展佳作", document=pdf("award"), video=mp4(),
                                         external_link="https://youtu.be/abc")
    clock.now = IN_SELECTION
    for student, kind, item in (("113001", "outcome", first), ("113002", "outcome", second),
                                ("113001", "performance", record)):
        services.select_for_submission(school.uow(), student, kind, item)
    return {"outcomes": [first, second], "performance": record}


def read(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_package_carries_every_exchange_field(school, selected, tmp_path):
    result = services.submit_selected(school.uow(), 113, 1, SUBMITTER, out_dir=tmp_path)
    entries = read(result["path"])
    assert sorted(n for n in entries if not n.startswith("files/")) == [
        "manifest.json", "records/course_outcome.json", "records/performance_competition.json", "提交名冊.xlsx"]
    outcomes = json.loads(entries["records/course_outcome.json"])
    assert (outcomes["school_code"], outcomes["academic_year"], outcomes["semester"]) == ("330301", 113, 1)
    by_student = {r["student_no"]: r for r in outcomes["records"]}
    assert by_student["113001"]["id_number"] == "A123456789"
    assert by_student["113001"]["birth_date"] == "2008-05-01"
    assert by_student["113001"]["course_code"] == course_code(0)
    assert by_student["113002"]["description"] == "影音成果"
    assert [f["slot"] for f in by_student["113002"]["files"]] == ["document", "video"]
    competition = json.loads(entries["records/performance_competition.json"])["records"][0]
    assert competition["fields"]["level"] == "2" and competition["external_link"] == "https://youtu.be/abc"
    with school.wb.engine.connect() as conn:
        stored = {r.sha256: r.md5 for r in conn.execute(select(t.files.c.sha256, t.files.c.md5))}
    for record in outcomes["records"] + [competition]:
        for f in record["files"]:
            data = entries[f["path"]]
            assert f["md5"] == hashlib.md5(data).hexdigest()
            assert stored[hashlib.sha256(data).hexdigest()] == f["md5"]
    roster = openpyxl.load_workbook(io.BytesIO(entries["提交名冊.xlsx"])).active
    assert [c.value for c in roster[1]][:3] == ["序號", "學號", "姓名"] and roster.max_row == 4


def test_a_package_built_again_is_the_same_bytes(school, selected, tmp_path):
    result = services.submit_selected(school.uow(), 113, 1, SUBMITTER, out_dir=tmp_path)
    written = open(result["path"], "rb").read()
    assert hashlib.sha256(written).hexdigest() == result["digest"]
    with school.wb.engine.connect() as conn:
        again = rebuild_batch_package(conn, school.wb.store, result["batch_id"])
        recorded = conn.execute(select(t.submission_batches.c.digest)).scalar_one()
    assert again == written and recorded == result["digest"]


def test_submitted_items_are_locked_and_recorded(school, selected, tmp_path):
    result = services.submit_selected(school.uow(), 113, 1, SUBMITTER, out_dir=tmp_path)
    with school.wb.engine.connect() as conn:
        locked = conn.execute(select(t.outcomes.c.submitted_at).where(
            t.outcomes.c.id.in_(selected["outcomes"]))).scalars().all()
        batch = conn.execute(select(t.submission_batches)).one()
    assert all(locked) and (batch.item_count, batch.created_by) == (3, "staff:S001") and result["items"] == 3


def test_a_failure_midway_leaves_no_package_and_no_lock(school, selected, tmp_path, monkeypatch):
    before = snapshot(school.wb)

    def crash(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(StorageError):
        services.submit_selected(school.uow(), 113, 1, SUBMITTER, out_dir=tmp_path / "out")
    monkeypatch.undo()
    assert snapshot(school.wb) == before
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_files_md5_is_recorded_when_it_is_first_submitted(school, selected, tmp_path):
    """Deadline day hashes an upload once (SHA-256); the exchange format's MD5 is computed from the bytes packaged."""
    files = t.files
    with school.wb.engine.connect() as conn:
        assert set(conn.execute(select(files.c.md5)).scalars()) == {None}
    result = services.submit_selected(school.uow(), 113, 1, SUBMITTER, out_dir=tmp_path)
    with school.wb.engine.connect() as conn:
        recorded = dict(conn.execute(select(files.c.sha256, files.c.md5)).all())
    with zipfile.ZipFile(result["path"]) as archive:
        packaged = [n for n in archive.namelist() if n.startswith("files/")]
        assert {hashlib.sha256(archive.read(n)).hexdigest(): hashlib.md5(archive.read(n)).hexdigest()
                for n in packaged} == recorded
