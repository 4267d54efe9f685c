"""The cabinet's selection (勾選), application (申請入學) and submission record tabs."""

from __future__ import annotations

import ipywidgets as widgets

from ... import services
from ...domain.calendar import Term
from ...domain.grades import FINAL_GRADE, grade_label
from ...domain.model import ItemKind
from ...queries import cabinet as q
from ...queries.vocabulary import choice_table
from ..common import DataTable


class SelectionTab:
    """Part of StudentCabinet (`app.py`): its widgets are built by `_build_selection`."""

    def _build_selection(self):
        """The selection, application and submission tabs' widgets."""
        self.s_year = widgets.Dropdown(options=[(f"{y} 學年度", y) for y in self.years], value=self.years[0],
                                       description="學年度")
        self.s_counts = widgets.HTML()
        self.s_table = DataTable("可勾選的項目", "勾選")
        self.s_item = widgets.Dropdown(description="項目", layout=widgets.Layout(width="46em"))
        self.s_select = widgets.Button(description="勾選", button_style="primary", icon="check-square")
        self.s_unselect = widgets.Button(description="取消勾選", icon="square")
        self.s_year.observe(self.run(lambda _: self.show_selection()), names="value")
        self.s_select.on_click(self.run(lambda _: self.select(True)))
        self.s_unselect.on_click(self.run(lambda _: self.select(False)))
        self.a_counts = widgets.HTML()
        self.a_table = DataTable("已勾選的項目（申請入學從中挑選）", "申請入學")
        self.a_item = widgets.Dropdown(description="項目", layout=widgets.Layout(width="46em"))
        self.a_pick = widgets.Button(description="選為申請入學項目", button_style="primary", icon="graduation-cap")
        self.a_unpick = widgets.Button(description="取消", icon="times")
        self.a_pick.on_click(self.run(lambda _: self.pick(True)))
        self.a_unpick.on_click(self.run(lambda _: self.pick(False)))
        self.submissions = DataTable("提交中央資料庫紀錄", "提交紀錄")

    def show_selection(self):
        year = self.s_year.value
        items = q.selectable(self.wb.engine, self.viewer, year, self.wb.policy)
        rules = q.rules_for(self.wb.engine, self.viewer, Term(year, 2), self.wb.policy)
        chosen = items.loc[items["selected"].astype(bool)]
        n_o = int((chosen["kind"] == ItemKind.OUTCOME.value).sum())
        n_p = int((chosen["kind"] == ItemKind.PERFORMANCE.value).sum())
        self.s_counts.value = (f"<p class='pf-selection-counts'>學習成果 "
                               f"<b>{n_o}/{rules.outcome_selection_cap_per_year}</b>　多元表現 "
                               f"<b>{n_p}/{rules.performance_selection_cap_per_year}</b></p>")
        shown = choice_table(items)
        self.s_table.show(shown)
        self.s_item.options = [(f"{s.種類} #{s.編號} {s.名稱}{'（已勾選）' if r.selected else ''}{s.提交}",
                                (r.kind, int(r.item_id))) for r, s in zip(items.itertuples(), shown.itertuples())]
        self.s_item.value = self.s_item.options[0][1] if self.s_item.options else None

    def show_application(self):
        grade = q.grade_in(self.wb.engine, self.viewer, self.term.year)
        pool = q.application_pool(self.wb.engine, self.viewer, self.wb.policy)
        picked = pool.loc[pool["picked"].astype(bool)]
        r = self.rules
        who = grade_label(FINAL_GRADE) if grade == FINAL_GRADE else \
            f"目前 {grade or '?'} 年級；{grade_label(FINAL_GRADE)}時"
        self.a_counts.value = (
            f"<p>{who}可從已勾選的學習成果（至多 "
            f"{r.application_outcome_pool} 件）選 {r.application_outcome_picks} 件、多元表現（至多 "
            f"{r.application_performance_pool} 件）選 {r.application_performance_picks} 件。已選：學習成果 "
            f"<b>{int((picked['kind'] == ItemKind.OUTCOME.value).sum())}/{r.application_outcome_picks}</b>　多元表現 "
            f"<b>{int((picked['kind'] == ItemKind.PERFORMANCE.value).sum())}/{r.application_performance_picks}</b></p>")
        self.a_table.show(choice_table(pool))
        self.a_item.options = [(f"{ItemKind(i.kind).label} #{i.item_id} {i.name}{'（已選）' if i.picked else ''}",
                                (i.kind, int(i.item_id))) for i in pool.itertuples()]
        self.a_item.value = self.a_item.options[0][1] if self.a_item.options else None

    def select(self, on: bool):
        if self.s_item.value is None:
            self.status.error("這個學年度沒有可勾選的項目。")
            return
        kind, item_id = self.s_item.value
        verb = services.select_for_submission if on else services.unselect
        verb(self.wb.uow(), self.viewer.student_no, kind, item_id, actor=self.actor)
        self.show_selection()
        self.show_application()
        self.show_requirements()
        self.show_home()
        self.status.ok(f"已{'勾選' if on else '取消勾選'} #{item_id}。")

    def pick(self, on: bool):
        if self.a_item.value is None:
            self.status.error("還沒有已勾選的項目可以挑選。")
            return
        kind, item_id = self.a_item.value
        verb = services.pick_for_application if on else services.unpick
        verb(self.wb.uow(), self.viewer.student_no, kind, item_id, actor=self.actor)
        self.show_application()
        self.show_requirements()
        self.status.ok(f"已{'選為' if on else '取消'}申請入學項目 #{item_id}。")
