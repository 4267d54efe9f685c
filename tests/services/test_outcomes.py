"""The outcome cycle against a real SQLite file: upload → send → certify → select → pick → submit."""

from datetime import datetime

import pytest
from sqlalchemy import select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.domain.errors import (
    ApplicationPickLimitReached,
    DescriptionRequired,
    DescriptionTooLong,
    DuplicateOutcome,
    FileRequired,
    FileTooLarge,
    FileTypeMismatch,
    InvalidState,
    ItemLocked,
    NotCertified,
    NotCourseTeacher,
    NotFound,
    NotGrade12,
    NothingToSubmit,
    NotSelected,
    OutsideWindow,
    PermissionDenied,
    QuotaExceeded,
    ReasonRequired,
    SelectionLimitReached,
    UploadLimitReached,
    WindowNotSet,
)
from portfolio_lib.domain.model import Actor
from portfolio_lib.services.schedule import set_policy_overrides

from ..conftest import IN_SELECTION, course_code, mp4, pdf, png, snapshot


def rows(wb, table, *where):
    with wb.engine.connect() as conn:
        return conn.execute(select(table).where(*where)).all()


def test_upload_stores_the_outcome_its_file_and_an_audit_event(school):
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "國文報告", document=pdf("a"))
    outcome = rows(school.wb, t.outcomes, t.outcomes.c.id == outcome_id)[0]
    assert (outcome.status, outcome.description, outcome.document_name) == ("uploaded", "國文報告", "a.pdf")
    assert school.wb.store.exists(outcome.document_sha256)
    event = rows(school.wb, t.audit_events, t.audit_events.c.entity == "outcome")[0]
    assert (event.actor, event.action) == ("student:113001", "upload")


def test_the_sixth_upload_of_a_semester_is_taken_and_the_seventh_refused(school, clock):
    for n in range(6):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(n), f"成果 {n}", document=pdf(str(n)))
    before = snapshot(school.wb)
    with pytest.raises(UploadLimitReached) as err:
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(6), "第七件", document=pdf("seven"))
    assert err.value.facts["count"] == 6 and err.value.facts["limit"] == 6
    assert snapshot(school.wb) == before
    clock.now = datetime(2025, 3, 1)
    services.upload_outcome(school.uow(), "113001", 113, 2, course_code(6), "下學期", document=pdf("next"))


def test_a_school_with_a_cap_of_nine_takes_a_seventh(school):
    set_policy_overrides(school.uow(), {"outcomes": {"upload_cap_per_semester": {"113-1": 9}}}, actor=school.admin)
    for n in range(7):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(n), f"成果 {n}", document=pdf(str(n)))


def test_refused_uploads_write_nothing(school):
    before = snapshot(school.wb)
    attempts = [
        (dict(course=course_code(0), description="", document=pdf("x")), DescriptionRequired),
        (dict(course=course_code(0), description="字" * 101, document=pdf("x")), DescriptionTooLong),
        (dict(course=course_code(0), description="ok", document=png("x", name="fake.pdf")), FileTypeMismatch),
        (dict(course=course_code(0), description="ok", document=pdf("big", size=4 * 1024 * 1024 + 1)), FileTooLarge),
        (dict(course=course_code(0), description="ok", document=None), FileRequired),
        (dict(course="113330301H1101011000199", description="ok", document=pdf("x")), NotFound),
    ]
    for attempt, error in attempts:
        with pytest.raises(error):
            services.upload_outcome(school.uow(), "113001", 113, 1, attempt["course"], attempt["description"],
                                    document=attempt["document"])
    assert snapshot(school.wb) == before


def test_a_failure_after_the_file_was_stored_removes_the_file(school, monkeypatch):
    from portfolio_lib.adapters.repository import Repository
    before = snapshot(school.wb)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(Repository, "add_outcome", broken)
    with pytest.raises(RuntimeError):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "報告", document=pdf("lost"))
    assert snapshot(school.wb) == before


def test_one_outcome_per_course_record(school):
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "第一件", document=pdf("1"))
    with pytest.raises(DuplicateOutcome):
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "第二件", document=pdf("2"))


def test_only_courses_of_the_students_record_can_be_chosen(school):
    with pytest.raises(NotFound) as err:
        services.upload_outcome(school.uow(), "113001", 113, 1, "113330301H1101011000199", "x", document=pdf("1"))
    assert "修課紀錄" in err.value.message


def test_uploads_only_inside_an_upload_stage(school, clock):
    clock.now = datetime(2025, 2, 5, 23, 59)         # last minute of stage 2
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "趕上", document=pdf("1"))
    clock.now = datetime(2025, 2, 6, 0, 0)
    with pytest.raises(OutsideWindow) as err:
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(1), "太晚", document=pdf("2"))
    assert "114/02/05 23:59" in err.value.message


def test_no_window_set_is_said_plainly(school, clock):
    clock.now = datetime(2025, 9, 10)
    with pytest.raises(WindowNotSet):
        services.upload_outcome(school.uow(), "113001", 114, 1, course_code(0), "x", document=pdf("1"))


def test_a_student_cannot_upload_for_another(school):
    with pytest.raises(PermissionDenied):
        services.upload_outcome(school.uow(), "113002", 113, 1, course_code(0), "x", document=pdf("1"),
                                actor=Actor("student", "113001"))
    services.upload_outcome(school.uow(), "113002", 113, 1, course_code(0), "x", document=pdf("1"),
                            actor=school.admin)


def test_quota_counts_every_file_of_the_student(school):
    doc = pdf("quota")
    set_policy_overrides(school.uow(), {"storage": {"quota_bytes": {"113-1": 2 * len(doc.data)}}}, actor=school.admin)
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "一", document=doc)
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(1), "二", document=doc)
    with pytest.raises(QuotaExceeded) as err:
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(2), "三", document=doc)
    assert err.value.facts["used"] == 2 * len(doc.data)


def test_send_only_inside_the_certification_window(school, clock):
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf())
    clock.now = datetime(2025, 3, 1)
    with pytest.raises(OutsideWindow):
        services.send_for_certification(school.uow(), outcome_id)
    clock.now = datetime(2025, 2, 28, 23, 59)
    services.send_for_certification(school.uow(), outcome_id)


def test_only_the_course_teacher_or_its_proxy_certifies(school):
    proxied = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf("0"))
    other = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(1), "y", document=pdf("1"))
    for outcome_id in (proxied, other):
        services.send_for_certification(school.uow(), outcome_id)
    with pytest.raises(NotCourseTeacher):
        services.certify(school.uow(), other, actor=Actor("staff", "T001"), passed=True)
    with pytest.raises(NotCourseTeacher):
        services.certify(school.uow(), other, actor=Actor("staff", "T003"), passed=True)
    services.certify(school.uow(), proxied, actor=Actor("staff", "T003"), passed=True)
    assert rows(school.wb, t.certifications)[0].as_proxy is True


def test_a_fail_needs_a_reason_and_notifies_the_student(school):
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(1), "x", document=pdf())
    services.send_for_certification(school.uow(), outcome_id)
    before = snapshot(school.wb)
    for reason in (None, "", "   "):
        with pytest.raises(ReasonRequired):
            services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=False, reason=reason)
    assert snapshot(school.wb) == before
    services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=False, reason="請上傳本課程的作品")
    note = rows(school.wb, t.notifications)[0]
    assert "不通過" in note.message and "請上傳本課程的作品" in note.message
    assert rows(school.wb, t.outcomes)[0].status == "failed"


def test_a_failed_outcome_is_replaced_and_sent_again(school):
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(1), "x", document=pdf("old"))
    old_sha = rows(school.wb, t.outcomes)[0].document_sha256
    services.send_for_certification(school.uow(), outcome_id)
    with pytest.raises(InvalidState):
        services.replace_outcome(school.uow(), outcome_id, "改", document=pdf("new"))
    services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=False, reason="內容不符")
    services.replace_outcome(school.uow(), outcome_id, "修正後", document=pdf("new"))
    assert not school.wb.store.exists(old_sha)
    services.send_for_certification(school.uow(), outcome_id)
    services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=True)
    assert [c.passed for c in rows(school.wb, t.certifications)] == [False, True]
    assert len(rows(school.wb, t.notifications)) == 2


def test_a_replaced_file_still_used_elsewhere_is_kept(school):
    shared = pdf("shared")
    first = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "一", document=shared)
    services.upload_outcome(school.uow(), "113001", 113, 1, course_code(1), "二", document=shared)
    sha = rows(school.wb, t.outcomes)[0].document_sha256
    assert len(rows(school.wb, t.files)) == 1
    services.replace_outcome(school.uow(), first, "換", document=png("other"))
    assert school.wb.store.exists(sha) and len(rows(school.wb, t.files)) == 2


def test_an_outcome_keeps_at_least_one_file(school):
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf(),
                                         video=mp4())
    with pytest.raises(FileRequired):
        services.replace_outcome(school.uow(), outcome_id, "x")
    services.replace_outcome(school.uow(), outcome_id, "只留影音", keep_video=True)
    outcome = rows(school.wb, t.outcomes)[0]
    assert outcome.document_sha256 is None and outcome.video_name == "clip.mp4"


def test_only_certified_outcomes_are_selected(school, clock):
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x", document=pdf())
    clock.now = IN_SELECTION
    with pytest.raises(NotCertified):
        services.select_for_submission(school.uow(), "113001", "outcome", outcome_id)


def test_the_sixth_selection_is_taken_and_the_seventh_refused(school, clock):
    ids = [school.passed_outcome("113001", n) for n in range(6)]
    clock.now = datetime(2025, 3, 1)
    ids.append(school.passed_outcome("113001", 6, term=(113, 2)))
    clock.now = IN_SELECTION
    for outcome_id in ids[:6]:
        services.select_for_submission(school.uow(), "113001", "outcome", outcome_id)
    with pytest.raises(SelectionLimitReached) as err:
        services.select_for_submission(school.uow(), "113001", "outcome", ids[6])
    assert err.value.facts["count"] == 6 and "6 件" in err.value.message
    services.unselect(school.uow(), "113001", "outcome", ids[0])
    services.select_for_submission(school.uow(), "113001", "outcome", ids[6])


def test_selection_only_inside_its_window(school, clock):
    outcome_id = school.passed_outcome("113001", 0)
    clock.now = datetime(2025, 6, 30, 23, 59)
    with pytest.raises(OutsideWindow):
        services.select_for_submission(school.uow(), "113001", "outcome", outcome_id)
    clock.now = datetime(2025, 7, 1, 0, 0)
    services.select_for_submission(school.uow(), "113001", "outcome", outcome_id)


def test_application_picks_three_of_the_selected(school, clock):
    ids = [school.passed_outcome("111001", n) for n in range(4)]
    unselected = school.passed_outcome("111001", 4)
    clock.now = IN_SELECTION
    for outcome_id in ids:
        services.select_for_submission(school.uow(), "111001", "outcome", outcome_id)
    with pytest.raises(NotSelected):
        services.pick_for_application(school.uow(), "111001", "outcome", unselected)
    for outcome_id in ids[:3]:
        services.pick_for_application(school.uow(), "111001", "outcome", outcome_id)
    with pytest.raises(ApplicationPickLimitReached) as err:
        services.pick_for_application(school.uow(), "111001", "outcome", ids[3])
    assert err.value.facts["limit"] == 3
    with pytest.raises(InvalidState):
        services.unselect(school.uow(), "111001", "outcome", ids[0])


def test_only_grade_12_picks_for_application(school, clock):
    outcome_id = school.passed_outcome("113001", 0)
    clock.now = IN_SELECTION
    services.select_for_submission(school.uow(), "113001", "outcome", outcome_id)
    with pytest.raises(NotGrade12):
        services.pick_for_application(school.uow(), "113001", "outcome", outcome_id)


def test_submitted_items_are_locked(school, clock):
    outcome_id = school.passed_outcome("113001", 0)
    clock.now = IN_SELECTION
    services.select_for_submission(school.uow(), "113001", "outcome", outcome_id)
    with pytest.raises(PermissionDenied):
        services.submit_selected(school.uow(), 113, 1, Actor("staff", "T002"))
    result = services.submit_selected(school.uow(), 113, 1, Actor("staff", "S001"))
    assert result["items"] == 1
    with pytest.raises(ItemLocked):
        services.unselect(school.uow(), "113001", "outcome", outcome_id)
    with pytest.raises(ItemLocked):
        services.delete_outcome(school.uow(), outcome_id)
    with pytest.raises(NothingToSubmit):
        services.submit_selected(school.uow(), 113, 1, Actor("staff", "S001"))


def test_a_document_too_large_for_an_old_term_is_refused_by_the_old_limit(school, clock):
    with pytest.raises(FileTooLarge) as err:
        services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "x",
                                document=pdf("big", size=4 * 1024 * 1024 + 1))
    assert err.value.facts["limit"] == 4 * 1024 * 1024
