"""A city's schools in one database: student and staff numbers repeat between schools, and each number means the
one person of the acting account's school; nobody acts on, or sees, another school's people."""

import json
import subprocess

import pytest
from sqlalchemy import text

from portfolio_lib import services
from portfolio_lib.domain.errors import InSeveralSchools, OtherSchool
from portfolio_lib.domain.model import Actor
from portfolio_lib.queries.viewer import school_id_of, viewer_by_staff_no
from portfolio_lib.ui.counselor import CounselorDashboard

from ..cli.test_cli import PORTFOLIO
from ..conftest import (
    ADMIN,
    STAFF,
    WINDOWS,
    course_code,
    csv_bytes,
    pdf,
    record_rows,
    snapshot,
    student_rows,
    teaching_rows,
)

SECOND = "330302"


@pytest.fixture
def city(school):
    """The test school and a second one with the same staff and student numbers (other names)."""
    services.create_school(school.uow(), SECOND, "第二高中", actor=ADMIN)
    students = [{**row, "姓名": "二校" + row["姓名"]} for row in student_rows()]
    for kind, rows in (("staff", STAFF), ("students", students), ("teaching", teaching_rows()),
                       ("course_records", record_rows())):
        services.import_file(school.uow(), kind, csv_bytes(rows), name=f"{kind}.csv", school_code=SECOND,
                             actor=ADMIN)
    for semester, kind, opens, closes in WINDOWS:
        services.set_window(school.uow(), 113, semester, kind, opens, closes, school_code=SECOND, actor=ADMIN)
    school.first, school.second = (school_id_of(school.wb.engine, code) for code in ("330301", SECOND))
    return school


def _school_of_outcome(city, outcome_id: int) -> int:
    with city.wb.engine.connect() as conn:
        return conn.execute(text("SELECT s.school_id FROM outcomes o JOIN students s ON s.id = o.student_id "
                                 "WHERE o.id = :o"), {"o": outcome_id}).scalar_one()


def test_a_number_means_the_student_of_the_acting_accounts_school(city):
    mine = Actor("student", "113001", school_id=city.second)
    outcome_id = services.upload_outcome(city.uow(), "113001", 113, 1, course_code(0), "二校的報告",
                                         document=pdf("second school"), actor=mine)
    assert _school_of_outcome(city, outcome_id) == city.second
    counselor = Actor("staff", "A001", school_id=city.first)
    theirs = services.upload_outcome(city.uow(), "113001", 113, 1, course_code(0), "一校的報告",
                                     document=pdf("first school"), actor=counselor)
    assert _school_of_outcome(city, theirs) == city.first


def test_a_number_in_several_schools_with_no_school_named_is_refused_and_writes_nothing(city):
    before = snapshot(city.wb)
    with pytest.raises(InSeveralSchools) as err:
        services.upload_outcome(city.uow(), "113001", 113, 1, course_code(0), "哪一校？", document=pdf("which"))
    assert "多所學校" in err.value.message and "--school" in err.value.message
    assert snapshot(city.wb) == before


def test_staff_of_one_school_cannot_act_on_another_schools_items(city):
    outcome_id = services.upload_outcome(city.uow(), "113001", 113, 1, course_code(0), "二校的報告",
                                         document=pdf("second"), actor=Actor("student", "113001",
                                                                             school_id=city.second))
    services.send_for_certification(city.uow(), outcome_id, actor=Actor("student", "113001", school_id=city.second))
    before = snapshot(city.wb)
    first_counselor, first_teacher = (Actor("staff", no, school_id=city.first) for no in ("A001", "T002"))
    with pytest.raises(OtherSchool):          # the same staff number teaches the course at the other school
        services.certify(city.uow(), outcome_id, passed=True, actor=first_teacher)
    with pytest.raises(OtherSchool):
        services.delete_outcome(city.uow(), outcome_id, actor=first_counselor)
    with pytest.raises(OtherSchool):
        services.replace_outcome(city.uow(), outcome_id, "改寫", document=pdf("changed"), actor=first_counselor)
    assert snapshot(city.wb) == before
    services.certify(city.uow(), outcome_id, passed=True, actor=Actor("staff", "T002", school_id=city.second))


def test_a_counselor_sees_only_their_own_schools_students(city):
    app = CounselorDashboard(city.wb, viewer_by_staff_no(city.wb.engine, "A001", city.second))
    app.drill_class.value = app.drill_class.options[0][1]
    shown = app.overview.table.value + app.class_table.table.value + app.cards.value
    assert "二校林小明" in shown and "林小明<" not in shown.replace("二校林小明", "")


def test_the_command_line_names_the_school_where_numbers_repeat(city, database):
    report = city.wb.store.root.with_name("report.pdf")
    report.write_bytes(pdf("cli").data)
    upload = ["upload", "outcome", "--student", "113001", "--term", "113-1", "--course", course_code(1),
              "--description", "命令列", "--document", str(report), "--json"]
    env = {"PORTFOLIO_FILES": str(database.files), "PORTFOLIO_AS_OF": "114/01/10 10:00", "PATH": "/usr/bin:/bin"}
    refused = subprocess.run([PORTFOLIO, "--db", database.url, *upload], capture_output=True, text=True, env=env)
    assert refused.returncode == 1 and json.loads(refused.stderr)["error"] == "InSeveralSchools"
    done = subprocess.run([PORTFOLIO, "--db", database.url, "--school", SECOND, *upload], capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert _school_of_outcome(city, json.loads(done.stdout)["outcome_id"]) == city.second


def test_every_school_side_by_side_is_each_schools_own_summary(city, database, tmp_path):
    """`portfolio status city YEAR`: one row per school, each exactly what that school's own summary says, and the
    same table as an XLSX file."""
    import openpyxl

    from portfolio_lib.queries import school_figures, school_summary
    services.upload_outcome(city.uow(), "113001", 113, 1, course_code(0), "二校", document=pdf("two"),
                            actor=Actor("student", "113001", school_id=city.second))
    table = school_figures(city.wb.engine, 113, 1)
    assert list(table["code"]) == ["330301", SECOND]
    for row in table.itertuples():
        assert school_summary(city.wb.engine, 113, 1, school_code=row.code).to_dict() == {
            key: getattr(row, key) for key in school_summary(city.wb.engine, 113, 1).index}
    assert table.set_index("code").loc[SECOND, "outcomes"] == 1 and table.set_index("code").loc["330301",
                                                                                                  "outcomes"] == 0
    env = {"PORTFOLIO_FILES": str(database.files), "PATH": "/usr/bin:/bin"}
    shown = subprocess.run([PORTFOLIO, "--db", database.url, "status", "city", "113", "--semester", "1", "--json"],
                           capture_output=True, text=True, env=env)
    assert shown.returncode == 0, shown.stderr
    assert [(r["學校代碼"], r["已上傳學習成果"]) for r in json.loads(shown.stdout)] == [("330301", 0), (SECOND, 1)]
    out = tmp_path / "各校.xlsx"
    written = subprocess.run([PORTFOLIO, "--db", database.url, "status", "city", "113", "--out", str(out)],
                             capture_output=True, text=True, env=env)
    assert written.returncode == 0, written.stderr
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("學校代碼", "學校", "學生數") and [r[0] for r in rows[1:]] == ["330301", SECOND]


def test_a_class_name_in_several_schools_is_refused_until_the_school_is_named(city):
    from portfolio_lib.queries import class_status
    with pytest.raises(InSeveralSchools):
        class_status(city.wb.engine, 113, "101", 1)
    mine = class_status(city.wb.engine, 113, "101", 1, school_code=SECOND)
    assert list(mine["name"]) == ["二校林小明", "二校張小華"]
