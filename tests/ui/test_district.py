"""The city's education office (教育局) on a city database: every school side by side, each row what that school's own
counselor sees; a school's classes by counts only; no student's name or ID number anywhere the officer could read;
school staff and officers each kept to their own pages."""

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import text

from portfolio_lib import services
from portfolio_lib.demo import build_city, city_school
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.errors import MissingField, NotFound, PermissionDenied, TextTooLong
from portfolio_lib.domain.model import Actor
from portfolio_lib.queries import counselor as counselor_q
from portfolio_lib.queries import district as q
from portfolio_lib.queries import homeroom as homeroom_q
from portfolio_lib.queries.scope import classes_of
from portfolio_lib.queries.viewer import officer_by_login, school_id_of, staff_directory, viewer_by_staff_no
from portfolio_lib.ui.counselor import CounselorDashboard
from portfolio_lib.ui.district import DistrictDashboard
from portfolio_lib.ui.identity import DistrictGate, ViewerGate
from portfolio_lib.ui.landing import LandingPage

from ..conftest import ADMIN, both_backends, course_code, pdf, snapshot

pytestmark = pytest.mark.slow
AS_OF = datetime(2026, 11, 28, 10, 0)          # 115-1: the first upload stage open, certification under way
TERM = Term(115, 1)

backend = both_backends()


@pytest.fixture(scope="module")
def city(databases, backend, tmp_path_factory):
    database = databases.new(backend, tmp_path_factory.mktemp("district"), "city")
    wb = database.open(clock=lambda: AS_OF)
    build_city(wb, 2, seed=40, students=102, as_of=AS_OF)
    yield wb
    wb.engine.dispose()
    databases.drop(database)


def officer(wb):
    return officer_by_login(wb.engine, "e001")


def counselor_of(wb, code):
    school_id = school_id_of(wb.engine, code)
    staff = staff_directory(wb.engine, "counselor", school_id=school_id)
    return viewer_by_staff_no(wb.engine, staff.iloc[0]["staff_no"], school_id)


def sql(wb, query, **params):
    with wb.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def test_every_school_row_is_what_that_schools_counselor_sees(city):
    table = q.school_table(city.engine, officer(city), TERM, AS_OF, city.policy).set_index("code")
    assert list(table.index) == [city_school(1)[0], city_school(2)[0]]
    for code in table.index:
        cards = counselor_q.kpis(city.engine, counselor_of(city, code), TERM.year, TERM.semester)
        for figure, value in cards.items():
            assert table.loc[code, figure] == value, (code, figure)
        classes = q.school_classes(city.engine, officer(city), code, TERM.year, TERM.semester)
        assert classes["students"].sum() == table.loc[code, "students"]
        assert classes["outcomes"].sum() == table.loc[code, "outcomes"]
        assert "homeroom_teacher" not in classes


def test_upload_rates_count_the_students_with_an_outcome_by_each_stages_deadline(city):
    """114-2, both stages closed: the rates are the shares of enrolled students with an outcome uploaded by each
    stage's deadline, counted here once more in plain SQL."""
    term = Term(114, 2)
    table = q.school_table(city.engine, officer(city), term, AS_OF, city.policy).set_index("code")
    for code in table.index:
        school_id = school_id_of(city.engine, code)
        students = sql(city, "SELECT count(*) FROM enrolments e JOIN students s ON s.id = e.student_id "
                             "WHERE s.school_id = :s AND e.academic_year = 114", s=school_id)[0][0]
        for stage, kind in ((1, "upload_1"), (2, "upload_2")):
            uploading = sql(city, "SELECT count(DISTINCT o.student_id) FROM outcomes o JOIN students s "
                                  "ON s.id = o.student_id JOIN windows w ON w.school_id = s.school_id "
                                  "AND w.academic_year = 114 AND w.semester = 2 AND w.kind = :k "
                                  "WHERE s.school_id = :s AND o.academic_year = 114 AND o.semester = 2 "
                                  "AND o.uploaded_at <= w.closes", s=school_id, k=kind)[0][0]
            assert table.loc[code, f"stage_{stage}_rate"] == round(uploading / students, 3)
        assert 0 < table.loc[code, "stage_1_rate"] <= table.loc[code, "stage_2_rate"] <= 1
        assert table.loc[code, "selection_state"] == "closed" and table.loc[code, "submitted_items"] > 0
        received = sql(city, "SELECT count(*) FROM receipt_lines l JOIN receipts r ON r.id = l.receipt_id "
                             "WHERE r.school_id = :s AND r.academic_year = 114 AND r.semester = 2 "
                             "AND l.status = 'received'", s=school_id)[0][0]
        assert table.loc[code, "received"] == received > 0


def test_the_table_sorts_the_worst_first_and_either_way(city):
    app = DistrictDashboard(city, officer(city), now=AS_OF)
    app.sort.value = "pending"
    worst = list(app.table.frame["學校代碼"])
    pending = list(app.table.frame["待認證"])
    assert pending == sorted(pending, reverse=True)
    app.order.value = "up"
    assert list(app.table.frame["待認證"]) == sorted(pending)
    app.sort.value = "stage_1_rate"
    app.order.value = "worst"
    rates = list(app.table.frame["第一階段截止前上傳率"])
    assert rates == sorted(rates) and len(worst) == 2
    labels = list(app.chart.figure.data[0].y)
    assert labels == [f"{code} {name}" for code, name in zip(app.table.frame["學校代碼"], app.table.frame["學校"])]


def test_an_officer_reads_no_students_name_or_id_number_anywhere_on_the_page(city):
    app = DistrictDashboard(city, officer(city), now=AS_OF)
    shown = [app.cards.value, app.table.table.value, str(app.chart.figure.to_dict())]
    for semester in (2, 1):
        app.semester.value = semester
        for _, code in app.school.options[1:]:
            app.school.value = code
            shown += [app.classes.table.value, app.table.table.value]
            for table in (app.classes, app.table):
                shown.append(table.file(f"{table.filename}.csv")[0].decode("utf-8-sig"))
                book = openpyxl.load_workbook(io.BytesIO(table.file(f"{table.filename}.xlsx")[0]))
                shown.append(str([row for row in book.active.iter_rows(values_only=True)]))
    page = "\n".join(shown)
    assert "999302" in page and "101" in page                      # the schools and their classes are there
    people = sql(city, "SELECT name, id_number FROM students UNION ALL SELECT name, '' FROM staff")
    seen = sorted({name for name, number in people if name in page} |
                  {number for name, number in people if number and number in page})
    assert seen == []


def test_school_staff_cannot_open_the_district_page_and_an_officer_no_schools_page(city):
    counselor = counselor_of(city, city_school(2)[0])
    with pytest.raises(PermissionDenied):
        DistrictDashboard(city, counselor, now=AS_OF)
    with pytest.raises(PermissionDenied):
        q.school_table(city.engine, counselor, TERM, AS_OF, city.policy)
    district = officer(city)
    with pytest.raises(PermissionDenied):
        CounselorDashboard(city, district, now=AS_OF)
    with pytest.raises(PermissionDenied):
        counselor_q.class_overview(city.engine, district, TERM.year, TERM.semester)
    class_id = sql(city, "SELECT min(id) FROM classes WHERE academic_year = 115")[0][0]
    with pytest.raises(NotFound):                        # an officer belongs to no school: no class is theirs
        classes_of(city.engine, district, TERM.year, class_id)
    student_no = sql(city, "SELECT min(student_no) FROM students")[0][0]
    with pytest.raises(NotFound):
        homeroom_q.student_cabinet(city.engine, district, student_no, TERM.year)
    with pytest.raises(NotFound):
        q.school_classes(city.engine, district, "000000", TERM.year, TERM.semester)


def test_the_district_page_opens_for_an_officers_sign_on_name_only(city):
    build = lambda wb, viewer: DistrictDashboard(wb, viewer, now=AS_OF)        # noqa: E731
    gate = DistrictGate(city, "district", build, identity="E001")
    assert gate.app is not None and gate.app.viewer.officer_no == "E001"
    counselor_login = sql(city, "SELECT st.login FROM staff st JOIN staff_roles r ON r.staff_id = st.id "
                                "WHERE r.role = 'counselor' ORDER BY st.id LIMIT 1")[0][0]
    refused = DistrictGate(city, "district", build, identity=counselor_login)
    assert refused.app is None and "沒有對應的教育局帳號資料" in refused.view.value
    staff_page = ViewerGate(city, "counselor", lambda wb, v: CounselorDashboard(wb, v, now=AS_OF), identity="e001")
    assert staff_page.app is None and "沒有對應的教職員資料" in staff_page.view.value
    demo = DistrictGate(city, "district", build, identity="")
    assert [label for label, _ in demo.picker.options] == ["林科員（E001，教育局）"]


def test_an_officers_landing_page_shows_the_city_and_links_the_district_page_only(city):
    page = LandingPage(city, now=AS_OF, identity="e001")
    assert "全市各校（2 所學校）" in page.title.value and page.school_picker is None
    assert page.links.value.count("pf-dashboard-link") == 1 and "district.ipynb" in page.links.value
    students = sql(city, "SELECT count(*) FROM enrolments WHERE academic_year = 115")[0][0]
    assert f">{students:,}</div>" in page.cards.value


def test_opening_a_schools_classes_is_in_the_access_log(city):
    district = officer(city)
    app = DistrictDashboard(city, district, now=AS_OF)
    before = sql(city, "SELECT count(*) FROM access_log WHERE login = 'e001'")[0][0]
    app.school.value = city_school(2)[0]
    rows = sql(city, "SELECT event, target, school_id FROM access_log WHERE login = 'e001' ORDER BY id")
    assert len(rows) == before + 1
    assert tuple(rows[-1]) == ("open", "district", school_id_of(city.engine, city_school(2)[0]))
    app.semester.value = 2                               # another term: the same school's classes, opened once more
    assert app.school.value == city_school(2)[0] and not app.classes.frame.empty
    assert len(sql(city, "SELECT id FROM access_log WHERE login = 'e001'")) == before + 2


def test_a_pending_outcome_is_overdue_once_its_stage_deadline_and_a_week_have_passed(school):
    """The one-week rule at its edge: stage 1 closes 114/01/25 23:59, so an outcome sent in stage 1 and still pending
    is due by 114/02/01 23:59; one second later it is overdue."""
    wb = school.wb
    services.save_district_officer(wb.uow(), "E001", "林科員", "e001", actor=ADMIN)
    outcome_id = services.upload_outcome(school.uow(), "113001", 113, 1, course_code(0), "報告", document=pdf("a"))
    services.send_for_certification(school.uow(), outcome_id)
    due = datetime(2025, 1, 25, 23, 59) + timedelta(days=7)

    def row(now):
        return q.school_table(wb.engine, officer(wb), Term(113, 1), now, wb.policy).iloc[0]
    assert (row(due)["pending"], row(due)["overdue"]) == (1, 0)
    assert (row(due + timedelta(seconds=1))["pending"], row(due + timedelta(seconds=1))["overdue"]) == (1, 1)
    assert row(due)["oldest_pending_days"] == (due.date() - school.clock.now.date()).days
    assert row(due)["stage_1_rate"] == round(1 / 3, 3)


def test_only_the_administrator_path_makes_an_officer_and_a_bad_one_writes_nothing(school):
    wb = school.wb
    before = snapshot(wb)
    with pytest.raises(PermissionDenied):
        services.save_district_officer(wb.uow(), "E001", "林科員", "e001", actor=Actor("staff", "A001"))
    for number, name, login, refusal in (
            ("", "林科員", "e001", MissingField), ("E001", " ", None, MissingField),
            ("E" * 21, "林科員", None, TextTooLong), ("E001", "林" * 51, None, TextTooLong),
            ("E001", "林科員", "e" * 65, TextTooLong)):
        with pytest.raises(refusal):
            services.save_district_officer(wb.uow(), number, name, login, actor=ADMIN)
    assert snapshot(wb) == before
    assert services.save_district_officer(wb.uow(), "E" * 20, "林" * 50, "e" * 64, actor=ADMIN) == 1
    services.save_district_officer(wb.uow(), "E" * 20, "林股長", "e001", actor=ADMIN)
    assert officer(wb).name == "林股長"
    services.remove_district_officer(wb.uow(), "E" * 20, actor=ADMIN)
    assert officer(wb) is None
