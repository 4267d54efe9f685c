"""輔導室總覽: where the school stands in the cycle, who to remind, the category chart, batch uploads."""

from __future__ import annotations

from datetime import datetime

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ..domain.calendar import Term, format_roc_date
from ..domain.errors import ImportRejected
from ..domain.grades import GRADES, grade_label
from ..domain.model import AccessEvent, WindowKind
from ..domain.units import format_mb
from ..queries import counselor as q
from ..queries import homeroom, scope
from ..queries import schedule as schedule_q
from ..queries.viewer import Viewer
from ..queries.vocabulary import (
    backlog_table,
    category_table,
    item_table,
    overview_table,
    problem_table,
    progress_table,
    reminder_table,
    schedule_table,
    summary_cards,
)
from ..services.batch import batch_upload
from ..services.unit_of_work import Workbench
from .common import Chart, Dashboard, DataTable, cards_html, roc_date_ticks, section, term_pickers, viewer_line
from .identity import note_access
from .requirements import RequirementsPanel
from .warning import EvaluationPanel, WarningPanel


class CounselorDashboard(Dashboard):
    """Filter bar (year, semester, stage), KPI cards and six tabs of school-wide status."""

    key = "counselor"

    def __init__(self, wb: Workbench, viewer: Viewer, now: datetime | None = None):
        super().__init__(wb, viewer, now)
        current = self.term_now
        years = scope.school_years(wb.engine, viewer) or [current.year]
        self.year, self.semester = term_pickers(years, current)
        self.stage = widgets.Dropdown(options=[("第一階段", 1), ("第二階段", 2)], value=1, description="上傳階段")
        self.cards = widgets.HTML()

        self.heatmap = Chart(height=300, bundle="cartesian")     # first: the page's one plotly.js
        self.overview = DataTable("各班上傳與認證狀況", "各班狀況")
        self.drill_class = widgets.Dropdown(description="班級", options=[])
        self.class_table = DataTable("班級學生進度", "班級學生進度")
        self.drill_student = widgets.Dropdown(description="學生", options=[])
        self.cabinet = DataTable("學生的項目", "學生項目")
        self.schedule = DataTable("本學年作業期程", "作業期程")
        self.backlog = DataTable("認證進度：依教師與課程（一週內完成認證）", "認證催辦_依教師")
        self.reminders = DataTable("提醒名單：依班級", "提醒名單_依班級")
        self.timeline = Chart(height=340)
        self.category_year = widgets.Dropdown(options=[("全部學年", None)] + [(f"{y} 學年度", y) for y in years],
                                              value=years[1] if len(years) > 1 else years[0], description="學年度")
        self.category_grade = widgets.Dropdown(options=[("全部年級", None), *[(grade_label(g), g) for g in GRADES]],
                                               value=None, description="年級")
        self.with_slide = widgets.Checkbox(value=True, description="並列簡報參考值（比例）")
        self.categories = Chart(height=420)
        self.category_table = DataTable("多元表現類別件數", "多元表現類別")
        self.manifest_upload = widgets.FileUpload(accept=".xlsx,.csv", multiple=False, description="上傳清單")
        self.zip_upload = widgets.FileUpload(accept=".zip", multiple=False, description="上傳 ZIP")
        self.batch_button = widgets.Button(description="檢查並匯入", button_style="primary", icon="upload")
        self.batch_report = DataTable("批次上傳檢查結果", "批次上傳檢查結果")
        self.batch_rescue = widgets.Checkbox(
            value=False, indent=False, layout=widgets.Layout(width="auto"),
            description="轉換可轉換的檔案（HEIC 照片、過大的照片與 PDF、MOV 與過大的影音）")
        self.batch_rescued = DataTable("已轉換的檔案（原始檔另外保留在學生的檔案櫃）", "批次上傳轉換紀錄")

        self.warning = WarningPanel(self, by_class=True)
        self.evaluation = EvaluationPanel(self)
        self.requirements = RequirementsPanel(self, manage=True)
        tabs = widgets.Tab(children=[
            widgets.VBox([self.heatmap.view, self.overview.view,
                          section("逐班查看", widgets.HBox([self.drill_class, self.drill_student]),
                                  self.class_table.view, self.cabinet.view)]),
            self.schedule.view,
            widgets.VBox([self.backlog.view, self.reminders.view]),
            self.timeline.view,
            widgets.VBox([widgets.HBox([self.category_year, self.category_grade, self.with_slide]),
                          self.categories.view, self.category_table.view]),
            widgets.VBox([widgets.HTML(BATCH_HELP), widgets.HBox([self.manifest_upload, self.zip_upload,
                                                                  self.batch_button]), self.batch_rescue,
                          self.batch_report.view, self.batch_rescued.view]),
            self.warning.view, self.evaluation.view, self.requirements.view,
        ], titles=["班級狀況", "作業期程", "認證催辦", "上傳時間軸", "多元表現類別", "批次上傳", "預警", "預警成效",
                   "大學端需求"])

        run = self.run
        for w in (self.year, self.semester, self.stage):
            w.observe(run(lambda _: self.refresh()), names="value")
        for w in (self.category_year, self.category_grade, self.with_slide):
            w.observe(run(lambda _: self.draw_categories()), names="value")
        self.tabs = tabs
        self.drill_class.observe(run(lambda _: self.show_class()), names="value")
        self.drill_student.observe(run(lambda _: self.show_student()), names="value")
        self.batch_button.on_click(run(lambda _: self.run_batch_from_widgets()))
        tabs.observe(run(lambda _: self.show_tab()), names="selected_index")
        self._fresh: set[int] = set()

        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now),
            widgets.HBox([self.year, self.semester, self.stage]), self.status.view, self.cards, tabs,
        ], layout=widgets.Layout(max_width="1340px"))
        run(self.refresh)()

    def refresh(self):
        """New filters: the cards now, each tab when it is shown (a page builds one chart, not six)."""
        term = self.term
        self.cards.value = cards_html(summary_cards(q.kpis(self.wb.engine, self.viewer, term.year, term.semester)))
        self._fresh.clear()
        self.show_tab()

    def show_tab(self):
        index = self.tabs.selected_index or 0
        if index in self._fresh:
            return
        (self.show_overview, self.show_schedule, self.show_backlog, self.show_timeline, self.draw_categories,
         lambda: None, self.warning.load, self.evaluation.show, self.requirements.load)[index]()
        self._fresh.add(index)

    def show_overview(self):
        overview = q.class_overview(self.wb.engine, self.viewer, self.term.year, self.term.semester)
        self.overview.show(overview_table(overview))
        self.heatmap.draw(_heatmap(overview, self.term))
        self.drill_class.options = [(f"{r.class_name}（{r.homeroom_teacher or '未設導師'}）", int(r.class_id))
                                    for r in overview.itertuples()]

    def show_schedule(self):
        self.schedule.show(schedule_table(schedule_q.schedule(self.wb.engine, self.viewer, self.term.year,
                                                              self.now)))

    def show_backlog(self):
        engine, policy = self.wb.engine, self.wb.policy
        self.backlog.show(backlog_table(q.certification_backlog(engine, self.viewer, self.term, self.stage.value,
                                                                self.now, policy)))
        self.reminders.show(reminder_table(q.reminder_students(engine, self.viewer, self.term, self.now, policy)))

    def show_timeline(self):
        engine, term = self.wb.engine, self.term
        self.timeline.draw(_timeline(q.upload_timeline(engine, self.viewer, term),
                                     scope.windows(engine, self.viewer.school_id, term.year), term))

    def show_class(self):
        if self.drill_class.value is None:
            return
        progress = homeroom.class_progress(self.wb.engine, self.viewer, self.drill_class.value, self.term, self.now,
                                      self.wb.policy)
        self.class_table.show(progress_table(progress))
        self.drill_student.options = [(f"{r.seat} {r.name}（{r.student_no}）", r.student_no)
                                      for r in progress.itertuples()]

    def show_student(self):
        if self.drill_student.value:
            self.cabinet.show(item_table(homeroom.student_cabinet(self.wb.engine, self.viewer, self.drill_student.value,
                                                                  self.term.year)))
            note_access(self.wb, self.viewer.login, AccessEvent.VIEW_STUDENT, "counselor", self.viewer.school_id,
                        student_no=self.drill_student.value)

    def draw_categories(self):
        ours, slide = q.category_shares(self.wb.engine, self.viewer, self.category_year.value,
                                        self.category_grade.value)
        self.category_table.show(category_table(ours))
        ordered = slide.sort_values("school_share")
        figure = go.Figure()
        figure.add_bar(y=ordered["item"], x=ordered["school_share"], orientation="h", name="本校紀錄",
                       text=[f"{v:.0%}（{c:,} 件）" for v, c in zip(ordered["school_share"], ordered["school_count"])],
                       marker_color="#4c78a8")
        if self.with_slide.value:
            figure.add_bar(y=ordered["item"], x=ordered["slide_share"], orientation="h", name="簡報參考值",
                           text=[f"{v:.0%}" for v in ordered["slide_share"]], marker_color="#bab0ac")
        scope = (f"{self.category_year.value} 學年度" if self.category_year.value else "全部學年") + \
                grade_label(self.category_grade.value)
        figure.update_layout(title=f"多元表現項目分布（{scope}，比例）", barmode="group", xaxis_tickformat=".0%",
                             legend=dict(orientation="h", y=-0.12))
        self.categories.draw(figure)

    def run_batch_from_widgets(self):
        if not self.manifest_upload.value or not self.zip_upload.value:
            self.status.error("請先選擇清單檔（XLSX 或 CSV）與 ZIP 壓縮檔。")
            return
        manifest, archive = self.manifest_upload.value[0], self.zip_upload.value[0]
        self.run_batch(bytes(manifest["content"]), manifest["name"], bytes(archive["content"]))

    def run_batch(self, manifest: bytes, manifest_name: str, archive: bytes):
        try:
            result = batch_upload(self.wb.uow(), manifest, archive, manifest_name,
                                  actor=self.viewer.actor, rescue=self.batch_rescue.value)
        except ImportRejected as err:
            problems = problem_table(err.facts["problems"])
            self.batch_report.show(problems)
            self.batch_rescued.show(pd.DataFrame())
            self.status.error(f"「{manifest_name}」有 {len(problems)} 個問題，整批未匯入，請修正後重新上傳。")
            return
        self.batch_report.show(pd.DataFrame([{"學習成果": result["outcomes"], "多元表現": result["performances"],
                                              "列數": result["rows"]}]))
        self.batch_rescued.show(pd.DataFrame(
            [{"檔名": r["name"], "轉換後": r["converted"] or "（未轉換）", "原大小": format_mb(r["size_before"]),
              "轉換後大小": format_mb(r["size_after"]) if r["size_after"] else "", "說明": r["summary"]}
             for r in result["rescued"]], columns=["檔名", "轉換後", "原大小", "轉換後大小", "說明"]))
        self.refresh()
        self.status.ok(f"已匯入 {result['rows']} 列：學習成果 {result['outcomes']} 件、"
                       f"多元表現 {result['performances']} 件。")


BATCH_HELP = ("<p>清單欄位：學號、學年度、學期、課程代碼（學習成果）或類別（多元表現）、內容簡述、檔名"
              "（ZIP 中的檔名；文件與影音各一個，以「、」分隔），多元表現另填「欄位」（名稱=值；名稱=值）與外部連結。"
              "整份清單逐列依所有規則檢查，只要有一列不符就整批不匯入。格式或大小不符、但可以轉換的檔案"
              "（HEIC 照片、過大的照片與 PDF、MOV 與過大的影音），檢查結果會註明；勾選「轉換可轉換的檔案」"
              "後重新匯入，即先轉換再檢查，原始檔另外保留在學生的檔案櫃。</p>")


def _heatmap(overview: pd.DataFrame, term: Term) -> go.Figure:
    figure = go.Figure()
    if overview.empty:
        figure.update_layout(title="各班上傳率（沒有班級資料）")
        return figure
    table = overview.assign(number=overview["class_name"].str[-2:])
    grid = table.pivot_table(index="grade", columns="number", values="upload_rate", aggfunc="first")
    figure.add_heatmap(z=grid.values, x=[f"{n} 班" for n in grid.columns], y=[grade_label(g) for g in grid.index],
                       colorscale="Blues", zmin=0, zmax=1, text=[[f"{v:.0%}" if v == v else "" for v in row]
                                                                 for row in grid.values],
                       texttemplate="%{text}", hovertemplate="%{y} %{x}：%{z:.0%}<extra></extra>",
                       colorbar=dict(title="上傳率", tickformat=".0%"))
    figure.update_layout(title=f"{term.label}各班已上傳學生比例")
    return figure


def _timeline(daily: pd.DataFrame, windows: dict, term: Term) -> go.Figure:
    """Uploads per day with the two upload deadlines, every date in the ROC calendar (axis, hover, labels)."""
    figure = go.Figure()
    figure.add_bar(x=daily["day"], y=daily["uploads"], name="每日上傳件數", marker_color="#4c78a8",
                   customdata=[format_roc_date(day) for day in daily["day"]],
                   hovertemplate="%{customdata}：%{y} 件<extra></extra>")
    deadlines = [(kind, windows[(term.semester, kind)][1]) for kind in (WindowKind.UPLOAD_1, WindowKind.UPLOAD_2)
                 if (term.semester, kind) in windows]
    for n, (kind, closes) in enumerate(deadlines):
        figure.add_vline(x=closes, line_dash="dash", line_color="#cf222e")
        # the two deadlines lie days apart: the first label reads leftwards from its line, the second
        # rightwards from its own, so they never print over each other
        figure.add_annotation(x=closes, y=1, yref="paper", showarrow=False, yanchor="bottom",
                              xanchor="right" if n == 0 and len(deadlines) > 1 else "left",
                              text=f"{kind.label[5:9]}截止 {format_roc_date(closes)}")
    moments = list(daily["day"]) + [closes for _, closes in deadlines]
    if moments:
        ticks, labels = roc_date_ticks(min(moments), max(moments))
        figure.update_xaxes(tickvals=ticks, ticktext=labels)
    figure.update_layout(title=f"{term.label}學習成果每日上傳件數與截止日", xaxis_title="日期（民國）",
                         yaxis_title="件數", bargap=0.1, showlegend=False)
    return figure
