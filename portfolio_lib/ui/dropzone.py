"""A file field that takes a file dropped onto it (拖曳上傳) or chosen by a tap or click (on a phone, its file or camera
picker); with `multiple`, several files at once (photos to merge into one PDF)."""

from __future__ import annotations

import anywidget
import traitlets

from ..domain.files import Upload
from ..domain.rescue import RESCUE_EXTENSIONS
from ..domain.units import format_mb

_ESM = """
function render({ model, el }) {
  const zone = document.createElement("div");
  zone.className = "pf-drop";
  zone.tabIndex = 0;
  const input = document.createElement("input");
  input.type = "file";
  input.accept = model.get("accept");
  input.multiple = model.get("multiple");
  input.style.display = "none";
  const text = document.createElement("span");
  zone.append(text, input);
  const show = () => {
    const name = model.get("filename");
    text.textContent = name ? `${model.get("label")}：已選 ${name}（${model.get("size_text")}）`
                            : `${model.get("label")}：拖曳檔案到這裡，或點選選擇檔案（${model.get("hint")}）`;
    zone.classList.toggle("pf-drop-chosen", Boolean(name));
  };
  const send = async (list) => {
    const files = Array.from(list || []).slice(0, model.get("multiple") ? 30 : 1);
    if (!files.length) return;
    text.textContent = `${model.get("label")}：讀取 ${files.map((f) => f.name).join("、")} 中…`;
    const buffers = await Promise.all(files.map((f) => f.arrayBuffer()));
    model.send({ names: files.map((f) => f.name) }, undefined, buffers);
  };
  zone.addEventListener("click", () => input.click());
  input.addEventListener("change", () => { send(input.files); input.value = ""; });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("pf-drop-over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("pf-drop-over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("pf-drop-over");
    send(e.dataTransfer.files);
  });
  model.on("change:filename", show);
  show();
  el.appendChild(zone);
}
export default { render };
"""

_CSS = """
.pf-drop { border: 2px dashed #8c959f; border-radius: 8px; padding: .8em 1em; margin: .3em 0; cursor: pointer;
           color: #57606a; background: #f6f8fa; max-width: 40em; box-sizing: border-box; overflow-wrap: anywhere; }
.pf-drop-over { border-color: #0969da; background: #ddf4ff; }
.pf-drop-chosen { border-style: solid; border-color: #2da44e; color: #1a7f37; }
"""


class DropZone(anywidget.AnyWidget):
    """Holds one file: dropped onto the zone or chosen with a click; `.upload` gives it to a service."""

    _esm = _ESM
    _css = _CSS
    label = traitlets.Unicode("檔案").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("").tag(sync=True)
    size_text = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    received = traitlets.Int(0)         # counts what arrived (the same file twice is still news to an observer)

    @classmethod
    def for_slot(cls, label: str, rules, slot: str, rescue: bool = False) -> "DropZone":
        """A zone for a kind of file (`document`, `video`) that says and accepts what the rules in force allow:
        its types and its size limit, for the term and the school; with `rescue`, also the formats a rescue
        converts (the zone then sits in a `ui.rescue.RescuePanel`)."""
        types = list(rules.file_types[slot])
        # what a rescue can convert is accepted too, to be offered its conversion (domain.rescue)
        extra = ["jpeg"] if "jpg" in types else []
        extra += list(RESCUE_EXTENSIONS.get(slot, ())) if rescue else []
        accept = ",".join(f".{ext}" for ext in types + extra)
        return cls(label, accept, f"{'、'.join(types)}，{format_mb(rules.file_max_bytes[slot])}")

    def __init__(self, label: str, accept: str, hint: str = "", **kwargs):
        super().__init__(label=label, accept=accept, hint=hint, **kwargs)
        self._files: list[Upload] = []
        self.on_msg(self._receive)

    def _receive(self, _widget, content, buffers):
        names = [str(name) for name in content.get("names", [])]
        files = [Upload(name, bytes(data)) for name, data in zip(names, buffers or [])]
        if files:
            self.receive_many(files)

    def receive(self, name: str, data: bytes, origins: tuple = ()):
        """Take a file (what a drop or a tap sends from the page); `origins` when it is a converted file the
        student confirmed (its originals are kept beside it when it is stored)."""
        self.receive_many([Upload(name, data, origins)])

    def receive_many(self, files: list[Upload]):
        """Take the files of one drop or choice (one, unless the zone takes several)."""
        self._files = list(files if self.multiple else files[:1])
        total = sum(len(f.data) for f in self._files)
        self.size_text = format_mb(total) if total >= 10240 else f"{total} bytes"
        self.filename = "、".join(f.name for f in self._files)
        self.received += 1

    @property
    def upload(self) -> Upload | None:
        """The file the zone holds (the first, when it takes several), or None."""
        return self._files[0] if self._files else None

    @property
    def uploads(self) -> list[Upload]:
        return list(self._files)

    def clear(self):
        self._files = []
        self.filename = ""
        self.size_text = ""
