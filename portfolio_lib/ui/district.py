"""教育局各校總覽: every school of the city side by side, sortable, with a school's classes by counts only."""

from __future__ import annotations

from datetime import datetime

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ..domain.calendar import Term
from ..domain.model import AccessEvent, ReceiptStatus
from ..queries import district as q
from ..queries.vocabulary import DISTRICT_HEADERS, district_class_table, district_table
from ..services.unit_of_work import Workbench
from .common import Chart, Dashboard, DataTable, cards_html, section, term_pickers, viewer_line
from .identity import note_access

# the columns the table sorts by, and which way first (the worst first: low rates, high backlogs)
SORTS = {"code": False, "stage_1_rate": False, "stage_2_rate": False, "students_without_upload": True,
         "pending": True, "overdue": True, "oldest_pending_days": True, "selection_rate": False,
         "submitted_items": False, ReceiptStatus.MISSING.value: True, ReceiptStatus.MD5_MISMATCH.value: True,
         "students": True}


class DistrictDashboard(Dashboard):
    """Term pickers and a sort; the city's cards; each school's upload rates as a chart; every school in one table
    (XLSX/CSV); a school's classes below it, by counts only."""

    key = "district"

    def __init__(self, wb: Workbench, viewer, now: datetime | None = None):
        super().__init__(wb, viewer, now)
        years = q.district_years(wb.engine, viewer) or [self.term_now.year]
        self.year, self.semester = term_pickers(years, self.term_now)
        self.sort = widgets.Dropdown(options=[(DISTRICT_HEADERS[c], c) for c in SORTS], value="stage_1_rate",
                                     description="排序")
        self.order = widgets.ToggleButtons(options=[("需關注的在前", "worst"), ("由小到大", "up"),
                                                    ("由大到小", "down")], value="worst",
                                           style={"button_width": "8.5em"})
        self.cards = widgets.HTML()
        self.chart = Chart(height=420)
        self.table = DataTable("各校上傳、認證、勾選與提交狀況", "各校狀況", max_height="440px")
        self.school = widgets.Dropdown(description="學校", options=[], layout=widgets.Layout(width="24em"))
        self.classes = DataTable("該校各班狀況（只有人數與件數，不含姓名）", "各班狀況")
        self.schools = pd.DataFrame()

        run = self.run
        for w in (self.year, self.semester):
            w.observe(run(lambda _: self.refresh()), names="value")
        for w in (self.sort, self.order):
            w.observe(run(lambda _: self.show_schools()), names="value")
        self._choosing = False          # while the page itself sets the school picker, it opens nothing
        self.school.observe(run(lambda _: None if self._choosing else self.show_classes()), names="value")
        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now),
            widgets.HBox([self.year, self.semester]), widgets.HBox([self.sort, self.order]), self.status.view,
            self.cards, self.chart.view, self.table.view,
            section("逐校查看各班", self.school, self.classes.view),
        ], layout=widgets.Layout(max_width="1340px"))
        run(self.refresh)()

    def refresh(self):
        """A new term: the schools' figures afresh, the cards, the chart and the table in the chosen order."""
        self.schools = q.school_table(self.wb.engine, self.viewer, self.term, self.now, self.wb.policy)
        self.cards.value = cards_html(city_cards(self.schools))
        chosen = self.school.value
        self._choosing = True
        try:
            self.school.options = [("（選擇學校）", None)] + [(f"{r.code} {r.name}", r.code)
                                                          for r in self.schools.itertuples()]
            self.school.value = chosen if chosen in set(self.schools["code"]) else None
        finally:
            self._choosing = False
        self.show_schools()
        self.show_classes()

    def ordered(self) -> pd.DataFrame:
        """The schools in the chosen order: by the sort column, the worst first, or up or down; ties by code."""
        column = self.sort.value
        ascending = {"worst": not SORTS[column], "up": True, "down": False}[self.order.value]
        return self.schools.sort_values([column, "code"], ascending=[ascending, True], kind="stable")

    def show_schools(self):
        ordered = self.ordered()
        self.table.show(district_table(ordered))
        self.chart.height = 150 + 30 * len(ordered)      # a row per school, two bars to a row
        self.chart.draw(_rates_chart(ordered, self.term))

    def show_classes(self):
        code = self.school.value
        if code is None:
            self.classes.show(pd.DataFrame())
            return
        self.classes.show(district_class_table(q.school_classes(self.wb.engine, self.viewer, code, self.term.year,
                                                                  self.term.semester)))
        school_id = int(self.schools.loc[self.schools["code"] == code, "school_id"].iloc[0])
        note_access(self.wb, self.viewer.login, AccessEvent.OPEN, self.key, school_id)


def city_cards(schools: pd.DataFrame) -> dict:
    """The city's figures for the cards: sums over the schools, and rates of the sums."""
    students = int(schools["students"].sum())

    def share(rate_column: str) -> str:
        counted = (schools[rate_column] * schools["students"]).sum()
        return f"{counted / students:.1%}" if students else "—"
    return {"學校數": len(schools), "學生數": students, "第一階段截止前上傳率": share("stage_1_rate"),
            "第二階段截止前上傳率": share("stage_2_rate"), "待認證": int(schools["pending"].sum()),
            "逾期未認證": int(schools["overdue"].sum()), "勾選學生比率": share("selection_rate"),
            "已提交件數": int(schools["submitted_items"].sum()),
            "收訖：未收到": int(schools[ReceiptStatus.MISSING.value].sum())}


def _rates_chart(schools: pd.DataFrame, term: Term) -> go.Figure:
    """Each school's upload rates by stage, one row per school in the table's order."""
    figure = go.Figure()
    labels = [f"{r.code} {r.name}" for r in schools.itertuples()]
    for column, name, colour in (("stage_1_rate", "第一階段截止前", "#4c78a8"),
                                 ("stage_2_rate", "第二階段截止前", "#9ecae9")):
        figure.add_bar(y=labels, x=schools[column], orientation="h", name=name, marker_color=colour,
                       text=[f"{v:.0%}" for v in schools[column]], textposition="auto",
                       hovertemplate="%{y}：%{x:.1%}<extra>" + name + "</extra>")
    figure.update_layout(title=f"{term.label}各校已上傳學習成果的學生比例", barmode="group",
                         xaxis=dict(tickformat=".0%", range=[0, 1]), yaxis=dict(autorange="reversed"),
                         legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0), bargap=0.25)
    return figure
