"""存取紀錄: the school administrator reads the access log (個資法 §12) and exports it."""

from __future__ import annotations

from datetime import datetime, timedelta

import ipywidgets as widgets

from ..domain.calendar import format_roc_date, parse_roc_date
from ..domain.model import ACCESS_EVENT_LABELS
from ..queries.access_log import access_entries
from ..queries.viewer import Viewer
from ..queries.vocabulary import access_table
from ..services.unit_of_work import Workbench
from .common import Dashboard, DataTable, section, viewer_line


class AccessLogDashboard(Dashboard):
    """Days (ROC dates), an account, a student and an event to narrow by; the entries, newest first, with export."""

    key = "access"

    def __init__(self, wb: Workbench, viewer: Viewer, now: datetime | None = None):
        super().__init__(wb, viewer, now)
        self.since = widgets.Text(value=format_roc_date(self.now - timedelta(days=6)), description="起日",
                                  placeholder="115/11/01")
        self.until = widgets.Text(value=format_roc_date(self.now), description="迄日", placeholder="115/11/30")
        self.login = widgets.Text(description="帳號", placeholder="全部")
        self.student = widgets.Text(description="學號", placeholder="全部")
        self.event = widgets.Dropdown(options=[("全部", "")] + [(label, e.value) for e, label in
                                                               ACCESS_EVENT_LABELS.items()], description="事件")
        self.search = widgets.Button(description="查詢", button_style="primary", icon="search")
        self.summary = widgets.HTML()
        self.table = DataTable("存取紀錄", "存取紀錄", max_height="520px")
        run = self.run
        self.search.on_click(run(lambda _: self.show()))
        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now),
            section("查詢存取紀錄（登入、開啟的頁面與檢視的學生資料）",
                    widgets.HBox([self.since, self.until]), widgets.HBox([self.login, self.student, self.event]),
                    self.search),
            self.status.view, self.summary, self.table.view], layout=widgets.Layout(max_width="1340px"))
        run(self.show)()

    def show(self):
        since, until = parse_roc_date(self.since.value), parse_roc_date(self.until.value)
        entries = access_entries(self.wb.engine, self.viewer.school_id, since, until, self.login.value or None,
                                 self.student.value or None, self.event.value or None)
        self.table.show(access_table(entries))
        self.summary.value = (f"<p class='pf-access-summary'>{format_roc_date(since)} 至 {format_roc_date(until)}："
                              f"共 {len(entries):,} 筆</p>")
        self.status.clear()
