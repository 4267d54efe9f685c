"""A rendered research report opened in Debian's Chromium from disk: every chart draws, offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ..conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("name,charts", [("funnel", 6), ("trends", 2)])
def test_a_report_draws_every_chart_from_disk(page: Page, rendered_reports, name, charts):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(rendered_reports.reports[name].as_uri())
    graphs = page.locator(".plotly-graph-div")
    expect(graphs).to_have_count(charts)
    for i in range(charts):
        expect(graphs.nth(i).locator("svg.main-svg").first).to_be_visible(timeout=30_000)
        expect(graphs.nth(i).locator(".gtitle")).to_have_count(1)
    titles = [graphs.nth(i).locator(".gtitle").text_content() for i in range(charts)]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title in titles), titles
    expect(page.locator("table.research-table").first).to_be_visible()
    assert not [url for url in failed if url.startswith(("http://", "https://"))]   # nothing fetched from the web
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"), full_page=True)
