"""The cabinet's home tab: space used, what is not yet certified, the year's selections, open windows, notices."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ... import services
from ...domain.units import MIB
from ...queries import cabinet as q
from ...queries.vocabulary import notification_table
from ...queries.warning import student_nudge
from ..common import DataTable
from .parts import dots


class HomeTab:
    """Part of StudentCabinet (`app.py`): its widgets are built by `_build_home`."""

    def _build_home(self):
        """The home tab's widgets."""
        self.home = widgets.HTML()
        self.notes = DataTable("通知（認證結果）", "通知")
        self.read_button = widgets.Button(description="全部標示為已讀", icon="check")
        self.read_button.on_click(self.run(lambda _: self.mark_read()))

    def show_home(self):
        h = q.home(self.wb.engine, self.viewer, self.now, self.wb.policy)
        counts = "".join(f"<li>{html.escape(label)}：{n}</li>" for label, n in h["performances"].items())
        windows = "".join(f"<li>{label}（{year}{'' if sem == 0 else f'-{sem}'}）：{opens} ～ {closes}</li>"
                          for label, year, sem, opens, closes in h["windows"]) or "<li>目前沒有開放中的作業期間</li>"
        used_mb, quota_mb = h["used"] / MIB, h["quota"] / MIB
        self.home.value = (
            f"<div class='pf-home'><p>已使用空間：<b>{used_mb:.1f}mb/{quota_mb:.1f}mb</b>　"
            f"未認證學習成果：<b>{h['uncertified']}</b> 筆　學習成果共 {h['outcomes']} 件</p>"
            f"<p>{h['term'].year} 學年度　學習成果 {dots(h['selected_outcomes'], h['outcome_cap'])} "
            f"（{h['selected_outcomes']}/{h['outcome_cap']}）<br>多元表現 "
            f"{dots(h['selected_performances'], h['performance_cap'])} "
            f"（{h['selected_performances']}/{h['performance_cap']}）</p>"
            f"<b>開放中的作業期間</b><ul>{windows}</ul><b>多元表現</b><ul style='columns:2'>{counts}</ul></div>")
        self.home.value += self._nudge()
        self.notes.show(notification_table(q.notifications(self.wb.engine, self.viewer)))

    def _nudge(self) -> str:
        """The student's own reasons to act before an open deadline, where their school turns the nudge on; never
        shown to a parent reading the cabinet."""
        if self.viewer.read_only:
            return ""
        found = student_nudge(self.wb.engine, self.viewer.student_id, self.now, self.wb.policy)
        items = "".join(f"<li><b>{html.escape(title)}</b>：{html.escape('；'.join(reasons))}</li>"
                        for title, reasons in found)
        return f"<div class='pf-nudge'><b>提醒</b><ul>{items}</ul></div>" if items else ""

    def mark_read(self):
        n = services.mark_notifications_read(self.wb.uow(), self.viewer.student_no, actor=self.actor)
        self.status.ok(f"{n} 則通知已標示為已讀。")
        self.show_home()
