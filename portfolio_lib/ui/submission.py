"""提交與收訖: the submitter packages a term for the central database; the receipt checker reconciles the receipt."""

from __future__ import annotations

from datetime import datetime

import ipywidgets as widgets

from ..domain.model import Role
from ..queries import submission as q
from ..queries.scope import school_years
from ..queries.viewer import Viewer
from ..queries.vocabulary import submission_table
from ..services.receipts import import_receipt
from ..services.submission import resubmit_from_receipt, submit_selected
from ..services.unit_of_work import Workbench
from .common import Dashboard, DataTable, section, term_pickers, viewer_line
from .dropzone import DropZone


class SubmissionDashboard(Dashboard):
    """Term picker; what a package would hold; submit; batches; import a receipt; results by class; confirm list."""

    key = "submission"

    def __init__(self, wb: Workbench, viewer: Viewer, now: datetime | None = None):
        super().__init__(wb, viewer, now)
        self.actor = viewer.actor
        current = self.term_now
        years = school_years(wb.engine, viewer) or [current.year]
        self.year, self.semester = term_pickers(years, current)
        self.preview = DataTable("已勾選、尚未提交的項目（依班級）", "待提交項目")
        self.submit = widgets.Button(description="產生提交包並鎖定", button_style="danger", icon="lock")
        self.batches = DataTable("提交紀錄", "提交紀錄")
        self.receipt_file = DropZone("收訖明細", ".xlsx,.csv", "XLSX 或 CSV")
        self.import_button = widgets.Button(description="匯入並比對", button_style="primary", icon="balance-scale")
        self.receipt = widgets.Dropdown(description="明細", layout=widgets.Layout(width="30em"))
        self.receipts = DataTable("已匯入的收訖明細", "收訖明細")
        self.by_class = DataTable("比對結果（依班級）", "比對結果_依班級")
        self.confirm = DataTable("請學生確認的項目（未收到、檔案不符、非本校提交）", "學生確認名單")
        self.resubmit = widgets.Button(description="補件：重新提交未收到與檔案不符的項目", icon="redo")
        run = self.run
        for w in (self.year, self.semester):
            w.observe(run(lambda _: self.show_preview()), names="value")
        self.receipt.observe(run(lambda _: self.show_receipt()), names="value")
        self.submit.on_click(run(lambda _: self.package()))
        self.import_button.on_click(run(lambda _: self.reconcile()))
        self.resubmit.on_click(run(lambda _: self.follow_up()))
        submitter = bool(viewer.roles & {Role.SUBMITTER, Role.ADMIN})
        checker = bool(viewer.roles & {Role.RECEIPT_CHECKER, Role.SUBMITTER, Role.ADMIN})
        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now),
            widgets.HBox([self.year, self.semester]), self.status.view,
            section("提交中央資料庫", self.preview.view, *([self.submit] if submitter else []), self.batches.view),
            section("收訖明細比對", *([self.receipt_file, self.import_button] if checker else []), self.receipts.view,
                    self.receipt, self.by_class.view, self.confirm.view, *([self.resubmit] if submitter else [])),
        ], layout=widgets.Layout(max_width="1340px"))
        run(self.refresh)()

    def refresh(self):
        self.show_preview()
        self.batches.show(submission_table(q.submission_batches(self.wb.engine, self.viewer)))
        receipts = q.receipt_list(self.wb.engine, self.viewer)
        self.receipts.show(submission_table(receipts))
        self.receipt.options = [(f"#{r.receipt_id} {r.academic_year}-{r.semester} {r.file_name}", int(r.receipt_id))
                                for r in receipts.itertuples()]
        self.receipt.value = self.receipt.options[0][1] if self.receipt.options else None
        self.show_receipt()

    def show_preview(self):
        self.preview.show(submission_table(q.submission_preview(self.wb.engine, self.viewer, self.term)))

    def show_receipt(self):
        receipt = -1 if self.receipt.value is None else self.receipt.value
        self.by_class.show(submission_table(q.receipt_by_class(self.wb.engine, self.viewer, receipt)))
        self.confirm.show(submission_table(q.receipt_to_confirm(self.wb.engine, self.viewer, receipt,
                                                                self.wb.policy)))

    def package(self):
        result = submit_selected(self.wb.uow(), self.term.year, self.term.semester, self.actor)
        self.refresh()
        self.status.ok(f"已提交 {result['items']} 件，提交包 {result['path']}（SHA-256 {result['digest'][:16]}…）。")

    def reconcile(self):
        upload = self.receipt_file.upload
        if upload is None:
            self.status.error("請先放入收訖明細檔案（XLSX 或 CSV）。")
            return
        result = import_receipt(self.wb.uow(), upload.data, self.term.year, self.term.semester, name=upload.name,
                                actor=self.actor)
        self.receipt_file.clear()
        self.refresh()
        self.status.ok(f"收訖明細 #{result['receipt_id']}：已收訖 {result['received']}、未收到 {result['missing']}、"
                       f"檔案不符 {result['md5_mismatch']}、非本校提交 {result['unexpected']}。")

    def follow_up(self):
        if self.receipt.value is None:
            self.status.error("請先選擇一份收訖明細。")
            return
        result = resubmit_from_receipt(self.wb.uow(), self.receipt.value, self.actor)
        self.refresh()
        self.status.ok(f"補件提交包已產生：{result['items']} 件，{result['path']}。")
