"""Programme lists, target programmes and outcome kinds through the services and the queries, on SQLite and
PostgreSQL: the import refuses a malformed requirement and writes nothing; a student with nothing, with exactly what
a programme asks, and with one item missing; a student sees only their own, a homeroom teacher only their class."""

import pytest
from sqlalchemy import select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.domain.errors import (
    DuplicateTarget,
    ImportRejected,
    ItemLocked,
    NotATarget,
    PermissionDenied,
    TooManyTargets,
    UnknownOutcomeKind,
    UnknownProgramme,
)
from portfolio_lib.domain.model import Actor
from portfolio_lib.queries import requirements as rq
from portfolio_lib.queries.cabinet import student_viewer
from portfolio_lib.queries.viewer import viewer_by_staff_no
from portfolio_lib.queries.vocabulary import (
    cover_table,
    lacking_table,
    requirement_class_table,
    requirement_reminder_table,
)

from ..conftest import ADMIN, IN_SELECTION, STAFF, both_backends, course_code, csv_bytes, pdf, snapshot, student_rows
from ..domain.test_domain_rules import VALID
from .conftest import ASKS, PHYSICS, SENIOR, programme_rows  # noqa: F401  (ASKS: what PHYSICS asks)

backend = both_backends()

def reports(school, student=SENIOR, programme=None):
    return rq.student_requirements(school.wb.engine, student_viewer(school.wb.engine, student), 113,
                                   school.wb.policy, programme)


def missing(report) -> list[str]:
    return [c.code for c in report.cover.missing]


# --- the programme list ---------------------------------------------------------------------------------

def test_a_programme_list_is_imported_with_its_systems_and_its_sample_mark(listed):
    table = rq.programmes(listed.wb.engine, 1)
    physics = table.set_index("code").loc[PHYSICS]
    assert (physics["system"], physics["admission_year"], bool(physics["sample"])) == ("university", 115, False)
    technical = table.set_index("code").loc["200001"]
    assert (technical["system"], bool(technical["sample"])) == ("technical", True)
    again = programme_rows()
    again[0]["要求項目"] = "多元表現(F、J)"
    result = services.import_file(listed.uow(), "programmes", csv_bytes(again), name="校系.csv", actor=ADMIN)
    assert (result.inserted, result.updated) == (0, 1)
    assert rq.programmes(listed.wb.engine, 1).set_index("code").loc[PHYSICS, "requirement"] == "多元表現(F、J)"


def test_a_malformed_requirement_refuses_the_whole_list_by_row_and_reason(school):
    rows = programme_rows()
    rows[1]["要求項目"] = "多元表現(F、(G、J))"
    rows[3]["要求項目"] = "多元表現()"
    rows[4]["校系代碼"] = PHYSICS
    before = snapshot(school.wb)
    with pytest.raises(ImportRejected) as err:
        services.import_file(school.uow(), "programmes", csv_bytes(rows), name="校系.csv", actor=ADMIN)
    assert [(p.row, p.column) for p in err.value.facts["problems"]] == [
        (2, "校系代碼"), (3, "要求項目"), (5, "要求項目"), (6, "校系代碼")]
    reasons = {p.row: p.reason for p in err.value.facts["problems"]}
    assert reasons[3] == "「(G、J)」不是項目代碼：括號內不能再分組" and reasons[5] == "「多元表現」的括號內沒有任何代碼"
    assert snapshot(school.wb) == before


def test_only_counselors_and_administrators_import_programme_lists(school):
    with pytest.raises(PermissionDenied):
        services.import_file(school.uow(), "programmes", csv_bytes(programme_rows()), name="校系.csv",
                             actor=Actor("staff", "T002"))


# --- target programmes ----------------------------------------------------------------------------------

def test_a_student_keeps_up_to_six_targets_and_the_seventh_is_refused(listed):
    codes = [row["校系代碼"] for row in programme_rows()]
    for code in codes[:6]:
        services.add_target(listed.uow(), SENIOR, code)
    before = snapshot(listed.wb)
    with pytest.raises(TooManyTargets, match="最多 6 個，已加入 6 個"):
        services.add_target(listed.uow(), SENIOR, codes[6])
    with pytest.raises(DuplicateTarget):
        services.add_target(listed.uow(), SENIOR, codes[0])
    with pytest.raises(UnknownProgramme, match="999999"):
        services.add_target(listed.uow(), SENIOR, "999999")
    assert snapshot(listed.wb) == before
    services.remove_target(listed.uow(), SENIOR, codes[0])
    services.add_target(listed.uow(), SENIOR, codes[6])
    assert [r.code for r in reports(listed)] == codes[1:7]
    with pytest.raises(NotATarget):
        services.remove_target(listed.uow(), SENIOR, codes[0])


def test_a_student_adds_targets_only_for_themselves(listed):
    with pytest.raises(PermissionDenied):
        services.add_target(listed.uow(), SENIOR, PHYSICS, actor=Actor("student", "113001"))
    with pytest.raises(PermissionDenied):
        services.add_target(listed.uow(), SENIOR, PHYSICS, actor=Actor("staff", "T001"))
    services.add_target(listed.uow(), SENIOR, PHYSICS, actor=Actor("staff", "A001"))     # a counselor may help
    assert reports(listed, "113001") == [] and [r.code for r in reports(listed)] == [PHYSICS]


# --- what a programme asks against what the student holds -----------------------------------------------

def outcome(school, n, kind, student=SENIOR):
    outcome_id = services.upload_outcome(school.uow(), student, 113, 1, course_code(n), f"第 {n} 門課的成果",
                                         document=pdf(f"{student}-{n}"), kind=kind)
    services.send_for_certification(school.uow(), outcome_id)
    services.certify(school.uow(), outcome_id, actor=Actor("staff", "T002"), passed=True)
    return ("outcome", outcome_id)


def performance(school, category, student=SENIOR):
    return ("performance", services.upload_performance(school.uow(), student, 113, 1, category, VALID[category],
                                                       f"{category} 紀錄", document=pdf(f"{student}-{category}")))


def select_and_pick(school, items):
    school.clock.now = IN_SELECTION
    for kind, item_id in items:
        services.select_for_submission(school.uow(), SENIOR, kind, item_id)
        services.pick_for_application(school.uow(), SENIOR, kind, item_id)


def test_a_student_with_nothing_lacks_every_item_the_programme_asks(listed):
    services.add_target(listed.uow(), SENIOR, PHYSICS)
    [report] = reports(listed)
    assert missing(report) == ["B", "D", "F", "J"]
    table = cover_table(report).set_index("代碼")
    assert table.loc["A", "狀態"] == "✔ 學校提供" and table.loc["N", "狀態"] == "申請時撰寫"
    assert table.loc["F", "下一步"] == "新增一筆彈性學習時間紀錄（類別為「自主學習」）並勾選"


def test_a_student_with_exactly_what_is_asked_has_nothing_left_to_do(listed):
    services.add_target(listed.uow(), SENIOR, PHYSICS)
    select_and_pick(listed, [outcome(listed, 0, "report"), outcome(listed, 5, "science"),
                             performance(listed, "flexible"), performance(listed, "competition")])
    [report] = reports(listed)
    assert report.cover.covered and report.cover.next_steps == () and report.cover.off_target == ()
    assert "F 高中自主學習計畫與成果：1 件 ✔" in report.summary()
    assert cover_table(report).set_index("代碼").loc["D", "已選為申請"] == 1


def test_one_missing_item_is_the_only_gap_the_student_is_told_about(listed):
    services.add_target(listed.uow(), SENIOR, PHYSICS)
    select_and_pick(listed, [outcome(listed, 0, "report"), outcome(listed, 5, "science"),
                             performance(listed, "flexible")])
    [report] = reports(listed, programme=PHYSICS)
    assert missing(report) == ["J"]
    assert report.cover.next_steps == ("J：新增一筆競賽參與紀錄並勾選",)


def test_an_outcome_kind_is_chosen_at_upload_inferred_from_an_inquiry_course_and_changed_until_submitted(listed):
    inquiry = "113330301H110101100" + "0409"
    services.import_file(listed.uow(), "teaching", csv_bytes([
        {"學年度": 113, "學期": 1, "課程代碼": inquiry, "科目名稱": "探究與實作", "學分數": 2, "開課班級": "301",
         "授課教師職員編號": "T002", "代理教師職員編號": ""}]), name="teaching.csv", actor=ADMIN)
    services.import_file(listed.uow(), "course_records", csv_bytes([
        {"學號": SENIOR, "學年度": 113, "學期": 1, "課程代碼": inquiry, "開課班級": "301", "成績": 90, "修課別": ""}]),
        name="records.csv", actor=ADMIN)

    def kind_of(outcome_id):
        with listed.wb.engine.connect() as conn:
            return conn.execute(select(t.outcomes.c.outcome_kind).where(t.outcomes.c.id == outcome_id)).scalar()
    inferred = services.upload_outcome(listed.uow(), SENIOR, 113, 1, inquiry, "探究成果", document=pdf("q"))
    unmarked = services.upload_outcome(listed.uow(), SENIOR, 113, 1, course_code(1), "英文成果", document=pdf("e"))
    assert (kind_of(inferred), kind_of(unmarked)) == ("science", None)
    assert services.mark_outcome_kind(listed.uow(), unmarked, "實作作品") == "work"
    before = snapshot(listed.wb)
    with pytest.raises(UnknownOutcomeKind):
        services.mark_outcome_kind(listed.uow(), unmarked, "心得")
    with pytest.raises(PermissionDenied):
        services.mark_outcome_kind(listed.uow(), unmarked, "report", actor=Actor("student", "113001"))
    assert snapshot(listed.wb) == before
    assert services.mark_outcome_kind(listed.uow(), inferred, "") == "science"      # back to what the course says
    for outcome_id in (inferred, unmarked):
        services.send_for_certification(listed.uow(), outcome_id)
        services.certify(listed.uow(), outcome_id, actor=Actor("staff", "T002"), passed=True)
    listed.clock.now = IN_SELECTION
    services.select_for_submission(listed.uow(), SENIOR, "outcome", unmarked)
    services.submit_selected(listed.uow(), 113, 1, Actor("staff", "S001"))
    with pytest.raises(ItemLocked):
        services.mark_outcome_kind(listed.uow(), unmarked, "report")
    assert kind_of(unmarked) == "work"


# --- whose gaps a teacher sees ---------------------------------------------------------------------------

@pytest.fixture
def homerooms(listed):
    """301 gets its own homeroom teacher, T004; 101 stays T001's."""
    services.import_file(listed.uow(), "staff", csv_bytes(STAFF + [
        {"職員編號": "T004", "姓名": "周導師", "身分": "導師", "登入帳號": ""}]), name="staff.csv", actor=ADMIN)
    rows = [dict(row, 導師職員編號="T004") if row["班級"] == "301" else row for row in student_rows()]
    services.import_file(listed.uow(), "students", csv_bytes(rows), name="students.csv", actor=ADMIN)
    services.add_target(listed.uow(), SENIOR, PHYSICS)
    return listed


def shown(answer):
    """The class counts and the reminder list as the pages show them (their Chinese headers), and the reports."""
    per_class, reminders, reports_ = answer
    return requirement_class_table(per_class), requirement_reminder_table(reminders), reports_


def class_id(school, name):
    with school.wb.engine.connect() as conn:
        return conn.execute(select(t.classes.c.id).where(t.classes.c.name == name)).scalar_one()


def test_a_homeroom_teacher_sees_their_own_grade_12_class_and_no_other(homerooms):
    engine, policy = homerooms.wb.engine, homerooms.wb.policy
    mine = viewer_by_staff_no(engine, "T004")
    per_class, reminders, _ = shown(rq.class_requirements(engine, mine, 113, policy))
    assert per_class.to_dict("records") == [{"班級": "301", "高三人數": 1, "有目標校系": 1, "有缺項": 1}]
    assert reminders[["學號", "校系", "缺少項目"]].to_dict("records") == [{
        "學號": SENIOR, "校系": f"{PHYSICS} 甲大學 物理學系",
        "缺少項目": "B 書面報告、D 自然科學領域探究活動成果、F 高中自主學習計畫與成果、J 競賽表現"}]
    with pytest.raises(PermissionDenied):
        rq.class_requirements(engine, mine, 113, policy, class_id(homerooms, "101"))
    other = viewer_by_staff_no(engine, "T001")            # 101's homeroom teacher: a grade-10 class
    per_class, reminders, _ = shown(rq.class_requirements(engine, other, 113, policy))
    assert per_class.empty and reminders.empty
    with pytest.raises(PermissionDenied):
        rq.class_requirements(engine, other, 113, policy, class_id(homerooms, "301"))
    counselor = viewer_by_staff_no(engine, "A001")
    per_class, reminders, reports_ = shown(rq.class_requirements(engine, counselor, 113, policy))
    assert list(per_class["班級"]) == ["301"] and list(reminders["學號"]) == [SENIOR]
    assert lacking_table(rq.lacking_counts(reports_))["代碼"].tolist() == ["B", "D", "F", "J"]
