"""Widget apps the dashboards show (ipywidgets + plotly); notebooks only wire them."""

from __future__ import annotations

import ipywidgets as widgets


def _builders():
    from .access import AccessLogDashboard
    from .consultant import ConsultantDashboard
    from .counselor import CounselorDashboard
    from .homeroom import HomeroomDashboard
    from .research import ResearchDashboard
    from .submission import SubmissionDashboard
    from .teacher import TeacherDashboard
    return {"counselor": CounselorDashboard, "homeroom": HomeroomDashboard, "teacher": TeacherDashboard,
            "consultant": ConsultantDashboard, "submission": SubmissionDashboard, "research": ResearchDashboard,
            "access": AccessLogDashboard}


class _Notice:
    def __init__(self, text: str):
        self.view = widgets.HTML(f"<p style='color:#9a6700'>{text}</p>")


def open_dashboard(key: str):
    """The dashboard `key` (counselor, homeroom, teacher, consultant, submission, research, access, cabinet)
    for whoever is looking, on $PORTFOLIO_DB."""
    from .identity import CabinetGate, ViewerGate, workbench_from_environment
    wb = workbench_from_environment()
    if wb is None:
        from ..services.config import NO_DATABASE
        return _Notice(NO_DATABASE)
    if key == "cabinet":
        from .cabinet import StudentCabinet
        return CabinetGate(wb, StudentCabinet)
    return ViewerGate(wb, key, _builders()[key])


__all__ = ["open_dashboard"]
