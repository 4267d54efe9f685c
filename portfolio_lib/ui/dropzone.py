"""A file field that takes a file dropped onto it (拖曳上傳) or chosen by a click."""

from __future__ import annotations

import anywidget
import traitlets

from ..domain.files import Upload
from ..domain.units import format_mb

_ESM = """
function render({ model, el }) {
  const zone = document.createElement("div");
  zone.className = "pf-drop";
  zone.tabIndex = 0;
  const input = document.createElement("input");
  input.type = "file";
  input.accept = model.get("accept");
  input.style.display = "none";
  const text = document.createElement("span");
  zone.append(text, input);
  const show = () => {
    const name = model.get("filename");
    text.textContent = name ? `${model.get("label")}：已選 ${name}（${model.get("size_text")}）`
                            : `${model.get("label")}：拖曳檔案到這裡，或點選選擇檔案（${model.get("hint")}）`;
    zone.classList.toggle("pf-drop-chosen", Boolean(name));
  };
  const send = async (file) => {
    if (!file) return;
    text.textContent = `${model.get("label")}：讀取 ${file.name} 中…`;
    const buffer = await file.arrayBuffer();
    model.send({ name: file.name, size: file.size }, undefined, [buffer]);
  };
  zone.addEventListener("click", () => input.click());
  input.addEventListener("change", () => { send(input.files[0]); input.value = ""; });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("pf-drop-over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("pf-drop-over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("pf-drop-over");
    send(e.dataTransfer.files[0]);
  });
  model.on("change:filename", show);
  show();
  el.appendChild(zone);
}
export default { render };
"""

_CSS = """
.pf-drop { border: 2px dashed #8c959f; border-radius: 8px; padding: .8em 1em; margin: .3em 0; cursor: pointer;
           color: #57606a; background: #f6f8fa; max-width: 40em; }
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

    @classmethod
    def for_slot(cls, label: str, rules, slot: str) -> "DropZone":
        """A zone for a kind of file (`document`, `video`) that says and accepts what the rules in force allow:
        its types and its size limit, for the term and the school."""
        types = list(rules.file_types[slot])
        accept = ",".join(f".{ext}" for ext in types + (["jpeg"] if "jpg" in types else []))
        return cls(label, accept, f"{'、'.join(types)}，{format_mb(rules.file_max_bytes[slot])}")

    def __init__(self, label: str, accept: str, hint: str = "", **kwargs):
        super().__init__(label=label, accept=accept, hint=hint, **kwargs)
        self._data: bytes | None = None
        self.on_msg(self._receive)

    def _receive(self, _widget, content, buffers):
        self.receive(str(content.get("name", "")), bytes(buffers[0]) if buffers else b"")

    def receive(self, name: str, data: bytes):
        """Take a file (what a drop or a click sends from the page)."""
        self._data = data
        self.size_text = format_mb(len(data)) if len(data) >= 10240 else f"{len(data)} bytes"
        self.filename = name

    @property
    def upload(self) -> Upload | None:
        return Upload(self.filename, self._data) if self.filename and self._data is not None else None

    def clear(self):
        self._data = None
        self.filename = ""
        self.size_text = ""
