"""授課教師認證: the queue of outcomes to certify, a preview of each file, 通過 / 不通過 with a reason."""

from __future__ import annotations

import base64
import html
import io
from datetime import datetime

import ipywidgets as widgets
import plotly.graph_objects as go

from .. import services
from ..queries import teacher as q
from ..queries.viewer import Viewer
from ..queries.vocabulary import history_table, queue_table
from ..services.unit_of_work import Workbench
from .common import Chart, Dashboard, DataTable, section, viewer_line


def pdf_first_page_png(data: bytes, width: int = 480) -> bytes:
    """The first page of a PDF as a PNG (pdfium), so a preview shows in any browser."""
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(data)
    page = document[0]
    scale = width / page.get_width()
    out = io.BytesIO()
    page.render(scale=scale).to_pil().save(out, "PNG")
    document.close()
    return out.getvalue()


class TeacherDashboard(Dashboard):
    """Queue (with days left), a preview and a certify form for one item, batch 通過, and the history."""

    key = "teacher"

    def __init__(self, wb: Workbench, viewer: Viewer, now: datetime | None = None):
        super().__init__(wb, viewer, now)
        self.chart = Chart(height=260)
        self.queue = DataTable("待認證的學習成果", "待認證清單")
        self.item = widgets.Dropdown(description="檢視", options=[], layout=widgets.Layout(width="46em"))
        self.preview = widgets.VBox(layout=widgets.Layout(min_height="80px", max_width="760px"))
        self.preview.add_class("pf-preview")
        self.result = widgets.ToggleButtons(options=[("通過", True), ("不通過", False)], value=True,
                                            description="認證結果")
        self.reason = widgets.Textarea(placeholder="不通過時必填：說明原因，讓學生知道如何修正", description="原因",
                                       layout=widgets.Layout(width="46em", height="4.5em"))
        self.submit = widgets.Button(description="送出認證", button_style="primary", icon="check")
        self.batch = widgets.SelectMultiple(description="批次通過", options=[],
                                            layout=widgets.Layout(width="46em", height="9em"))
        self.batch_button = widgets.Button(description="所選全部通過", button_style="success", icon="check-double")
        self.history = DataTable("我的認證紀錄", "認證紀錄")
        run = self.run
        self.item.observe(run(lambda _: self.show_preview()), names="value")
        self.submit.on_click(run(lambda _: self.certify_current()))
        self.batch_button.on_click(run(lambda _: self.pass_selected()))
        self.view = widgets.VBox([
            viewer_line(viewer.label, self.now),
            self.status.view, self.chart.view, self.queue.view,
            section("逐件認證", self.item, self.preview, self.result, self.reason, self.submit),
            section("批次通過", self.batch, self.batch_button),
            self.history.view,
        ], layout=widgets.Layout(max_width="1340px"))
        run(self.refresh)()

    def refresh(self):
        queue = q.certification_queue(self.wb.engine, self.viewer, self.now)
        self.queue.show(queue_table(queue))
        labels = [(f"#{r.outcome_id} {r.subject} {r.section} {r.student_no} {r.name}（剩 {r.days_left} 天）",
                   int(r.outcome_id)) for r in queue.itertuples()]
        self.item.options = labels
        self.item.value = labels[0][1] if labels else None
        self.batch.options = labels
        self.history.show(history_table(q.certification_history(self.wb.engine, self.viewer)))
        counts = queue.groupby(["subject", "section"]).size().reset_index(name="n") if not queue.empty else queue
        figure = go.Figure()
        if not queue.empty:
            figure.add_bar(x=counts["subject"] + " " + counts["section"], y=counts["n"], marker_color="#d4a72c",
                           text=counts["n"], textposition="outside")
        figure.update_layout(title=f"待認證 {len(queue)} 件（依課程與班級）", yaxis_title="件數")
        self.chart.draw(figure)
        if labels:
            self.show_preview()
        else:
            self.preview.children = [widgets.HTML("<p>目前沒有待認證的學習成果。</p>")]

    def show_preview(self):
        outcome_id = self.item.value
        if outcome_id is None:
            self.preview.children = []
            return
        parts = []
        for slot in ("document", "video"):
            found = q.outcome_file(self.wb.engine, self.viewer, outcome_id, slot)
            if found is None:
                continue
            sha256, ext, name = found
            data = self.wb.store.read(sha256)
            parts.append(widgets.HTML(f"<b>{html.escape(name or '')}</b>"))
            parts.append(preview_widget(data, ext, name or f"file.{ext}"))
        self.preview.children = parts or [widgets.HTML("<p>這件成果沒有檔案。</p>")]

    def certify_current(self):
        if self.item.value is None:
            self.status.error("請先選擇一件學習成果。")
            return
        outcome_id = self.item.value
        services.certify(self.wb.uow(), outcome_id, passed=self.result.value, reason=self.reason.value,
                         actor=self.viewer.actor)
        self.reason.value = ""
        self.refresh()
        self.status.ok(f"#{outcome_id} 已認證為「{'通過' if self.result.value else '不通過'}」，學生會收到通知。")

    def pass_selected(self):
        chosen = list(self.batch.value)
        if not chosen:
            self.status.error("請在批次清單中選擇要通過的學習成果。")
            return
        for outcome_id in chosen:
            services.certify(self.wb.uow(), outcome_id, passed=True, actor=self.viewer.actor)
        self.refresh()
        self.status.ok(f"已將 {len(chosen)} 件學習成果認證為「通過」。")


def preview_widget(data: bytes, ext: str, name: str):
    """A file shown in the page: a picture, the first page of a PDF, a video or an audio player."""
    if ext in ("png", "jpg"):
        return widgets.Image(value=data, format="jpeg" if ext == "jpg" else "png",
                             layout=widgets.Layout(max_width="720px"))
    if ext == "pdf":
        link = (f"<a download='{html.escape(name)}' href='data:application/pdf;base64,"
                f"{base64.b64encode(data).decode()}'>⬇ 下載 PDF</a>")
        return widgets.VBox([widgets.Image(value=pdf_first_page_png(data), format="png",
                                           layout=widgets.Layout(max_width="480px", border="1px solid #d0d7de")),
                             widgets.HTML(f"第 1 頁預覽　{link}")])
    if ext == "mp4":
        return widgets.Video(value=data, format="mp4", autoplay=False, controls=True,
                             layout=widgets.Layout(max_width="720px"))
    return widgets.Audio(value=data, format="mp3", autoplay=False, controls=True)
