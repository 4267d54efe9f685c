"""The cabinet's course outcomes tab: the course record, uploading an outcome, sending it for certification."""

from __future__ import annotations

import ipywidgets as widgets

from ... import services
from ...domain.admission import OutcomeKind
from ...queries import cabinet as q
from ...queries.vocabulary import course_record_table, kind_label, outcome_table
from ..common import DataTable, DescriptionBox
from ..dropzone import DropZone
from ..rescue import PhotoMerge, RescuePanel
from .parts import upload_of

# what a student can say an outcome is; '' leaves it to the course (an inquiry course) or unmarked
KIND_CHOICES = [("依課程判斷／未標示", "")] + [(k.label, k.value) for k in OutcomeKind]


class OutcomesTab:
    """Part of StudentCabinet (`app.py`): its widgets are built by `_build_outcomes`."""

    def _build_outcomes(self):
        """The course outcomes tab's widgets."""
        self.records = DataTable("修課紀錄", "修課紀錄")
        self.course = widgets.Dropdown(description="科目", layout=widgets.Layout(width="40em", max_width="100%"))
        self.outcome_text = DescriptionBox(self.rules.description_max_chars)
        self.outcome_kind = widgets.Dropdown(options=KIND_CHOICES, value="", description="成果類型",
                                             layout=widgets.Layout(width="28em", max_width="100%"))
        self.document = DropZone.for_slot("文件檔案", self.rules, "document", rescue=True)
        self.video = DropZone.for_slot("影音檔案", self.rules, "video", rescue=True)
        self.document_rescue = RescuePanel(self.document, "document", self.rules, self.status, self.run)
        self.video_rescue = RescuePanel(self.video, "video", self.rules, self.status, self.run)
        self.photo_merge = PhotoMerge(self.document, self.rules, self.status, self.run)
        self.save_outcome = widgets.Button(description="儲存", button_style="primary", icon="upload")
        self.save_outcome.on_click(self.run(lambda _: self.store_outcome()))
        self.my_outcomes = DataTable("我的學習成果", "學習成果")
        self.to_send = widgets.Dropdown(description="送出認證", layout=widgets.Layout(width="40em", max_width="100%"))
        self.send_button = widgets.Button(description="送出認證", button_style="warning", icon="paper-plane")
        self.send_button.on_click(self.run(lambda _: self.send()))
        self.to_mark = widgets.Dropdown(description="學習成果", layout=widgets.Layout(width="40em", max_width="100%"))
        self.mark_kind = widgets.Dropdown(options=KIND_CHOICES, value="", description="成果類型",
                                          layout=widgets.Layout(width="28em", max_width="100%"))
        self.mark_button = widgets.Button(description="標示類型", icon="tag")
        self.mark_button.on_click(self.run(lambda _: self.mark()))

    def show_outcomes(self):
        records = q.course_records(self.wb.engine, self.viewer)
        shown = course_record_table(records)
        self.records.show(shown)
        self._records = records
        choices = records.loc[records["can_upload"].astype(bool)]
        self.course.options = [(f"{r.academic_year}-{r.semester} {r.subject}（{shown.loc[i, '學習成果']}）",
                                int(r.record_id)) for i, r in zip(choices.index, choices.itertuples())]
        self.course.value = self.course.options[0][1] if self.course.options else None
        mine = q.outcomes(self.wb.engine, self.viewer)
        self.my_outcomes.show(outcome_table(mine))
        unsent = mine.loc[mine["can_send"].astype(bool)]
        self.to_send.options = [(f"#{r.outcome_id} {r.academic_year}-{r.semester} {r.subject}：{r.description}",
                                 int(r.outcome_id)) for r in unsent.itertuples()]
        self.to_send.value = self.to_send.options[0][1] if self.to_send.options else None
        open_ = mine.loc[mine["submitted_at"].isna()]
        self.to_mark.options = [(f"#{r.outcome_id} {r.academic_year}-{r.semester} {r.subject}：{r.description}"
                                 f"（{kind_label(r.outcome_kind)}）", int(r.outcome_id)) for r in open_.itertuples()]
        self.to_mark.value = self.to_mark.options[0][1] if self.to_mark.options else None

    def store_outcome(self):
        if self.course.value is None:
            self.status.error("請先從修課紀錄選擇科目。")
            return
        row = self._records.set_index("record_id").loc[self.course.value]
        document, video = upload_of(self.document), upload_of(self.video)
        text = self.outcome_text.text.value
        if row["outcome_id"] == row["outcome_id"] and row["outcome_id"] is not None:
            outcome_id = int(row["outcome_id"])
            services.replace_outcome(self.wb.uow(), outcome_id, text, document, video,
                                     keep_document=document is None, keep_video=video is None, actor=self.actor)
            if self.outcome_kind.value:
                services.mark_outcome_kind(self.wb.uow(), outcome_id, self.outcome_kind.value, actor=self.actor)
            done = f"已更新「{row['subject']}」的學習成果（#{outcome_id}），請記得送出認證。"
        else:
            outcome_id = services.upload_outcome(self.wb.uow(), self.viewer.student_no, int(row["academic_year"]),
                                                 int(row["semester"]), row["course_code"], text, document, video,
                                                 actor=self.actor, kind=self.outcome_kind.value or None)
            done = f"已上傳「{row['subject']}」的學習成果（#{outcome_id}），請記得送出認證。"
        self.outcome_text.text.value = ""
        self.document.clear()
        self.video.clear()
        self.refresh()
        self.status.ok(done)

    def mark(self):
        if self.to_mark.value is None:
            self.status.error("沒有可標示類型的學習成果（已提交的不能再改）。")
            return
        kind = services.mark_outcome_kind(self.wb.uow(), self.to_mark.value, self.mark_kind.value, actor=self.actor)
        self.refresh()
        self.status.ok(f"#{self.to_mark.value} 的成果類型：{kind_label(kind)}。申請入學頁的校系要求會依此對應代碼。")

    def send(self):
        if self.to_send.value is None:
            self.status.error("沒有待送出認證的學習成果。")
            return
        outcome_id = self.to_send.value
        services.send_for_certification(self.wb.uow(), outcome_id, actor=self.actor)
        self.refresh()
        self.status.ok(f"#{outcome_id} 已送出認證，等待授課教師認證。")
