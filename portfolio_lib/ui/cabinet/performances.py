"""The cabinet's 多元表現 tab: a form per category, the records, editing and deleting them."""

from __future__ import annotations

import json
from datetime import date

import ipywidgets as widgets

from ... import services
from ...domain.calendar import format_roc_date
from ...domain.categories import CATEGORIES
from ...queries import cabinet as q
from ...queries.vocabulary import performance_table
from ..common import DataTable, DescriptionBox
from ..dropzone import DropZone
from ..rescue import PhotoMerge, RescuePanel
from .parts import upload_of


class PerformancesTab:
    """Part of StudentCabinet (`app.py`): its widgets are built by `_build_performances`."""

    def _build_performances(self):
        """The 多元表現 tab's widgets."""
        self.category = widgets.Dropdown(options=[(c.label, key) for key, c in CATEGORIES.items()], description="類別",
                                         layout=widgets.Layout(width="30em"))
        self.p_year = widgets.Dropdown(options=[(f"{y} 學年度", y) for y in self.years], value=self.term.year,
                                       description="學年度")
        self.p_semester = widgets.Dropdown(options=[("第一學期", 1), ("第二學期", 2)], value=self.term.semester,
                                           description="學期")
        self.fields_box = widgets.VBox()
        self.field_widgets: dict[str, widgets.Widget] = {}
        self.p_text = DescriptionBox(self.rules.description_max_chars)
        self.p_document = DropZone.for_slot("證明文件", self.rules, "document", rescue=True)
        self.p_video = DropZone.for_slot("影音檔案", self.rules, "video", rescue=True)
        self.p_document_rescue = RescuePanel(self.p_document, "document", self.rules, self.status, self.run)
        self.p_video_rescue = RescuePanel(self.p_video, "video", self.rules, self.status, self.run)
        self.p_photo_merge = PhotoMerge(self.p_document, self.rules, self.status, self.run)
        self.p_link = widgets.Text(description="外部連結", placeholder="影音檔案可另外提供外部影音連結",
                                   layout=widgets.Layout(width="40em"))
        self.p_save = widgets.Button(description="新增", button_style="primary", icon="plus")
        self.p_save.on_click(self.run(lambda _: self.store_performance()))
        self.p_list = DataTable("我的多元表現", "多元表現")
        self.p_pick = widgets.Dropdown(description="紀錄", layout=widgets.Layout(width="40em"))
        self.p_edit = widgets.Button(description="編輯", icon="edit")
        self.p_delete = widgets.Button(description="刪除", button_style="danger", icon="trash")
        self.p_new = widgets.Button(description="清空表單", icon="eraser")
        self.p_edit.on_click(self.run(lambda _: self.edit_performance()))
        self.p_delete.on_click(self.run(lambda _: self.delete_performance()))
        self.p_new.on_click(self.run(lambda _: self.new_performance()))
        self.editing: int | None = None
        self.category.observe(self.run(lambda _: self.build_form()), names="value")

    def show_performances(self):
        records = q.performances(self.wb.engine, self.viewer, self.wb.policy)
        shown = performance_table(records)
        self.p_list.show(shown)
        self.p_pick.options = [(f"#{r.編號} {r.學年度}-{r.學期} {r.類別}：{r.內容簡述 or r.內容}", int(r.編號))
                               for r in shown.itertuples()]
        self.p_pick.value = self.p_pick.options[0][1] if self.p_pick.options else None

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
        document, video = upload_of(self.p_document), upload_of(self.p_video)
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
