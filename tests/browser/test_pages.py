"""One browser test per dashboard: a real Voila server, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile

import openpyxl
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from portfolio_lib.demo.samples import make_pdf, make_picture

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LOAD = 180_000


def open_dashboard(page: Page, voila, notebook: str, ready: str):
    page.goto(f"{voila['base']}/voila/render/{notebook}", timeout=LOAD)
    expect(page.get_by_text(ready).first).to_be_visible(timeout=LOAD)


def assert_no_errors(page: Page):
    errors = page.locator(".jp-OutputArea-output[data-mime-type*='stderr'], "
                          ".jp-OutputArea-output[data-mime-type*='error'], .pf-error")
    assert errors.count() == 0, errors.first.inner_text()
    assert "Traceback" not in page.content()


def screenshot(page: Page, path):
    page.mouse.wheel(0, -100_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=path, full_page=True)


def dropdown(page: Page, label: str):
    return page.get_by_label(label, exact=True)


def test_landing_lists_the_dashboards(page: Page, voila, artifacts):
    open_dashboard(page, voila, "index.ipynb", "學生數")
    expect(page.locator("a.pf-dashboard-link")).to_have_count(9)
    expect(page.locator(".js-plotly-plot .bars .point").first).to_be_visible(timeout=LOAD)
    assert_no_errors(page)
    screenshot(page, artifacts / "landing.png")


def test_counselor_exports_xlsx_and_refuses_a_batch_with_one_bad_row(page: Page, voila, artifacts, tmp_path):
    open_dashboard(page, voila, "counselor.ipynb", "尚未上傳的學生")
    expect(page.locator(".js-plotly-plot .hm image").first).to_be_visible(timeout=LOAD)      # the heatmap's cells
    assert_no_errors(page)
    screenshot(page, artifacts / "counselor.png")
    with page.expect_download() as info:
        page.locator(".pf-table", has_text="各班上傳與認證狀況").locator("a.pf-download", has_text="XLSX").click()
    assert info.value.suggested_filename == "各班狀況.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()))
    assert [c.value for c in next(book.active.iter_rows(max_row=1))][:3] == ["年級", "班級", "導師"]
    assert book.active.max_row > 2

    with sqlite3.connect(voila["db"]) as conn:
        (student, code), (_, other) = conn.execute(
            "SELECT st.student_no, s.course_code FROM course_records r JOIN course_sections s ON s.id = r.section_id "
            "JOIN students st ON st.id = r.student_id LEFT JOIN outcomes o ON o.course_record_id = r.id "
            "WHERE s.academic_year = 115 AND s.semester = 1 AND o.id IS NULL AND st.id = (SELECT min(student_id) "
            "FROM enrolments WHERE academic_year = 115) LIMIT 2").fetchall()
        before = conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]
    manifest = tmp_path / "清單.csv"
    pd.DataFrame([{"學號": student, "學年度": 115, "學期": 1, "課程代碼": code, "內容簡述": "報告", "檔名": "ok.pdf"},
                  {"學號": student, "學年度": 115, "學期": 1, "課程代碼": other, "內容簡述": "假的",
                   "檔名": "fake.pdf"}]
                 ).to_csv(manifest, index=False, encoding="utf-8-sig")
    archive = tmp_path / "files.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ok.pdf", make_pdf(["ok"]))
        z.writestr("fake.pdf", make_picture("png", 3, "not a pdf"))
    page.locator(".lm-TabBar-tab", has_text="批次上傳").click()
    for button, path in (("上傳清單", manifest), ("上傳 ZIP", archive)):
        with page.expect_file_chooser() as chooser:
            page.locator(".widget-upload", has_text=button).click()
        chooser.value.set_files(path)
        expect(page.locator(".widget-upload", has_text=button)).to_contain_text("(1)", timeout=30_000)
    page.get_by_role("button", name="檢查並匯入").click()
    expect(page.locator(".pf-status")).to_contain_text("整批未匯入", timeout=60_000)
    expect(page.locator(".pf-table", has_text="批次上傳檢查結果")).to_contain_text("fake.pdf")
    with sqlite3.connect(voila["db"]) as conn:
        assert conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] == before
    screenshot(page, artifacts / "counselor-batch.png")


def test_counselor_sees_warnings_by_class_and_how_good_the_model_is(page: Page, voila, artifacts):
    """The 預警 tab lists the school's students with reasons, one count per class; 預警成效 shows the model against
    the rules for every kind of deadline and horizon, and why a model is not shown."""
    open_dashboard(page, voila, "counselor.ipynb", "班級狀況")
    page.locator(".lm-TabBar-tab").filter(has_text=re.compile("^預警$")).click()
    listed = page.locator(".pf-table", has_text="預警名單")
    expect(listed.locator("tbody tr").first).to_be_visible(timeout=LOAD)
    summary = page.locator(".widget-html", has_text="依據：").first
    expect(summary).to_contain_text("模型只在截止前 14 天內預測")       # 58 days out: the rules
    shown = int(re.search(r"列入 (\d+) 位", summary.inner_text()).group(1))
    expect(listed.locator("tbody tr")).to_have_count(shown)
    per_class = page.locator(".pf-table", has_text="各班預警人數").locator("tbody tr")
    assert sum(int(row.split("\t")[1]) for row in per_class.all_inner_texts()) == shown
    assert_no_errors(page)
    screenshot(page, artifacts / "counselor-warnings.png")
    page.locator(".lm-TabBar-tab", has_text="預警成效").click()
    evaluation = page.locator(".pf-table", has_text="預警成效（模型與規則）")
    expect(evaluation.locator("tbody tr")).to_have_count(12, timeout=LOAD)
    expect(evaluation).to_contain_text("學習成果第一階段上傳")
    assert_no_errors(page)
    screenshot(page, artifacts / "counselor-warning-evaluation.png")


def test_homeroom_filter_shows_only_flagged_students(page: Page, voila, artifacts):
    open_dashboard(page, voila, "homeroom.ipynb", "班級學生進度")
    assert_no_errors(page)
    table = page.locator(".pf-table", has_text="班級學生進度").locator("tbody tr")
    everyone = table.count()
    dropdown(page, "篩選").select_option(label="尚未上傳")
    expect(table).not_to_have_count(everyone, timeout=30_000)
    rows = table.all_inner_texts()
    assert rows and all("尚未上傳" in row for row in rows)
    screenshot(page, artifacts / "homeroom.png")


def test_homeroom_opens_its_class_warnings_on_demand(page: Page, voila, artifacts):
    """The 預警 section is read when opened: every student it lists is of the class picked, with reasons."""
    open_dashboard(page, voila, "homeroom.ipynb", "班級學生進度")
    class_name = dropdown(page, "班級").locator("option:checked").inner_text().split()[0]
    expect(page.locator(".pf-table", has_text="預警名單")).to_be_hidden()
    page.get_by_text("預警：可能錯過截止的學生與原因").click()
    listed = page.locator(".pf-table", has_text="預警名單").locator("tbody tr")
    expect(listed.first).to_be_visible(timeout=LOAD)
    rows = [row.split("\t") for row in listed.all_inner_texts()]
    assert rows and all(row[0] == class_name and row[-1] for row in rows)
    assert_no_errors(page)
    screenshot(page, artifacts / "homeroom-warnings.png")


def test_teacher_fail_needs_a_reason_then_notifies_the_student(page: Page, voila, artifacts):
    open_dashboard(page, voila, "teacher.ipynb", "我的認證紀錄")
    assert_no_errors(page)
    expect(page.locator(".pf-preview img, .pf-preview video, .pf-preview audio").first).to_be_visible(timeout=60_000)
    title = page.locator(".pf-chart .gtitle").first
    expect(title).to_contain_text("待認證", timeout=60_000)
    pending = int(title.text_content().split()[1])
    label = dropdown(page, "檢視").locator("option:checked").inner_text()
    outcome_id = int(label.split()[0].lstrip("#"))
    page.get_by_role("button", name="不通過").click()
    page.get_by_role("button", name="送出認證").click()
    expect(page.locator(".pf-status")).to_contain_text("必須填寫原因", timeout=30_000)
    with sqlite3.connect(voila["db"]) as conn:
        assert conn.execute("SELECT status FROM outcomes WHERE id = ?", (outcome_id,)).fetchone()[0] == "pending"
    page.locator(".widget-textarea textarea").fill("請補上實驗數據與反思")
    page.get_by_role("button", name="送出認證").click()
    expect(page.locator(".pf-status")).to_contain_text("學生會收到通知", timeout=30_000)
    expect(page.locator(".pf-chart .gtitle").first).to_contain_text(f"待認證 {pending - 1} 件", timeout=30_000)
    with sqlite3.connect(voila["db"]) as conn:
        assert conn.execute("SELECT status FROM outcomes WHERE id = ?", (outcome_id,)).fetchone()[0] == "failed"
        message = conn.execute("SELECT message FROM notifications WHERE item_id = ? ORDER BY id DESC",
                               (outcome_id,)).fetchone()[0]
    assert "請補上實驗數據與反思" in message
    screenshot(page, artifacts / "teacher.png")


def test_research_shows_one_finding_at_a_time_and_renders_a_report(page: Page, voila, artifacts):
    open_dashboard(page, voila, "research.ipynb", "分析項目")
    expect(page.locator(".pf-chart .gtitle").first).to_contain_text("多元表現類別分布", timeout=LOAD)
    dropdown(page, "分析項目").select_option(label="上傳到提交的流程（各班）")
    expect(page.locator(".pf-chart .gtitle")).to_have_count(1, timeout=30_000)
    expect(page.locator(".pf-chart .gtitle").first).to_contain_text("各班學習成果流程", timeout=30_000)
    field = page.get_by_label("隱藏門檻 k", exact=True)
    field.fill("20")
    field.press("Enter")
    expect(page.locator(".pf-grid td", has_text="＊").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("少於 20 的格子").first).to_be_visible()
    dropdown(page, "報告").select_option(label="課程學習成果認證")
    page.get_by_role("button", name="產生 HTML 報告").click()
    link = page.locator("a.pf-download", has_text="_certification.html")
    expect(link).to_be_visible(timeout=120_000)
    with page.expect_download() as download:
        link.click()
    assert b'class="plotly-graph-div"' in open(download.value.path(), "rb").read()
    assert_no_errors(page)
    page.locator(".pf-chart").first.screenshot(path=str(artifacts / "research-chart.png"))
    screenshot(page, artifacts / "research.png")


def test_access_log_narrows_by_event_and_exports_what_it_shows(page: Page, voila, artifacts):
    from portfolio_lib.services.access_log import record_access
    from portfolio_lib.services.config import fixed_clock
    from portfolio_lib.services.unit_of_work import Workbench
    wb = Workbench.open(voila["db"], clock=fixed_clock("115/11/27 09:30"))
    record_access(wb.uow(), "t0042", "sign_in_refused", "bad_password", address="10.0.0.9")
    record_access(wb.uow(), "t0042", "sign_in", school_id=1, address="10.0.0.9")
    open_dashboard(page, voila, "access.ipynb", "查詢存取紀錄")
    expect(page.locator(".pf-access-summary")).to_contain_text("共 2 筆", timeout=LOAD)
    dropdown(page, "事件").select_option(label="登入遭拒")
    page.get_by_role("button", name="查詢").click()
    expect(page.locator(".pf-access-summary")).to_contain_text("共 1 筆", timeout=30_000)
    expect(page.locator(".pf-grid td", has_text="帳號或密碼錯誤")).to_be_visible()
    with page.expect_download() as info:
        page.locator(".pf-table", has_text="存取紀錄").locator("a.pf-download", has_text="CSV").click()
    assert info.value.suggested_filename == "存取紀錄.csv"
    assert "帳號或密碼錯誤" in open(info.value.path(), encoding="utf-8-sig").read()
    assert_no_errors(page)
    screenshot(page, artifacts / "access.png")


def test_district_sorts_the_schools_exports_them_and_opens_a_schools_classes(page: Page, voila, artifacts):
    open_dashboard(page, voila, "district.ipynb", "各校上傳、認證、勾選與提交狀況")
    expect(page.locator(".pf-chart .bars .point").first).to_be_visible(timeout=LOAD)
    assert_no_errors(page)
    schools = page.locator(".pf-table", has_text="各校上傳").locator("tbody tr")
    expect(schools).to_have_count(1)
    dropdown(page, "排序").select_option(label="待認證")
    page.get_by_role("button", name="由大到小").click()
    with page.expect_download() as info:
        page.locator(".pf-table", has_text="各校上傳").locator("a.pf-download", has_text="CSV").click()
    assert info.value.suggested_filename == "各校狀況.csv"
    exported = pd.read_csv(info.value.path(), encoding="utf-8-sig", dtype={"學校代碼": str})
    assert list(exported["學校代碼"]) == ["999301"] and "逾期未認證（超過一週）" in exported.columns
    with sqlite3.connect(voila["db"]) as conn:
        pending = conn.execute("SELECT count(*) FROM outcomes WHERE academic_year = 115 AND semester = 1 "
                               "AND status = 'pending'").fetchone()[0]
        names = [r[0] for r in conn.execute("SELECT name FROM students")]
    assert int(exported.loc[0, "待認證"]) == pending
    dropdown(page, "學校").select_option(label="999301 示範市立示範高級中學")
    classes = page.locator(".pf-table", has_text="該校各班狀況").locator("tbody tr")
    expect(classes.first).to_be_visible(timeout=30_000)
    text = page.locator("body").inner_text()
    assert "101" in text and not [name for name in names if name in text]
    assert_no_errors(page)
    screenshot(page, artifacts / "district.png")


@pytest.mark.parametrize("notebook,ready", [("counselor.ipynb", "尚未上傳的學生"), ("homeroom.ipynb", "班級學生進度"),
                                            ("teacher.ipynb", "我的認證紀錄")])
def test_pages_finish_loading_every_time(page: Page, voila, notebook, ready):
    """Voila can hang when a notebook writes into an Output widget while it runs; ours never do."""
    for _ in range(3):
        open_dashboard(page, voila, notebook, ready)
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=LOAD)
        assert_no_errors(page)
