"""Receipt lists (收訖明細) reconciled with what was submitted; bad receipt files refused with a row report."""

import json
import zipfile

import pandas as pd
import pytest
from sqlalchemy import select

from portfolio_lib.adapters import tables as t
from portfolio_lib.domain.errors import EncodingUndetectable, ImportRejected, NothingToSubmit, PermissionDenied
from portfolio_lib.domain.model import Actor
from portfolio_lib.services import submit_selected
from portfolio_lib.services.receipts import import_receipt

from ..conftest import snapshot
from .test_submission import SUBMITTER, selected  # noqa: F401  (fixture)


@pytest.fixture
def receipt_rows(school, selected, tmp_path):  # noqa: F811
    """What the central database would list back: one line per submitted record, from the package itself."""
    result = submit_selected(school.uow(), 113, 1, SUBMITTER, out_dir=tmp_path)
    rows = []
    with zipfile.ZipFile(result["path"]) as package:
        for name in sorted(n for n in package.namelist() if n.startswith("records/")):
            doc = json.loads(package.read(name))
            for r in doc["records"]:
                rows.append({"身分證字號": r["id_number"], "學年度": 113, "學期": 1, "紀錄類型": doc["record_type"],
                             "項目編號": r["item_id"], "檔案MD5": ";".join(sorted(f["md5"] for f in r["files"]))})
    return rows


def csv(rows, encoding="utf-8-sig"):
    return pd.DataFrame(rows).to_csv(index=False).encode(encoding)


def lines(school):
    with school.wb.engine.connect() as conn:
        return conn.execute(select(t.receipt_lines.c.status, t.receipt_lines.c.item_id)).all()


def test_a_complete_receipt_is_all_received(school, receipt_rows):
    result = import_receipt(school.uow(), csv(receipt_rows), 113, 1, name="收訖明細.csv", actor=SUBMITTER)
    assert result["received"] == 3 and result["missing"] == result["unexpected"] == result["md5_mismatch"] == 0


def test_each_kind_of_discrepancy(school, receipt_rows):
    missing = receipt_rows.pop(0)
    receipt_rows[0]["檔案MD5"] = "0" * 32
    receipt_rows.append({**receipt_rows[-1], "項目編號": 9999})
    result = import_receipt(school.uow(), csv(receipt_rows), 113, 1, name="收訖明細.csv", actor=SUBMITTER)
    assert (result["received"], result["missing"], result["md5_mismatch"], result["unexpected"]) == (1, 1, 1, 1)
    statuses = dict((status, item) for status, item in lines(school))
    assert statuses["missing"] == missing["項目編號"] and statuses["unexpected"] is None


def test_the_receipt_may_name_record_types_in_chinese(school, receipt_rows):
    for row in receipt_rows:
        row["紀錄類型"] = {"course_outcome": "課程學習成果", "performance_competition": "競賽參與紀錄"}[row["紀錄類型"]]
    assert import_receipt(school.uow(), csv(receipt_rows), 113, 1, actor=SUBMITTER)["received"] == 3


@pytest.mark.parametrize("spoil,column", [
    (lambda rows: [{k: v for k, v in r.items() if k != "項目編號"} for r in rows], "項目編號"),
    (lambda rows: [{**rows[0], "身分證字號": "Z199999999"}] + rows[1:], "身分證字號"),
    (lambda rows: [{**rows[0], "紀錄類型": "作文"}] + rows[1:], "紀錄類型"),
    (lambda rows: [{**rows[0], "學期": 2}] + rows[1:], "學年度"),
    (lambda rows: [{**rows[0], "學期": ""}] + rows[1:], "學期"),
    (lambda rows: [{**rows[0], "學年度": ""}] + rows[1:], "學年度"),
])
def test_a_bad_receipt_file_is_refused_whole_with_a_report(school, receipt_rows, spoil, column):
    before = snapshot(school.wb)
    with pytest.raises(ImportRejected) as err:
        import_receipt(school.uow(), csv(spoil(receipt_rows)), 113, 1, name="收訖明細.csv", actor=SUBMITTER)
    assert column in {p.column for p in err.value.facts["problems"]}
    assert snapshot(school.wb) == before


def test_a_receipt_in_an_unknown_encoding_is_refused(school, receipt_rows):
    data = pd.DataFrame([{"氏名": "山田太郎", "番号": "1"}, {"氏名": "佐藤花子", "番号": "2"}]).to_csv(
        index=False).encode("shift_jis")
    with pytest.raises(EncodingUndetectable):
        import_receipt(school.uow(), data, 113, 1, name="收訖明細.csv", actor=SUBMITTER)


def test_only_the_receipt_checker_submitter_or_admin_imports(school, receipt_rows):
    with pytest.raises(PermissionDenied):
        import_receipt(school.uow(), csv(receipt_rows), 113, 1, actor=Actor("staff", "T002"))


def test_a_follow_up_package_holds_only_what_the_receipt_lacks(school, receipt_rows, tmp_path):
    from portfolio_lib.services.submission import resubmit_from_receipt
    receipt_rows.pop(0)
    receipt = import_receipt(school.uow(), csv(receipt_rows), 113, 1, actor=SUBMITTER)
    follow_up = resubmit_from_receipt(school.uow(), receipt["receipt_id"], SUBMITTER, out_dir=tmp_path / "again")
    assert follow_up["items"] == 1
    with zipfile.ZipFile(follow_up["path"]) as package:
        records = [json.loads(package.read(n))["records"] for n in package.namelist() if n.startswith("records/")]
    assert sum(len(r) for r in records) == 1
    with pytest.raises(NothingToSubmit):
        resubmit_from_receipt(school.uow(), import_receipt(
            school.uow(), csv(receipt_rows + [_row_for_missing(school, follow_up)]), 113, 1,
            actor=SUBMITTER)["receipt_id"], SUBMITTER, out_dir=tmp_path / "none")


def _row_for_missing(school, follow_up):
    with zipfile.ZipFile(follow_up["path"]) as package:
        name = next(n for n in package.namelist() if n.startswith("records/"))
        doc = json.loads(package.read(name))
    r = doc["records"][0]
    return {"身分證字號": r["id_number"], "學年度": 113, "學期": 1, "紀錄類型": doc["record_type"],
            "項目編號": r["item_id"], "檔案MD5": ";".join(sorted(f["md5"] for f in r["files"]))}


def test_the_submission_dashboard_packages_reconciles_and_follows_up(school, selected, tmp_path, clock):  # noqa: F811
    from portfolio_lib.domain.files import Upload
    from portfolio_lib.queries.viewer import viewer_by_staff_no
    from portfolio_lib.ui.submission import SubmissionDashboard

    from ..conftest import give
    app = SubmissionDashboard(school.wb, viewer_by_staff_no(school.wb.engine, "S001"), now=clock.now)
    app.year.value, app.semester.value = 113, 1
    assert app.preview.frame[["課程學習成果", "多元表現"]].sum().tolist() == [2, 1]
    app.submit.click()
    assert "已提交 3 件" in app.status.text and len(app.batches.frame) == 1 and app.preview.frame.empty
    with zipfile.ZipFile(school.wb.store.root.with_name("school.packages") / "330301-113-1-00001.zip") as package:
        doc = json.loads(package.read("records/course_outcome.json"))
    rows = [{"身分證字號": r["id_number"], "學年度": 113, "學期": 1, "紀錄類型": "course_outcome",
             "項目編號": r["item_id"], "檔案MD5": ";".join(sorted(f["md5"] for f in r["files"]))}
            for r in doc["records"]]
    give(app.receipt_file, Upload("收訖明細.csv", csv(rows)))
    app.import_button.click()
    assert "未收到 1" in app.status.text
    assert app.by_class.frame["未收到"].sum() == 1
    assert list(app.confirm.frame["狀態"]) == ["未收到"] and app.confirm.frame.iloc[0]["學號"] == "113001"
    assert app.confirm.frame.iloc[0]["確認期限"] == "114/07/13"       # imported 114/07/10, three days to check
    app.resubmit.click()
    assert "補件提交包已產生：1 件" in app.status.text and len(app.batches.frame) == 2


def test_a_teacher_cannot_open_the_submission_dashboard(school):
    from portfolio_lib.queries.viewer import viewer_by_staff_no
    from portfolio_lib.ui.submission import SubmissionDashboard
    with pytest.raises(PermissionDenied):
        SubmissionDashboard(school.wb, viewer_by_staff_no(school.wb.engine, "T002"))
