"""The cabinet's programme requirements (大學端需求), in the 申請入學 tab: target programmes, and for each what it
asks for against the student's selected and picked items, with what to do next."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ... import services
from ...queries import requirements as rq
from ...queries.vocabulary import code_table, cover_table
from ..common import DataTable


class RequirementsTab:
    """Part of StudentCabinet (`app.py`): its widgets are built by `_build_requirements`."""

    def _build_requirements(self):
        limit = self.rules.application_targets
        self.r_intro = widgets.HTML(
            f"<p>加入想申請的校系（最多 {limit} 個），就能看到每個校系要求的審查資料項目，"
            "以及你已勾選、已選為申請入學的項目是否對得上。</p>")
        self.r_programme = widgets.Dropdown(description="校系", layout=widgets.Layout(width="40em", max_width="100%"))
        self.r_add = widgets.Button(description="加入目標校系", button_style="primary", icon="plus")
        self.r_target = widgets.Dropdown(description="目標校系", layout=widgets.Layout(width="40em", max_width="100%"))
        self.r_remove = widgets.Button(description="移除", icon="times")
        self.r_add.on_click(self.run(lambda _: self.target(True)))
        self.r_remove.on_click(self.run(lambda _: self.target(False)))
        self.r_reports = widgets.VBox()
        self.r_codes = DataTable("審查資料項目代碼對照表", "項目代碼對照表")
        self.r_codes.show(code_table())
        self.r_reference = widgets.Accordion(children=[self.r_codes.view], titles=("項目代碼對照表（含來源與年度）",))
        self.r_reference.selected_index = None

    def show_requirements(self):
        listed = rq.programmes(self.wb.engine, self.viewer.school_id)
        reports = rq.student_requirements(self.wb.engine, self.viewer, self.term.year, self.wb.policy)
        mine = {r.code for r in reports}
        label = {row.code: f"{row.code} {row.name}" + ("（範例資料）" if row.sample else "")
                 for row in listed.itertuples()}
        self.r_programme.options = [(label[c], c) for c in label if c not in mine]
        self.r_programme.value = self.r_programme.options[0][1] if self.r_programme.options else None
        self.r_target.options = [(r.title, r.code) for r in reports]
        self.r_target.value = self.r_target.options[0][1] if self.r_target.options else None
        if listed.empty:
            self.r_intro.value = "<p>學校尚未匯入校系清單，請洽輔導老師。</p>"
        blocks = []
        for r in reports:
            table = DataTable(f"{r.title}：{r.requirement.text()}", f"校系要求_{r.code}")
            table.show(cover_table(r))
            blocks.append(widgets.VBox([widgets.HTML(_advice(r)), table.view]))
            blocks[-1].add_class("pf-programme")
        if any(r.sample for r in reports):
            blocks.append(widgets.HTML("<p style='color:#57606a'>標示「範例資料」的校系是示範用的虛構資料，"
                                       "不是當年度的校系分則；請以甄選會公告的校系分則為準。</p>"))
        self.r_reports.children = blocks or [widgets.HTML("<p>還沒有目標校系。</p>")]

    def target(self, add: bool):
        chosen = self.r_programme.value if add else self.r_target.value
        if chosen is None:
            self.status.error("請先選擇校系。" if add else "還沒有目標校系可以移除。")
            return
        verb = services.add_target if add else services.remove_target
        verb(self.wb.uow(), self.viewer.student_no, chosen, actor=self.actor)
        self.show_requirements()
        self.status.ok(f"已{'加入' if add else '移除'}目標校系 {chosen}。")


def _advice(report: rq.ProgrammeReport) -> str:
    """The programme's verdict and next steps, as the student reads them."""
    cover = report.cover
    if cover.covered and not cover.next_steps:
        head = "<p class='pf-cover-ok'>✔ 要求的項目都有已選為申請入學的資料。</p>"
    elif cover.covered:
        head = "<p class='pf-cover-pending'>要求的項目都有已勾選的資料，還有項目待挑選。</p>"
    else:
        head = (f"<p class='pf-cover-missing'>尚缺：{html.escape('、'.join(c.short for c in cover.missing))}</p>")
    steps = "".join(f"<li>{html.escape(step)}</li>" for step in cover.next_steps)
    off = "".join(f"<li>已選為申請的「{html.escape(i.name)}」不在此校系要求的項目內</li>" for i in cover.off_target)
    return head + (f"<p>下一步：</p><ul>{steps}</ul>" if steps else "") + (f"<ul>{off}</ul>" if off else "")
