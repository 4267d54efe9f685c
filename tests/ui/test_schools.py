"""A database holding two schools whose students share numbers: every picker, directory and drill-down keeps to
the viewer's own school."""

import pytest
from sqlalchemy import text

from portfolio_lib import services
from portfolio_lib.queries import homeroom as homeroom_q
from portfolio_lib.queries.cabinet import students_for_picker
from portfolio_lib.queries.viewer import staff_directory, viewer_by_staff_no
from portfolio_lib.ui.cabinet import StudentCabinet
from portfolio_lib.ui.consultant import ConsultantDashboard
from portfolio_lib.ui.counselor import CounselorDashboard
from portfolio_lib.ui.identity import CabinetGate, ViewerGate
from portfolio_lib.ui.landing import LandingPage

from ..conftest import ADMIN, STAFF, WINDOWS, csv_bytes, record_rows, student_rows, teaching_rows

OTHER = "330302"


def other_staff():
    """The second school's staff: their own numbers and sign-on names."""
    return [{**row, "職員編號": "9" + row["職員編號"], "登入帳號": "b" + row["職員編號"][1:].lower()
             if row["登入帳號"] else ""} for row in STAFF]


def renumbered(rows, column):
    return [{**row, column: "9" + row[column]} if row.get(column) else row for row in rows]


@pytest.fixture
def two(school):
    """School 330301 (with one certified outcome of student 113001) and school 330302 whose three students
    have the same numbers and no items."""
    school.passed_outcome("113001", 0)
    wb = school.wb
    services.create_school(wb.uow(), OTHER, "第二高中", actor=ADMIN)
    students = [{**row, "姓名": "乙" + row["姓名"][1:]} for row in renumbered(student_rows(), "導師職員編號")]
    teaching = renumbered(renumbered(teaching_rows(), "授課教師職員編號"), "代理教師職員編號")
    for kind, rows in (("staff", other_staff()), ("students", students), ("teaching", teaching),
                       ("course_records", record_rows())):
        services.import_file(wb.uow(), kind, csv_bytes(rows), name=f"{kind}.csv", school_code=OTHER, actor=ADMIN)
    for semester, kind, opens, closes in WINDOWS:
        services.set_window(wb.uow(), 113, semester, kind, opens, closes, school_code=OTHER, actor=ADMIN)
    with wb.engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT code, id FROM schools")).all())
    return school, ids


def test_a_homeroom_teacher_drills_down_to_their_own_schools_student_only(two):
    school, ids = two
    engine = school.wb.engine
    mine = viewer_by_staff_no(engine, "T001", school_id=ids["330301"])
    theirs = viewer_by_staff_no(engine, "9T001", school_id=ids[OTHER])
    assert len(homeroom_q.student_cabinet(engine, mine, "113001", 113)) == 1
    assert homeroom_q.student_cabinet(engine, theirs, "113001", 113).empty
    counselor = CounselorDashboard(school.wb, viewer_by_staff_no(engine, "9A001"), now=school.clock.now)
    assert set(counselor.overview.frame["班級"]) == {"101", "301"}
    assert "已上傳學習成果" in counselor.cards.value and ">0</div>" in counselor.cards.value.split("已上傳學習成果")[1]


def test_the_consultant_picks_and_records_only_their_own_schools_students(two):
    school, ids = two
    engine = school.wb.engine
    both = students_for_picker(engine, 113)
    assert len(both) == 6 and set(both["school"]) == {"330301", OTHER}
    app = ConsultantDashboard(school.wb, viewer_by_staff_no(engine, "9C001"), now=school.clock.now)
    assert len(app.students) == 3 and set(app.students["school"]) == {OTHER}
    assert all(label.split("（")[0].split(" 號 ")[1].startswith("乙") for label, _ in app.student.options)
    app.student.value = "113001"
    app.text.text.value = "選課諮詢"
    app.store()
    assert app.status.text.startswith("✓"), app.status.text
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT s.school_id FROM consultation_records c JOIN students s "
                                  "ON s.id = c.student_id")).scalar_one()
    assert owner == ids[OTHER]


def test_the_demo_pickers_name_the_school_and_open_the_person_picked(two):
    school, ids = two
    wb = school.wb
    assert set(staff_directory(wb.engine, school_id=ids[OTHER])["staff_no"]) == {r["職員編號"] for r in other_staff()}
    gate = ViewerGate(wb, "counselor", lambda w, v: CounselorDashboard(w, v, now=school.clock.now), identity="")
    labels = [label for label, _ in gate.picker.options]
    assert len(labels) == 2 and labels[0].startswith("330301 ") and labels[1].startswith(f"{OTHER} ")
    gate.picker.value = gate.picker.options[1][1]
    assert gate.app.viewer.school_id == ids[OTHER]

    cabinet = CabinetGate(wb, lambda w, v: StudentCabinet(w, v, now=school.clock.now), identity="")
    assert len(cabinet.picker.options) == 6
    other_first = next(value for label, value in cabinet.picker.options if label.startswith(OTHER))
    cabinet.picker.value = other_first
    assert cabinet.app.viewer.school_id == ids[OTHER] and cabinet.app.viewer.name.startswith("乙")


def test_the_landing_page_shows_each_schools_own_figures(two):
    school, ids = two
    wb, now = school.wb, school.clock.now
    demo = LandingPage(wb, now=now, identity="")
    assert [label for label, _ in demo.school_picker.options] == ["330301 測試高中", f"{OTHER} 第二高中"]
    first = demo.cards.value
    demo.school_picker.value = ids[OTHER]
    assert "第二高中" in demo.title.value and demo.cards.value != first
    signed_in = LandingPage(wb, now=now, identity="b001")
    assert signed_in.school_picker is None and "第二高中" in signed_in.title.value
    assert signed_in.cards.value == demo.cards.value

