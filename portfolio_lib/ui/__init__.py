"""Widget apps the dashboards show (ipywidgets + plotly); notebooks only wire them."""

from __future__ import annotations

import importlib

import ipywidgets as widgets

from ..domain.pages import DASHBOARDS


class _Notice:
    def __init__(self, text: str):
        self.view = widgets.HTML(f"<p style='color:#9a6700'>{text}</p>")


def open_dashboard(key: str):
    """The dashboard `key` (counselor, homeroom, teacher, consultant, submission, research, access, district,
    cabinet) for whoever is looking, on $PORTFOLIO_DB."""
    from ..domain.model import Role
    from ..services.unit_of_work import Workbench
    from .identity import CabinetGate, DistrictGate, ViewerGate
    wb = Workbench.from_environment()
    if wb is None:
        from ..services.config import NO_DATABASE
        return _Notice(NO_DATABASE)
    if key == "cabinet":
        from .cabinet import StudentCabinet
        return CabinetGate(wb, StudentCabinet)
    gate = DistrictGate if Role.DISTRICT in DASHBOARDS[key].roles else ViewerGate
    return gate(wb, key, dashboard_app(key))


def dashboard_app(key: str):
    """The widget app class of a staff dashboard, as the page registry names it."""
    module, _, name = DASHBOARDS[key].app.partition(":")
    return getattr(importlib.import_module(module), name)


__all__ = ["open_dashboard"]
