"""The student's cabinet without a browser: every action through the widgets, refusals write nothing."""

from datetime import datetime

import pytest
from sqlalchemy import text

from portfolio_lib import services
from portfolio_lib.domain.categories import CATEGORIES
from portfolio_lib.domain.model import Actor
from portfolio_lib.queries.cabinet import student_viewer
from portfolio_lib.ui.cabinet import StudentCabinet
from portfolio_lib.ui.identity import CabinetGate

from ..conftest import ADMIN, IN_SELECTION, course_code, csv_bytes, give, mp4, pdf, png, snapshot
from ..domain.test_domain_rules import VALID


def cabinet(school, student="113001", parent=False):
    return StudentCabinet(school.wb, student_viewer(school.wb.engine, student, as_parent=parent), now=school.clock.now)


def sql(school, query, **params):
    with school.wb.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def choose_course(app, subject):
    app.course.value = next(v for label, v in app.course.options if subject in label and label.startswith("113-1"))


def upload_through_form(app, subject="國語文", description="我的報告", document=None, video=None):
    choose_course(app, subject)
    app.outcome_text.text.value = description
    for zone, upload in ((app.document, document), (app.video, video)):
        if upload:
            give(zone, upload)
        else:
            zone.clear()
    app.save_outcome.click()


def test_the_home_page_counts_and_shows_open_windows(school):
    app = cabinet(school)
    assert app.status.text == ""
    assert "0.0mb/200.0mb" in app.home.value and "學習成果第一階段上傳期間" in app.home.value
    assert len(app.records.frame) == 16


def test_a_student_uploads_an_outcome_with_a_live_counter(school):
    app = cabinet(school)
    app.outcome_text.text.value = "字" * 12
    assert "12/100" in app.outcome_text.counter.value
    upload_through_form(app, document=pdf("report"))
    assert "已上傳「國語文」" in app.status.text
    assert sql(school, "SELECT description, document_name FROM outcomes") == [("我的報告", "report.pdf")]
    assert app.my_outcomes.frame.iloc[0]["認證"] == "未送認證"


@pytest.mark.parametrize("description,document,message", [
    ("字" * 101, pdf("ok"), "超過 100 字"),
    ("報告", png("x", name="report.pdf"), "副檔名是 .pdf"),
    ("報告", pdf("big", size=4 * 1024 * 1024 + 1), "超過文件檔案上限 4 MB"),
    ("報告", None, "至少要上傳一個"),
])
def test_a_refused_upload_shows_the_rule_and_writes_nothing(school, description, document, message):
    app = cabinet(school)
    before = snapshot(school.wb)
    upload_through_form(app, description=description, document=document)
    assert message in app.status.text and app.status.text.startswith("✗")
    assert snapshot(school.wb) == before


def test_send_certify_notify_and_replace_a_failed_outcome(school):
    app = cabinet(school)
    upload_through_form(app, subject="英語文", document=pdf("v1"))
    outcome_id = app.to_send.value
    app.send_button.click()
    assert "已送出認證" in app.status.text
    services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=False, reason="請補上反思")
    app.refresh()
    assert "請補上反思" in app.notes.frame.iloc[0]["通知"] and app.notes.frame.iloc[0]["狀態"] == "未讀"
    assert app.my_outcomes.frame.iloc[0]["原因"] == "請補上反思"
    app.read_button.click()
    assert app.notes.frame.iloc[0]["狀態"] == "已讀"
    upload_through_form(app, subject="英語文", description="修正版", document=pdf("v2"))
    assert "已更新" in app.status.text
    app.send_button.click()
    assert sql(school, "SELECT status, description FROM outcomes") == [("pending", "修正版")]


def fill(app, category, values):
    app.category.value = category
    for name, value in values.items():
        widget = app.field_widgets[name]
        if hasattr(widget, "options"):        # a code list: choose by code or by its name
            value = next(code for label, code in widget.options if code == str(value) or label.endswith(str(value)))
        widget.value = str(value)


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_each_category_form_saves_a_record(school, category):
    app = cabinet(school)
    fill(app, category, VALID[category])
    app.p_text.text.value = "我的表現"
    give(app.p_document, pdf(category))
    app.p_save.click()
    assert "已新增" in app.status.text, app.status.text
    assert sql(school, "SELECT category FROM performances") == [(category,)]
    assert app.p_list.frame.iloc[0]["類別"] == CATEGORIES[category].label


BAD = {   # one bad value in each category's form, and what the student is told
    "cadre": ({"end_date": "113/07/31"}, "必須晚於開始日期"),
    "competition": ({"result_date": "113/13/01"}, "不是正確的民國日期"),
    "certificate": ({"obtained_date": "1131301"}, "不是正確的民國日期"),
    "service": ({"hours": "48.5"}, "最多 48 小時"),
    "flexible": ({"weeks": "19"}, "1–18"),
    "group_activity": ({"periods": "0"}, "正整數"),
    "workplace": ({"hours": "25"}, "最多 24 小時"),
    "work": ({"name": ""}, "必須填寫"),
    "advanced_course": ({"end_date": "113/08/31"}, "必須晚於開始日期"),
    "other": ({"end_date": "113/06/30"}, "必須晚於開始日期"),
}


@pytest.mark.parametrize("category", list(CATEGORIES))
def test_each_category_form_refuses_a_bad_value_with_nothing_written(school, category):
    change, message = BAD[category]
    app = cabinet(school)
    fill(app, category, {**VALID[category], **change})
    app.p_text.text.value = "我的表現"
    give(app.p_document, pdf("x"))
    before = snapshot(school.wb)
    app.p_save.click()
    assert message in app.status.text and app.status.text.startswith("✗")
    assert snapshot(school.wb) == before


@pytest.mark.parametrize("description,document,message", [
    ("字" * 101, pdf("ok"), "超過 100 字"),
    ("作品", png("x", name="proof.pdf"), "副檔名是 .pdf"),
    ("作品", pdf("big", size=4 * 1024 * 1024 + 1), "超過文件檔案上限 4 MB"),
])
def test_a_bad_description_or_proof_is_refused_with_nothing_written(school, description, document, message):
    app = cabinet(school)
    fill(app, "work", VALID["work"])
    app.p_text.text.value = description
    give(app.p_document, document)
    before = snapshot(school.wb)
    app.p_save.click()
    assert message in app.status.text
    assert snapshot(school.wb) == before


def test_periods_per_week_must_be_whole(school):
    app = cabinet(school)
    fill(app, "flexible", {**VALID["flexible"], "periods_per_week": "2.5"})
    app.p_text.text.value = "自主學習"
    give(app.p_document, pdf("x"))
    app.p_save.click()
    assert "正整數" in app.status.text


def test_a_link_needs_a_video_first(school):
    app = cabinet(school)
    fill(app, "work", VALID["work"])
    app.p_text.text.value = "作品"
    give(app.p_document, pdf("x"))
    app.p_link.value = "https://youtu.be/abc"
    app.p_save.click()
    assert "須先上傳影音檔案" in app.status.text
    give(app.p_video, mp4())
    app.p_save.click()
    assert sql(school, "SELECT external_link, video_name FROM performances") == [("https://youtu.be/abc", "clip.mp4")]


def test_a_synced_cadre_record_takes_proof_but_is_not_deleted(school):
    rows = [{"學號": "113001", "學年度": 113, "學期": 1, "單位名稱": "101班", "擔任職務": "班長", "幹部等級": "2",
             "開始日期": "113/08/01", "結束日期": "114/01/31"}]
    services.import_file(school.uow(), "cadre", csv_bytes(rows), name="cadre.csv", actor=ADMIN)
    app = cabinet(school)
    app.p_edit.click()
    assert all(w.disabled for w in app.field_widgets.values())
    app.p_text.text.value = "帶領班級完成校慶"
    give(app.p_document, pdf("proof"))
    app.p_save.click()
    assert "已儲存" in app.status.text
    assert sql(school, "SELECT description, document_name FROM performances") == [("帶領班級完成校慶", "proof.pdf")]
    app.p_delete.click()
    assert "不能刪除" in app.status.text


def test_selection_counts_and_locks(school, clock):
    outcome_id = school.passed_outcome("113001", 0)
    clock.now = IN_SELECTION
    app = cabinet(school)
    app.s_year.value = 113
    app.s_item.value = ("outcome", outcome_id)
    app.s_select.click()
    assert "1/6" in app.s_counts.value and app.status.text.startswith("✓")
    services.submit_selected(school.uow(), 113, 1, school.admin.__class__("staff", "S001"))
    app.refresh()
    assert "🔒" in app.s_table.frame.iloc[0]["提交"]
    app.s_unselect.click()
    assert "已鎖定" in app.status.text
    assert len(app.submissions.frame) == 1


def test_grade_12_picks_for_application(school, clock):
    outcome_id = school.passed_outcome("111001", 0)
    clock.now = IN_SELECTION
    services.select_for_submission(school.uow(), "111001", "outcome", outcome_id)
    app = cabinet(school, "111001")
    app.a_item.value = ("outcome", outcome_id)
    app.a_pick.click()
    assert "1/3" in app.a_counts.value and app.a_table.frame.iloc[0]["申請入學"] == "✓"


def test_a_parent_sees_the_cabinet_read_only(school):
    app = cabinet(school, parent=True)
    assert app.viewer.read_only
    tree = repr(app.view)
    for button in (app.save_outcome, app.send_button, app.p_save, app.s_select, app.read_button):
        assert button.model_id not in tree


def test_a_parents_hidden_buttons_are_refused_by_the_services_and_write_nothing(school):
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "報告", document=pdf("r"))
    services.send_for_certification(school.uow(), outcome_id)
    services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=False, reason="請補上參考資料")
    services.replace_outcome(school.uow(), outcome_id, "補上參考資料", pdf("r2"))
    services.import_file(school.uow(), "guardians", csv_bytes([{"學號": "113001", "家長姓名": "林爸爸",
                                                                 "家長登入帳號": "dad"}]), name="g.csv", actor=ADMIN)
    app = cabinet(school, parent=True)
    before = snapshot(school.wb)
    app.read_button.click()                     # a comm message can click a button the page never shows
    assert "家長只能檢視" in app.status.text
    app.to_send.options = [("#", outcome_id)]
    app.send_button.click()
    assert "家長只能檢視" in app.status.text and "送出認證" in app.status.text
    assert snapshot(school.wb) == before


def test_a_guardian_actor_is_refused_by_every_student_service_and_unknown_accounts_do_not_act(school):
    from portfolio_lib.domain.errors import GuardianReadOnly, NotFound, UnknownAccount
    services.import_file(school.uow(), "guardians", csv_bytes([{"學號": "113001", "家長姓名": "林爸爸",
                                                                 "家長登入帳號": "dad"}]), name="g.csv", actor=ADMIN)
    before = snapshot(school.wb)
    dad = Actor("guardian", "dad")
    with pytest.raises(GuardianReadOnly):
        services.mark_notifications_read(school.uow(), "113001", actor=dad)
    with pytest.raises(GuardianReadOnly):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(1), "家長代傳", document=pdf("d"),
                                actor=dad)
    with pytest.raises(UnknownAccount):
        services.mark_notifications_read(school.uow(), "113001", actor=Actor("guardian", "stranger"))
    with pytest.raises(NotFound):
        services.mark_notifications_read(school.uow(), "113001", actor=Actor("student", "999999"))
    assert snapshot(school.wb) == before


def test_the_server_identity_opens_a_students_or_parents_cabinet(school):
    with school.wb.engine.begin() as conn:
        conn.execute(text("UPDATE students SET login = 's113001' WHERE student_no = '113001'"))
    services.import_file(school.uow(), "guardians", csv_bytes([{"學號": "113001", "家長姓名": "林爸爸",
                                                                 "家長登入帳號": "dad"}]), name="g.csv", actor=ADMIN)
    student = CabinetGate(school.wb, StudentCabinet, identity="s113001", now=school.clock.now)
    assert student.picker is None and student.app.viewer.student_no == "113001" and not student.app.viewer.read_only
    parent = CabinetGate(school.wb, StudentCabinet, identity="dad", now=school.clock.now)
    assert parent.app.viewer.read_only and "林爸爸" in parent.app.viewer.label
    assert "沒有對應" in CabinetGate(school.wb, StudentCabinet, identity="x", now=school.clock.now).view.value


def test_demo_mode_picks_a_student_and_can_look_as_a_parent(school):
    gate = CabinetGate(school.wb, StudentCabinet, identity="", now=datetime(2025, 1, 10, 10))
    assert "示範模式" in gate.view.children[0].value
    gate.as_parent.value = True
    assert gate.app.viewer.read_only


def test_the_drop_zone_takes_the_file_the_page_sends(school):
    from portfolio_lib.ui.dropzone import DropZone
    zone = DropZone("文件檔案", ".pdf")
    assert zone.upload is None
    data = pdf("dropped").data
    zone._receive(zone, {"names": ["dropped.pdf"]}, [memoryview(data)])
    assert zone.upload.name == "dropped.pdf" and zone.upload.data == data and zone.size_text == f"{len(data)} bytes"
    assert zone.upload.origins == ()
    zone._receive(zone, {"names": ["a.pdf", "b.pdf"]}, [memoryview(data), memoryview(b"%PDF-1.4 second")])
    assert [u.name for u in zone.uploads] == ["a.pdf"], "a zone for one file keeps the first of several"
    zone.clear()
    assert zone.upload is None and zone.filename == ""
    many = DropZone("照片", ".jpg", multiple=True)
    many._receive(many, {"names": ["1.jpg", "2.jpg"]}, [memoryview(b"one"), memoryview(b"two")])
    assert [(u.name, u.data) for u in many.uploads] == [("1.jpg", b"one"), ("2.jpg", b"two")]
    assert many.filename == "1.jpg、2.jpg" and many.received == 1


def test_the_upload_hints_say_the_rules_in_force_for_the_term_and_the_school(school):
    from portfolio_lib.services.schedule import set_policy_overrides
    now = cabinet(school)
    assert (now.document.hint, now.video.hint) == ("pdf、jpg、png，4 MB", "mp3、mp4，10 MB")
    # what a rescue converts is accepted too, to be offered its conversion
    assert now.document.accept == ".pdf,.jpg,.png,.jpeg,.heic,.heif" and now.video.accept == ".mp3,.mp4,.mov,.wav"
    before_109 = StudentCabinet(school.wb, student_viewer(school.wb.engine, "113001"), now=datetime(2019, 10, 1, 9))
    assert (before_109.document.hint, before_109.p_video.hint) == ("pdf、jpg、png，2 MB", "mp3、mp4，5 MB")
    set_policy_overrides(school.uow(), {"files": {"document": {"max_bytes": {"113-1": 6 * 1024 * 1024}}}},
                         actor=school.admin)
    overridden = cabinet(school)
    assert overridden.document.hint == "pdf、jpg、png，6 MB" and overridden.plan_document.hint.endswith("6 MB")


def test_the_nudge_shows_a_student_their_own_reasons_only_when_the_school_turns_it_on(school):
    """Six days before the first stage closes, with nothing uploaded: the home tab says so only where the school turns
    the nudge on, and never to a parent reading the cabinet."""
    school.clock.now = datetime(2025, 1, 20, 10, 0)

    def home(student, parent=False):
        return StudentCabinet(school.wb, student_viewer(school.wb.engine, student, as_parent=parent),
                              now=school.clock.now).home.value
    assert "pf-nudge" not in home("113001")
    services.set_policy_overrides(school.wb.uow(), {"early_warning": {"student_nudge": {"113-1": True}}}, actor=ADMIN)
    assert "本學期尚未上傳學習成果（距截止 6 天）" in home("113001")
    assert "pf-nudge" not in home("113001", parent=True)
    services.upload_outcome(school.wb.uow(), "113001", 113, 1, course_code(0), "我的報告", document=pdf("r"))
    shown = home("113001")
    assert "尚未上傳" not in shown and shown.count("有 1 件已上傳未送認證") == 1      # the open stage's reminder
