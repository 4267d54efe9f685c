"""File rescue in the cabinet (檔案救援): a refused file's offer, the converted file's preview to confirm, several
photos merged into one PDF, and the originals kept beside converted files.

Nothing is converted silently and nothing is stored here: a confirmed conversion replaces the file its drop zone
holds (carrying its originals), and the form's own 儲存 uploads it like any other file.
"""

from __future__ import annotations

import base64
import html

import ipywidgets as widgets

from .. import services
from ..domain.calendar import format_roc_date
from ..domain.errors import PortfolioError
from ..domain.files import Upload, check_file
from ..domain.rescue import PHOTO_EXTENSIONS, offer_for
from ..domain.units import format_mb
from ..queries.originals import kept_originals_table
from .common import DataTable, StatusLine
from .dropzone import DropZone

BOX = "<div class='pf-rescue' style='border-left:4px solid #bf8700;background:#fff8c5;padding:.4em .7em'>{}</div>"


def _image(data: bytes | None, caption: str) -> str:
    if not data:
        return ""
    encoded = base64.b64encode(data).decode("ascii")
    return (f"<figure style='display:inline-block;margin:0 .5em .5em 0;max-width:46%;vertical-align:top'>"
            f"<img src='data:image/jpeg;base64,{encoded}' alt='{html.escape(caption)}' "
            f"style='max-width:100%;max-height:16em;border:1px solid #d0d7de'>"
            f"<figcaption style='font-size:.85em;color:#57606a'>{html.escape(caption)}</figcaption></figure>")


class _Confirm:
    """A converted file shown before it is used: previews, sizes before and after, what was done; 使用 puts it
    into `target` (the form's drop zone), 取消 drops it."""

    def __init__(self, target: DropZone, status: StatusLine, run):
        self.target, self.status = target, status
        self.pending: services.Rescued | None = None
        self.message = widgets.HTML()
        self.preview = widgets.HTML()
        self.use_button = widgets.Button(description="使用轉換後的檔案", button_style="success", icon="check",
                                         layout=widgets.Layout(width="auto"))
        self.cancel_button = widgets.Button(description="取消", icon="times", layout=widgets.Layout(width="auto"))
        self.use_button.on_click(run(lambda _: self.use()))
        self.cancel_button.on_click(run(lambda _: self.cancel()))
        self.choices = widgets.HBox([self.use_button, self.cancel_button],
                                    layout=widgets.Layout(flex_flow="row wrap", display="none"))
        self.box = widgets.VBox([self.message, self.preview, self.choices], layout=widgets.Layout(display="none"))

    def say(self, text: str, choices: bool = False):
        self.message.value = BOX.format(text)
        self.box.layout.display = ""
        self.choices.layout.display = "" if choices else "none"

    def hide(self):
        self.pending = None
        self.message.value = self.preview.value = ""
        self.box.layout.display = "none"
        self.choices.layout.display = "none"

    def converting(self, what: str, fn):
        """Run a conversion, saying so while it runs; a refusal is shown here and on the status line."""
        self.preview.value = ""
        self.say(f"{html.escape(what)}：轉換中，請稍候（影片可能需要一分鐘）…")
        try:
            rescued = fn()
        except PortfolioError as err:
            self.say(f"<b>無法轉換</b>：{html.escape(err.message)}")
            self.status.error(err.message)
            return
        self.pending = rescued
        self.say(f"<b>轉換完成，請確認後再使用</b><br>{html.escape(rescued.summary)}<br>"
                 f"轉換後的檔案：{html.escape(rescued.upload.name)}（{format_mb(rescued.size)}）；"
                 "原始檔會另外保留在你的檔案櫃。", choices=True)
        self.preview.value = (_image(rescued.converted.preview_before, "原始檔") +
                              _image(rescued.converted.preview_after, "轉換後"))

    def use(self):
        rescued = self.pending
        if rescued is None:
            return
        self.target.receive(rescued.upload.name, rescued.upload.data, rescued.upload.origins)
        self.hide()
        self.status.ok(f"已換成轉換後的檔案 {rescued.upload.name}（{format_mb(rescued.size)}），按「儲存」即可上傳。")

    def cancel(self):
        self.hide()
        self.status.ok("已取消轉換，沒有上傳任何檔案。")


class RescuePanel(_Confirm):
    """A drop zone and, under it, what can be done when the file it holds would be refused for its format or
    size: the offer (「轉成 JPEG」), then the converted file to confirm."""

    def __init__(self, zone: DropZone, slot: str, rules, status: StatusLine, run):
        super().__init__(zone, status, run)
        self.slot, self.rules = slot, rules
        self.convert_button = widgets.Button(button_style="info", icon="magic", layout=widgets.Layout(width="auto"))
        self.convert_button.on_click(run(lambda _: self.convert()))
        self.box.children = [self.message, self.convert_button, self.preview, self.choices]
        self.view = widgets.VBox([zone, self.box])
        zone.observe(run(lambda _: self.check()), names="received")
        zone.observe(lambda change: self.hide() if not change.new else None, names="filename")

    def hide(self):
        super().hide()
        self.convert_button.layout.display = "none"

    def check(self):
        """A file arrived: if the rules refuse it and a conversion can help, offer it."""
        upload = self.target.upload
        offer = None if upload is None or upload.origins else offer_for(upload, self.slot, self.rules)
        if offer is None:
            self.hide()
            return
        try:
            check_file(upload, self.slot, self.rules)
            reason = ""
        except PortfolioError as err:
            reason = err.message
        self.preview.value = ""
        self.say(f"<b>{html.escape(reason)}</b><br>{html.escape(offer.text)}")
        self.convert_button.description = offer.label
        self.convert_button.layout.display = ""

    def convert(self):
        upload = self.target.upload
        if upload is None:
            return
        self.convert_button.layout.display = "none"
        self.converting(upload.name, lambda: services.rescue_file(upload, self.slot, self.rules))

    def cancel(self):
        self.target.clear()
        super().cancel()


class PhotoMerge(_Confirm):
    """Several photos (JPEG, PNG, HEIC) chosen at once become one PDF for a document zone."""

    def __init__(self, target: DropZone, rules, status: StatusLine, run):
        super().__init__(target, status, run)
        self.rules = rules
        self.photos = DropZone("多張照片", ",".join(f".{ext}" for ext in PHOTO_EXTENSIONS),
                               f"兩張以上，合併成一個 {format_mb(rules.file_max_bytes['document'])} 以內的 PDF",
                               multiple=True)
        self.merge_button = widgets.Button(description="合併成 PDF", icon="file-pdf",
                                           layout=widgets.Layout(width="auto"))
        self.merge_button.on_click(run(lambda _: self.merge()))
        self.view = widgets.Accordion(children=[widgets.VBox([self.photos, self.merge_button, self.box])],
                                      titles=("多張照片合併成一個 PDF",), selected_index=None)

    def merge(self):
        photos: list[Upload] = self.photos.uploads
        if len(photos) < 2:
            self.status.error("請先選擇兩張以上的照片。")
            return
        self.converting(f"{len(photos)} 張照片", lambda: services.rescue_photos(photos, self.rules))

    def use(self):
        super().use()
        self.photos.clear()

    def cancel(self):
        self.photos.clear()
        super().cancel()


class KeptOriginals:
    """The student's originals kept beside converted files: how each was converted and until when it is kept,
    with removal (the converted file stays)."""

    def __init__(self, wb, viewer, rules, status: StatusLine, run, on_change=lambda: None):
        self.wb, self.viewer, self.status, self.on_change = wb, viewer, status, on_change
        self.pending_text = f"項目認證通過（多元表現為學期結束）後再保留 {rules.rescue.keep_terms} 學期"
        self.table = DataTable("保留的原始檔（轉換前的檔案，不計入空間）", "原始檔")
        self.pick = widgets.Dropdown(description="原始檔", layout=widgets.Layout(width="auto", max_width="40em"))
        self.remove_button = widgets.Button(description="刪除原始檔", button_style="danger", icon="trash",
                                            layout=widgets.Layout(width="auto"))
        self.remove_button.on_click(run(lambda _: self.remove()))
        acting = not viewer.read_only
        self.view = widgets.VBox([self.table.view] + ([widgets.HBox([self.pick, self.remove_button],
                                                                    layout=widgets.Layout(flex_flow="row wrap"))]
                                                      if acting else []))

    def show(self):
        kept = kept_originals_table(self.wb.engine, self.wb.policy, self.viewer.student_id)
        self.view.layout.display = "" if len(kept) else "none"
        self.table.show(kept.assign(
            檔名=kept["name"], 大小=[format_mb(n) for n in kept["bytes"]], 轉換方式=kept["tool"] + "：" + kept["steps"],
            保留日期=[format_roc_date(d) for d in kept["kept_at"]],
            保留至=[self.pending_text if d is None else format_roc_date(d)
                 for d in kept["keep_until"]])[["檔名", "大小", "轉換方式", "保留日期", "保留至"]])
        self.pick.options = [(f"{r.name}（{format_mb(r.bytes)}）", int(r.original_id)) for r in kept.itertuples()]
        self.pick.value = self.pick.options[0][1] if self.pick.options else None

    def remove(self):
        if self.pick.value is None:
            return
        name = self.pick.label
        services.remove_original(self.wb.uow(), self.pick.value, actor=self.viewer.actor)
        self.show()
        self.on_change()
        self.status.ok(f"已刪除原始檔 {name}；轉換後的檔案仍保留。")
