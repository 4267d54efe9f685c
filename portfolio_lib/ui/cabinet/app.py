"""學習歷程檔案櫃: a student's own cabinet (a parent sees it read-only): upload, certify, select, pick.

The cabinet is one widget app made of its tabs (home, outcomes, performances, selection, school_items), each
in its own module; they share the cabinet's viewer, clock, rules, status line and `refresh`.
"""

from __future__ import annotations

from datetime import datetime

import ipywidgets as widgets

from ...domain.calendar import Term
from ...queries import cabinet as q
from ...queries.vocabulary import submission_record_table
from ...services.unit_of_work import Workbench
from ..common import StatusLine, guarded, section, viewer_line
from ..rescue import KeptOriginals
from .home import HomeTab
from .outcomes import OutcomesTab
from .performances import PerformancesTab
from .requirements import RequirementsTab
from .school_items import SchoolItemsTab
from .selection import SelectionTab


class StudentCabinet(HomeTab, OutcomesTab, PerformancesTab, SelectionTab, RequirementsTab, SchoolItemsTab):
    """Home, course outcomes, 多元表現, selection, application picks with the target programmes' requirements,
    and submission records of one student."""

    def __init__(self, wb: Workbench, viewer: q.CabinetViewer, now: datetime | None = None):
        self.wb, self.viewer = wb, viewer
        self.now = now or wb.clock()
        self.term = Term.of(self.now.date())
        self.rules = q.rules_for(wb.engine, viewer, self.term, wb.policy)
        self.actor = viewer.actor
        self.status = StatusLine()
        self.run = guarded(self.status)

        # this year and the two before
        self.years = sorted({self.term.year, self.term.year - 1, self.term.year - 2}, reverse=True)
        self._build_home()
        self._build_outcomes()
        self._build_performances()
        self._build_selection()
        self._build_requirements()
        self._build_school_items()
        self.originals = KeptOriginals(wb, viewer, self.rules, self.status, self.run, on_change=self.show_home)

        acting = not viewer.read_only
        self.tabs = widgets.Tab(children=[
            widgets.VBox([self.home, self.notes.view] + ([self.read_button] if acting else []) +
                         [self.originals.view]),
            widgets.VBox([self.records.view] + ([section(
                "上傳學習成果（從修課紀錄選擇科目；文件與影音至少一個）", self.course, self.outcome_kind,
                self.outcome_text.view,
                self.document_rescue.view, self.photo_merge.view, self.video_rescue.view, self.save_outcome,
                self.status.view)] if acting else []) +
                [self.my_outcomes.view] + ([section("送出認證（須在開放認證期間內）", self.to_send, self.send_button,
                                                    self.status.view),
                                            section("標示成果類型（書面報告、實作作品、探究；提交前都可修改）",
                                                    self.to_mark, widgets.HBox([self.mark_kind, self.mark_button]))]
                                           if acting else [])),
            widgets.VBox(([section("新增或編輯多元表現", widgets.HBox([self.category, self.p_year, self.p_semester]),
                                   self.fields_box, self.p_text.view, self.p_document_rescue.view,
                                   self.p_photo_merge.view, self.p_video_rescue.view, self.p_link,
                                   widgets.HBox([self.p_save, self.p_new]), self.status.view)]
                          if acting else []) +
                         [self.p_list.view] + ([widgets.HBox([self.p_pick, self.p_edit, self.p_delete]),
                                                self.status.view] if acting else [])),
            widgets.VBox([self.s_year, self.s_counts, self.s_table.view] +
                         ([widgets.HBox([self.s_item, self.s_select, self.s_unselect]), self.status.view]
                          if acting else [])),
            widgets.VBox([self.a_counts, self.a_table.view] +
                         ([widgets.HBox([self.a_item, self.a_pick, self.a_unpick]), self.status.view]
                          if acting else []) +
                         [section("目標校系與大學端需求", self.r_intro, *(
                             [widgets.HBox([self.r_programme, self.r_add]),
                              widgets.HBox([self.r_target, self.r_remove]), self.status.view] if acting else []),
                             self.r_reports, self.r_reference)]),
            self.submissions.view,
            widgets.VBox([
                widgets.HTML("<p>以下項目只在校內使用，不會提交中央資料庫。</p>"), self.consultations.view,
                self.plans.view] + ([section("上傳自主學習計畫", widgets.HBox([self.plan_year, self.plan_semester]),
                                             self.plan_title, self.plan_text.view, self.plan_rescue.view,
                                             self.plan_upload, widgets.HBox([self.plan_pick, self.plan_replace]),
                                             self.status.view)]
                                    if acting else []) +
                [self.documents.view] + ([section("上傳自傳或學習計畫", self.doc_kind, self.doc_text.view,
                                                  self.doc_rescue.view, self.doc_upload,
                                                  widgets.HBox([self.doc_pick, self.doc_delete]),
                                                  self.status.view)]
                                         if acting else [])),
        ], titles=["首頁", "課程學習成果", "多元表現", "勾選", "申請入學", "提交紀錄", "校內項目"])
        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now, self.term.label),
            self.status.view, self.tabs], layout=widgets.Layout(max_width="1340px"))
        self.run(self.build_form)()
        self.run(self.refresh)()

    # --- reading ---------------------------------------------------------------------

    def refresh(self):
        self.show_home()
        self.show_outcomes()
        self.show_performances()
        self.show_selection()
        self.show_application()
        self.show_requirements()
        self.submissions.show(submission_record_table(q.submission_records(self.wb.engine, self.viewer)))
        self.show_school_items()
        self.originals.show()
