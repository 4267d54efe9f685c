"""大學端需求 on the pages, through their widgets: the student's targets and tables in the 申請入學 tab, the outcome
kind in the outcomes tab, a parent's read-only view, and the counselor's programme list import and class counts."""

from portfolio_lib import services
from portfolio_lib.domain.model import Actor
from portfolio_lib.queries.viewer import viewer_by_staff_no
from portfolio_lib.ui.counselor import CounselorDashboard

from ..conftest import IN_SELECTION, csv_bytes, give, pdf, snapshot
from ..ui.test_cabinet import cabinet as open_cabinet
from .conftest import PHYSICS, SENIOR, programme_rows


def cabinet(school, student=SENIOR, parent=False):
    return open_cabinet(school, student, parent)


def test_a_student_adds_a_target_and_reads_what_it_asks_against_their_items(listed):
    app = cabinet(listed)
    assert "還沒有目標校系" in app.r_reports.children[0].value
    app.r_programme.value = PHYSICS
    app.r_add.click()
    assert app.status.text == f"✓ 已加入目標校系 {PHYSICS}。"
    [block] = app.r_reports.children
    advice, table = block.children[0].value, block.children[1].children[1].value
    assert "<td>F</td>" in table and "甲大學 物理學系" in block.children[1].children[0].children[0].value
    assert "尚缺：B 書面報告、D 自然科學領域探究活動成果、F 高中自主學習計畫與成果、J 競賽表現" in advice
    assert "新增一筆競賽參與紀錄並勾選" in advice
    assert PHYSICS not in [v for _, v in app.r_programme.options]          # not offered twice
    assert app.r_codes.frame["代碼"].tolist()[:3] == ["A", "B", "C"]          # the code table, with its source
    assert app.r_codes.frame["來源"].str.startswith("https://").all()

    app.course.value = next(v for label, v in app.course.options if "國語文" in label and label.startswith("113-1"))
    app.outcome_kind.value = "report"
    app.outcome_text.text.value = "閱讀報告"
    give(app.document, pdf("閱讀報告"))
    app.save_outcome.click()
    assert app.my_outcomes.frame.iloc[0]["成果類型"] == "書面報告"
    outcome_id = int(app.my_outcomes.frame.iloc[0]["編號"])
    app.to_mark.value = outcome_id
    app.mark_kind.value = "work"
    app.mark_button.click()
    assert "實作作品" in app.status.text and app.my_outcomes.frame.iloc[0]["成果類型"] == "實作作品"
    app.mark_kind.value = "report"
    app.mark_button.click()
    services.send_for_certification(listed.uow(), outcome_id)
    services.certify(listed.uow(), outcome_id, actor=Actor("staff", "T002"), passed=True)
    listed.clock.now = IN_SELECTION
    app = cabinet(listed)
    app.s_item.value = ("outcome", outcome_id)
    app.s_select.click()                                  # selected: no longer missing, waiting to be picked

    def advice():
        return app.r_reports.children[0].children[0].value
    assert "B 書面報告" not in advice().split("下一步")[0]
    assert "B：把「國語文：閱讀報告」選為申請入學項目" in advice()
    app.a_item.value = ("outcome", outcome_id)
    app.a_pick.click()                                    # picked: the table updates with the pick
    assert "B：" not in advice()
    shown = app.r_reports.children[0].children[1]
    assert "國語文：閱讀報告" in shown.children[1].value


def test_the_seventh_target_is_refused_on_the_page_and_nothing_is_written(listed):
    app = cabinet(listed)
    codes = [row["校系代碼"] for row in programme_rows()]
    for code in codes[:6]:
        app.r_programme.value = code
        app.r_add.click()
    assert len(app.r_target.options) == 6
    before = snapshot(listed.wb)
    app.r_programme.value = codes[6]
    app.r_add.click()
    assert "目標校系最多 6 個" in app.status.text and snapshot(listed.wb) == before
    app.r_target.value = codes[0]
    app.r_remove.click()
    assert len(app.r_target.options) == 5


def test_a_parent_reads_the_targets_but_has_no_button_to_change_them(listed):
    services.add_target(listed.uow(), SENIOR, PHYSICS)
    app = cabinet(listed, parent=True)
    tree = repr(app.view)
    assert app.r_add.model_id not in tree and app.r_remove.model_id not in tree and app.mark_button.model_id not in tree
    assert "尚缺" in app.r_reports.children[0].children[0].value


def test_the_counselor_imports_a_list_and_sees_the_grade_12_gaps(listed):
    services.add_target(listed.uow(), SENIOR, PHYSICS)
    page = CounselorDashboard(listed.wb, viewer_by_staff_no(listed.wb.engine, "A001"), now=listed.clock.now)
    page.tabs.selected_index = page.tabs.children.index(page.requirements.view)
    panel = page.requirements
    assert panel.per_class.frame.to_dict("records") == [{"班級": "301", "高三人數": 1, "有目標校系": 1, "有缺項": 1}]
    assert panel.reminders.frame["學號"].tolist() == [SENIOR]
    assert panel.reminders.file("目標校系缺項_提醒名單.csv")[0].decode("utf-8-sig").startswith("班級,座號,學號")
    before = snapshot(listed.wb)
    panel.import_list(csv_bytes([{"校系代碼": "1", "校系名稱": "甲", "要求項目": "多元表現(F"}]), "壞清單.csv")
    assert "整份未匯入" in page.status.text and snapshot(listed.wb) == before
    assert panel.problems.frame.iloc[0].tolist()[:2] == [2, "要求項目"]
    rows = programme_rows()
    rows[0]["要求項目"] = "多元表現(J)"
    panel.import_list(csv_bytes(rows), "校系.csv")
    assert "更新 1 個" in page.status.text
    assert panel.reminders.frame["缺少項目"].tolist() == ["J 競賽表現"]
    assert len(panel.programmes.frame) == 8
