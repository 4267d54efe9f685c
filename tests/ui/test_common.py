"""The pieces every page is built of: charts shown as plotly's own output, downloads made when clicked."""

import io

import openpyxl
import pandas as pd
import plotly.graph_objects as go

from portfolio_lib.ui.common import PLOTLY_MIME, Chart, DataTable


def test_a_chart_is_plotlys_own_output_with_the_figures_traces_and_no_widget_script():
    chart = Chart(height=300)
    chart.draw(go.Figure(go.Bar(x=["甲", "乙"], y=[3, 4], name="件數")))
    (output,) = chart.output.outputs
    assert output["output_type"] == "display_data" and list(output["data"]) == [PLOTLY_MIME]
    bundle = output["data"][PLOTLY_MIME]
    assert bundle["data"][0]["x"] == ["甲", "乙"] and bundle["layout"]["height"] == 300
    assert bundle["config"]["displaylogo"] is False
    assert len(str(bundle)) < 100_000               # the figure only: plotly's script comes once, with the page
    chart.draw(go.Figure(go.Bar(x=["丙"], y=[1])))  # a redraw replaces the chart
    assert [o["data"][PLOTLY_MIME]["data"][0]["x"] for o in chart.output.outputs] == [["丙"]]
    chart.clear()
    assert chart.output.outputs == () and chart.figure is None


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
