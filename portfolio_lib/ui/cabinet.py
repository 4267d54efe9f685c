"""學習歷程檔案櫃: a student's own cabinet (a parent sees it read-only): upload, certify, select, pick."""

from __future__ import annotations

import html
import json
from datetime import date, datetime

import ipywidgets as widgets

from .. import services
from ..domain.calendar import Term, format_roc_date
from ..domain.categories import CATEGORIES
from ..domain.files import Upload
from ..domain.grades import FINAL_GRADE, grade_label
from ..domain.model import ItemKind, SchoolDocumentKind
from ..domain.units import MIB
from ..queries import cabinet as q
from ..services.unit_of_work import Workbench
from .common import DataTable, StatusLine, guarded, section, viewer_line
from .dropzone import DropZone

DOTS = "<span style='font-size:1.3em;letter-spacing:.15em'>{}</span>"


def _dots(done: int, cap: int) -> str:
    return DOTS.format("<span style='color:#2da44e'>●</span>" * min(done, cap) +
                       "<span style='color:#d0d7de'>●</span>" * max(cap - done, 0))


def _upload_of(zone: DropZone) -> Upload | None:
    return zone.upload


class DescriptionBox:
    """A description field with its live n/100 counter."""

    def __init__(self, limit: int):
        self.limit = limit
        self.text = widgets.Textarea(description="內容簡述", continuous_update=True,
                                     layout=widgets.Layout(width="40em", height="4em"))
        self.counter = widgets.HTML()
        self.text.observe(lambda _: self._count(), names="value")
        self._count()
        self.view = widgets.HBox([self.text, self.counter])

    def _count(self):
        n = len(self.text.value.strip())
        colour = "#cf222e" if n > self.limit else "#57606a"
        self.counter.value = f"<span class='pf-counter' style='color:{colour}'>{n}/{self.limit}</span>"


class StudentCabinet:
    """Home, course outcomes, 多元表現, selection, application picks and submission records of one student."""

    def __init__(self, wb: Workbench, viewer: q.CabinetViewer, now: datetime | None = None):
        self.wb, self.viewer = wb, viewer
        self.now = now or wb.clock()
        self.term = Term.of(self.now.date())
        self.rules = q.rules_for(wb.engine, viewer, self.term, wb.policy)
        self.actor = viewer.actor
        self.status = StatusLine()
        run = self.run = guarded(self.status)

        # home
        self.home = widgets.HTML()
        self.notes = DataTable("通知（認證結果）", "通知")
        self.read_button = widgets.Button(description="全部標示為已讀", icon="check")
        self.read_button.on_click(run(lambda _: self.mark_read()))

        # course outcomes
        self.records = DataTable("修課紀錄", "修課紀錄")
        self.course = widgets.Dropdown(description="科目", layout=widgets.Layout(width="40em"))
        self.outcome_text = DescriptionBox(self.rules.description_max_chars)
        self.document = DropZone.for_slot("文件檔案", self.rules, "document")
        self.video = DropZone.for_slot("影音檔案", self.rules, "video")
        self.save_outcome = widgets.Button(description="儲存", button_style="primary", icon="upload")
        self.save_outcome.on_click(run(lambda _: self.store_outcome()))
        self.my_outcomes = DataTable("我的學習成果", "學習成果")
        self.to_send = widgets.Dropdown(description="送出認證", layout=widgets.Layout(width="40em"))
        self.send_button = widgets.Button(description="送出認證", button_style="warning", icon="paper-plane")
        self.send_button.on_click(run(lambda _: self.send()))

        # 多元表現
        self.category = widgets.Dropdown(options=[(c.label, key) for key, c in CATEGORIES.items()], description="類別",
                                         layout=widgets.Layout(width="30em"))
        years = sorted({self.term.year, self.term.year - 1, self.term.year - 2}, reverse=True)
        self.p_year = widgets.Dropdown(options=[(f"{y} 學年度", y) for y in years], value=self.term.year,
                                       description="學年度")
        self.p_semester = widgets.Dropdown(options=[("第一學期", 1), ("第二學期", 2)], value=self.term.semester,
                                           description="學期")
        self.fields_box = widgets.VBox()
        self.field_widgets: dict[str, widgets.Widget] = {}
        self.p_text = DescriptionBox(self.rules.description_max_chars)
        self.p_document = DropZone.for_slot("證明文件", self.rules, "document")
        self.p_video = DropZone.for_slot("影音檔案", self.rules, "video")
        self.p_link = widgets.Text(description="外部連結", placeholder="影音檔案可另外提供外部影音連結",
                                   layout=widgets.Layout(width="40em"))
        self.p_save = widgets.Button(description="新增", button_style="primary", icon="plus")
        self.p_save.on_click(run(lambda _: self.store_performance()))
        self.p_list = DataTable("我的多元表現", "多元表現")
        self.p_pick = widgets.Dropdown(description="紀錄", layout=widgets.Layout(width="40em"))
        self.p_edit = widgets.Button(description="編輯", icon="edit")
        self.p_delete = widgets.Button(description="刪除", button_style="danger", icon="trash")
        self.p_new = widgets.Button(description="清空表單", icon="eraser")
        self.p_edit.on_click(run(lambda _: self.edit_performance()))
        self.p_delete.on_click(run(lambda _: self.delete_performance()))
        self.p_new.on_click(run(lambda _: self.new_performance()))
        self.editing: int | None = None
        self.category.observe(run(lambda _: self.build_form()), names="value")

        # selection and application
        self.s_year = widgets.Dropdown(options=[(f"{y} 學年度", y) for y in years], value=years[0],
                                       description="學年度")
        self.s_counts = widgets.HTML()
        self.s_table = DataTable("可勾選的項目", "勾選")
        self.s_item = widgets.Dropdown(description="項目", layout=widgets.Layout(width="46em"))
        self.s_select = widgets.Button(description="勾選", button_style="primary", icon="check-square")
        self.s_unselect = widgets.Button(description="取消勾選", icon="square")
        self.s_year.observe(run(lambda _: self.show_selection()), names="value")
        self.s_select.on_click(run(lambda _: self.select(True)))
        self.s_unselect.on_click(run(lambda _: self.select(False)))
        self.a_counts = widgets.HTML()
        self.a_table = DataTable("已勾選的項目（申請入學從中挑選）", "申請入學")
        self.a_item = widgets.Dropdown(description="項目", layout=widgets.Layout(width="46em"))
        self.a_pick = widgets.Button(description="選為申請入學項目", button_style="primary", icon="graduation-cap")
        self.a_unpick = widgets.Button(description="取消", icon="times")
        self.a_pick.on_click(run(lambda _: self.pick(True)))
        self.a_unpick.on_click(run(lambda _: self.pick(False)))
        self.submissions = DataTable("提交中央資料庫紀錄", "提交紀錄")

        # school-only items
        self.consultations = DataTable("課程諮詢紀錄（由課程諮詢師登錄）", "課程諮詢紀錄")
        self.plans = DataTable("自主學習計畫", "自主學習計畫")
        self.plan_year = widgets.Dropdown(options=[(f"{y} 學年度", y) for y in years], value=self.term.year,
                                          description="學年度")
        self.plan_semester = widgets.Dropdown(options=[("第一學期", 1), ("第二學期", 2)], value=self.term.semester,
                                              description="學期")
        self.plan_title = widgets.Text(description="計畫名稱", layout=widgets.Layout(width="40em"),
                                       placeholder=f"最多 {self.rules.plan_title_max_chars} 字")
        self.plan_text = DescriptionBox(self.rules.description_max_chars)
        self.plan_document = DropZone.for_slot("計畫文件", self.rules, "document")
        self.plan_upload = widgets.Button(description="上傳計畫", button_style="primary", icon="upload")
        self.plan_pick = widgets.Dropdown(description="修改", layout=widgets.Layout(width="40em"))
        self.plan_replace = widgets.Button(description="以上方內容取代並重新送審", icon="sync")
        self.plan_upload.on_click(run(lambda _: self.store_plan(replace=False)))
        self.plan_replace.on_click(run(lambda _: self.store_plan(replace=True)))
        self.documents = DataTable("自傳與學習計畫", "自傳與學習計畫")
        self.doc_kind = widgets.Dropdown(options=[(k.label, k.value) for k in SchoolDocumentKind], description="種類")
        self.doc_text = DescriptionBox(self.rules.description_max_chars)
        self.doc_file = DropZone.for_slot("文件", self.rules, "document")
        self.doc_upload = widgets.Button(description="上傳", button_style="primary", icon="upload")
        self.doc_pick = widgets.Dropdown(description="文件", layout=widgets.Layout(width="40em"))
        self.doc_delete = widgets.Button(description="刪除", button_style="danger", icon="trash")
        self.doc_upload.on_click(run(lambda _: self.store_document()))
        self.doc_delete.on_click(run(lambda _: self.delete_document()))

        acting = not viewer.read_only
        self.tabs = widgets.Tab(children=[
            widgets.VBox([self.home, self.notes.view] + ([self.read_button] if acting else [])),
            widgets.VBox([self.records.view] + ([section(
                "上傳學習成果（從修課紀錄選擇科目；文件與影音至少一個）", self.course, self.outcome_text.view,
                self.document, self.video, self.save_outcome, self.status.view)] if acting else []) +
                [self.my_outcomes.view] + ([section("送出認證（須在開放認證期間內）", self.to_send, self.send_button,
                                                    self.status.view)] if acting else [])),
            widgets.VBox(([section("新增或編輯多元表現", widgets.HBox([self.category, self.p_year, self.p_semester]),
                                   self.fields_box, self.p_text.view, self.p_document, self.p_video,
                                   self.p_link, widgets.HBox([self.p_save, self.p_new]), self.status.view)]
                          if acting else []) +
                         [self.p_list.view] + ([widgets.HBox([self.p_pick, self.p_edit, self.p_delete]),
                                                self.status.view] if acting else [])),
            widgets.VBox([self.s_year, self.s_counts, self.s_table.view] +
                         ([widgets.HBox([self.s_item, self.s_select, self.s_unselect]), self.status.view]
                          if acting else [])),
            widgets.VBox([self.a_counts, self.a_table.view] +
                         ([widgets.HBox([self.a_item, self.a_pick, self.a_unpick]), self.status.view]
                          if acting else [])),
            self.submissions.view,
            widgets.VBox([
                widgets.HTML("<p>以下項目只在校內使用，不會提交中央資料庫。</p>"), self.consultations.view,
                self.plans.view] + ([section("上傳自主學習計畫", widgets.HBox([self.plan_year, self.plan_semester]),
                                             self.plan_title, self.plan_text.view, self.plan_document,
                                             self.plan_upload, widgets.HBox([self.plan_pick, self.plan_replace]),
                                             self.status.view)]
                                    if acting else []) +
                [self.documents.view] + ([section("上傳自傳或學習計畫", self.doc_kind, self.doc_text.view,
                                                  self.doc_file, self.doc_upload,
                                                  widgets.HBox([self.doc_pick, self.doc_delete]),
                                                  self.status.view)]
                                         if acting else [])),
        ], titles=["首頁", "課程學習成果", "多元表現", "勾選", "申請入學", "提交紀錄", "校內項目"])
        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now, self.term.label),
            self.status.view, self.tabs], layout=widgets.Layout(max_width="1340px"))
        run(self.build_form)()
        run(self.refresh)()

    # --- reading ---------------------------------------------------------------------

    def refresh(self):
        self.show_home()
        self.show_outcomes()
        self.show_performances()
        self.show_selection()
        self.show_application()
        self.submissions.show(q.submission_records(self.wb.engine, self.viewer))
        self.show_school_items()

    def show_school_items(self):
        engine = self.wb.engine
        self.consultations.show(q.consultation_records(engine, self.viewer))
        plans = q.learning_plans(engine, self.viewer)
        self.plans.show(plans.drop(columns="can_replace"))
        open_plans = plans[plans["can_replace"]]
        self.plan_pick.options = [(f"#{r.編號} {r.計畫名稱}（{r.審核}）", int(r.編號)) for r in open_plans.itertuples()]
        self.plan_pick.value = self.plan_pick.options[0][1] if self.plan_pick.options else None
        documents = q.school_documents(engine, self.viewer)
        self.documents.show(documents)
        self.doc_pick.options = [(f"#{r.編號} {r.種類}：{r.內容簡述}", int(r.編號)) for r in documents.itertuples()]
        self.doc_pick.value = self.doc_pick.options[0][1] if self.doc_pick.options else None

    def show_home(self):
        h = q.home(self.wb.engine, self.viewer, self.now, self.wb.policy)
        counts = "".join(f"<li>{html.escape(label)}：{n}</li>" for label, n in h["performances"].items())
        windows = "".join(f"<li>{label}（{year}{'' if sem == 0 else f'-{sem}'}）：{opens} ～ {closes}</li>"
                          for label, year, sem, opens, closes in h["windows"]) or "<li>目前沒有開放中的作業期間</li>"
        used_mb, quota_mb = h["used"] / MIB, h["quota"] / MIB
        self.home.value = (
            f"<div class='pf-home'><p>已使用空間：<b>{used_mb:.1f}mb/{quota_mb:.1f}mb</b>　"
            f"未認證學習成果：<b>{h['uncertified']}</b> 筆　學習成果共 {h['outcomes']} 件</p>"
            f"<p>{h['term'].year} 學年度　學習成果 {_dots(h['selected_outcomes'], h['outcome_cap'])} "
            f"（{h['selected_outcomes']}/{h['outcome_cap']}）<br>多元表現 "
            f"{_dots(h['selected_performances'], h['performance_cap'])} "
            f"（{h['selected_performances']}/{h['performance_cap']}）</p>"
            f"<b>開放中的作業期間</b><ul>{windows}</ul><b>多元表現</b><ul style='columns:2'>{counts}</ul></div>")
        self.notes.show(q.notifications(self.wb.engine, self.viewer).drop(columns="id"))

    def show_outcomes(self):
        records = q.course_records(self.wb.engine, self.viewer)
        self.records.show(records.drop(columns=["record_id", "outcome_id", "can_upload"]))
        self._records = records
        choices = records[records["can_upload"]]
        self.course.options = [(f"{r.學年度}-{r.學期} {r.科目}（{r.學習成果}）", int(r.record_id))
                               for r in choices.itertuples()]
        self.course.value = self.course.options[0][1] if self.course.options else None
        mine = q.outcomes(self.wb.engine, self.viewer)
        self.my_outcomes.show(mine.drop(columns=["course_code", "status", "can_send", "selectable"]))
        unsent = mine[mine["can_send"]]
        self.to_send.options = [(f"#{r.編號} {r.學年度}-{r.學期} {r.科目}：{r.內容簡述}", int(r.編號))
                                for r in unsent.itertuples()]
        self.to_send.value = self.to_send.options[0][1] if self.to_send.options else None

    def show_performances(self):
        records = q.performances(self.wb.engine, self.viewer, self.wb.policy)
        shown = records.drop(columns=["category", "fields", "selectable"]) if not records.empty else records
        self.p_list.show(shown)
        self.p_pick.options = [(f"#{r.編號} {r.學年度}-{r.學期} {r.類別}：{r.內容簡述 or r.內容}", int(r.編號))
                               for r in records.itertuples()] if not records.empty else []
        self.p_pick.value = self.p_pick.options[0][1] if self.p_pick.options else None

    def show_selection(self):
        year = self.s_year.value
        items = q.selectable(self.wb.engine, self.viewer, year, self.wb.policy)
        rules = q.rules_for(self.wb.engine, self.viewer, Term(year, 2), self.wb.policy)
        chosen = items[items["已勾選"] == "✓"]
        n_o = int((chosen["kind"] == ItemKind.OUTCOME.value).sum())
        n_p = int((chosen["kind"] == ItemKind.PERFORMANCE.value).sum())
        self.s_counts.value = (f"<p class='pf-selection-counts'>學習成果 "
                               f"<b>{n_o}/{rules.outcome_selection_cap_per_year}</b>　多元表現 "
                               f"<b>{n_p}/{rules.performance_selection_cap_per_year}</b></p>")
        self.s_table.show(items.drop(columns="kind"))
        self.s_item.options = [(f"{r.種類} #{r.編號} {r.名稱}{'（已勾選）' if r.已勾選 else ''}{r.提交}",
                                (r.kind, int(r.編號))) for r in items.itertuples()]
        self.s_item.value = self.s_item.options[0][1] if self.s_item.options else None

    def show_application(self):
        grade = q.grade_in(self.wb.engine, self.viewer, self.term.year)
        pool = q.application_pool(self.wb.engine, self.viewer, self.wb.policy)
        picked = pool[pool["申請入學"] == "✓"]
        r = self.rules
        who = grade_label(FINAL_GRADE) if grade == FINAL_GRADE else \
            f"目前 {grade or '?'} 年級；{grade_label(FINAL_GRADE)}時"
        self.a_counts.value = (
            f"<p>{who}可從已勾選的學習成果（至多 "
            f"{r.application_outcome_pool} 件）選 {r.application_outcome_picks} 件、多元表現（至多 "
            f"{r.application_performance_pool} 件）選 {r.application_performance_picks} 件。已選：學習成果 "
            f"<b>{int((picked['kind'] == 'outcome').sum())}/{r.application_outcome_picks}</b>　多元表現 "
            f"<b>{int((picked['kind'] == 'performance').sum())}/{r.application_performance_picks}</b></p>")
        self.a_table.show(pool.drop(columns="kind"))
        self.a_item.options = [(f"{row.種類} #{row.編號} {row.名稱}{'（已選）' if row.申請入學 else ''}",
                                (row.kind, int(row.編號))) for row in pool.itertuples()]
        self.a_item.value = self.a_item.options[0][1] if self.a_item.options else None

    # --- acting ----------------------------------------------------------------------

    def mark_read(self):
        n = services.mark_notifications_read(self.wb.uow(), self.viewer.student_no, actor=self.actor)
        self.status.ok(f"{n} 則通知已標示為已讀。")
        self.show_home()

    def store_outcome(self):
        if self.course.value is None:
            self.status.error("請先從修課紀錄選擇科目。")
            return
        row = self._records.set_index("record_id").loc[self.course.value]
        document, video = _upload_of(self.document), _upload_of(self.video)
        text = self.outcome_text.text.value
        if row["outcome_id"] == row["outcome_id"] and row["outcome_id"] is not None:
            outcome_id = int(row["outcome_id"])
            services.replace_outcome(self.wb.uow(), outcome_id, text, document, video,
                                     keep_document=document is None, keep_video=video is None, actor=self.actor)
            done = f"已更新「{row['科目']}」的學習成果（#{outcome_id}），請記得送出認證。"
        else:
            outcome_id = services.upload_outcome(self.wb.uow(), self.viewer.student_no, int(row["學年度"]),
                                                 int(row["學期"]), row["課程代碼"], text, document, video,
                                                 actor=self.actor)
            done = f"已上傳「{row['科目']}」的學習成果（#{outcome_id}），請記得送出認證。"
        self.outcome_text.text.value = ""
        self.document.clear()
        self.video.clear()
        self.refresh()
        self.status.ok(done)

    def send(self):
        if self.to_send.value is None:
            self.status.error("沒有待送出認證的學習成果。")
            return
        outcome_id = self.to_send.value
        services.send_for_certification(self.wb.uow(), outcome_id, actor=self.actor)
        self.refresh()
        self.status.ok(f"#{outcome_id} 已送出認證，等待授課教師認證。")

    def build_form(self, values: dict | None = None, locked: bool = False):
        """The selected category's fields, with its code lists; values fill them (dates as ROC dates)."""
        cat = CATEGORIES[self.category.value]
        self.field_widgets = {}
        for f in cat.fields:
            label = f.label + ("" if f.required else "（選填）")
            if f.kind == "code":
                table = self.rules.codes[f.codes]
                w = widgets.Dropdown(options=[("（請選擇）", "")] + [(f"{c} {name}", c) for c, name in table.items()],
                                     description=label, style={"description_width": "8em"})
            else:
                hint = {"date": "例如 115/09/01", "whole": "正整數", "number": "數字"}.get(f.kind, "")
                w = widgets.Text(description=label, placeholder=hint, style={"description_width": "8em"},
                                 layout=widgets.Layout(width="30em"))
            value = (values or {}).get(f.name)
            if value is not None:
                w.value = format_roc_date(date.fromisoformat(value)) if f.kind == "date" else str(value)
            w.disabled = locked
            self.field_widgets[f.name] = w
        self.fields_box.children = list(self.field_widgets.values())

    def _field_values(self) -> dict:
        return {name: w.value for name, w in self.field_widgets.items() if str(w.value).strip()}

    def store_performance(self):
        document, video = _upload_of(self.p_document), _upload_of(self.p_video)
        link = self.p_link.value.strip() or None
        if self.editing is None:
            record_id = services.upload_performance(
                self.wb.uow(), self.viewer.student_no, self.p_year.value, self.p_semester.value, self.category.value,
                self._field_values(), self.p_text.text.value, document, video, link, actor=self.actor)
            done = f"已新增{CATEGORIES[self.category.value].label}（#{record_id}）。"
        else:
            locked = any(w.disabled for w in self.field_widgets.values())
            services.update_performance(self.wb.uow(), self.editing, fields=None if locked else self._field_values(),
                                        description=self.p_text.text.value, document=document, video=video,
                                        external_link=link, actor=self.actor)
            done = f"已儲存 #{self.editing} 的修改。"
        self.new_performance()
        self.refresh()
        self.status.ok(done)

    def edit_performance(self):
        if self.p_pick.value is None:
            return
        row = q.performance_record(self.wb.engine, self.viewer, self.p_pick.value)
        self.editing = row.id
        self.category.unobserve_all("value")
        self.category.value = row.category
        self.category.observe(self.run(lambda _: self.build_form()), names="value")
        self.p_year.value, self.p_semester.value = row.academic_year, row.semester
        self.build_form(json.loads(row.fields), locked=row.synced)
        self.p_text.text.value = row.description
        self.p_link.value = row.external_link or ""
        self.p_save.description = f"儲存 #{row.id} 的修改"
        note = "（校務系統同步的紀錄：只能補充證明、影音、連結與簡述）" if row.synced else ""
        self.status.ok(f"正在編輯 #{row.id}{note}")

    def new_performance(self):
        self.editing = None
        self.p_save.description = "新增"
        self.p_text.text.value, self.p_link.value = "", ""
        self.p_document.clear()
        self.p_video.clear()
        self.build_form()

    def delete_performance(self):
        if self.p_pick.value is None:
            return
        record_id = self.p_pick.value
        services.delete_performance(self.wb.uow(), record_id, actor=self.actor)
        self.refresh()
        self.status.ok(f"已刪除 #{record_id}。")

    def store_plan(self, replace: bool):
        document = _upload_of(self.plan_document)
        if replace:
            if self.plan_pick.value is None:
                self.status.error("沒有可以修改的自主學習計畫。")
                return
            services.replace_learning_plan(self.wb.uow(), self.plan_pick.value, self.plan_title.value,
                                           self.plan_text.text.value, document, actor=self.actor)
            done = f"已修改 #{self.plan_pick.value}，重新送出審核。"
        else:
            plan_id = services.upload_learning_plan(self.wb.uow(), self.viewer.student_no, self.plan_year.value,
                                                    self.plan_semester.value, self.plan_title.value,
                                                    self.plan_text.text.value, document, actor=self.actor)
            done = f"已上傳自主學習計畫 #{plan_id}，等待審核。"
        self.plan_title.value, self.plan_text.text.value = "", ""
        self.plan_document.clear()
        self.show_school_items()
        self.show_home()
        self.status.ok(done)

    def store_document(self):
        kind = SchoolDocumentKind(self.doc_kind.value)
        doc_id = services.upload_school_document(self.wb.uow(), self.viewer.student_no, kind, self.doc_text.text.value,
                                                 _upload_of(self.doc_file), actor=self.actor)
        self.doc_text.text.value = ""
        self.doc_file.clear()
        self.show_school_items()
        self.status.ok(f"已上傳{kind.label}（#{doc_id}）。")

    def delete_document(self):
        if self.doc_pick.value is None:
            return
        doc_id = self.doc_pick.value
        services.delete_school_document(self.wb.uow(), doc_id, actor=self.actor)
        self.show_school_items()
        self.status.ok(f"已刪除 #{doc_id}。")

    def select(self, on: bool):
        if self.s_item.value is None:
            self.status.error("這個學年度沒有可勾選的項目。")
            return
        kind, item_id = self.s_item.value
        verb = services.select_for_submission if on else services.unselect
        verb(self.wb.uow(), self.viewer.student_no, kind, item_id, actor=self.actor)
        self.show_selection()
        self.show_application()
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
        self.status.ok(f"已{'選為' if on else '取消'}申請入學項目 #{item_id}。")


__all__ = ["StudentCabinet"]
