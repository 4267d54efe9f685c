"""The landing page: which school, where it stands this year, and its 多元表現 by category."""

from __future__ import annotations

import html
from datetime import datetime

import ipywidgets as widgets
import plotly.graph_objects as go

from ..domain.calendar import Term, format_roc_date
from ..domain.model import AccessEvent
from ..domain.pages import DASHBOARDS
from ..queries import category_distribution, school_summary
from ..queries.accounts import account_of
from ..queries.viewer import school_list
from ..queries.vocabulary import summary_cards
from ..services.config import NO_DATABASE
from ..services.unit_of_work import Workbench
from .common import Chart, cards_html, sign_out_link
from .identity import NOT_SIGNED_IN, note_access, research_lab_url, sign_in_required, signed_in


class LandingPage:
    """School name, this year's headline figures as cards, and a bar chart of 多元表現 categories; the links to
    the pages the viewer may open (every dashboard in the demo, with the roles each is for)."""

    def __init__(self, wb: Workbench, now: datetime | None = None, identity: str | None = None):
        self.wb = wb
        self.now = now or wb.clock()
        self.term = Term.of(self.now.date())
        identity = identity if identity is not None else signed_in()
        self.account = account_of(wb.engine, identity) if identity else None
        schools = school_list(wb.engine)
        if self.account is not None and self.account.school_id is not None:
            schools = [s for s in schools if s.id == self.account.school_id]
        school = schools[0] if schools else None
        self.school_picker = None
        self.title = widgets.HTML()
        self.links = widgets.HTML(self._links())
        self.cards = widgets.HTML()
        staff_or_demo = self.account is None or self.account.staff is not None
        if self.account is None and sign_in_required() or self.account is not None and not self.account.known:
            school, staff_or_demo = None, False
        self.chart = Chart(height=420)
        officer = self.account is not None and self.account.officer is not None and self.account.staff is None
        if officer:                     # the city's education office: every school's figures together
            school, staff_or_demo = None, True
            self.chart.draw(self._render_city(schools), keep_layout=True)
        elif staff_or_demo:
            self.chart.draw(self._render(school), keep_layout=True)
        if not staff_or_demo and school is not None:
            self.title.value = f"<h3>{html.escape(school.name)}</h3><p>今天是 {format_roc_date(self.now)}</p>"
        if staff_or_demo and self.account is None and len(schools) > 1:
            # the demo over a database of several schools: each school's own figures, never the first one's alone
            by_id = {s.id: s for s in schools}
            self.school_picker = widgets.Dropdown(options=[(f"{s.code} {s.name}", s.id) for s in schools],
                                                  value=school.id, description="學校")
            self.school_picker.observe(lambda change: self._show_school(by_id[change["new"]]), names="value")
        parts = ([self.school_picker] if self.school_picker else []) + [self.title, self.links] + (
            [self.cards, self.chart.view] if staff_or_demo else [])
        self.view = widgets.VBox(parts, layout=widgets.Layout(max_width="1280px", padding="0 1em"))
        if self.account is not None and self.account.known:
            note_access(wb, self.account.login, AccessEvent.OPEN, "index", self.account.school_id)

    def _show_school(self, school):
        self.chart.draw(self._render(school), keep_layout=True)

    def _links(self) -> str:
        """The pages the viewer may open (all of them, with their roles, in the demo)."""
        from ..domain.model import ROLE_LABELS
        account = self.account
        if account is None and sign_in_required():
            return f"<p class='pf-notice'>{NOT_SIGNED_IN}</p>"
        if account is not None and not account.known:
            return (f"<p class='pf-notice'>登入帳號「{html.escape(account.login)}」沒有對應的教職員、學生或家長資料，"
                    "請洽校管理者。</p>")
        items = []
        if account is None or account.student is not None:
            items.append("<li><a class='pf-dashboard-link' href='cabinet.ipynb'>學習歷程檔案櫃</a>"
                         "<span style='color:#57606a'>（學生；家長唯讀）</span></li>")
        elif account.children:
            items.append("<li><a class='pf-dashboard-link' href='cabinet.ipynb'>孩子的學習歷程檔案櫃</a>"
                         "<span style='color:#57606a'>（家長，唯讀）</span></li>")
        viewers = [v for v in (account.staff, account.officer) if v is not None] if account is not None else []
        for key, page in DASHBOARDS.items():
            title, roles, notebook = page.title, page.roles, page.notebook
            if account is not None and not any(v.may_open(key) for v in viewers):
                continue
            who = "、".join(ROLE_LABELS[r] for r in sorted(roles))
            items.append(f"<li><a class='pf-dashboard-link' href='{notebook}'>{html.escape(title)}</a>"
                         f"<span style='color:#57606a'>（{who}）</span></li>")
        if account is not None and account.researcher and research_lab_url():
            items.append(f"<li><a class='pf-lab-link' href='{html.escape(research_lab_url())}'>研究用 JupyterLab</a>"
                         "<span style='color:#57606a'>（研究者：研究筆記本與本次產生的去識別化資料）</span></li>")
        if not items:
            return "<p>您的帳號沒有可開啟的儀表板，請洽校管理者。</p>"
        note = "" if account else "<p style='color:#9a6700'>示範模式：各儀表板內可選擇要檢視的教職員身分。</p>"
        return f"{sign_out_link()}<b>儀表板</b><ul style='margin:.2em 0 .6em'>{''.join(items)}</ul>{note}"

    @classmethod
    def from_environment(cls) -> "LandingPage | widgets.HTML":
        wb = Workbench.from_environment()
        return cls(wb) if wb is not None else _message(NO_DATABASE)

    def _render_city(self, schools) -> go.Figure:
        """Every school of the database together: the sum of their figures and their 多元表現 by category."""
        self.title.value = (f"<h3>全市各校（{len(schools)} 所學校）</h3>"
                            f"<p>{self.term.label}　今天是 {format_roc_date(self.now)}</p>")
        self.cards.value = cards_html(summary_cards(school_summary(self.wb.engine, self.term.year)))
        return self._categories(category_distribution(self.wb.engine, year=self.term.year - 1))

    def _render(self, school) -> go.Figure:
        if school is None:
            self.title.value = "<p>資料庫中還沒有學校。請先匯入名冊或建立示範學校（portfolio demo）。</p>"
            return go.Figure()
        self.title.value = (f"<h3>{html.escape(school.name)}</h3>"
                            f"<p>{self.term.label}　今天是 {format_roc_date(self.now)}　（學校代碼 {school.code}）</p>")
        figures = school_summary(self.wb.engine, self.term.year, school_code=school.code)
        self.cards.value = cards_html(summary_cards(figures))
        return self._categories(category_distribution(self.wb.engine, year=self.term.year - 1,
                                                      school_code=school.code))

    def _categories(self, table) -> go.Figure:
        """The year before's 多元表現 by category, as bars."""
        table = table.sort_values("count")
        figure = go.Figure()
        figure.add_bar(x=table["count"], y=table["label"], orientation="h",
                           text=[f"{c:,}（{s:.0%}）" for c, s in zip(table["count"], table["share"])],
                           marker_color="#4c78a8", hovertemplate="%{y}：%{x} 件<extra></extra>")
        figure.update_layout(title=f"{self.term.year - 1} 學年度多元表現類別分布", height=420,
                             margin=dict(l=10, r=20, t=50, b=30), xaxis_title="件數")
        return figure


def _message(text: str) -> widgets.HTML:
    return widgets.HTML(f"<p style='color:#9a6700'>{html.escape(text)}</p>")
