"""The landing page, built without a browser on a small demo school."""

from datetime import datetime

import pytest

from portfolio_lib.demo import build_demo
from portfolio_lib.ui.landing import LandingPage

pytestmark = pytest.mark.slow


def test_landing_shows_the_school_its_figures_and_the_category_chart(wb):
    now = datetime(2026, 5, 20, 9, 0)
    build_demo(wb, seed=3, students=102, as_of=now)
    page = LandingPage(wb, now=now)
    assert "示範市立示範高級中學" in page.title.value and "114學年度第2學期" in page.title.value
    assert "115/05/20" in page.title.value
    assert "學生數" in page.cards.value and "尚未上傳的學生" in page.cards.value
    bars = page.chart.figure.data[0]
    assert len(bars.y) == 10 and "彈性學習時間紀錄" in bars.y and sum(bars.x) > 0


def test_landing_on_an_empty_database_says_what_to_do(wb):
    page = LandingPage(wb)
    assert "還沒有學校" in page.title.value and "portfolio demo" in page.title.value and page.cards.value == ""


def test_landing_without_a_database_names_the_variable(monkeypatch):
    monkeypatch.delenv("PORTFOLIO_DB", raising=False)
    assert "PORTFOLIO_DB" in LandingPage.from_environment().value
