"""Who is looking: the account the deployment signed in for this page, else a clearly marked demo picker.

In the multi-user deployment every page's kernel is told the signed-in name by the server
(`PORTFOLIO_VIEWER`, set before the notebook runs) and may never fall back to the demo picker
(`PORTFOLIO_SIGN_IN`). Without either (the local demo) a page offers a yellow 示範模式 picker.
"""

from __future__ import annotations

import html
import os
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Callable

import ipywidgets as widgets

from ..domain.model import AccessEvent
from ..domain.pages import DASHBOARDS
from ..queries.accounts import account_of
from ..queries.viewer import (
    Viewer,
    officer_by_id,
    officer_by_login,
    officer_directory,
    staff_directory,
    viewer_by_id,
    viewer_by_login,
)
from ..services.access_log import record_access
from ..services.unit_of_work import Workbench
from .common import responsive_style

VIEWER_VARIABLE = "PORTFOLIO_VIEWER"
SIGN_IN_VARIABLE = "PORTFOLIO_SIGN_IN"
DEMO_BANNER = ("<div style='background:#fff8c5;border:1px solid #d4a72c;padding:.4em .8em;border-radius:6px'>"
               "<b>示範模式</b>：沒有登入身分，{what}正式環境由登入的帳號決定身分，不會出現這個選單。</div>")


def signed_in() -> str | None:
    """The sign-on name the deployment gave this page's kernel, if any."""
    return os.environ.get(VIEWER_VARIABLE) or None


def sign_in_required() -> bool:
    """True in the deployment: a page without a signed-in name shows nothing but a notice."""
    return bool(os.environ.get(SIGN_IN_VARIABLE))


def note_access(wb: Workbench, login: str | None, event: AccessEvent, target: str, school_id: int | None,
                student_id: int | None = None, student_no: str | None = None):
    """Record in the access log what a signed-in person opened (the demo's picked viewers sign in as nobody)."""
    if login:
        record_access(wb.uow(), login, event, target, school_id=school_id, student_id=student_id,
                      student_no=student_no)


def _notice(text: str) -> widgets.HTML:
    return widgets.HTML(f"<p class='pf-notice' style='color:#9a6700'>{html.escape(text)}</p>")


NOT_SIGNED_IN = "請先登入學習歷程工作台。"


class Gate(ABC):
    """Opens a page for whoever is looking: the signed-in account (`signed_in`), a notice when the deployment
    requires sign-in and nobody is, otherwise the demo's clearly marked picker (`demo`). Each page's gate says
    how a sign-on name becomes its viewer and what its picker lists; opening puts the built app in `body`."""

    def __init__(self, wb: Workbench, build, identity: str | None = None, now: datetime | None = None):
        self.wb, self.build, self.now = wb, build, now
        self.app = None
        self.login = None
        self.body = widgets.VBox()
        self.picker = None
        identity = identity if identity is not None else signed_in()
        if identity:
            self.view = self.signed_in(identity)
        elif sign_in_required():
            self.view = _notice(NOT_SIGNED_IN)
        else:
            self.view = self.demo()

    @abstractmethod
    def signed_in(self, identity: str) -> widgets.Widget:
        """The page for a signed-in name (or the notice of why it does not open)."""

    @abstractmethod
    def demo(self) -> widgets.Widget:
        """The page with the demo's picker (or the notice that there is nobody to pick)."""

    def _open(self, viewer):
        self.app = self.build(self.wb, viewer, self.now) if self.now else self.build(self.wb, viewer)
        self.body.children = [responsive_style(), self.app.view]

    def _picker(self, options, description: str, what: str, extra=()) -> widgets.Widget:
        """The demo's picker, under its yellow banner, opening the first choice."""
        self.picker = widgets.Dropdown(options=options, value=options[0][1], description=description,
                                       layout=widgets.Layout(width="32em"))
        banner = widgets.HTML(DEMO_BANNER.format(what=what))
        banner.add_class("pf-demo-banner")
        return widgets.VBox([banner, widgets.HBox([self.picker, *extra]) if extra else self.picker, self.body])


class ViewerGate(Gate):
    """Builds a staff dashboard for the viewer: the signed-in account, otherwise the one picked in demo mode."""

    def __init__(self, wb: Workbench, dashboard: str, build: Callable[[Workbench, Viewer], object],
                 identity: str | None = None, now: datetime | None = None):
        self.dashboard = dashboard
        super().__init__(wb, build, identity, now)

    def viewer_for(self, identity: str):
        """The account a sign-on name maps to (a staff member), or None."""
        return viewer_by_login(self.wb.engine, identity)

    def directory(self) -> list[tuple[str, int]]:
        """The demo picker's choices: whoever may open the page, as (label, key)."""
        staff = staff_directory(self.wb.engine, self.dashboard)
        several = staff["school"].nunique() > 1
        return [(f"{f'{r.school} ' if several else ''}{r.name}（{r.staff_no}，{r.roles}）", int(r.staff_id))
                for r in staff.itertuples()]

    def viewer_of(self, key: int):
        """The viewer a picker's choice names."""
        return viewer_by_id(self.wb.engine, key)

    def signed_in(self, identity: str) -> widgets.Widget:
        viewer = self.viewer_for(identity)
        if viewer is None:
            return _notice(f"登入帳號「{identity}」沒有對應的{self.accounts}資料，請洽校管理者。")
        if not viewer.may_open(self.dashboard):
            return _notice(f"{viewer.name} 沒有開啟「{DASHBOARDS[self.dashboard].title}」的權限。")
        self.login = viewer.login
        self._open(viewer)
        note_access(self.wb, viewer.login, AccessEvent.OPEN, self.dashboard, viewer.school_id)
        return self.body

    accounts = "教職員"

    def demo(self) -> widgets.Widget:
        options = self.directory()
        if not options:
            return _notice(f"資料庫中沒有可以開啟這個儀表板的{self.accounts}。")
        view = self._picker(options, "檢視身分", f"請選擇要以哪位{self.accounts}的身分檢視。")
        self.picker.observe(lambda change: self._open(self.viewer_of(change["new"])), names="value")
        self._open(self.viewer_of(options[0][1]))
        return view


class DistrictGate(ViewerGate):
    """The district's page: for the city's education office's officers, who belong to no school."""

    accounts = "教育局帳號"

    def viewer_for(self, identity: str):
        return officer_by_login(self.wb.engine, identity)

    def directory(self) -> list[tuple[str, int]]:
        return [(f"{r.name}（{r.officer_no}，教育局）", int(r.officer_id))
                for r in officer_directory(self.wb.engine).itertuples()]

    def viewer_of(self, key: int):
        return officer_by_id(self.wb.engine, key)


class CabinetGate(Gate):
    """Opens a student's cabinet: the signed-in student's own, or a parent's child's read-only (a parent of
    several children picks among their own); in the demo, a picker of every student."""

    def __init__(self, wb: Workbench, build, identity: str | None = None, now: datetime | None = None):
        self.as_parent = None
        super().__init__(wb, build, identity, now)

    def signed_in(self, identity: str) -> widgets.Widget:
        account = account_of(self.wb.engine, identity)
        self.login = account.login
        if account.student is not None:
            self._open(account.student)
            return self.body
        if account.children:
            return self._children(account.children)
        return _notice(f"登入帳號「{identity}」沒有對應的學生或家長資料，請洽校管理者。")

    def demo(self) -> widgets.Widget:
        from ..domain.calendar import Term
        from ..queries.cabinet import student_viewer_by_id, students_for_picker
        year = Term.of((self.now or self.wb.clock()).date()).year
        students = students_for_picker(self.wb.engine, year)
        if students.empty:
            return _notice("資料庫中沒有本學年度的學生。")
        several = students["school"].nunique() > 1
        options = [(f"{f'{r.school} ' if several else ''}{r.class_name} 班 {r.seat_no} 號 {r.name}（{r.student_no}）",
                    int(r.student_id)) for r in students.itertuples()]
        self.as_parent = widgets.Checkbox(value=False, description="以家長身分檢視（唯讀）")
        view = self._picker(options, "檢視學生", "請選擇要檢視哪位學生的檔案櫃。", extra=[self.as_parent])

        def reopen(_):
            self._open(student_viewer_by_id(self.wb.engine, self.picker.value, as_parent=self.as_parent.value))
        self.picker.observe(reopen, names="value")
        self.as_parent.observe(reopen, names="value")
        self._open(student_viewer_by_id(self.wb.engine, options[0][1]))
        return view

    def _children(self, children) -> widgets.Widget:
        """A parent's cabinet: their one child's, or a picker of their own children only."""
        self._open(children[0])
        if len(children) == 1:
            return self.body
        by_no = {c.student_no: c for c in children}
        self.picker = widgets.Dropdown(options=[(f"{c.name}（{c.student_no}）", c.student_no) for c in children],
                                       value=children[0].student_no, description="孩子",
                                       layout=widgets.Layout(width="24em"))
        self.picker.observe(lambda change: self._open(by_no[change["new"]]), names="value")
        return widgets.VBox([self.picker, self.body])

    def _open(self, viewer):
        super()._open(viewer)
        note_access(self.wb, self.login, AccessEvent.OPEN, "cabinet", viewer.school_id, viewer.student_id)


def research_lab_url() -> str | None:
    """Where a researcher opens their JupyterLab, in the deployment (its hub says where)."""
    hub = os.environ.get("JUPYTERHUB_BASE_URL")
    return f"{hub.rstrip('/')}/hub/spawn" if hub and sign_in_required() else None
