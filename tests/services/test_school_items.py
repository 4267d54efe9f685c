"""School-only items: consultation records, self-directed learning plans and their review, documents."""

from datetime import date

import pytest
from sqlalchemy import select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.domain.errors import (
    DescriptionTooLong,
    FileRequired,
    FileTooLarge,
    FileTypeMismatch,
    InvalidField,
    InvalidState,
    PermissionDenied,
    ReviewCommentRequired,
)
from portfolio_lib.domain.model import Actor

from ..conftest import ADMIN, give, pdf, png, snapshot

CONSULTANT = Actor("staff", "C001")


def rows(wb, table):
    with wb.engine.connect() as conn:
        return conn.execute(select(table)).all()


def test_a_consultant_records_a_consultation(school):
    record_id = services.add_consultation_record(school.uow(), "113001", date(2024, 11, 5), "討論選課方向",
                                                 document=pdf("record"), actor=CONSULTANT)
    row = rows(school.wb, t.consultation_records)[0]
    assert (row.id, row.academic_year, row.semester, row.document_name) == (record_id, 113, 1, "record.pdf")
    services.add_consultation_record(school.uow(), "113001", date(2025, 3, 1), "不附文件", actor=CONSULTANT)


def test_only_a_consultant_records_consultations(school):
    with pytest.raises(PermissionDenied):
        services.add_consultation_record(school.uow(), "113001", date(2024, 11, 5), "討論",
                                         actor=Actor("staff", "T002"))
    with pytest.raises(PermissionDenied):
        services.add_consultation_record(school.uow(), "113001", date(2024, 11, 5), "討論", actor=ADMIN)


@pytest.mark.parametrize("description,document,error", [
    ("字" * 101, None, DescriptionTooLong),
    ("ok", pdf("big", size=4 * 1024 * 1024 + 1), FileTooLarge),
    ("ok", png("x", name="x.pdf"), FileTypeMismatch),
])
def test_a_bad_consultation_record_writes_nothing(school, description, document, error):
    before = snapshot(school.wb)
    with pytest.raises(error):
        services.add_consultation_record(school.uow(), "113001", date(2024, 11, 5), description, document,
                                         actor=CONSULTANT)
    assert snapshot(school.wb) == before


def test_a_consultation_may_use_all_100_characters_and_4_mb(school):
    services.add_consultation_record(school.uow(), "113001", date(2024, 11, 5), "字" * 100,
                                     pdf("max", size=4 * 1024 * 1024), actor=CONSULTANT)


def plan(school, title="機器學習自學計畫"):
    return services.upload_learning_plan(school.uow(), "113001", 113, 1, title, "每週兩小時自學", pdf(title))


def test_a_plan_title_is_at_most_50_characters(school):
    plan(school, "題" * 50)
    with pytest.raises(InvalidField):
        plan(school, "題" * 51)


def test_a_plan_needs_its_document(school):
    with pytest.raises(FileRequired):
        services.upload_learning_plan(school.uow(), "113001", 113, 1, "計畫", "說明", None)


def test_the_homeroom_teacher_reviews_and_the_student_is_notified(school):
    plan_id = plan(school)
    with pytest.raises(PermissionDenied):
        services.review_learning_plan(school.uow(), plan_id, actor=Actor("staff", "T002"), approved=True)
    before = snapshot(school.wb)
    with pytest.raises(ReviewCommentRequired):
        services.review_learning_plan(school.uow(), plan_id, actor=Actor("staff", "T001"), approved=False, comment=" ")
    assert snapshot(school.wb) == before
    services.review_learning_plan(school.uow(), plan_id, actor=Actor("staff", "T001"), approved=False,
                                  comment="請寫出每週進度")
    note = rows(school.wb, t.notifications)[0]
    assert "需修改" in note.message and "請寫出每週進度" in note.message
    old_sha = rows(school.wb, t.learning_plans)[0].document_sha256
    services.replace_learning_plan(school.uow(), plan_id, "機器學習自學計畫", "加上每週進度", pdf("v2"))
    assert rows(school.wb, t.learning_plans)[0].status == "submitted"
    assert not school.wb.store.exists(old_sha)
    services.review_learning_plan(school.uow(), plan_id, actor=Actor("staff", "A001"), approved=True)
    with pytest.raises(InvalidState):
        services.replace_learning_plan(school.uow(), plan_id, "改", "改")


def test_a_student_cannot_replace_anothers_plan(school):
    plan_id = plan(school)
    with pytest.raises(PermissionDenied):
        services.replace_learning_plan(school.uow(), plan_id, "x", "y", actor=Actor("student", "113002"))


def test_autobiography_and_study_plan_are_kept_and_deleted_with_their_files(school):
    doc_id = services.upload_school_document(school.uow(), "113001", "autobiography", "我的自傳", pdf("自傳"))
    services.upload_school_document(school.uow(), "113001", "study_plan", "高中三年計畫", pdf("計畫"))
    assert {r.kind for r in rows(school.wb, t.school_documents)} == {"autobiography", "study_plan"}
    sha = rows(school.wb, t.school_documents)[0].document_sha256
    services.delete_school_document(school.uow(), doc_id)
    assert not school.wb.store.exists(sha)


def test_school_items_count_toward_the_quota(school):
    from portfolio_lib.services.schedule import set_policy_overrides
    doc = pdf("quota")
    set_policy_overrides(school.uow(), {"storage": {"quota_bytes": {"113-1": len(doc.data) + 10}}}, actor=school.admin)
    services.upload_school_document(school.uow(), "113001", "autobiography", "自傳", doc)
    from portfolio_lib.domain.errors import QuotaExceeded
    with pytest.raises(QuotaExceeded):
        services.upload_school_document(school.uow(), "113001", "study_plan", "計畫", pdf("another"))


# --- through the widgets -----------------------------------------------------------------

def test_the_cabinet_uploads_and_replaces_a_plan_and_keeps_documents(school):
    from portfolio_lib.queries.cabinet import student_viewer
    from portfolio_lib.ui.cabinet import StudentCabinet
    app = StudentCabinet(school.wb, student_viewer(school.wb.engine, "113001"), now=school.clock.now)
    app.plan_title.value = "城市生態調查"
    app.plan_text.text.value = "每週記錄校園鳥類"
    give(app.plan_document, pdf("plan"))
    app.plan_upload.click()
    assert "等待審核" in app.status.text and app.plans.frame.iloc[0]["審核"] == "待審核"
    app.plan_title.value = "城市生態調查（修正）"
    app.plan_text.text.value = "加上每月報告"
    app.plan_replace.click()
    assert app.plans.frame.iloc[0]["計畫名稱"] == "城市生態調查（修正）"
    before = snapshot(school.wb)
    app.doc_text.text.value = "我的自傳"
    give(app.doc_file, png("x", name="自傳.pdf"))
    app.doc_upload.click()
    assert "副檔名是 .pdf" in app.status.text and snapshot(school.wb) == before
    give(app.doc_file, pdf("自傳"))
    app.doc_upload.click()
    assert app.documents.frame.iloc[0]["種類"] == "自傳"
    app.doc_delete.click()
    assert app.documents.frame.empty


def test_the_homeroom_teacher_reviews_plans_in_the_dashboard(school):
    from portfolio_lib.queries.viewer import viewer_by_staff_no
    from portfolio_lib.ui.homeroom import HomeroomDashboard
    plan_id = plan(school)
    app = HomeroomDashboard(school.wb, viewer_by_staff_no(school.wb.engine, "T001"), now=school.clock.now)
    assert app.plan.value == plan_id and app.plan_preview.children
    app.plan_result.value = False
    app.plan_submit.click()
    assert "必須填寫意見" in app.status.text
    app.plan_comment.value = "請寫出每週進度"
    app.plan_submit.click()
    assert app.plans.frame.iloc[0]["審核"] == "需修改" and app.plan.value is None
    assert "請寫出每週進度" in rows(school.wb, t.notifications)[0].message


def test_the_consultant_dashboard_records_a_consultation(school):
    from portfolio_lib.queries.viewer import viewer_by_staff_no
    from portfolio_lib.ui.consultant import ConsultantDashboard
    app = ConsultantDashboard(school.wb, viewer_by_staff_no(school.wb.engine, "C001"), now=school.clock.now)
    app.class_picker.value = "101"
    app.student.value = "113002"
    app.text.text.value = "字" * 101
    app.save.click()
    assert "超過 100 字" in app.status.text and rows(school.wb, t.consultation_records) == []
    app.text.text.value = "討論第二外語選修"
    app.save.click()
    assert app.records.frame.iloc[0]["學號"] == "113002"
    assert rows(school.wb, t.consultation_records)[0].consulted_on == date(2025, 1, 10)
