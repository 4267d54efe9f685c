"""The workbench's pages, in one registry: each page's key, title, notebook, who may open it and its widget app.

The staff dashboards open for the roles listed; the landing page and the cabinet open for every signed-in
account and decide themselves what the viewer sees. The deployment serves these notebooks and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Role


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    notebook: str
    roles: frozenset | None = None     # staff roles that open it; None: every signed-in account
    app: str | None = None             # "module:Class" of a staff dashboard's widget app

    @property
    def staff_only(self) -> bool:
        return self.roles is not None


PAGES = (
    Page("index", "學習歷程工作台", "index.ipynb"),
    Page("cabinet", "學習歷程檔案櫃", "cabinet.ipynb"),
    Page("counselor", "輔導室總覽", "counselor.ipynb", frozenset({Role.COUNSELOR, Role.ADMIN}),
         "portfolio_lib.ui.counselor:CounselorDashboard"),
    Page("homeroom", "導師班級進度", "homeroom.ipynb", frozenset({Role.HOMEROOM}),
         "portfolio_lib.ui.homeroom:HomeroomDashboard"),
    Page("teacher", "授課教師認證", "teacher.ipynb", frozenset({Role.TEACHER}),
         "portfolio_lib.ui.teacher:TeacherDashboard"),
    Page("consultant", "課程諮詢紀錄", "consultant.ipynb", frozenset({Role.CONSULTANT}),
         "portfolio_lib.ui.consultant:ConsultantDashboard"),
    Page("submission", "提交與收訖", "submission.ipynb", frozenset({Role.SUBMITTER, Role.RECEIPT_CHECKER, Role.ADMIN}),
         "portfolio_lib.ui.submission:SubmissionDashboard"),
    Page("research", "研究分析", "research.ipynb", frozenset({Role.RESEARCHER, Role.COUNSELOR, Role.ADMIN}),
         "portfolio_lib.ui.research:ResearchDashboard"),
    Page("access", "存取紀錄", "access.ipynb", frozenset({Role.ADMIN}),
         "portfolio_lib.ui.access:AccessLogDashboard"),
    Page("district", "教育局各校總覽", "district.ipynb", frozenset({Role.DISTRICT}),
         "portfolio_lib.ui.district:DistrictDashboard"),
)
BY_KEY = {page.key: page for page in PAGES}
DASHBOARDS = {page.key: page for page in PAGES if page.staff_only}   # the staff dashboards, in menu order


def page_title(key: str) -> str:
    """The title of a page by its key (the access log's names for what was opened); the key when unknown."""
    return BY_KEY[key].title if key in BY_KEY else key


def notebooks() -> set[str]:
    """Every notebook the deployment serves: the pages and the dashboards, nothing else."""
    return {page.notebook for page in PAGES}
