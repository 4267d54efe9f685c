"""The staff dashboards without a browser: build each app on a demo school, set widgets, click, assert."""

import io
import re
import zipfile
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text

from portfolio_lib.demo import build_demo
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.errors import PermissionDenied
from portfolio_lib.domain.model import Reminder
from portfolio_lib.queries import counselor as counselor_q
from portfolio_lib.queries import homeroom as homeroom_q
from portfolio_lib.queries import teacher as teacher_q
from portfolio_lib.queries.viewer import staff_directory, viewer_by_staff_no
from portfolio_lib.services.unit_of_work import Workbench
from portfolio_lib.ui.access import AccessLogDashboard
from portfolio_lib.ui.cabinet import StudentCabinet
from portfolio_lib.ui.counselor import CounselorDashboard
from portfolio_lib.ui.homeroom import HomeroomDashboard
from portfolio_lib.ui.identity import CabinetGate, ViewerGate
from portfolio_lib.ui.landing import LandingPage
from portfolio_lib.ui.teacher import TeacherDashboard

from ..conftest import both_backends, pdf, png, snapshot

pytestmark = pytest.mark.slow
AS_OF = datetime(2026, 11, 28, 10, 0)
TERM = Term(115, 1)


backend = both_backends()       # the staff dashboards on a demo school in SQLite and in PostgreSQL


@pytest.fixture(scope="module")
def demo(databases, backend, tmp_path_factory):
    database = databases.new(backend, tmp_path_factory.mktemp("dash"), "demo")
    wb = database.open(clock=lambda: AS_OF)
    build_demo(wb, seed=11, students=204, as_of=AS_OF)
    yield wb
    wb.engine.dispose()
    databases.drop(database)


def viewer_with(wb, dashboard, only=None):
    staff = staff_directory(wb.engine, dashboard)
    if only:
        staff = staff[staff["roles"] == only]
    return viewer_by_staff_no(wb.engine, staff.iloc[0]["staff_no"])


def sql(wb, query, **params):
    with wb.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def download(table, kind):
    """The bytes a click on the table's `kind` (xlsx, csv) download link receives."""
    name = next(f["name"] for f in table.downloads.files if f["name"].endswith(f".{kind}"))
    return table.file(name)[0]


# --- scoping ----------------------------------------------------------------------------

def test_a_homeroom_teacher_cannot_obtain_another_class(demo):
    teacher = viewer_with(demo, "homeroom", only="導師、授課教師")
    mine = homeroom_q.my_classes(demo.engine, teacher, 115)
    assert len(mine) == 1
    other = sql(demo, "SELECT id FROM classes WHERE academic_year = 115 AND id <> :mine LIMIT 1",
                mine=int(mine.iloc[0]["id"]))[0][0]
    with pytest.raises(PermissionDenied):
        homeroom_q.class_progress(demo.engine, teacher, other, TERM, AS_OF, demo.policy)
    with pytest.raises(PermissionDenied):
        counselor_q.reminder_students(demo.engine, teacher, TERM, AS_OF, demo.policy, class_id=other)
    own = counselor_q.reminder_students(demo.engine, teacher, TERM, AS_OF, demo.policy)
    assert len(own) > 0 and set(own["class_name"]) == {mine.iloc[0]["name"]}
    outsider = sql(demo, "SELECT s.student_no FROM students s JOIN enrolments e ON e.student_id = s.id "
                         "WHERE e.academic_year = 115 AND e.class_id = :other LIMIT 1", other=other)[0][0]
    with pytest.raises(PermissionDenied):
        homeroom_q.student_cabinet(demo.engine, teacher, outsider, 115)
    with pytest.raises(PermissionDenied):
        counselor_q.class_overview(demo.engine, teacher, 115)


def test_a_course_teacher_sees_only_their_courses(demo):
    teacher = viewer_with(demo, "teacher")
    queue = teacher_q.certification_queue(demo.engine, teacher, AS_OF)
    theirs = {r[0] for r in sql(demo, "SELECT o.id FROM outcomes o JOIN course_records r ON r.id = o.course_record_id "
                                      "JOIN course_sections s ON s.id = r.section_id WHERE o.status = 'pending' AND "
                                      "(s.teacher_id = :me OR s.proxy_teacher_id = :me)", me=teacher.staff_id)}
    everything = teacher_q.certification_queue(demo.engine, teacher, AS_OF, open_only=False)
    assert set(everything["outcome_id"]) == theirs
    this_year = {i for i in theirs if sql(demo, "SELECT academic_year FROM outcomes WHERE id = :i", i=i)[0][0] == 115}
    assert set(queue["outcome_id"]) == this_year and len(queue) > 0
    stranger = sql(demo, "SELECT o.id FROM outcomes o JOIN course_records r ON r.id = o.course_record_id "
                         "JOIN course_sections s ON s.id = r.section_id WHERE s.teacher_id <> :me AND "
                         "coalesce(s.proxy_teacher_id, 0) <> :me LIMIT 1", me=teacher.staff_id)[0][0]
    with pytest.raises(PermissionDenied):
        teacher_q.outcome_file(demo.engine, teacher, stranger, "document")


# --- counselor ----------------------------------------------------------------------------

def test_counselor_overview_cards_tables_and_drill_down(demo):
    app = CounselorDashboard(demo, viewer_with(demo, "counselor"), now=AS_OF)
    assert app.status.text == ""
    classes = sql(demo, "SELECT count(*) FROM classes WHERE academic_year = 115")[0][0]
    assert len(app.overview.frame) == classes == len(app.drill_class.options)
    students = sql(demo, "SELECT count(*) FROM enrolments WHERE academic_year = 115")[0][0]
    assert f"{students:,}" in app.cards.value
    app.drill_class.value = app.drill_class.options[0][1]
    assert len(app.class_table.frame) == sql(demo, "SELECT count(*) FROM enrolments WHERE class_id = :c",
                                             c=app.drill_class.value)[0][0]
    app.drill_student.value = app.drill_student.options[0][1]
    assert app.status.text == ""
    assert app.schedule.frame.empty and app.timeline.figure is None      # other tabs wait until shown
    app.tabs.selected_index = 3
    assert app.timeline.figure.data[0].type == "bar" and sum(app.timeline.figure.data[0].y) == sql(
        demo, "SELECT count(*) FROM outcomes WHERE academic_year = 115 AND semester = 1")[0][0]
    app.tabs.selected_index = 1
    assert len(app.schedule.frame) == 5 and "進行中" in " ".join(app.schedule.frame["狀態"])
    assert app.heatmap.figure.data[0].type == "heatmap"
    before = app.cards.value
    app.year.value = 114
    assert app.cards.value != before and app.status.text == ""


def test_the_upload_timeline_reads_roc_dates_and_its_deadline_labels_stand_apart(demo):
    app = CounselorDashboard(demo, viewer_with(demo, "counselor"), now=AS_OF)
    app.tabs.selected_index = 3
    figure = app.timeline.figure
    axis = figure.layout.xaxis
    assert 3 <= len(axis.ticktext) <= 8 and all(re.fullmatch(r"1\d\d/\d\d/\d\d", label) for label in axis.ticktext)
    assert axis.ticktext[0].startswith("115/") and axis.ticktext[-1].startswith("116/")
    assert figure.data[0].hovertemplate.startswith("%{customdata}") and "%{x}" not in figure.data[0].hovertemplate
    assert all(re.fullmatch(r"11\d/\d\d/\d\d", day) for day in figure.data[0].customdata)
    first, second = figure.layout.annotations
    assert re.search(r"截止 11\d/\d\d/\d\d$", first.text) and re.search(r"截止 11\d/\d\d/\d\d$", second.text)
    assert (first.xanchor, second.xanchor) == ("right", "left") and first.x < second.x


def test_counselor_exports_read_back_with_chinese_headers(demo):
    app = CounselorDashboard(demo, viewer_with(demo, "counselor"), now=AS_OF)
    book = openpyxl.load_workbook(io.BytesIO(download(app.overview, "xlsx")))
    headers = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert headers[:4] == ["年級", "班級", "導師", "學生數"]
    assert book.active.max_row == len(app.overview.frame) + 1
    app.tabs.selected_index = 2
    raw = download(app.reminders, "csv")
    assert raw.startswith(b"\xef\xbb\xbf") and "提醒" in raw.decode("utf-8-sig").splitlines()[0]


def test_counselor_category_chart_with_and_without_the_slide(demo):
    app = CounselorDashboard(demo, viewer_with(demo, "counselor"), now=AS_OF)
    app.tabs.selected_index = 4
    assert [trace.name for trace in app.categories.figure.data] == ["本校紀錄", "簡報參考值"]
    assert abs(sum(app.categories.figure.data[0].x) - 1) < 1e-9
    app.with_slide.value = False
    app.category_grade.value = 12
    assert [trace.name for trace in app.categories.figure.data] == ["本校紀錄"]
    assert "高三" in app.categories.figure.layout.title.text


def _open_courses(wb, n):
    """(student_no, course code) pairs of 115-1 without an outcome, for students with room under the cap."""
    return sql(wb, "SELECT st.student_no, min(s.course_code) FROM course_records r "
                   "JOIN course_sections s ON s.id = r.section_id "
                   "JOIN students st ON st.id = r.student_id LEFT JOIN outcomes o ON o.course_record_id = r.id "
                   "WHERE s.academic_year = 115 AND s.semester = 1 AND o.id IS NULL AND (SELECT count(*) FROM outcomes "
                   "x WHERE x.student_id = st.id AND x.academic_year = 115 AND x.semester = 1) = 0 "
                   "GROUP BY st.student_no ORDER BY st.student_no LIMIT :n", n=n)


def _batch(rows, files):
    manifest = pd.DataFrame(rows).to_csv(index=False).encode("utf-8-sig")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"uploads/{name}", data)
    return manifest, out.getvalue()


def test_batch_upload_with_one_bad_row_is_refused_whole(demo):
    app = CounselorDashboard(demo, viewer_with(demo, "counselor"), now=AS_OF)
    (s1, c1), (s2, c2) = _open_courses(demo, 2)
    rows = [{"學號": s1, "學年度": 115, "學期": 1, "課程代碼": c1, "內容簡述": "報告", "檔名": "a.pdf"},
            {"學號": s2, "學年度": 115, "學期": 1, "課程代碼": c2, "內容簡述": "字" * 101, "檔名": "b.pdf"},
            {"學號": s2, "學年度": 115, "學期": 1, "類別": "作品成果紀錄", "內容簡述": "作品", "檔名": "c.png",
             "欄位": "作品名稱=微電影；日期=115/10/01"}]
    manifest, archive = _batch(rows, {"a.pdf": pdf("a").data, "b.pdf": png("b").data, "c.png": png("c").data})
    before = snapshot(demo)
    app.run_batch(manifest, "清單.csv", archive)
    assert snapshot(demo) == before
    report = app.batch_report.frame
    assert list(zip(report["列"], report["欄位"])) == [(3, "內容簡述")]
    assert "101" in report["問題"].iloc[0]
    assert "整批未匯入" in app.status.text


def test_batch_upload_of_good_rows_writes_them_all(demo):
    app = CounselorDashboard(demo, viewer_with(demo, "counselor"), now=AS_OF)
    (s1, c1), (s2, c2) = _open_courses(demo, 2)
    rows = [{"學號": s1, "學年度": 115, "學期": 1, "課程代碼": c1, "內容簡述": "報告", "檔名": "a.pdf"},
            {"學號": s2, "學年度": 115, "學期": 1, "類別": "作品成果紀錄", "內容簡述": "作品", "檔名": "c.png",
             "欄位": "作品名稱=微電影；日期=115/10/01"}]
    manifest, archive = _batch(rows, {"a.pdf": pdf("good").data, "c.png": png("good").data})
    app.run_batch(manifest, "清單.csv", archive)
    assert "已匯入 2 列" in app.status.text
    assert sql(demo, "SELECT count(*) FROM outcomes o JOIN students s ON s.id = o.student_id "
                     "WHERE s.student_no = :s AND o.academic_year = 115", s=s1)[0][0] == 1


# --- one answer per question ----------------------------------------------------------------

def cards(value: str) -> dict:
    return {label: int(number.replace(",", "")) for label, number in re.findall(
        r"color:#57606a'>([^<]+)</div><div style='font-size:1.45em;font-weight:600'>([\d,]+)</div>", value)}


def cli_json(wb, *args):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path
    result = subprocess.run([str(Path(sys.executable).with_name("portfolio")), "--db",
                             wb.engine.url.render_as_string(hide_password=False), *args, "--json"],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
                            env={**os.environ, "PORTFOLIO_FILES": str(wb.store.root)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_cli_the_landing_page_the_counselor_and_the_homeroom_give_the_same_figures(demo):
    """A class holding a synced cadre record: every screen counts the 多元表現 the rules count (not the synced one)."""
    class_id, class_name, teacher_no = sql(demo, """
        SELECT c.id, c.name, st.staff_no FROM performances p
        JOIN enrolments e ON e.student_id = p.student_id AND e.academic_year = p.academic_year
        JOIN classes c ON c.id = e.class_id JOIN staff st ON st.id = c.homeroom_teacher_id
        WHERE p.synced AND p.academic_year = 115 ORDER BY c.name LIMIT 1""")[0]
    synced = sql(demo, "SELECT count(*) FROM performances WHERE synced AND academic_year = 115")[0][0]
    assert synced > 0

    school_year = cli_json(demo, "status", "school", "115")
    school_term = cli_json(demo, "status", "school", "115", "--semester", "1")
    landing = cards(LandingPage(demo, now=AS_OF, identity="").cards.value)
    counselor = CounselorDashboard(demo, viewer_with(demo, "counselor"), now=AS_OF)
    assert landing == school_year and cards(counselor.cards.value) == school_term
    uploaded = sql(demo, "SELECT count(*) FROM performances WHERE NOT synced AND academic_year = 115")[0][0]
    assert school_year["已上傳多元表現"] == uploaded

    rows = {r["學號"]: r for r in cli_json(demo, "status", "class", f"115/{class_name}", "--semester", "1")}
    homeroom = HomeroomDashboard(demo, viewer_by_staff_no(demo.engine, teacher_no), now=AS_OF)
    homeroom.class_picker.value = class_id
    counselor.drill_class.value = class_id
    for table in (homeroom.table.frame, counselor.class_table.frame):
        assert set(table["學號"]) == set(rows)
        for r in table.itertuples():
            cli = rows[r.學號]
            assert (int(r.學習成果.split("/")[0]), r.通過, r.不通過, r.待認證, r.未送認證) == (
                cli["學習成果"], cli["通過"], cli["不通過"], cli["待認證"], cli["未送認證"])
            assert int(r.多元表現.split("/")[0]) == cli["多元表現"]
            assert (int(r.勾選成果.split("/")[0]), int(r.勾選多元表現.split("/")[0])) == (cli["勾選成果"],
                                                                                     cli["勾選多元表現"])
    in_class = sql(demo, """SELECT count(*) FROM performances p JOIN enrolments e ON e.student_id = p.student_id
                            AND e.academic_year = p.academic_year WHERE e.class_id = :c AND NOT p.synced""", c=class_id)
    assert sum(r["多元表現"] for r in rows.values()) == in_class[0][0]
    # who to remind: the counselor's list names, for this class, exactly whom the homeroom table flags
    counselor.tabs.selected_index = 2
    listed = counselor.reminders.frame
    assert set(listed[listed["班級"] == class_name]["學號"]) == set(homeroom.reminders.frame["學號"])
    assert len(homeroom.reminders.frame) > 0


def test_the_screens_show_the_rules_of_the_national_policy_the_workbench_was_opened_with(demo):
    from portfolio_lib.domain.policy import Policy
    national = Policy.default().with_overrides({"outcomes": {"upload_cap_per_semester": {"115-1": 5}},
                                                "storage": {"quota_bytes": {"115-1": 150 * 2 ** 20}},
                                                "performances": {"selection_cap_per_year": {"115-1": 8}}})
    other = Workbench(demo.engine, demo.store, demo.clock, national)
    teacher = viewer_with(demo, "homeroom", only="導師、授課教師")
    with other.uow() as uow:
        enforced = uow.repo.school_policy(teacher.school_id).rules(TERM)
    assert (enforced.outcome_upload_cap_per_semester, enforced.performance_selection_cap_per_year) == (5, 8)
    homeroom = HomeroomDashboard(other, teacher, now=AS_OF)
    assert (homeroom.progress["outcome_cap"] == 5).all() and homeroom.table.frame["學習成果"].str.endswith("/5").all()
    assert homeroom.table.frame["勾選多元表現"].str.endswith("/8").all()
    student_no = homeroom.progress["student_no"].iloc[0]
    from portfolio_lib.queries.cabinet import student_viewer
    cabinet = StudentCabinet(other, student_viewer(demo.engine, student_no), now=AS_OF)
    assert cabinet.rules == enforced and "/150.0mb" in cabinet.home.value


# --- homeroom -------------------------------------------------------------------------------

def test_homeroom_filter_shows_only_flagged_students(demo):
    app = HomeroomDashboard(demo, viewer_with(demo, "homeroom", only="導師、授課教師"), now=AS_OF)
    everyone = len(app.table.frame)
    app.flag.value = Reminder.NO_UPLOAD.value
    flagged = app.table.frame
    assert 0 < len(flagged) < everyone and flagged["提醒"].str.contains("尚未上傳").all()
    app.flag.value = "任一提醒"
    assert (app.table.frame["提醒"] != "").all()
    assert set(app.reminders.frame["學號"]) == set(app.table.frame["學號"])
    app.student.value = app.student.options[0][1]
    assert app.status.text == ""


# --- course teacher -------------------------------------------------------------------------

def test_teacher_fail_without_reason_is_refused_and_with_reason_notifies(demo):
    teacher = viewer_with(demo, "teacher")
    app = TeacherDashboard(demo, teacher, now=AS_OF)
    outcome_id = app.item.options[0][1]
    assert app.preview.children
    app.result.value = False
    app.reason.value = "  "
    before = snapshot(demo)
    app.submit.click()
    assert "必須填寫原因" in app.status.text and snapshot(demo) == before
    app.reason.value = "請補上實驗數據"
    app.submit.click()
    assert sql(demo, "SELECT status FROM outcomes WHERE id = :i", i=outcome_id)[0][0] == "failed"
    note = sql(demo, "SELECT message FROM notifications WHERE item_id = :i ORDER BY id DESC LIMIT 1", i=outcome_id)
    assert "請補上實驗數據" in note[0][0]
    assert app.history.frame.iloc[0]["結果"] == "不通過"


def test_teacher_batch_pass(demo):
    """A teacher with at least two outcomes waiting passes two at once."""
    teachers = staff_directory(demo.engine, "teacher")["staff_no"]
    app = next(app for app in (TeacherDashboard(demo, viewer_by_staff_no(demo.engine, no), now=AS_OF)
                               for no in teachers) if len(app.batch.options) >= 2)
    chosen = [value for _, value in app.batch.options[:2]]
    app.batch.value = tuple(chosen)
    app.batch_button.click()
    assert "已將 2 件" in app.status.text
    statuses = {r[0] for r in sql(demo, f"SELECT status FROM outcomes WHERE id IN ({chosen[0]}, {chosen[1]})")}
    assert statuses == {"passed"}


# --- identity -------------------------------------------------------------------------------

def test_a_server_identity_removes_the_picker(demo):
    teacher = viewer_with(demo, "teacher")
    login = sql(demo, "SELECT login FROM staff WHERE id = :i", i=teacher.staff_id)[0][0]
    gate = ViewerGate(demo, "teacher", TeacherDashboard, identity=login, now=AS_OF)
    assert gate.picker is None and gate.app.viewer.staff_no == teacher.staff_no
    refused = ViewerGate(demo, "counselor", CounselorDashboard, identity=login, now=AS_OF)
    assert refused.app is None and "沒有開啟" in refused.view.value
    unknown = ViewerGate(demo, "teacher", TeacherDashboard, identity="nobody", now=AS_OF)
    assert "沒有對應" in unknown.view.value


def test_demo_mode_offers_a_marked_picker(demo):
    gate = ViewerGate(demo, "homeroom", HomeroomDashboard, identity="", now=AS_OF)
    assert gate.picker is not None and "示範模式" in gate.view.children[0].value
    first = gate.app.viewer.staff_no
    gate.picker.value = gate.picker.options[1][1]
    assert gate.app.viewer.staff_no != first


def test_landing_lists_only_the_dashboards_of_the_viewers_roles(demo):
    teacher = viewer_with(demo, "teacher", only="授課教師")
    login = sql(demo, "SELECT login FROM staff WHERE id = :i", i=teacher.staff_id)[0][0]
    page = LandingPage(demo, now=AS_OF, identity=login)
    assert "teacher.ipynb" in page.links.value and "counselor.ipynb" not in page.links.value
    assert "homeroom.ipynb" not in page.links.value and "cabinet.ipynb" not in page.links.value
    assert LandingPage(demo, now=AS_OF, identity="").links.value.count("pf-dashboard-link") == 9


def test_a_student_or_parent_sees_only_their_cabinet_link_and_no_school_figures(demo):
    student_login, parent_login = sql(demo, "SELECT s.login, g.login FROM students s JOIN guardians g "
                                            "ON g.student_id = s.id ORDER BY s.id LIMIT 1")[0]
    for login, link in ((student_login, "學習歷程檔案櫃"), (parent_login, "孩子的學習歷程檔案櫃")):
        page = LandingPage(demo, now=AS_OF, identity=login)
        assert page.links.value.count("pf-dashboard-link") == 1 and link in page.links.value
        assert page.cards.value == "" and page.cards not in page.view.children
        assert page.chart.view not in page.view.children
    stranger = LandingPage(demo, now=AS_OF, identity="stranger")
    assert "沒有對應" in stranger.links.value and stranger.cards not in stranger.view.children


def test_where_sign_in_is_required_a_page_without_a_signed_in_name_shows_only_a_notice(demo, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_SIGN_IN", "1")
    monkeypatch.delenv("PORTFOLIO_VIEWER", raising=False)
    gate = ViewerGate(demo, "homeroom", HomeroomDashboard, now=AS_OF)
    assert gate.picker is None and gate.app is None and "請先登入" in gate.view.value
    cabinet = CabinetGate(demo, StudentCabinet, now=AS_OF)
    assert cabinet.picker is None and cabinet.app is None and "請先登入" in cabinet.view.value
    page = LandingPage(demo, now=AS_OF)
    assert "請先登入" in page.links.value and "pf-dashboard-link" not in page.links.value


def test_the_signed_in_name_of_the_page_opens_the_dashboard_and_the_access_log_records_it(demo, monkeypatch):
    teacher = viewer_with(demo, "homeroom")
    login = sql(demo, "SELECT login FROM staff WHERE id = :i", i=teacher.staff_id)[0][0]
    monkeypatch.setenv("PORTFOLIO_SIGN_IN", "1")
    monkeypatch.setenv("PORTFOLIO_VIEWER", login.upper())          # sign-on names match case-insensitively
    before = sql(demo, "SELECT count(*) FROM access_log")[0][0]
    gate = ViewerGate(demo, "homeroom", HomeroomDashboard, now=AS_OF)
    assert gate.picker is None and gate.app.viewer.staff_no == teacher.staff_no
    app = gate.app
    app.student.value = app.student.options[1][1]
    rows = sql(demo, "SELECT a.login, a.event, a.target, s.student_no FROM access_log a LEFT JOIN students s "
                     "ON s.id = a.student_id WHERE a.id > :n ORDER BY a.id", n=before)
    assert rows[0][:3] == (login.upper(), "open", "homeroom") and rows[0][3] is None
    assert rows[-1] == (login.upper(), "view_student", "homeroom", app.student.value)


def test_a_parent_of_two_children_picks_only_between_their_own(demo):
    first, second = sql(demo, "SELECT id, student_no FROM students ORDER BY id LIMIT 2")
    with demo.engine.begin() as conn:
        conn.execute(text("INSERT INTO guardians (student_id, name, login) VALUES (:a, '陳媽媽', 'mum'), "
                          "(:b, '陳媽媽', 'mum')"), {"a": first[0], "b": second[0]})
    gate = CabinetGate(demo, StudentCabinet, identity="mum", now=AS_OF)
    assert [v for _, v in gate.picker.options] == sorted([first[1], second[1]])
    assert gate.app.viewer.read_only
    gate.picker.value = gate.picker.options[1][1]
    assert gate.app.viewer.student_no == gate.picker.options[1][1] and gate.app.viewer.read_only
    opened = sql(demo, "SELECT count(DISTINCT student_id) FROM access_log WHERE login = 'mum'")[0][0]
    assert opened == 2


def test_the_access_log_dashboard_narrows_by_account_student_and_day_and_exports_what_it_shows(demo):
    from portfolio_lib.domain.model import AccessEvent
    from portfolio_lib.services.access_log import record_access
    admin = viewer_with(demo, "access")
    with pytest.raises(PermissionDenied):
        AccessLogDashboard(demo, viewer_with(demo, "teacher", only="授課教師"), now=AS_OF)
    student_no = sql(demo, "SELECT student_no FROM students ORDER BY id LIMIT 1")[0][0]
    record_access(demo.uow(), "t9999", AccessEvent.VIEW_STUDENT, "counselor", school_id=admin.school_id,
                  student_no=student_no)
    record_access(demo.uow(), "who", AccessEvent.SIGN_IN_REFUSED, "bad_password", address="10.0.0.7")
    app = AccessLogDashboard(demo, admin, now=AS_OF)
    assert {"t9999", "who"} <= set(app.table.frame["帳號"])
    app.login.value, app.student.value = "T9999", student_no
    app.search.click()
    assert list(app.table.frame[["帳號", "事件", "項目", "學號"]].itertuples(index=False, name=None)) == [
        ("t9999", "檢視學生資料", "輔導室總覽", student_no)]
    app.login.value, app.student.value, app.event.value = "", "", "sign_in_refused"
    app.search.click()
    refused = app.table.frame
    assert (refused["事件"] == "登入遭拒").all() and "帳號或密碼錯誤" in set(refused["項目"])
    book = openpyxl.load_workbook(io.BytesIO(download(app.table, "xlsx")))
    assert [c.value for c in next(book.active.iter_rows(max_row=1))] == list(refused.columns)
    app.since.value = "999/99/99"
    app.search.click()
    assert "民國日期" in app.status.text
