"""The `portfolio` command end to end, as a real process on a temporary database (SQLite and PostgreSQL)."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from portfolio_lib.demo.samples import make_picture
from portfolio_lib.domain.calendar import Term, format_roc_date

from ..conftest import STAFF, Database, csv_bytes, pdf, snapshot

PORTFOLIO = str(Path(sys.executable).with_name("portfolio"))
TODAY = date.today()
TERM = Term.of(TODAY)
CODE = f"{TERM.year:03d}330301H110101100{'02'}01"


def run(db: Database | Path, *args, ok=True):
    """`portfolio --db … args` on `db` (a test database, or a path for a command that never opens it)."""
    url, files = (db.url, db.files) if isinstance(db, Database) else (db, Path(db).with_suffix(".files"))
    result = subprocess.run([PORTFOLIO, "--db", str(url), *map(str, args)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=120, env={**os.environ, "PORTFOLIO_FILES": str(files)})
    if ok:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def cli_school(database, tmp_path):
    db = database
    files = {
        "staff": STAFF,
        "students": [{"學號": "S1", "姓名": "林小明", "身分證字號": "A123456789", "出生日期": "097/05/01",
                      "入學年度": TERM.year, "學年度": TERM.year, "年級": 10, "班級": "101", "座號": 1,
                      "導師職員編號": "T001"}],
        "teaching": [{"學年度": TERM.year, "學期": TERM.semester, "課程代碼": CODE, "科目名稱": "數學",
                      "學分數": 4, "開課班級": "101", "授課教師職員編號": "T002", "代理教師職員編號": ""}],
        "course-records": [{"學號": "S1", "學年度": TERM.year, "學期": TERM.semester, "課程代碼": CODE,
                            "開課班級": "101", "成績": "", "修課別": ""}],
    }
    run(db, "init", "--school-code", "330301", "--school-name", "測試高中", "--as", "admin")
    for kind, rows in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(csv_bytes(rows, "cp950" if kind == "students" else "utf-8"))
        run(db, "import", kind, path, "--as", "admin")
    opens, closes = format_roc_date(TODAY - timedelta(days=1)), format_roc_date(TODAY + timedelta(days=1))
    for kind in ("upload_1", "certification", "performance_upload", "selection"):
        run(db, "window", kind, str(TERM), opens, closes, "--as", "staff:A001")
    return db, tmp_path


def test_the_whole_cycle_for_one_student(cli_school):
    db, tmp = cli_school
    report = tmp / "report.pdf"
    report.write_bytes(pdf("my report").data)
    uploaded = json.loads(run(db, "upload", "outcome", "--student", "S1", "--term", TERM, "--course", CODE,
                              "--description", "函數圖形的探究報告", "--document", report, "--json").stdout)
    outcome_id = uploaded["outcome_id"]
    run(db, "send", outcome_id)
    refused = run(db, "certify", outcome_id, "fail", "--teacher", "T002", ok=False)
    assert refused.returncode == 1 and "原因" in refused.stderr
    run(db, "certify", outcome_id, "pass", "--teacher", "T002")
    photo = tmp / "award.png"
    photo.write_bytes(make_picture("png", 1, "award"))
    performance = json.loads(run(db, "upload", "performance", "--student", "S1", "--term", TERM, "--category",
                                 "competition", "--field", "name=數理能力競賽", "--field", "level=2",
                                 "--field", "award=佳作", "--field", f"result_date={format_roc_date(TODAY)}",
                                 "--field", "team=1", "--description", "參賽心得", "--document", photo,
                                 "--json").stdout)
    run(db, "select", "S1", "outcome", outcome_id)
    run(db, "select", "S1", "performance", performance["performance_id"])
    items = json.loads(run(db, "status", "student", "S1", "--json").stdout)
    assert [(i["種類"], i["認證"], i["已勾選"]) for i in items] == [
        ("課程學習成果", "通過", "✓"), ("多元表現", "—", "✓")]
    submitted = json.loads(run(db, "submit", "--term", TERM, "--as", "staff:S001", "--json").stdout)
    assert submitted["items"] == 2 and Path(submitted["path"]).is_file()
    receipt = tmp / "receipt.csv"
    receipt.write_bytes(csv_bytes([{"身分證字號": "A123456789", "學年度": TERM.year, "學期": TERM.semester,
                                    "紀錄類型": "course_outcome", "項目編號": outcome_id, "檔案MD5": ""}]))
    reconciled = json.loads(run(db, "receipt", receipt, "--term", TERM, "--as", "staff:S001", "--json").stdout)
    assert (reconciled["md5_mismatch"], reconciled["missing"]) == (1, 1)
    locked = run(db, "select", "S1", "outcome", outcome_id, "--undo", ok=False)
    assert locked.returncode == 1 and "鎖定" in locked.stderr
    assert "檢查通過" in run(db, "check").stdout
    package = Path(submitted["path"])
    package.unlink()                                         # a package lost, and one a killed submission left
    stray = package.with_name(package.name.replace(package.name.rsplit("-", 1)[1], "99999.zip"))
    stray.write_bytes(b"PK")
    found = run(db, "check", ok=False)
    assert found.returncode == 1 and "不見了" in found.stdout and "沒有提交紀錄" in found.stdout
    repaired = run(db, "check", "--repair")
    assert "✓ 已由批次" in repaired.stdout and "✓ 已刪除" in repaired.stdout and "檢查通過" in repaired.stdout
    assert package.is_file() and not stray.exists()


def test_a_bad_upload_exits_1_and_changes_nothing(cli_school):
    db, tmp = cli_school
    fake = tmp / "report.pdf"
    fake.write_bytes(make_picture("png", 2, "not a pdf"))
    wb = db.open()
    before = snapshot(wb)
    result = run(db, "upload", "outcome", "--student", "S1", "--term", TERM, "--course", CODE,
                 "--description", "報告", "--document", fake, ok=False)
    assert result.returncode == 1
    assert "副檔名是 .pdf" in result.stderr and result.stdout == ""
    assert snapshot(wb) == before


def test_a_rule_error_as_json_carries_its_facts(cli_school):
    db, tmp = cli_school
    result = run(db, "upload", "outcome", "--student", "S1", "--term", TERM, "--course", CODE,
                 "--description", "字" * 101, "--document", tmp / "staff.csv", "--json", ok=False)
    error = json.loads(result.stderr)
    assert result.returncode == 1 and error["error"] == "DescriptionTooLong"
    assert error["facts"] == {"length": 101, "limit": 100}


@pytest.mark.parametrize("args", [["frobnicate"], ["certify", "1", "maybe", "--teacher", "T1"],
                                  ["status", "class", "101"], ["upload", "outcome", "--student", "S1"]])
def test_usage_errors_exit_2(tmp_path, args):
    result = run(tmp_path / "u.sqlite", *args, ok=False)
    assert result.returncode == 2 and "usage" in result.stderr.lower()


@pytest.mark.parametrize("as_", ["system:anyone", "system:system", "root", "staff:", "teacher:T002"])
def test_an_actor_that_is_no_account_is_a_usage_error_and_writes_nothing(cli_school, as_):
    db, tmp = cli_school
    before = snapshot(db.open())
    result = run(db, "window", "selection", TERM, "114/01/01", "114/12/01", "--as", as_, ok=False)
    assert result.returncode == 2 and "student:學號、staff:職員編號 或 admin" in result.stderr
    assert snapshot(db.open()) == before


def test_staff_commands_name_who_runs_them_and_only_real_accounts_with_the_role_pass(cli_school):
    db, _ = cli_school
    no_actor = run(db, "submit", "--term", TERM, ok=False)
    assert no_actor.returncode == 2 and "--as admin" in no_actor.stderr
    nobody = run(db, "submit", "--term", TERM, "--as", "staff:Z999", ok=False)
    assert nobody.returncode == 1 and "找不到教職員「Z999」" in nobody.stderr
    student = run(db, "submit", "--term", TERM, "--as", "student:S1", ok=False)
    assert student.returncode == 1 and "沒有權限提交中央資料庫" in student.stderr
    teacher = run(db, "window", "selection", TERM, "114/01/01", "114/12/01", "--as", "staff:T002", ok=False)
    assert teacher.returncode == 1 and "沒有權限設定作業期程" in teacher.stderr
    engine = db.open().engine
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM submission_batches")).scalar() == 0
    run(db, "window", "selection", TERM, "114/01/01", "114/12/01", "--as", "admin")
    with engine.connect() as conn:
        actor = conn.execute(text("SELECT actor FROM audit_events WHERE action = 'set_window' "
                                  "ORDER BY id DESC")).first()
    assert actor[0].startswith("admin:")


def test_a_bad_date_is_bad_input_not_a_usage_error(cli_school):
    db, _ = cli_school
    result = run(db, "window", "upload_1", TERM, "114/13/01", "114/12/01", "--as", "staff:A001", ok=False)
    assert result.returncode == 1 and "民國日期" in result.stderr


def test_check_exits_1_when_a_file_is_missing(cli_school):
    db, tmp = cli_school
    report = tmp / "report.pdf"
    report.write_bytes(pdf("to lose").data)
    run(db, "upload", "outcome", "--student", "S1", "--term", TERM, "--course", CODE, "--description", "x",
        "--document", report)
    for stored in db.files.glob("??/??/*"):
        stored.unlink()
    result = run(db, "check", ok=False)
    assert result.returncode == 1 and "檔案不存在" in result.stdout


def test_the_database_can_be_named_by_the_environment(cli_school, monkeypatch):
    db, _ = cli_school
    result = subprocess.run([PORTFOLIO, "status", "school", str(TERM.year), "--json"], capture_output=True, text=True,
                            env={"PORTFOLIO_DB": db.url, "PORTFOLIO_FILES": str(db.files), "PATH": "/usr/bin:/bin"},
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["學生數"] == 1



def test_access_log_lists_and_exports_for_administrators_only(cli_school):
    import openpyxl

    from portfolio_lib.services.access_log import record_access
    db, tmp = cli_school
    wb = db.open()
    record_access(wb.uow(), "s1", "sign_in", address="10.1.2.3", school_id=1)
    record_access(wb.uow(), "a001", "view_student", "counselor", school_id=1, student_no="S1")
    teacher = run(db, "access-log", "--as", "staff:T002", ok=False)
    assert teacher.returncode == 1 and "沒有權限查閱存取紀錄" in teacher.stderr
    listed = json.loads(run(db, "access-log", "--as", "staff:A001", "--student", "S1", "--json").stdout)
    assert [(e["帳號"], e["事件"], e["學號"]) for e in listed] == [("a001", "檢視學生資料", "S1")]
    out = tmp / "log.xlsx"
    assert "entries: 2" in run(db, "access-log", "--as", "admin", "--out", out).stdout
    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row == 3 and sheet.cell(1, 1).value == "時間"


def test_a_window_closed_by_a_date_alone_takes_an_upload_at_23_59_30_and_refuses_one_at_midnight(cli_school):
    db, tmp = cli_school
    report = tmp / "late.pdf"
    report.write_bytes(pdf("the last minute").data)
    day = TODAY + timedelta(days=1)
    run(db, "window", "upload_1", TERM, format_roc_date(TODAY - timedelta(days=1)), format_roc_date(day),
        "--as", "staff:A001")
    upload = [PORTFOLIO, "--db", db.url, "upload", "outcome", "--student", "S1", "--term", str(TERM), "--course",
              CODE, "--description", "最後一分鐘", "--document", str(report)]

    def at(moment: str):
        return subprocess.run(upload, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PORTFOLIO_AS_OF": moment, "PORTFOLIO_FILES": str(db.files)})
    midnight = at(format_roc_date(day + timedelta(days=1)) + " 00:00")
    assert midnight.returncode == 1 and "上傳期間" in midnight.stderr
    assert at(format_roc_date(day) + " 23:59:30").returncode == 0


def test_programme_requirements_from_the_command_line(cli_school):
    """The shipped sample list imported, a target added, an outcome marked, and the table printed; a malformed list
    exits 1 naming its row and reason, and writes nothing."""
    db, tmp = cli_school
    from portfolio_lib.demo.programmes import sample_programmes
    sample = tmp / "programmes.csv"
    sample.write_bytes(sample_programmes())
    assert "inserted: 6" in run(db, "import", "programmes", sample, "--as", "staff:A001").stdout
    nothing = json.loads(run(db, "requirements", "S1", "--json").stdout)
    assert nothing["programmes"] == 0 and "尚未加入目標校系" in nothing["message"]
    run(db, "target", "add", "S1", "900001")
    report = tmp / "report.pdf"
    report.write_bytes(pdf("cli report").data)
    uploaded = json.loads(run(db, "upload", "outcome", "--student", "S1", "--term", TERM, "--course", CODE,
                              "--description", "實作成果", "--document", report, "--kind", "work",
                              "--json").stdout)
    assert json.loads(run(db, "outcome-kind", uploaded["outcome_id"], "report", "--json").stdout)["kind"] == "report"
    rows = json.loads(run(db, "requirements", "S1", "--programme", "900001", "--json").stdout)
    assert [r["代碼"] for r in rows] == ["A", "B", "C", "F", "J", "K", "N", "O", "P", "Q"]
    assert {r["代碼"]: r["狀態"] for r in rows}["B"] == "尚無"          # uploaded, not yet certified and selected
    assert all(r["校系"] == "900001 範例大學 資訊工程學系（範例資料）" for r in rows)
    bad = tmp / "bad.csv"
    bad.write_bytes(csv_bytes([{"校系代碼": "1", "校系名稱": "甲", "要求項目": "多元表現(F)"},
                               {"校系代碼": "2", "校系名稱": "乙", "要求項目": "多元表現(Z)"}]))
    wb = db.open()
    before = snapshot(wb)
    refused = run(db, "import", "programmes", bad, "--as", "staff:A001", ok=False)
    assert refused.returncode == 1 and "第 3 列" in refused.stderr and "不認得項目代碼「Z」" in refused.stderr
    assert snapshot(wb) == before
    wb.engine.dispose()
