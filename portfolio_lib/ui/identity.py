"""Who is looking: the server's identity when there is one, else a clearly marked demo 'view as' picker."""

from __future__ import annotations

import html
import os
from datetime import datetime
from typing import Callable

import ipywidgets as widgets

from ..queries.viewer import DASHBOARDS, Viewer, staff_directory, viewer_by_login, viewer_by_staff_no
from ..services.unit_of_work import Workbench

IDENTITY_VARIABLE = "JUPYTERHUB_USER"


def workbench_from_environment() -> Workbench | None:
    db = os.environ.get("PORTFOLIO_DB")
    return Workbench.open(db, os.environ.get("PORTFOLIO_FILES")) if db else None


class ViewerGate:
    """Builds a dashboard for the viewer: the server's user if present, otherwise the one picked in demo mode."""

    def __init__(self, wb: Workbench, dashboard: str, build: Callable[[Workbench, Viewer], object],
                 identity: str | None = None, now: datetime | None = None):
        self.wb, self.dashboard, self.build, self.now = wb, dashboard, build, now
        self.app = None
        self.body = widgets.VBox()
        self.picker = None
        identity = identity if identity is not None else os.environ.get(IDENTITY_VARIABLE)
        if identity:
            viewer = viewer_by_login(wb.engine, identity)
            if viewer is None:
                self.view = _notice(f"登入帳號「{identity}」沒有對應的教職員資料，請洽校管理者。")
            elif not viewer.may_open(dashboard):
                self.view = _notice(f"{viewer.name} 沒有開啟「{DASHBOARDS[dashboard][0]}」的權限。")
            else:
                self._open(viewer)
                self.view = self.body
            return
        staff = staff_directory(wb.engine, dashboard)
        options = [(f"{r.name}（{r.staff_no}，{r.roles}）", r.staff_no) for r in staff.itertuples()]
        if not options:
            self.view = _notice("資料庫中沒有可以開啟這個儀表板的教職員。")
            return
        self.picker = widgets.Dropdown(options=options, value=options[0][1], description="檢視身分",
                                       layout=widgets.Layout(width="32em"))
        self.picker.observe(lambda change: self._open(viewer_by_staff_no(wb.engine, change["new"])), names="value")
        banner = widgets.HTML("<div style='background:#fff8c5;border:1px solid #d4a72c;padding:.4em .8em;"
                              "border-radius:6px'><b>示範模式</b>：沒有登入身分，請選擇要以哪位教職員的身分檢視。"
                              "正式環境由伺服器帳號決定身分，不會出現這個選單。</div>")
        banner.add_class("pf-demo-banner")
        self._open(viewer_by_staff_no(wb.engine, options[0][1]))
        self.view = widgets.VBox([banner, self.picker, self.body])

    def _open(self, viewer: Viewer):
        self.app = self.build(self.wb, viewer, self.now) if self.now else self.build(self.wb, viewer)
        self.body.children = [self.app.view]


def _notice(text: str) -> widgets.HTML:
    return widgets.HTML(f"<p style='color:#9a6700'>{html.escape(text)}</p>")


class CabinetGate:
    """Opens a student's cabinet: the server's user (a student, or a parent read-only), else a demo picker."""

    def __init__(self, wb: Workbench, build, identity: str | None = None, now: datetime | None = None):
        from ..domain.calendar import Term
        from ..queries.cabinet import cabinet_viewer, student_viewer, students_for_picker
        self.wb, self.build, self.now = wb, build, now
        self.app = None
        self.body = widgets.VBox()
        self.picker = self.as_parent = None
        identity = identity if identity is not None else os.environ.get(IDENTITY_VARIABLE)
        if identity:
            viewer = cabinet_viewer(wb.engine, identity)
            if viewer is None:
                self.view = _notice(f"登入帳號「{identity}」沒有對應的學生或家長資料，請洽校管理者。")
            else:
                self._open(viewer)
                self.view = self.body
            return
        year = Term.of((now or wb.clock()).date()).year
        students = students_for_picker(wb.engine, year)
        if students.empty:
            self.view = _notice("資料庫中沒有本學年度的學生。")
            return
        options = [(f"{r.class_name} 班 {r.seat_no} 號 {r.name}（{r.student_no}）", r.student_no)
                   for r in students.itertuples()]
        self.picker = widgets.Dropdown(options=options, value=options[0][1], description="檢視學生",
                                       layout=widgets.Layout(width="32em"))
        self.as_parent = widgets.Checkbox(value=False, description="以家長身分檢視（唯讀）")

        def reopen(_):
            self._open(student_viewer(wb.engine, self.picker.value, as_parent=self.as_parent.value))
        self.picker.observe(reopen, names="value")
        self.as_parent.observe(reopen, names="value")
        banner = widgets.HTML("<div style='background:#fff8c5;border:1px solid #d4a72c;padding:.4em .8em;"
                              "border-radius:6px'><b>示範模式</b>：沒有登入身分，請選擇要檢視哪位學生的檔案櫃。"
                              "正式環境由伺服器帳號決定身分（學生本人或家長），不會出現這個選單。</div>")
        banner.add_class("pf-demo-banner")
        self._open(student_viewer(wb.engine, options[0][1]))
        self.view = widgets.VBox([banner, widgets.HBox([self.picker, self.as_parent]), self.body])

    def _open(self, viewer):
        self.app = self.build(self.wb, viewer, self.now) if self.now else self.build(self.wb, viewer)
        self.body.children = [self.app.view]
