"""The pieces every page is built of: charts drawn by plotly.js sent once per page, downloads made when clicked."""

import io
import json
import re
from importlib import resources

import openpyxl
import pandas as pd
import plotly.graph_objects as go

from portfolio_lib.ui import common
from portfolio_lib.ui.common import Chart, DataTable, chart_library


def test_a_chart_sends_its_figure_and_the_page_gets_plotly_js_once_for_every_chart(monkeypatch):
    monkeypatch.setattr(common, "_LIBRARY", None)      # a new kernel: a new page
    first, second = Chart(height=300), Chart()
    first.draw(go.Figure(go.Bar(x=["甲", "乙"], y=[3, 4], name="件數")))
    figure = first.plot.figure
    assert figure["data"][0]["x"] == ["甲", "乙"] and figure["layout"]["height"] == 300
    assert first.plot.config["displaylogo"] is False
    assert len(json.dumps(first.plot.get_state(), default=str)) < 100_000    # the figure only, no script
    library = chart_library()
    assert first.plot.library == second.plot.library == library.model_id        # one script for the page
    assert library.bundle == "basic" and library.version == plotly_js_version()
    assert "Plotly" in library.source[-200:] and "(basic - minified)" in library.source[:300]
    assert len(library.source) < 0.4 * len(plotly_js_full())                     # a quarter of the full bundle
    first.draw(go.Figure(go.Bar(x=["丙"], y=[1])))  # a redraw replaces the chart
    assert [trace["x"] for trace in first.plot.figure["data"]] == [["丙"]]
    first.clear()
    assert first.plot.figure == {} and first.figure is None


def test_a_page_with_a_heatmap_gets_the_cartesian_bundle_for_all_its_charts(monkeypatch):
    monkeypatch.setattr(common, "_LIBRARY", None)
    heatmap = Chart(bundle="cartesian")
    bars = Chart()                                                               # basic is inside cartesian
    library = chart_library()
    assert heatmap.plot.library == bars.plot.library == library.model_id and library.bundle == "cartesian"
    assert "(cartesian - minified)" in library.source[:300] and library.version == plotly_js_version()
    monkeypatch.setattr(common, "_LIBRARY", None)
    bars = Chart()
    heatmap = Chart(bundle="cartesian")                                          # asked for later: its own script
    assert bars.plot.library != heatmap.plot.library
    assert chart_library().bundle == "cartesian" and Chart().plot.library == heatmap.plot.library


def plotly_js_version() -> str:
    """The plotly.js version plotly.py writes its figures for (the one it bundles)."""
    return re.search(r"plotly\.js v([0-9.]+)", plotly_js_full()[:300]).group(1)


def plotly_js_full() -> str:
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def test_a_tables_downloads_are_made_when_clicked_and_hold_exactly_what_it_shows():
    table = DataTable("各班狀況", "各班狀況")
    table.show(pd.DataFrame({"班級": ["101", "102"], "學生數": [30, 29]}))
    assert [f["name"] for f in table.downloads.files] == ["各班狀況.xlsx", "各班狀況.csv"]
    sent = []
    table.downloads.send = lambda content, buffers=None: sent.append((content, buffers))
    table.downloads._on_message(table.downloads, {"want": 0}, [])     # what a click on 「XLSX」 sends
    (content, (data,)), = sent
    assert content == {"name": "各班狀況.xlsx",
                       "type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows == [("班級", "學生數"), ("101", 30), ("102", 29)]
    table.downloads._on_message(table.downloads, {"want": 1}, [])
    assert sent[1][0]["name"] == "各班狀況.csv" and sent[1][1][0].decode("utf-8-sig").splitlines()[0] == "班級,學生數"
    table.downloads._on_message(table.downloads, {"want": 7}, [])     # no such link: nothing is sent
    assert len(sent) == 2
    table.show(pd.DataFrame())
    assert table.downloads.files == []
