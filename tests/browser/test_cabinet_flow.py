"""The cycle across two dashboards in a real browser: a student uploads and sends, a teacher certifies,
the student sees the result and selects it."""

from __future__ import annotations

import base64
import re
import sqlite3

import pytest
from playwright.sync_api import Page, expect

from portfolio_lib.demo.samples import make_pdf

from .test_pages import assert_no_errors, open_dashboard, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def visible(page: Page, selector: str):
    return page.locator(f"{selector} >> visible=true")


# Drop a file onto an element, as dragging it from the desktop does.
DROP = """(el, [name, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "application/pdf" }));
  el.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""


def choose(select, wanted) -> None:
    """Select the option whose text (ipywidgets shows spaces as no-break spaces) satisfies `wanted`."""
    labels = select.locator("option").all_inner_texts()
    select.select_option(label=next(label for label in labels if wanted(label.replace("\xa0", " "))))


def test_upload_send_certify_notify_select(page: Page, voila_july, artifacts, tmp_path):
    open_dashboard(page, voila_july, "cabinet.ipynb", "已使用空間")
    assert_no_errors(page)
    student = page.get_by_label("檢視學生").input_value()
    student_no = student.split("（")[-1].rstrip("）") if "（" in student else None
    with sqlite3.connect(voila_july["db"]) as conn:
        if student_no is None or not student_no.isdigit():
            student_no = conn.execute("SELECT s.student_no FROM students s JOIN enrolments e ON e.student_id = s.id "
                                      "JOIN classes c ON c.id = e.class_id WHERE e.academic_year = 115 "
                                      "ORDER BY c.name, e.seat_no LIMIT 1").fetchone()[0]
        subject, teacher = conn.execute(
            "SELECT cs.subject, st.staff_no FROM course_records r JOIN course_sections cs ON cs.id = r.section_id "
            "JOIN students s ON s.id = r.student_id JOIN staff st ON st.id = cs.teacher_id "
            "LEFT JOIN outcomes o ON o.course_record_id = r.id WHERE s.student_no = ? AND cs.academic_year = 115 "
            "AND cs.semester = 2 AND o.id IS NULL ORDER BY cs.subject LIMIT 1", (student_no,)).fetchone()

    page.locator(".lm-TabBar-tab", has_text="課程學習成果").click()
    page.get_by_label("科目", exact=True).select_option(label=f"115-2 {subject}（未上傳）")
    visible(page, ".widget-textarea textarea").first.fill("瀏覽器上傳的期末報告")
    expect(visible(page, ".pf-counter").first).to_contain_text("10/100")
    zone = visible(page, ".pf-drop").filter(has_text="文件檔案")
    zone.evaluate(DROP, ["期末報告.pdf", base64.b64encode(make_pdf(["final report from the browser"])).decode()])
    expect(zone).to_contain_text("已選 期末報告.pdf", timeout=30_000)
    page.get_by_role("button", name="儲存").click()
    expect(page.locator(".pf-status").first).to_contain_text("已上傳", timeout=60_000)
    with sqlite3.connect(voila_july["db"]) as conn:
        outcome_id, name = conn.execute("SELECT id, document_name FROM outcomes WHERE description = ?",
                                        ("瀏覽器上傳的期末報告",)).fetchone()
    assert name == "期末報告.pdf"
    choose(page.get_by_label("送出認證", exact=True), lambda o: o.startswith(f"#{outcome_id} "))
    page.get_by_role("button", name="送出認證").click()
    expect(page.locator(".pf-status").first).to_contain_text("已送出認證", timeout=60_000)

    teacher_page = page.context.new_page()
    open_dashboard(teacher_page, voila_july, "teacher.ipynb", "我的認證紀錄")
    choose(teacher_page.get_by_label("檢視身分"), lambda o: f"（{teacher}，" in o)
    item = teacher_page.get_by_label("檢視", exact=True)
    expect(item.locator("option", has_text=f"#{outcome_id}")).to_have_count(1, timeout=60_000)
    choose(item, lambda o: o.startswith(f"#{outcome_id} "))
    teacher_page.get_by_role("button", name="送出認證").click()
    expect(teacher_page.locator(".pf-status").first).to_contain_text("已認證為「通過」", timeout=60_000)
    teacher_page.close()

    open_dashboard(page, voila_july, "cabinet.ipynb", "已使用空間")
    expect(page.locator(".pf-table", has_text="通知").first).to_contain_text(
        f"「{subject}」（115-2）的學習成果認證結果：通過")
    page.locator(".lm-TabBar-tab", has_text="勾選").first.click()
    choose(page.get_by_label("項目", exact=True).first, lambda o: f"#{outcome_id} " in o)
    page.locator("button:visible", has_text=re.compile(r"^\s*勾選\s*$")).click()
    expect(page.locator(".pf-status").first).to_contain_text(f"已勾選 #{outcome_id}", timeout=60_000)
    with sqlite3.connect(voila_july["db"]) as conn:
        assert conn.execute("SELECT count(*) FROM selections WHERE item_kind = 'outcome' AND item_id = ?",
                            (outcome_id,)).fetchone()[0] == 1
    screenshot(page, artifacts / "cabinet.png")
