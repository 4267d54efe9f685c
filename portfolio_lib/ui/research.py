"""研究分析: the viewer's school seen through the de-identified view, one finding at a time, and HTML reports."""

from __future__ import annotations

import html
import secrets
import tempfile
from datetime import datetime

import ipywidgets as widgets

from ..domain.units import format_mb
from ..queries.viewer import Viewer, school_identity
from ..research import deidentified_tables
from ..research.analyses import CATALOGUE, run
from ..research.notebooks import LABELS
from ..research.report import formatted, render_report
from ..research.sources import ResearchData
from ..research.suppression import DEFAULT_K
from ..services.unit_of_work import Workbench
from .common import Chart, Dashboard, DataTable, _link, section, viewer_line


class ResearchDashboard(Dashboard):
    """Pick a finding, the academic years and k; see its chart, its tables (small cells as ＊) and how to read
    them; render a whole report as an HTML file to download.

    The data is read once through the de-identified view under a fresh key, so nothing here can show a
    name, an ID number or a birth date, and its pseudonyms link with no export."""

    key = "research"

    def __init__(self, wb: Workbench, viewer: Viewer, now: datetime | None = None):
        super().__init__(wb, viewer, now)
        self.code, self.school = school_identity(wb.engine, viewer.school_id)
        tables = deidentified_tables(wb.engine, secrets.token_bytes(32), wb.policy, school_code=self.code)
        self.data = ResearchData.from_tables(tables, source=self.school)
        self.finding = widgets.Dropdown(options=[(label, key) for key, (label, _, _) in CATALOGUE.items()],
                                        value=next(iter(CATALOGUE)), description="分析項目",
                                        layout=widgets.Layout(width="36em"))
        self.years = widgets.SelectMultiple(options=[(f"{y} 學年度", y) for y in self.data.years],
                                            value=tuple(self.data.years), description="學年度", rows=3)
        # k may be raised here but not lowered below the default: a web page is no place to weaken the protection
        self.k = widgets.BoundedIntText(value=DEFAULT_K, min=DEFAULT_K, max=1000, description="隱藏門檻 k",
                                        layout=widgets.Layout(width="14em"))
        self.chart = Chart()
        self.note = widgets.HTML()
        self.tables = widgets.VBox()
        self.shown: list[DataTable] = []          # the tables of the finding shown
        self.report = widgets.Dropdown(options=[(label, name) for name, label in LABELS.items()], description="報告",
                                       layout=widgets.Layout(width="28em"))
        self.render = widgets.Button(description="產生 HTML 報告", icon="file", button_style="primary")
        self.report_link = widgets.HTML()
        for control in (self.finding, self.years, self.k):
            control.observe(self.run(lambda _: self.show()), names="value")
        self.render.on_click(self.run(lambda _: self.make_report()))
        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now, f"{html.escape(self.school)}（{self.code}）"),
            widgets.HTML("<p style='margin:.2em 0;color:#57606a'>資料經去識別化：學生只以假名代號出現，"
                         "不含姓名、身分證字號與生日；少於 k 的人數或件數以「＊」表示。</p>"),
            self.status.view,
            widgets.HBox([widgets.VBox([self.finding, self.k]), self.years]),
            self.chart.view, self.note, self.tables,
            section("下載完整報告（HTML，不含程式碼，可離線開啟）", widgets.HBox([self.report, self.render]),
                    self.report_link)], layout=widgets.Layout(max_width="1340px"))
        self.run(self.show)()

    def _narrowed(self) -> ResearchData | None:
        if not self.years.value:
            self.status.error("請至少選擇一個學年度。")
            return None
        return self.data.where(years=self.years.value)

    def show(self):
        data = self._narrowed()
        if data is None:
            return
        finding = run(self.finding.value, data, self.k.value)
        if finding.figure is not None:
            self.chart.draw(finding.figure, keep_layout=True)
        else:
            self.chart.clear()
        self.note.value = f"<p style='color:#57606a'>{html.escape(finding.note)}</p>"
        self.shown = []
        for n, (caption, frame, kind) in enumerate(finding.tables, start=1):
            table = DataTable(caption, f"{finding.key}_{n}", max_height="320px")
            table.show(formatted(frame, kind).rename_axis("項目").reset_index())
            self.shown.append(table)
        self.tables.children = [table.view for table in self.shown]
        self.status.clear()

    def make_report(self):
        if self._narrowed() is None:
            return
        parameters = {"databases": [self.wb.engine.url.database], "exports": [], "schools": [self.code],
                      "years": list(self.years.value), "k": self.k.value, "figures_dir": ""}
        with tempfile.TemporaryDirectory(prefix="research-report-") as folder:
            page = render_report(self.report.value, folder, parameters).read_bytes()
        name = f"{self.code}_{self.report.value}.html"
        self.report_link.value = _link(page, name, "text/html", f"{name}（{format_mb(len(page))}）")
        self.status.ok(f"已產生「{LABELS[self.report.value]}」報告。")
