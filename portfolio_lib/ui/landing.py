"""The landing page: which school, where it stands this year, and its 多元表現 by category."""

from __future__ import annotations

import html
import os
from datetime import datetime

import ipywidgets as widgets
import plotly.graph_objects as go
from sqlalchemy import select

from ..adapters import tables as t
from ..domain.calendar import Term, format_roc_date
from ..queries import category_distribution, school_summary
from ..queries.status import SUMMARY_LABELS
from ..queries.viewer import DASHBOARDS, viewer_by_login
from ..services.unit_of_work import Workbench

CARD = ("<div style='display:inline-block;min-width:9.5em;margin:0 .6em .6em 0;padding:.6em .8em;"
        "border:1px solid #d0d7de;border-radius:8px;background:#f6f8fa'>"
        "<div style='font-size:.85em;color:#57606a'>{label}</div>"
        "<div style='font-size:1.6em;font-weight:600'>{value:,}</div></div>")


class LandingPage:
    """School name, this year's headline figures as cards, and a bar chart of 多元表現 categories."""

    def __init__(self, wb: Workbench, now: datetime | None = None):
        self.wb = wb
        self.now = now or wb.clock()
        self.term = Term.of(self.now.date())
        with wb.engine.connect() as conn:
            school = conn.execute(select(t.schools.c.code, t.schools.c.name)).first()
        self.title = widgets.HTML()
        self.links = widgets.HTML(self._links(os.environ.get("JUPYTERHUB_USER")))
        self.cards = widgets.HTML()
        # A FigureWidget shows the traces it was built with; traces added before display stay blank.
        self.chart = go.FigureWidget(self._render(school))
        self.view = widgets.VBox([self.title, self.links, self.cards, self.chart],
                                 layout=widgets.Layout(max_width="1280px", padding="0 1em"))

    def _links(self, identity: str | None) -> str:
        """The dashboards the viewer's roles may open (all of them, with their roles, in the demo)."""
        from ..domain.model import ROLE_LABELS
        viewer = viewer_by_login(self.wb.engine, identity) if identity else None
        from ..queries.cabinet import cabinet_viewer
        student = cabinet_viewer(self.wb.engine, identity) if identity and viewer is None else None
        items = []
        if not identity or student:
            items.append("<li><a class='pf-dashboard-link' href='cabinet.ipynb'>學習歷程檔案櫃</a>"
                         "<span style='color:#57606a'>（學生；家長唯讀）</span></li>")
        for key, (title, roles, notebook) in DASHBOARDS.items():
            if identity and not (viewer and viewer.may_open(key)):
                continue
            who = "、".join(ROLE_LABELS[r] for r in sorted(roles))
            items.append(f"<li><a class='pf-dashboard-link' href='{notebook}'>{html.escape(title)}</a>"
                         f"<span style='color:#57606a'>（{who}）</span></li>")
        if not items:
            return "<p>您的帳號沒有可開啟的儀表板，請洽校管理者。</p>"
        note = "" if identity else "<p style='color:#9a6700'>示範模式：各儀表板內可選擇要檢視的教職員身分。</p>"
        return f"<b>儀表板</b><ul style='margin:.2em 0 .6em'>{''.join(items)}</ul>{note}"

    @classmethod
    def from_environment(cls) -> "LandingPage | widgets.HTML":
        db = os.environ.get("PORTFOLIO_DB")
        if not db:
            return _message("尚未指定資料庫：請設定 PORTFOLIO_DB，或以 README 的指令啟動示範學校。")
        return cls(Workbench.open(db, os.environ.get("PORTFOLIO_FILES")))

    def _render(self, school) -> go.Figure:
        figure = go.Figure()
        if school is None:
            self.title.value = "<p>資料庫中還沒有學校。請先匯入名冊或建立示範學校（portfolio demo）。</p>"
            return figure
        self.title.value = (f"<h3>{html.escape(school.name)}</h3>"
                            f"<p>{self.term.label}　今天是 {format_roc_date(self.now)}　（學校代碼 {school.code}）</p>")
        figures = school_summary(self.wb.engine, self.term.year)
        self.cards.value = "".join(CARD.format(label=SUMMARY_LABELS[key], value=int(value))
                                   for key, value in figures.items())
        table = category_distribution(self.wb.engine, year=self.term.year - 1).sort_values("count")
        figure.add_bar(x=table["count"], y=table["label"], orientation="h",
                           text=[f"{c:,}（{s:.0%}）" for c, s in zip(table["count"], table["share"])],
                           marker_color="#4c78a8", hovertemplate="%{y}：%{x} 件<extra></extra>")
        figure.update_layout(title=f"{self.term.year - 1} 學年度多元表現類別分布", height=420,
                             margin=dict(l=10, r=20, t=50, b=30), xaxis_title="件數")
        return figure


def _message(text: str) -> widgets.HTML:
    return widgets.HTML(f"<p style='color:#9a6700'>{html.escape(text)}</p>")
