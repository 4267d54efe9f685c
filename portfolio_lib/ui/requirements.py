"""大學端需求 on the staff pages: per grade-12 class, how many students aim at a programme whose asked codes they
have nothing selected for, the reminder list to export, and (for counselors) the school's programme list and its
import."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from .. import services
from ..domain.errors import ImportRejected
from ..queries import requirements as rq
from ..queries.vocabulary import (
    lacking_table,
    problem_table,
    programme_table,
    requirement_class_table,
    requirement_reminder_table,
)
from .common import DataTable

HELP = ("<p class='pf-help'>「有缺項」：學生的目標校系要求的審查資料代碼中，至少有一項（課程學習成果 B–E、"
        "多元表現 F–M，或四技的 B-1…C-8）沒有任何已勾選的項目。修課紀錄由學校提供；綜整心得、學習歷程自述與"
        "其他資料於申請時撰寫，不列為缺項。</p>")

IMPORT_HELP = ("<p>校系清單欄位：校系代碼、校系名稱、要求項目（例如 修課紀錄(A)、課程學習成果(B、D)、"
               "多元表現(F、G、J、N)），可另填學年度、來源、範例資料（是／否）。整份清單逐列檢查要求項目的寫法，"
               "有一列不符就整份不匯入；同一校系代碼再次匯入時更新。</p>")


class RequirementsPanel:
    """The class counts, the reminder list and the codes most often missing; `class_id()` gives the class shown
    (None: every class the viewer may open). With `manage`, the programme list and its import (counselors)."""

    def __init__(self, dashboard, class_id=lambda: None, manage: bool = False):
        self.dashboard, self.class_id = dashboard, class_id
        self.per_class = DataTable("高三各班：有目標校系、有缺項的人數", "目標校系缺項_各班", max_height="240px")
        self.reminders = DataTable("提醒名單：目標校系有缺項的學生", "目標校系缺項_提醒名單")
        self.lacking = DataTable("最常缺少的項目（人數）", "目標校系缺項_項目", max_height="240px")
        parts = [widgets.HTML(HELP), self.per_class.view, self.reminders.view, self.lacking.view]
        if manage:
            self.programmes = DataTable("本校校系清單", "校系清單")
            self.upload = widgets.FileUpload(accept=".xlsx,.csv", multiple=False, description="校系清單")
            self.import_button = widgets.Button(description="檢查並匯入", button_style="primary", icon="upload")
            self.problems = DataTable("校系清單檢查結果", "校系清單檢查結果")
            self.import_button.on_click(dashboard.run(lambda _: self.import_from_widget()))
            parts += [widgets.HTML(IMPORT_HELP), widgets.HBox([self.upload, self.import_button]),
                      self.problems.view, self.programmes.view]
        self.manage = manage
        self.view = widgets.VBox(parts)

    def load(self):
        d = self.dashboard
        per_class, reminders, reports = rq.class_requirements(d.wb.engine, d.viewer, d.term_now.year, d.wb.policy,
                                                              self.class_id())
        self.per_class.show(requirement_class_table(per_class))
        self.reminders.show(requirement_reminder_table(reminders))
        self.lacking.show(lacking_table(rq.lacking_counts(reports)))
        if self.manage:
            self.programmes.show(programme_table(rq.programmes(d.wb.engine, d.viewer.school_id)))

    def import_from_widget(self):
        if not self.upload.value:
            self.dashboard.status.error("請先選擇校系清單（XLSX 或 CSV）。")
            return
        chosen = self.upload.value[0]
        self.import_list(bytes(chosen["content"]), chosen["name"])

    def import_list(self, data: bytes, name: str):
        d = self.dashboard
        try:
            result = services.import_file(d.wb.uow(), "programmes", data, name=name, actor=d.viewer.actor)
        except ImportRejected as err:
            problems = problem_table(err.facts["problems"])
            self.problems.show(problems)
            d.status.error(f"「{name}」有 {len(problems)} 個問題，整份未匯入，請修正後重新上傳。")
            return
        self.problems.show(pd.DataFrame())
        self.load()
        d.status.ok(f"已匯入校系清單「{name}」：新增 {result.inserted} 個、更新 {result.updated} 個。")
