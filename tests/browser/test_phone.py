"""The cabinet on a phone (390 × 844 and 360 × 740) and the staff dashboards on a tablet (768 × 1024), in a real
browser: nothing cut off or off the screen, a tap opens the file picker, upload → send → select works by taps,
and a HEIC photo from the phone is rescued with the student's confirmation."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import Browser, Page, expect

from portfolio_lib.demo.samples import make_pdf

from ..rescue import samples
from .test_cabinet_flow import choose
from .test_pages import LOAD, assert_no_errors, open_dashboard, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONES = {"390x844": (390, 844), "360x740": (360, 740)}
CABINET_TABS = ["首頁", "課程學習成果", "多元表現", "勾選", "申請入學", "提交紀錄", "校內項目"]

# What a person could not read or reach without scrolling the page sideways: a control, label, drop zone or tab
# that sticks out of the screen, a tab label or button text cut short. Wide tables scroll inside their own box.
OFF_SCREEN = """() => {
  const found = [];
  const shown = (el) => { const r = el.getBoundingClientRect();
                          return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
  const name = (el) => `${el.tagName.toLowerCase()} 「${(el.innerText || el.value || '').trim().slice(0, 24)}」`;
  for (const el of document.querySelectorAll(
      'button, select, input, textarea, .pf-drop, .pf-counter, .widget-label, .lm-TabBar-tab, .pf-status, h4')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.left < -1 || r.right > window.innerWidth + 1)
      found.push(`${name(el)} at ${Math.round(r.left)}–${Math.round(r.right)} px`);
  }
  for (const el of document.querySelectorAll('.lm-TabBar-tabLabel, button.widget-button'))
    if (shown(el) && el.scrollWidth > el.clientWidth + 1) found.push(`${name(el)} cut short`);
  if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push('the page scrolls sideways');
  return found;
}"""


def on_phone(browser: Browser, size: tuple[int, int]) -> Page:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    return context.new_page()


def open_cabinet_of(page: Page, voila, index: int) -> str:
    """The demo cabinet of the `index`-th student in the picker; their student number."""
    open_dashboard(page, voila, "cabinet.ipynb", "已使用空間")
    picker = page.get_by_label("檢視學生")
    option = picker.locator("option").nth(index).inner_text()
    picker.select_option(index=index)
    number = option.split("（")[-1].rstrip("）")
    expect(page.get_by_text(f"（{number}）").last).to_be_visible(timeout=LOAD)
    return number


def tab(page: Page, title: str):
    page.locator(".lm-TabBar-tab", has_text=title).first.tap()
    expect(page.locator(".lm-TabBar-tab.lm-mod-current", has_text=title)).to_have_count(1)


@pytest.mark.parametrize("phone", PHONES)
def test_every_cabinet_tab_fits_a_phone_screen(browser: Browser, voila_july, artifacts, phone):
    page = on_phone(browser, PHONES[phone])
    open_dashboard(page, voila_july, "cabinet.ipynb", "已使用空間")
    assert_no_errors(page)
    for title in CABINET_TABS:
        tab(page, title)
        assert page.evaluate(OFF_SCREEN) == [], title
    screenshot(page, artifacts / f"cabinet-phone-{phone}.png")
    page.context.close()


def test_upload_send_and_select_by_taps_on_a_phone(browser: Browser, voila_july, artifacts, tmp_path):
    page = on_phone(browser, PHONES["390x844"])
    student_no = open_cabinet_of(page, voila_july, 3)
    tab(page, "課程學習成果")
    course = page.get_by_label("科目", exact=True)
    choose(course, lambda label: label.startswith("115-2 ") and label.endswith("（未上傳）"))
    page.locator(".widget-textarea textarea >> visible=true").first.fill("手機上傳的期末報告")
    report = tmp_path / "期末報告.pdf"
    report.write_bytes(make_pdf(["a report sent from a phone"]))
    zone = page.locator(".pf-drop >> visible=true").filter(has_text="文件檔案")
    with page.expect_file_chooser() as chooser:
        zone.tap()
    assert ".pdf" in (chooser.value.element.get_attribute("accept") or "")
    chooser.value.set_files(str(report))
    expect(zone).to_contain_text("已選 期末報告.pdf", timeout=30_000)
    page.get_by_role("button", name="儲存").tap()
    expect(page.locator(".pf-status").first).to_contain_text("已上傳", timeout=60_000)
    with sqlite3.connect(voila_july["db"]) as conn:
        outcome_id, = conn.execute("SELECT o.id FROM outcomes o JOIN students s ON s.id = o.student_id "
                                   "WHERE s.student_no = ? AND o.description = ?",
                                   (student_no, "手機上傳的期末報告")).fetchone()
    choose(page.get_by_label("送出認證", exact=True), lambda label: label.startswith(f"#{outcome_id} "))
    page.get_by_role("button", name="送出認證").tap()
    expect(page.locator(".pf-status").first).to_contain_text("已送出認證", timeout=60_000)

    tab(page, "勾選")
    item = page.get_by_label("項目", exact=True).first
    chosen = item.locator("option").first.inner_text()
    item.select_option(index=0)
    page.locator("button:visible", has_text=re.compile(r"^\s*勾選\s*$")).tap()
    expect(page.locator(".pf-status").first).to_contain_text("已勾選", timeout=60_000)
    assert page.evaluate(OFF_SCREEN) == []
    kind, number = ("outcome" if chosen.startswith("課程學習成果") else "performance",
                    int(chosen.split("#")[1].split()[0]))
    with sqlite3.connect(voila_july["db"]) as conn:
        status, = conn.execute("SELECT status FROM outcomes WHERE id = ?", (outcome_id,)).fetchone()
        selected = conn.execute("SELECT count(*) FROM selections WHERE item_kind = ? AND item_id = ?",
                                (kind, number)).fetchone()[0]
    assert status == "pending" and selected == 1
    screenshot(page, artifacts / "cabinet-phone-selected.png")
    page.context.close()


def test_a_heic_from_the_phone_is_converted_previewed_and_stored(browser: Browser, voila_july, artifacts,
                                                                 tmp_path):
    page = on_phone(browser, PHONES["390x844"])
    student_no = open_cabinet_of(page, voila_july, 5)
    tab(page, "課程學習成果")
    choose(page.get_by_label("科目", exact=True),
           lambda label: label.startswith("115-2 ") and label.endswith("（未上傳）"))
    page.locator(".widget-textarea textarea >> visible=true").first.fill("手機拍的實驗紀錄")
    photo = tmp_path / "IMG_0420.HEIC"
    photo.write_bytes(samples.heic(samples.scene(2016, 1512), gps=True))
    zone = page.locator(".pf-drop >> visible=true").filter(has_text="文件檔案")
    with page.expect_file_chooser() as chooser:
        zone.tap()
    assert ".heic" in chooser.value.element.get_attribute("accept")
    chooser.value.set_files(str(photo))
    offer = page.locator(".pf-rescue >> visible=true").first
    expect(offer).to_contain_text("HEIC 格式", timeout=30_000)
    page.get_by_role("button", name="轉成 JPEG").tap()
    expect(offer).to_contain_text("轉換完成", timeout=120_000)
    expect(page.locator("figure img >> visible=true")).to_have_count(2)
    assert page.evaluate(OFF_SCREEN) == []
    offer.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "cabinet-phone-rescue.png")
    page.get_by_role("button", name="使用轉換後的檔案").tap()
    expect(zone).to_contain_text("已選 IMG_0420.jpg", timeout=30_000)
    page.get_by_role("button", name="儲存").tap()
    expect(page.locator(".pf-status").first).to_contain_text("已上傳", timeout=60_000)
    with sqlite3.connect(voila_july["db"]) as conn:
        name, kept = conn.execute(
            "SELECT o.document_name, k.original_name FROM outcomes o JOIN students s ON s.id = o.student_id "
            "JOIN rescued_originals k ON k.derivative_sha256 = o.document_sha256 AND k.student_id = s.id "
            "WHERE s.student_no = ? AND o.description = ?", (student_no, "手機拍的實驗紀錄")).fetchone()
    assert (name, kept) == ("IMG_0420.jpg", "IMG_0420.HEIC")
    tab(page, "首頁")
    expect(page.locator(".pf-table", has_text="保留的原始檔")).to_contain_text("IMG_0420.HEIC")
    page.context.close()


@pytest.mark.parametrize("notebook, ready", [("counselor.ipynb", "學生數"), ("homeroom.ipynb", "班級"),
                                             ("teacher.ipynb", "待認證")])
def test_staff_dashboards_do_not_break_on_a_tablet(browser: Browser, voila_july, artifacts, notebook, ready):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    page = context.new_page()
    open_dashboard(page, voila_july, notebook, ready)
    assert_no_errors(page)
    tabs = page.locator(".lm-TabBar-tab >> visible=true")
    for index in range(tabs.count()):
        tabs.nth(index).tap()
        assert page.evaluate(OFF_SCREEN) == [], tabs.nth(index).inner_text()
    assert page.evaluate(OFF_SCREEN) == []
    screenshot(page, artifacts / f"tablet-{notebook.removesuffix('.ipynb')}.png")
    context.close()
