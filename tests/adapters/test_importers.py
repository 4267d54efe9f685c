"""Imports from the school administration system: encodings, whole-file refusal, idempotence."""

import io

import pandas as pd
import pytest
from sqlalchemy import select, text

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.adapters.tabular import decode_text
from portfolio_lib.domain.errors import EncodingUndetectable, ImportRejected, UnreadableFile

from ..conftest import ADMIN, SCHOOL, STAFF, csv_bytes, record_rows, snapshot, student_rows, teaching_rows


@pytest.fixture
def empty_school(wb):
    services.create_school(wb.uow(), SCHOOL, "測試高中", actor=ADMIN)
    return wb


def xlsx_bytes(rows):
    out = io.BytesIO()
    pd.DataFrame(rows).to_excel(out, index=False)
    return out.getvalue()


ENCODED = {
    "utf-8": lambda rows: csv_bytes(rows, "utf-8"),
    "utf-8 with BOM": lambda rows: csv_bytes(rows, "utf-8-sig"),
    "big5": lambda rows: csv_bytes(rows, "cp950"),
    "xlsx": xlsx_bytes,
}


@pytest.mark.parametrize("form", list(ENCODED))
def test_staff_and_students_import_from_every_form(empty_school, form):
    wb = empty_school
    staff = services.import_file(wb.uow(), "staff", ENCODED[form](STAFF), name="staff", actor=ADMIN)
    assert staff.inserted == len(STAFF)
    services.import_file(wb.uow(), "students", ENCODED[form](student_rows()), name="students", actor=ADMIN)
    with wb.engine.connect() as conn:
        names = sorted(conn.execute(select(t.students.c.name)).scalars())
        roles = conn.execute(select(t.staff_roles.c.role).join(t.staff).where(t.staff.c.staff_no == "A001")).scalars()
        classes = conn.execute(select(t.classes.c.name, t.classes.c.grade)).all()
    assert names == sorted(["林小明", "張小華", "陳大同"])
    assert set(roles) == {"admin", "counselor"}
    assert sorted(classes) == [("101", 10), ("301", 12)]


@pytest.mark.parametrize("encoding", ["gbk", "shift_jis", "latin-1"])
def test_an_encoding_it_cannot_tell_is_refused_not_guessed(empty_school, encoding):
    rows = [{"學號": "1", "姓名": "王小明"}] if encoding != "latin-1" else [{"name": "José Müller"}]
    data = pd.DataFrame(rows).to_csv(index=False).encode(encoding, errors="replace")
    with pytest.raises(EncodingUndetectable) as err:
        decode_text(data, "roster.csv")
    assert "UTF-8 或 Big5" in err.value.message


def test_big5_is_read_as_what_was_written():
    text = "學號,姓名\n113001,林小明\n113002,張小華\n113003,黃建宏\n"
    assert decode_text(text.encode("cp950"), "x.csv") == (text, "cp950")


def test_a_file_with_bad_rows_is_refused_whole_with_a_report(empty_school):
    wb = empty_school
    services.import_file(wb.uow(), "staff", csv_bytes(STAFF), name="staff.csv", actor=ADMIN)
    rows = student_rows()
    rows[0]["身分證字號"] = "A123456788"
    rows[2]["出生日期"] = "97/13/01"
    rows[2]["導師職員編號"] = "X999"
    before = snapshot(wb)
    with pytest.raises(ImportRejected) as err:
        services.import_file(wb.uow(), "students", csv_bytes(rows), name="students.csv", actor=ADMIN)
    problems = {(p.row, p.column) for p in err.value.facts["problems"]}
    assert problems == {(2, "身分證字號"), (4, "出生日期"), (4, "導師職員編號")}
    assert "第 2 列「身分證字號」" in err.value.message
    assert snapshot(wb) == before


@pytest.mark.parametrize("role", ["教育局承辦人", "district"])
def test_a_school_cannot_give_its_staff_the_education_offices_role(empty_school, role):
    """The district's role reads every school's counts: it belongs to officers of no school, never to a school's
    staff, whatever a staff file says."""
    wb = empty_school
    before = snapshot(wb)
    rows = [dict(STAFF[0]), {**STAFF[1], "身分": f"導師、{role}"}]
    with pytest.raises(ImportRejected) as err:
        services.import_file(wb.uow(), "staff", csv_bytes(rows), name="staff.csv", actor=ADMIN)
    assert [(p.row, p.column) for p in err.value.facts["problems"]] == [(3, "身分")]
    assert "教育局" not in err.value.facts["problems"][0].reason.split("：", 1)[-1]
    assert snapshot(wb) == before


def test_missing_columns_are_named(empty_school):
    with pytest.raises(ImportRejected) as err:
        services.import_file(empty_school.uow(), "staff", csv_bytes([{"職員編號": "A1"}]), name="staff.csv",
                             actor=ADMIN)
    assert err.value.facts["problems"][0].column == "姓名、身分"


def test_course_records_check_codes_scores_and_sections(school):
    records = record_rows()[:3]
    records[0]["成績"] = "101"
    records[1]["課程代碼"] = "113330301H1101011000199"
    records[2]["學號"] = "999999"
    with pytest.raises(ImportRejected) as err:
        services.import_file(school.uow(), "course_records", csv_bytes(records), name="records.csv", actor=ADMIN)
    reasons = {p.row: p.reason for p in err.value.facts["problems"]}
    assert "0–100" in reasons[2] and "找不到" in reasons[3] and "999999" in reasons[4]


def test_teaching_checks_the_course_code(school):
    rows = teaching_rows()[:1]
    rows[0]["課程代碼"] = rows[0]["課程代碼"][:-1]
    with pytest.raises(ImportRejected) as err:
        services.import_file(school.uow(), "teaching", csv_bytes(rows), name="teaching.csv", actor=ADMIN)
    assert "23 碼" in err.value.facts["problems"][0].reason


@pytest.mark.parametrize("kind,rows", [("staff", STAFF), ("students", student_rows()),
                                       ("teaching", teaching_rows()), ("course_records", record_rows())])
def test_importing_the_same_file_again_changes_nothing(school, kind, rows):
    before = snapshot(school.wb)
    result = services.import_file(school.uow(), kind, csv_bytes(rows), name=f"{kind}.csv", actor=ADMIN)
    assert (result.inserted, result.updated) == (0, 0)
    assert snapshot(school.wb) == before


def test_a_changed_score_is_updated_in_place(school):
    rows = record_rows()
    rows[0]["成績"] = 55
    result = services.import_file(school.uow(), "course_records", csv_bytes(rows), name="records.csv", actor=ADMIN)
    assert (result.inserted, result.updated) == (0, 1)


def test_cadre_records_are_synced_once(school):
    rows = [{"學號": "113001", "學年度": 113, "學期": 1, "單位名稱": "101班", "擔任職務": "班長",
             "幹部等級": "班級幹部", "開始日期": "113/08/01", "結束日期": "114/01/31"}]
    assert services.import_file(school.uow(), "cadre", csv_bytes(rows), name="c.csv", actor=ADMIN).inserted == 1
    assert services.import_file(school.uow(), "cadre", csv_bytes(rows), name="c.csv", actor=ADMIN).inserted == 0
    rows[0]["結束日期"] = "113/07/01"
    with pytest.raises(ImportRejected) as err:
        services.import_file(school.uow(), "cadre", csv_bytes(rows), name="c.csv", actor=ADMIN)
    assert err.value.facts["problems"][0].column == "結束日期"


def test_a_damaged_workbook_is_refused(empty_school):
    with pytest.raises(UnreadableFile):
        services.import_file(empty_school.uow(), "staff", b"PK\x03\x04 not really a workbook", name="staff.xlsx",
                             actor=ADMIN)


def _without(rows: list[dict], *headers: str) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in headers} for row in rows]


@pytest.mark.parametrize("kind, rows, absent, read", [
    ("students", lambda: student_rows(), ("導師職員編號",),
     "SELECT name, homeroom_teacher_id FROM classes ORDER BY id"),
    ("students", lambda: [dict(r, 登入帳號=f"s{r['學號']}") for r in student_rows()], ("登入帳號",),
     "SELECT student_no, login FROM students ORDER BY id"),
    ("staff", lambda: [dict(r, 登入帳號=r["職員編號"].lower()) for r in STAFF], ("登入帳號",),
     "SELECT staff_no, login FROM staff ORDER BY id"),
    ("teaching", lambda: teaching_rows(), ("代理教師職員編號",),
     "SELECT id, proxy_teacher_id FROM course_sections ORDER BY id"),
    ("course_records", lambda: record_rows(), ("成績", "修課別"),
     "SELECT id, score, mode FROM course_records ORDER BY id"),
])
def test_an_optional_column_the_file_lacks_leaves_what_it_would_set_alone(school, kind, rows, absent, read):
    services.import_file(school.uow(), kind, csv_bytes(rows()), name=f"{kind}.csv", actor=ADMIN)
    with school.wb.engine.connect() as conn:
        before = conn.execute(text(read)).all()
    assert any(value not in (None, "") for row in before for value in row[1:])     # the column did set something
    again = services.import_file(school.uow(), kind, csv_bytes(_without(rows(), *absent)), name=f"{kind}.csv",
                                 actor=ADMIN)
    assert again.updated == 0 and again.inserted == 0
    with school.wb.engine.connect() as conn:
        assert conn.execute(text(read)).all() == before
