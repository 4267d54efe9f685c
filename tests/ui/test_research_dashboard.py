"""研究分析 as widgets, without a browser: only the de-identified view, small cells hidden, reports to download."""

from __future__ import annotations

import base64
import re
from datetime import datetime

import pytest
from sqlalchemy import text

from portfolio_lib.demo import build_demo
from portfolio_lib.domain.errors import PermissionDenied
from portfolio_lib.domain.model import Role
from portfolio_lib.queries.viewer import staff_directory, viewer_by_staff_no
from portfolio_lib.research.analyses import CATALOGUE
from portfolio_lib.services.unit_of_work import Workbench
from portfolio_lib.ui.research import ResearchDashboard

AS_OF = datetime(2026, 11, 28, 10, 0)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    wb = Workbench.open(tmp_path_factory.mktemp("research-dashboard") / "demo.sqlite", clock=lambda: AS_OF)
    build_demo(wb, seed=31, students=204, as_of=AS_OF)
    return wb


def someone(wb, role: Role):
    staff = staff_directory(wb.engine)
    with wb.engine.connect() as conn:
        number = conn.execute(text("SELECT s.staff_no FROM staff s JOIN staff_roles r ON r.staff_id = s.id "
                                   "WHERE r.role = :role ORDER BY s.staff_no"), {"role": role.value}).scalars().first()
    assert number in set(staff["staff_no"])
    return viewer_by_staff_no(wb.engine, number)


@pytest.fixture(scope="module")
def board(demo):
    return ResearchDashboard(demo, someone(demo, Role.RESEARCHER))


def test_a_course_teacher_cannot_open_research(demo):
    teacher = someone(demo, Role.TEACHER)
    if teacher.roles & {Role.RESEARCHER, Role.COUNSELOR, Role.ADMIN}:
        pytest.fail("the demo's first course teacher should hold no research role")
    with pytest.raises(PermissionDenied):
        ResearchDashboard(demo, teacher)


def test_a_counselor_may_open_research(demo):
    assert ResearchDashboard(demo, someone(demo, Role.COUNSELOR)).chart.figure is not None


def test_every_finding_shows_without_a_name_or_an_id_number(demo, board):
    with demo.engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM students")).scalars())
        numbers = set(conn.execute(text("SELECT student_no FROM students")).scalars())
    for key in CATALOGUE:
        board.finding.value = key
        assert board.status.text == "", (key, board.status.text)
        shown = board.note.value + "".join(t.children[1].value for t in board.tables.children)
        assert not any(name in shown for name in names), key
        assert not re.search(r"[A-Z][12]\d{8}", shown), key
        assert not any(f">{number}<" in shown for number in numbers), key
        assert board.chart.figure is not None or "不製表" in board.note.value, key


def test_a_higher_k_hides_more_cells(board):
    board.finding.value = "funnel_by_class"
    board.k.value = 3                      # below the default: held at 10
    assert board.k.value == 10
    low = sum(t.children[1].value.count("＊") for t in board.tables.children)
    board.k.value = 20
    high = sum(t.children[1].value.count("＊") for t in board.tables.children)
    assert high > low
    board.k.value = 40                     # more than a class of 34: every class is left out whole
    assert "整列未列出" in board.note.value and "班" not in board.tables.children[0].children[1].value
    board.k.value = 10


def test_one_year_narrows_the_finding_and_no_year_is_refused(board):
    board.finding.value = "categories_by_year_grade"
    board.years.value = (114,)
    first = board.tables.children[0].children[1].value
    assert "114 學年" in first and "113 學年" not in first
    board.years.value = ()
    assert "請至少選擇一個學年度" in board.status.text
    board.years.value = tuple(board.data.years)
    assert board.status.text == ""


def test_the_tables_download_as_shown(board):
    board.finding.value = "pass_rates_by_domain"
    table = board.shown[0]
    assert [f["name"] for f in table.downloads.files] == ["pass_rates_by_domain_1.xlsx", "pass_rates_by_domain_1.csv"]
    csv = table.file("pass_rates_by_domain_1.csv")[0].decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("項目,通過,不通過,合計")


@pytest.mark.slow
def test_a_report_renders_to_a_download(board):
    board.report.value = "certification"
    board.render.click()
    assert "已產生" in board.status.text, board.status.text
    page = base64.b64decode(re.search(r"data:text/html;base64,([^']+)", board.report_link.value).group(1))
    assert page.count(b'class="plotly-graph-div"') == 2
    assert b"999301" in page and b"report.show(" not in page
