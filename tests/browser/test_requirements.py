"""大學端需求 in a real browser: a grade-12 student's target programmes and what each asks, a target added by taps,
and the counselor's class counts."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import Page, expect

from .test_cabinet_flow import choose
from .test_pages import assert_no_errors, open_dashboard, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_student_reads_their_targets_and_adds_one(page: Page, voila, artifacts):
    with sqlite3.connect(voila["db"]) as conn:
        student_no, name, count = conn.execute(
            "SELECT s.student_no, s.name, count(*) FROM programme_targets g JOIN students s ON s.id = g.student_id "
            "GROUP BY s.id HAVING count(*) < 6 ORDER BY count(*) DESC, s.student_no LIMIT 1").fetchone()
        targeted = {r[0] for r in conn.execute(
            "SELECT p.code FROM programme_targets g JOIN programmes p ON p.id = g.programme_id "
            "JOIN students s ON s.id = g.student_id WHERE s.student_no = ?", (student_no,))}
        free = conn.execute("SELECT code, name FROM programmes ORDER BY code").fetchall()
    code, programme = next((c, n) for c, n in free if c not in targeted)
    open_dashboard(page, voila, "cabinet.ipynb", "已使用空間")
    choose(page.get_by_label("檢視學生"), lambda label: student_no in label)
    expect(page.locator(f"text={name}（{student_no}） >> visible=true").first).to_be_visible(timeout=60_000)
    page.locator(".lm-TabBar-tab", has_text="申請入學").click()
    blocks = page.locator(".pf-programme >> visible=true")
    expect(blocks).to_have_count(count, timeout=60_000)
    expect(blocks.first.locator("table.pf-grid")).to_contain_text("修課紀錄")
    choose(page.get_by_label("校系", exact=True), lambda label: label.startswith(code))
    page.get_by_role("button", name="加入目標校系").click()
    expect(page.locator(f"text=已加入目標校系 {code}。 >> visible=true").first).to_be_visible(timeout=60_000)
    expect(blocks).to_have_count(count + 1, timeout=60_000)
    expect(blocks.last).to_contain_text(programme)
    expect(page.locator("text=不是當年度的校系分則 >> visible=true").first).to_be_visible()
    assert_no_errors(page)
    screenshot(page, artifacts / "cabinet-requirements.png")
    blocks.last.screenshot(path=artifacts / "cabinet-requirements-programme.png")
    with sqlite3.connect(voila["db"]) as conn:
        assert conn.execute("SELECT count(*) FROM programme_targets g JOIN students s ON s.id = g.student_id "
                            "WHERE s.student_no = ?", (student_no,)).fetchone()[0] == count + 1


def test_the_counselor_sees_each_grade_12_class_and_its_reminder_list(page: Page, voila, artifacts):
    open_dashboard(page, voila, "counselor.ipynb", "各班上傳與認證狀況")
    page.locator(".lm-TabBar-tab", has_text="大學端需求").click()
    expect(page.get_by_text("高三各班：有目標校系、有缺項的人數")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("提醒名單：目標校系有缺項的學生")).to_be_visible()
    expect(page.get_by_text("本校校系清單")).to_be_visible()
    with sqlite3.connect(voila["db"]) as conn:
        senior_class = conn.execute("SELECT name FROM classes WHERE grade = 12 AND academic_year = 115 "
                                    "ORDER BY name LIMIT 1").fetchone()[0]
    expect(page.locator("table.pf-grid >> visible=true").first).to_contain_text(senior_class)
    assert_no_errors(page)
    screenshot(page, artifacts / "counselor-requirements.png")
