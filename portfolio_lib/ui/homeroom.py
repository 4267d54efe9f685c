"""導師班級進度: the homeroom teacher's own class, student by student, with flags and a reminder list."""

from __future__ import annotations

from datetime import datetime

import ipywidgets as widgets
import plotly.graph_objects as go

from .. import services
from ..domain.calendar import Term
from ..domain.model import AccessEvent, OutcomeStatus, PlanStatus, Reminder
from ..queries import homeroom as q
from ..queries.viewer import Viewer
from ..queries.vocabulary import item_table, plan_table, progress_table
from ..services.unit_of_work import Workbench
from .common import Chart, Dashboard, DataTable, section, viewer_line
from .identity import note_access
from .requirements import RequirementsPanel
from .teacher import preview_widget
from .warning import WarningPanel

ANY_FLAG = "任一提醒"


class HomeroomDashboard(Dashboard):
    """Class picker (their own classes), semester, flag filter and sort; the class table, a chart, a drill-down."""

    key = "homeroom"

    def __init__(self, wb: Workbench, viewer: Viewer, now: datetime | None = None):
        super().__init__(wb, viewer, now)
        classes = q.my_classes(wb.engine, viewer, self.term_now.year)
        self.class_picker = widgets.Dropdown(options=[(f"{r.name} 班", int(r.id)) for r in classes.itertuples()],
                                             description="班級")
        self.semester = widgets.Dropdown(options=[("第1學期", 1), ("第2學期", 2)], value=self.term_now.semester,
                                         description="學期")
        self.flag = widgets.Dropdown(options=[("全部學生", ""), (ANY_FLAG, ANY_FLAG)] +
                                     [(r.label, r.value) for r in Reminder],
                                     value="", description="篩選")
        self.sort = widgets.Dropdown(options=[("座號", "座號"), ("提醒優先", "提醒")], value="座號", description="排序")
        self.chart = Chart(height=300)
        self.table = DataTable("班級學生進度", "班級進度")
        self.reminders = DataTable("提醒名單（有提醒事項的學生）", "導師提醒名單")
        self.student = widgets.Dropdown(description="學生", options=[])
        self.cabinet = DataTable("學生的項目", "學生項目")
        self.progress = None
        self.warning = WarningPanel(self, class_id=lambda: self.class_picker.value)
        self.warning_box = widgets.Accordion(children=[self.warning.view], titles=["預警：可能錯過截止的學生與原因"],
                                             selected_index=None)
        self.warning_box.observe(self.run(lambda _: self.show_warnings()), names="selected_index")
        self.requirements = RequirementsPanel(self, class_id=lambda: self.class_picker.value)
        self.requirements_box = widgets.Accordion(children=[self.requirements.view],
                                                  titles=["大學端需求：高三目標校系的缺項"], selected_index=None)
        self.requirements_box.observe(self.run(lambda _: self.show_requirements()), names="selected_index")
        self.plans = DataTable("自主學習計畫", "自主學習計畫")
        self.plan = widgets.Dropdown(description="待審核", layout=widgets.Layout(width="40em"))
        self.plan_preview = widgets.VBox()
        self.plan_result = widgets.ToggleButtons(options=[("通過", True), ("需修改", False)], value=True,
                                                 description="審核結果")
        self.plan_comment = widgets.Text(description="意見", placeholder="需修改時必填",
                                         layout=widgets.Layout(width="40em"))
        self.plan_submit = widgets.Button(description="送出審核", button_style="primary", icon="check")
        run = self.run
        self.plan.observe(run(lambda _: self.preview_plan()), names="value")
        self.plan_submit.on_click(run(lambda _: self.review_plan()))
        for w in (self.class_picker, self.semester):
            w.observe(run(lambda _: self.refresh()), names="value")
        for w in (self.flag, self.sort):
            w.observe(run(lambda _: self.show_table()), names="value")
        self.student.observe(run(lambda _: self.show_student()), names="value")
        header = viewer_line(viewer.label, self.now, f"{self.term_now.year} 學年度")
        if not classes.empty:
            body = [widgets.HBox([self.class_picker, self.semester]), self.status.view, self.chart.view,
                    widgets.HBox([self.flag, self.sort]), self.table.view, self.reminders.view, self.warning_box,
                    self.requirements_box,
                    section("學生的檔案櫃", self.student, self.cabinet.view),
                    section("自主學習計畫審核", self.plans.view, self.plan, self.plan_preview, self.plan_result,
                            self.plan_comment, self.plan_submit)]
        else:
            body = [widgets.HTML(f"<p>{self.term_now.year} 學年度沒有由您擔任導師的班級。</p>")]
        self.view = widgets.VBox([header, *body], layout=widgets.Layout(max_width="1340px"))
        if not classes.empty:
            run(self.refresh)()

    @property
    def term(self) -> Term:
        return Term(self.term_now.year, self.semester.value)

    def refresh(self):
        self.progress = q.class_progress(self.wb.engine, self.viewer, self.class_picker.value, self.term, self.now,
                                          self.wb.policy)
        progress = self.progress
        self.student.options = [(f"{r.seat} {r.name}（{r.student_no}）", r.student_no) for r in progress.itertuples()]
        flagged = progress[progress["reminders"].map(bool)]
        self.reminders.show(progress_table(flagged)[["座號", "學號", "姓名", "提醒"]])
        states = [OutcomeStatus.PASSED, OutcomeStatus.PENDING, OutcomeStatus.UPLOADED, OutcomeStatus.FAILED]
        totals = progress[["passed", "pending", "not_sent", "failed"]].sum()
        figure = go.Figure()
        figure.add_bar(x=[s.label for s in states], y=totals.values.tolist(),
                       marker_color=["#2da44e", "#d4a72c", "#8c959f", "#cf222e"],
                       text=totals.values.tolist(), textposition="outside")
        nothing = int(progress["reminders"].map(lambda r: Reminder.NO_UPLOAD in r).sum())
        figure.update_layout(title=f"{self.class_picker.label} {self.term.label}學習成果：尚未上傳 {nothing} 人",
                             yaxis_title="件數")
        self.chart.draw(figure)
        self.show_table()
        self.show_plans()
        self.show_warnings()
        self.show_requirements()

    def show_requirements(self):
        """The class's target programmes and gaps, read when the section is open."""
        if self.requirements_box.selected_index is not None:
            self.requirements.load()

    def show_warnings(self):
        """The class's warnings, read when the section is open (the page's first view does not wait for them)."""
        if self.warning_box.selected_index is None:
            return
        if self.warning.history is None:
            self.warning.load()
        else:
            self.warning.show()

    def show_plans(self):
        plans = q.class_learning_plans(self.wb.engine, self.viewer, self.class_picker.value, self.term.year)
        self.plans.show(plan_table(plans))
        waiting = plans[plans["status"] == PlanStatus.SUBMITTED.value]
        self.plan.options = [(f"#{r.plan_id} {r.seat} {r.name}：{r.title}", int(r.plan_id))
                             for r in waiting.itertuples()]
        self.plan.value = self.plan.options[0][1] if self.plan.options else None
        self.preview_plan()

    def preview_plan(self):
        if self.plan.value is None:
            self.plan_preview.children = []
            return
        sha256, ext, name = q.plan_file(self.wb.engine, self.viewer, self.plan.value)
        self.plan_preview.children = [preview_widget(self.wb.store.read(sha256), ext, name or f"plan.{ext}")]

    def review_plan(self):
        if self.plan.value is None:
            self.status.error("沒有待審核的自主學習計畫。")
            return
        plan_id = self.plan.value
        services.review_learning_plan(self.wb.uow(), plan_id, self.plan_result.value, self.plan_comment.value,
                                      actor=self.viewer.actor)
        self.plan_comment.value = ""
        self.show_plans()
        status = PlanStatus.APPROVED if self.plan_result.value else PlanStatus.REVISE
        self.status.ok(f"#{plan_id} 審核為「{status.label}」，學生會收到通知。")

    def show_table(self):
        if self.progress is None:
            return
        table = self.progress
        if self.flag.value == ANY_FLAG:
            table = table[table["reminders"].map(bool)]
        elif self.flag.value:
            table = table[table["reminders"].map(lambda r: self.flag.value in r)]
        if self.sort.value == "提醒":
            table = table.assign(_n=table["reminders"].map(len)).sort_values(
                ["_n", "seat"], ascending=[False, True]).drop(columns="_n")
        self.table.show(progress_table(table))

    def show_student(self):
        if self.student.value:
            self.cabinet.show(item_table(q.student_cabinet(self.wb.engine, self.viewer, self.student.value,
                                                           self.term.year)))
            note_access(self.wb, self.viewer.login, AccessEvent.VIEW_STUDENT, "homeroom", self.viewer.school_id,
                        student_no=self.student.value)
