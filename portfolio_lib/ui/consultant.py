"""課程諮詢紀錄: the course consultant records consultations with students (school-only, not submitted)."""

from __future__ import annotations

from datetime import datetime

import ipywidgets as widgets

from .. import services
from ..domain.calendar import format_roc_date, parse_roc_date
from ..queries import consultant as q
from ..queries.cabinet import students_for_picker
from ..queries.rules import school_rules
from ..queries.viewer import Viewer
from ..queries.vocabulary import consultation_table
from ..services.unit_of_work import Workbench
from .common import Dashboard, DataTable, DescriptionBox, section, viewer_line
from .dropzone import DropZone


class ConsultantDashboard(Dashboard):
    """Pick a class and a student, the date, a description (n/100) and an optional document; the records entered."""

    key = "consultant"

    def __init__(self, wb: Workbench, viewer: Viewer, now: datetime | None = None):
        super().__init__(wb, viewer, now)
        term = self.term_now
        rules = school_rules(wb.engine, viewer.school_id, term, wb.policy)
        self.students = students_for_picker(wb.engine, term.year, school_id=viewer.school_id)
        classes = sorted(self.students["class_name"].unique()) if not self.students.empty else []
        self.class_picker = widgets.Dropdown(options=classes, description="班級")
        self.student = widgets.Dropdown(description="學生", layout=widgets.Layout(width="30em"))
        self.day = widgets.Text(value=format_roc_date(self.now), description="諮詢日期", placeholder="115/09/01")
        self.text = DescriptionBox(rules.description_max_chars)
        self.document = DropZone.for_slot("紀錄文件（選填）", rules, "document")
        self.save = widgets.Button(description="儲存紀錄", button_style="primary", icon="save")
        self.records = DataTable("我登錄的課程諮詢紀錄", "課程諮詢紀錄")
        run = self.run
        self.class_picker.observe(run(lambda _: self.show_students()), names="value")
        self.save.on_click(run(lambda _: self.store()))
        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now),
            self.status.view,
            section("登錄課程諮詢紀錄", widgets.HBox([self.class_picker, self.student]), self.day, self.text.view,
                    self.document, self.save),
            self.records.view], layout=widgets.Layout(max_width="1340px"))
        run(self.show_students)()
        run(self.show_records)()

    def show_students(self):
        mine = self.students[self.students["class_name"] == self.class_picker.value]
        self.student.options = [(f"{r.seat_no} 號 {r.name}（{r.student_no}）", r.student_no) for r in mine.itertuples()]
        self.student.value = self.student.options[0][1] if self.student.options else None

    def show_records(self):
        self.records.show(consultation_table(q.consultations_by(self.wb.engine, self.viewer)))

    def store(self):
        if self.student.value is None:
            self.status.error("請先選擇學生。")
            return
        record_id = services.add_consultation_record(self.wb.uow(), self.student.value,
                                                     parse_roc_date(self.day.value), self.text.text.value,
                                                     self.document.upload, actor=self.viewer.actor)
        self.text.text.value = ""
        self.document.clear()
        self.show_records()
        self.status.ok(f"已儲存課程諮詢紀錄 #{record_id}。")
