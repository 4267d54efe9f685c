"""The cabinet's school-only items: consultation records, learning plans, autobiography and study plan."""

from __future__ import annotations

import ipywidgets as widgets

from ... import services
from ...domain.model import PlanStatus, SchoolDocumentKind
from ...queries import cabinet as q
from ...queries.vocabulary import consultation_table, plan_table, school_document_table
from ..common import DataTable, DescriptionBox
from ..dropzone import DropZone
from ..rescue import RescuePanel
from .parts import upload_of


class SchoolItemsTab:
    """Part of StudentCabinet (`app.py`): its widgets are built by `_build_school_items`."""

    def _build_school_items(self):
        """The school-only items tab's widgets."""
        self.consultations = DataTable("課程諮詢紀錄（由課程諮詢師登錄）", "課程諮詢紀錄")
        self.plans = DataTable("自主學習計畫", "自主學習計畫")
        self.plan_year = widgets.Dropdown(options=[(f"{y} 學年度", y) for y in self.years], value=self.term.year,
                                          description="學年度")
        self.plan_semester = widgets.Dropdown(options=[("第一學期", 1), ("第二學期", 2)], value=self.term.semester,
                                              description="學期")
        self.plan_title = widgets.Text(description="計畫名稱", layout=widgets.Layout(width="40em"),
                                       placeholder=f"最多 {self.rules.plan_title_max_chars} 字")
        self.plan_text = DescriptionBox(self.rules.description_max_chars)
        self.plan_document = DropZone.for_slot("計畫文件", self.rules, "document", rescue=True)
        self.plan_rescue = RescuePanel(self.plan_document, "document", self.rules, self.status, self.run)
        self.plan_upload = widgets.Button(description="上傳計畫", button_style="primary", icon="upload")
        self.plan_pick = widgets.Dropdown(description="修改", layout=widgets.Layout(width="40em"))
        self.plan_replace = widgets.Button(description="以上方內容取代並重新送審", icon="sync")
        self.plan_upload.on_click(self.run(lambda _: self.store_plan(replace=False)))
        self.plan_replace.on_click(self.run(lambda _: self.store_plan(replace=True)))
        self.documents = DataTable("自傳與學習計畫", "自傳與學習計畫")
        self.doc_kind = widgets.Dropdown(options=[(k.label, k.value) for k in SchoolDocumentKind], description="種類")
        self.doc_text = DescriptionBox(self.rules.description_max_chars)
        self.doc_file = DropZone.for_slot("文件", self.rules, "document", rescue=True)
        self.doc_rescue = RescuePanel(self.doc_file, "document", self.rules, self.status, self.run)
        self.doc_upload = widgets.Button(description="上傳", button_style="primary", icon="upload")
        self.doc_pick = widgets.Dropdown(description="文件", layout=widgets.Layout(width="40em"))
        self.doc_delete = widgets.Button(description="刪除", button_style="danger", icon="trash")
        self.doc_upload.on_click(self.run(lambda _: self.store_document()))
        self.doc_delete.on_click(self.run(lambda _: self.delete_document()))

    def show_school_items(self):
        engine = self.wb.engine
        self.consultations.show(consultation_table(q.consultation_records(engine, self.viewer)))
        plans = q.learning_plans(engine, self.viewer)
        self.plans.show(plan_table(plans))
        open_plans = plans.loc[plans["can_replace"].astype(bool)]
        self.plan_pick.options = [(f"#{r.plan_id} {r.title}（{PlanStatus(r.status).label}）", int(r.plan_id))
                                  for r in open_plans.itertuples()]
        self.plan_pick.value = self.plan_pick.options[0][1] if self.plan_pick.options else None
        documents = q.school_documents(engine, self.viewer)
        shown = school_document_table(documents)
        self.documents.show(shown)
        self.doc_pick.options = [(f"#{r.編號} {r.種類}：{r.內容簡述}", int(r.編號)) for r in shown.itertuples()]
        self.doc_pick.value = self.doc_pick.options[0][1] if self.doc_pick.options else None

    def store_plan(self, replace: bool):
        document = upload_of(self.plan_document)
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
                                                 upload_of(self.doc_file), actor=self.actor)
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
