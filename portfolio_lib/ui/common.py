"""Pieces every dashboard shares: status line, KPI cards, tables with export, charts, guarded callbacks."""

from __future__ import annotations

import base64
import functools
import html
import json
import logging
import os
import re
import traceback
from importlib import resources
from typing import Callable

import anywidget
import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import traitlets

from ..domain.calendar import Term, format_roc_date
from ..domain.errors import PortfolioError
from ..queries.exports import csv_bytes, xlsx_bytes

log = logging.getLogger("portfolio.ui")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CARD = ("<div class='pf-card' style='display:inline-block;min-width:8.5em;margin:0 .5em .5em 0;padding:.5em .7em;"
        "border:1px solid #d0d7de;border-radius:8px;background:#f6f8fa'>"
        "<div style='font-size:.8em;color:#57606a'>{label}</div>"
        "<div style='font-size:1.45em;font-weight:600'>{value}</div></div>")


class StatusLine:
    """One line that says what just happened: done, refused by a rule (its message), or a program error."""

    def __init__(self):
        self.view = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.view.add_class("pf-status")

    def ok(self, text: str):
        self.view.value = f"<span style='color:#1a7f37'>✓ {html.escape(text)}</span>"

    def error(self, text: str):
        self.view.value = f"<span class='pf-error' style='color:#cf222e'>✗ {html.escape(text)}</span>"

    def clear(self):
        self.view.value = ""

    @property
    def text(self) -> str:
        return html.unescape(_strip_tags(self.view.value))


def _strip_tags(value: str) -> str:
    import re
    return re.sub(r"<[^>]+>", "", value)


def guarded(status: StatusLine):
    """Run a callback; a rule's refusal shows its Chinese message, any other error shows and is logged."""
    def wrap(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except PortfolioError as err:
                status.error(err.message)
            except Exception as err:  # shown in the page and logged with its traceback, never swallowed
                log.error("callback %s failed\n%s", fn.__name__, traceback.format_exc())
                status.error(f"程式錯誤（{type(err).__name__}）：{err}")
        return run
    return wrap


class Dashboard:
    """Base of the staff dashboards: opens only for a viewer whose roles the page registry lists (else the
    viewer gets PermissionDenied), knows the moment it was opened, and has one status line that every callback
    reports to (`self.run(fn)` guards a callback)."""

    key: str = ""          # the page registry's key (domain.pages)

    def __init__(self, wb, viewer, now=None):
        viewer.require(self.key)
        self.wb, self.viewer = wb, viewer
        self.now = now or wb.clock()
        self.term_now = Term.of(self.now.date())
        self.status = StatusLine()
        self.run = guarded(self.status)

    @property
    def term(self) -> Term:
        """The term a page's year and semester pickers (`term_pickers`) stand on."""
        return Term(self.year.value, self.semester.value)


def cards_html(figures: dict) -> str:
    return "".join(CARD.format(label=html.escape(str(k)), value=f"{v:,}" if isinstance(v, int) else html.escape(str(v)))
                   for k, v in figures.items())




def _link(data: bytes, filename: str, media_type: str, label: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return (f"<a class='pf-download' download='{html.escape(filename)}' href='data:{media_type};base64,{encoded}' "
            f"style='margin-right:1em'>⬇ {label}</a>")


class DescriptionBox:
    """A description field with its live n/100 counter."""

    def __init__(self, limit: int):
        self.limit = limit
        self.text = widgets.Textarea(description="內容簡述", continuous_update=True,
                                     layout=widgets.Layout(width="40em", height="4em"))
        self.counter = widgets.HTML()
        self.text.observe(lambda _: self._count(), names="value")
        self._count()
        self.view = widgets.HBox([self.text, self.counter])

    def _count(self):
        n = len(self.text.value.strip())
        colour = "#cf222e" if n > self.limit else "#57606a"
        self.counter.value = f"<span class='pf-counter' style='color:{colour}'>{n}/{self.limit}</span>"


class Downloads(anywidget.AnyWidget):
    """Download links whose file is made when clicked: the kernel builds it and sends it back, and the browser
    saves it under its name. A table shown costs nothing for the downloads nobody takes."""

    _esm = """
export default {
  render({ model, el }) {
    const draw = () => {
      el.replaceChildren();
      model.get("files").forEach((file, index) => {
        const link = document.createElement("a");
        link.className = "pf-download";
        link.href = "#";
        link.style.marginRight = "1em";
        link.textContent = `⬇ ${file.label}`;
        link.addEventListener("click", (event) => { event.preventDefault(); model.send({ want: index }); });
        el.append(link);
      });
    };
    const save = (msg, buffers) => {
      if (msg.name === undefined) return;
      const url = URL.createObjectURL(new Blob([buffers[0]], { type: msg.type }));
      const link = document.createElement("a");
      link.href = url;
      link.download = msg.name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    };
    draw();
    model.on("change:files", draw);
    model.on("msg:custom", save);
  },
};
"""
    files = traitlets.List().tag(sync=True)   # [{"label": "XLSX", "name": "各班狀況.xlsx"}, ...]

    def __init__(self, make: Callable[[str], tuple[bytes, str]]):
        """`make(name)` gives a file's bytes and media type."""
        super().__init__()
        self._make = make
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers):
        index = content.get("want")
        if not isinstance(index, int) or not 0 <= index < len(self.files):
            return
        name = self.files[index]["name"]
        data, media_type = self._make(name)
        self.send({"name": name, "type": media_type}, buffers=[data])


class DataTable:
    """A titled, scrollable table with XLSX and CSV downloads of exactly what it shows (made when clicked)."""

    def __init__(self, title: str, filename: str, max_height: str = "360px", max_rows: int = 500):
        self.filename, self.max_rows = filename, max_rows
        self.frame = pd.DataFrame()
        self.title = widgets.HTML(f"<b>{html.escape(title)}</b>")
        self.downloads = Downloads(self.file)
        self.table = widgets.HTML(layout=widgets.Layout(max_height=max_height, overflow="auto"))
        self.view = widgets.VBox([widgets.HBox([self.title, self.downloads],
                                               layout=widgets.Layout(justify_content="space-between")),
                                  self.table])
        self.view.add_class("pf-table")

    def show(self, frame: pd.DataFrame):
        self.frame = frame.reset_index(drop=True)
        if frame.empty:
            self.table.value = "<p style='color:#57606a'>（沒有資料）</p>"
            self.downloads.files = []
            return
        shown = self.frame.head(self.max_rows)
        more = (f"<p style='color:#57606a'>只顯示前 {self.max_rows} 列，共 {len(self.frame)} 列；"
                "下載檔案含全部資料。</p>"
                if len(self.frame) > self.max_rows else "")
        self.table.value = shown.to_html(index=False, classes="pf-grid", border=0, escape=True) + more + _TABLE_STYLE
        self.downloads.files = [{"label": "XLSX", "name": f"{self.filename}.xlsx"},
                                {"label": "CSV", "name": f"{self.filename}.csv"}]

    def file(self, name: str) -> tuple[bytes, str]:
        """The table's download `name` (….xlsx or ….csv): its bytes and media type."""
        if name.endswith(".xlsx"):
            return xlsx_bytes(self.frame), XLSX_TYPE
        return csv_bytes(self.frame), "text/csv"


_TABLE_STYLE = ("<style>.pf-grid{border-collapse:collapse;font-size:13px}.pf-grid th,.pf-grid td{padding:3px 8px;"
                "border-bottom:1px solid #eaeef2;text-align:left;white-space:nowrap}.pf-grid th{background:#f6f8fa;"
                "position:sticky;top:0}</style>")


PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
# plotly.js's own partial bundles, of the version plotly.py writes figures for, smallest first; each holds the
# trace kinds of those before it. basic: bar, scatter, pie; cartesian adds heatmap, box, histogram, contour.
PLOTLY_BUNDLES = {"basic": "plotly-basic.min.js", "cartesian": "plotly-cartesian.min.js"}


class ChartLibrary(anywidget.AnyWidget):
    """plotly.js for the page's charts, sent once per page: the smallest of plotly.js's partial bundles that has
    every trace kind the page draws (`PLOTLY_BUNDLES`), a fraction of the full bundle's size and of its time to
    start in the browser."""

    _esm = "export default {};"
    source = traitlets.Unicode().tag(sync=True)

    def __init__(self, bundle: str = "basic"):
        script = resources.files(__package__).joinpath("static", PLOTLY_BUNDLES[bundle]).read_text(encoding="utf-8")
        super().__init__(source=script)
        self.bundle = bundle
        self.version = _PLOTLY_VERSION.search(script[:300]).group(1)     # read here; the page needs only the script


_PLOTLY_VERSION = re.compile(r"plotly\.js \(\w+ - minified\) v([0-9.]+)")
_LIBRARY: ChartLibrary | None = None


def chart_library(bundle: str = "basic") -> ChartLibrary:
    """The kernel's ChartLibrary (a Voila kernel serves one page), of `bundle` or a larger one. A page that draws a
    trace only a larger bundle has creates that chart first, so that the page gets one script; a chart created
    later asking for more gets a larger library of its own, and the page loads both."""
    global _LIBRARY
    order = list(PLOTLY_BUNDLES)
    if _LIBRARY is None or order.index(_LIBRARY.bundle) < order.index(bundle):
        _LIBRARY = ChartLibrary(bundle)
    return _LIBRARY


class Plot(anywidget.AnyWidget):
    """One figure drawn by plotly.js in the page; a new figure redraws it in place (`Plotly.react`)."""

    _esm = """
const loaded = (model) => {
  const libraries = (window.__pfPlotly ??= { chain: Promise.resolve(), by: {} });
  const id = model.get("library");
  if (libraries.by[id]) return libraries.by[id];
  libraries.by[id] = libraries.chain.then(async () => {      // one script at a time
    const library = await model.widget_manager.get_model(id);
    const url = URL.createObjectURL(new Blob([library.get("source")], { type: "text/javascript" }));
    const amd = window.define;
    window.define = undefined;              // plotly.js as a script of the page, never as an AMD module
    try {
      await new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = url;
        script.onload = resolve;
        script.onerror = () => reject(new Error("plotly.js did not load"));
        document.head.append(script);
      });
    } finally {
      window.define = amd;
      URL.revokeObjectURL(url);
    }
    return window.Plotly;                   // this script's own plotly.js, kept though a later one replaces it
  });
  libraries.chain = libraries.by[id].catch(() => undefined);
  return libraries.by[id];
};

export default {
  async render({ model, el }) {
    const Plotly = await loaded(model);
    const draw = () => {
      const figure = model.get("figure");
      if (!figure.data) {
        Plotly.purge(el);
        el.replaceChildren();
        return;
      }
      Plotly.react(el, figure.data, figure.layout, model.get("config"));
    };
    draw();
    model.on("change:figure", draw);
    const resized = new ResizeObserver(() => { if (el.data) Plotly.Plots.resize(el); });
    resized.observe(el);
    return () => { resized.disconnect(); Plotly.purge(el); };
  },
};
"""
    figure = traitlets.Dict().tag(sync=True)          # {"data": [...], "layout": {...}} as plotly.py writes it
    config = traitlets.Dict().tag(sync=True)
    library = traitlets.Unicode().tag(sync=True)      # the ChartLibrary's model id


class Chart:
    """A chart area: the figure as plotly.py writes it, drawn in the page by plotly.js (sent once per page, see
    ChartLibrary), never a FigureWidget (which carries the whole plotly script in the state of every figure)
    nor an Output widget written while the notebook runs (which can hang a Voila page)."""

    def __init__(self, height: int = 380, bundle: str = "basic"):
        """`bundle`: the plotly.js bundle its traces need (`PLOTLY_BUNDLES`): "cartesian" for a heatmap."""
        self.height = height
        self.plot = Plot(config=PLOTLY_CONFIG, library=chart_library(bundle).model_id,
                         layout=widgets.Layout(width="100%", min_height=f"{height}px"))
        self.view = widgets.Box([self.plot], layout=widgets.Layout(width="100%"))
        self.view.add_class("pf-chart")
        self.figure: go.Figure | None = None

    def draw(self, figure: go.Figure, keep_layout: bool = False):
        """Show `figure`; in the dashboards' size and font unless `keep_layout` (a figure styled elsewhere)."""
        if not keep_layout:
            figure.update_layout(height=self.height, margin=dict(l=10, r=20, t=50, b=40),
                                 font=dict(family="Noto Sans CJK TC, Noto Sans TC, Microsoft JhengHei, sans-serif"))
        self.figure = figure
        self.plot.figure = json.loads(pio.to_json(figure, validate=False))

    def clear(self):
        """No chart (a finding that draws none)."""
        self.figure = None
        self.plot.figure = {}


def roc_date_ticks(first, last, most: int = 8) -> tuple[list, list[str]]:
    """Tick positions and their ROC labels (115/09/01) for a date axis from `first` to `last`: the 1st of each
    month, or weekly on a short span, thinned to at most `most` ticks. Plotly's own date ticks read
    "Sep 2026" in English and the Gregorian calendar."""
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    ticks = pd.date_range(first, last, freq="MS")
    if len(ticks) < 3:
        ticks = pd.date_range(first, last, freq="7D")
    step = max(1, -(-len(ticks) // most))
    ticks = list(ticks[::step])
    return ticks, [format_roc_date(day) for day in ticks]


def term_pickers(years: list[int], current) -> tuple[widgets.Dropdown, widgets.Dropdown]:
    """Year and semester dropdowns, on the current term when the school has it."""
    year = widgets.Dropdown(options=[(f"{y} 學年度", y) for y in years], description="學年度",
                            value=current.year if current.year in years else years[0])
    semester = widgets.Dropdown(options=[("第1學期", 1), ("第2學期", 2)], value=current.semester, description="學期")
    return year, semester


SIGN_OUT_VARIABLE = "PORTFOLIO_SIGN_OUT_URL"


def sign_out_link() -> str:
    """A 登出 link where the deployment names its sign-out address; nothing in the local demo."""
    url = os.environ.get(SIGN_OUT_VARIABLE)
    return (f"<a class='pf-sign-out' href='{html.escape(url)}' style='float:right'>登出</a>" if url else "")


def viewer_line(label: str, now, *context: str) -> widgets.HTML:
    """The line atop a dashboard: who is looking, what they look at, today's ROC date, and 登出 when signed in."""
    parts = [html.escape(label), *context, f"今天 {format_roc_date(now)}"]
    return widgets.HTML(f"<p style='margin:0'>{'　'.join(parts)}{sign_out_link()}</p>")


# Every page: tab labels wrap onto another row instead of being cut to two characters. On a phone (a screen
# narrower than 640 px, the cabinet's case), fields, drop zones and rows of buttons fit the screen's width:
# a label goes above its field, rows wrap, and only a wide table scrolls, inside its own box.
RESPONSIVE_CSS = """<style>
.jupyter-widgets.widget-tab > .lm-TabBar { height: auto; min-height: fit-content; overflow: visible; }
.jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-content { flex-wrap: wrap; }
.jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto; max-width: none; min-width: 0; }
.jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tabLabel { overflow: visible; text-overflow: clip; }
@media (max-width: 640px) {
  .jp-OutputArea-output, .jupyter-widgets { max-width: 100%; }
  .widget-hbox { flex-wrap: wrap; }
  .widget-inline-hbox { flex-wrap: wrap; width: auto !important; max-width: 100% !important;
    height: auto !important; }
  .widget-inline-hbox > .widget-label { width: 100% !important; max-width: 100%; text-align: left;
    padding-left: 0; margin-bottom: 0; }
  .widget-inline-hbox > select, .widget-inline-hbox > input, .widget-inline-hbox > textarea {
    flex: 1 1 100%; min-width: 0; max-width: 100%; }
  .widget-inline-hbox > select, .widget-inline-hbox > input { min-height: 2.2em; }
  .widget-inline-hbox > textarea { min-height: 5em; }
  .widget-textarea, .widget-text, .widget-dropdown { width: 100% !important; }
  .widget-tab > .widget-tab-contents { padding: 8px 6px; }
  .pf-drop { padding: 1em .8em; }
  .jupyter-widgets.widget-button, .jupyter-button.widget-button { width: auto; min-width: 6em; max-width: 100%; }
}
</style>"""


def responsive_style() -> widgets.HTML:
    """The style that keeps a page readable on a tablet and the cabinet usable on a phone (RESPONSIVE_CSS)."""
    style = widgets.HTML(RESPONSIVE_CSS, layout=widgets.Layout(display="none"))
    style.add_class("pf-responsive")
    return style


def section(title: str, *children) -> widgets.VBox:
    return widgets.VBox([widgets.HTML(f"<h4 style='margin:.6em 0 .3em'>{html.escape(title)}</h4>"), *children])
