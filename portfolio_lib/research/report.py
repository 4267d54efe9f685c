"""Research reports: show findings in a notebook, save their charts and tables, and render notebooks to HTML."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from ..domain.errors import ReportFailed, ResearchSourceInvalid
from .analyses import Finding
from .charts import SUPPRESSED_MARK, export_images, figure_html
from .notebooks import NOTEBOOKS_DIR, REPORTS
from .sources import ResearchData, ResearchSet
from .suppression import DEFAULT_K, check_threshold

TEMPLATES = Path(__file__).with_name("templates")
TABLE_STYLE = ("<style>.research-table{border-collapse:collapse}.research-table td,.research-table th{padding:3px 9px;"
               "border-bottom:1px solid #e5e5e5}.research-table td{text-align:right}</style>")
FORMATS = {"count": "{:,.0f}".format, "share": "{:.1%}".format,
           "number": lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"}


def formatted(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """A published table as text to read: hidden cells as ＊, counts whole, shares as percentages."""
    fmt = FORMATS[kind]
    out = frame.apply(lambda column: column.map(lambda v: SUPPRESSED_MARK if pd.isna(v) else fmt(v)))
    return out.rename_axis(index=None)


def table_html(frame: pd.DataFrame, kind: str) -> str:
    return formatted(frame, kind).to_html(classes="research-table", border=0) + TABLE_STYLE


class Report:
    """What a research notebook shows: where the data came from, then one finding after another.

    With `figures_dir`, `save()` writes every chart as PNG and SVG and every table as CSV (UTF-8 with BOM)."""

    def __init__(self, data: ResearchData | ResearchSet, k: int = DEFAULT_K,
                 figures_dir: str | os.PathLike | None = None):
        self.data, self.k = data, check_threshold(k)
        self.figures_dir = Path(figures_dir) if figures_dir else None
        self.findings: list[Finding] = []
        self._script_sent = False

    def sources_html(self) -> str:
        rows = []
        for school in self.data.summary().itertuples():
            years = school.years
            rows.append({"學校代碼": school.school_code, "資料來源": Path(school.source).name,
                         "學年度": f"{years[0]}–{years[-1]}" if years else "—",
                         "學生（人次）": f"{school.enrolments:,}",
                         "課程學習成果": f"{school.outcomes:,}", "多元表現": f"{school.performances:,}"})
        table = pd.DataFrame(rows).to_html(index=False, classes="research-table", border=0) + TABLE_STYLE
        return (f"<p>資料：去識別化資料（學生以假名代號表示，不含姓名、身分證字號與生日）。"
                f"小格隱藏門檻 k = {self.k}。</p>{table}")

    def html(self, finding: Finding) -> str:
        """A finding as HTML: heading, chart, tables, and how to read them."""
        parts = []
        if finding.figure is None:                       # a chart carries its own title
            parts.append(f"<h3>{html.escape(finding.title)}</h3>")
        else:
            parts.append(figure_html(finding.figure, include_plotlyjs=not self._script_sent))
            self._script_sent = True
        for caption, frame, kind in finding.tables:
            parts.append(f"<h4>{html.escape(caption)}</h4>{table_html(frame, kind)}")
        parts.append(f'<p class="research-note">{html.escape(finding.note)}</p>')
        return "\n".join(parts)

    def show(self, finding, **options) -> None:
        """Display a finding in the notebook and keep it for `save()`.

        `finding` is a Finding or an analysis (then called with this report's data, k and `options`)."""
        from IPython.display import HTML, display
        if callable(finding):
            finding = finding(self.data, self.k, **options)
        self.findings.append(finding)
        display(HTML(self.html(finding)))

    def show_sources(self):
        from IPython.display import HTML, display
        display(HTML(self.sources_html()))

    def save(self) -> list[Path]:
        """Charts as PNG and SVG and tables as CSV into `figures_dir` (nothing without one)."""
        if self.figures_dir is None:
            return []
        figures = {f.key: f.figure for f in self.findings if f.figure is not None}
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        written = export_images(figures, self.figures_dir)
        for finding in self.findings:
            for n, (_, frame, _) in enumerate(finding.tables, start=1):
                path = self.figures_dir / f"{finding.key}_table{n}.csv"
                frame.to_csv(path, encoding="utf-8-sig", index_label="項目")
                written.append(path)
        return written


def render_report(name: str, out_dir: str | os.PathLike, parameters: dict | None = None,
                  kernel_name: str = "python3") -> Path:
    """Run a research notebook headless with papermill and render it to HTML without code.

    The executed notebook is kept beside the report (`<name>.ipynb`) for whoever wants to check it."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    if name not in REPORTS:
        raise ResearchSourceInvalid(source=name, reason="沒有這份報告，可用的有 " + "、".join(REPORTS))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f"{name}.ipynb"
    try:
        papermill.execute_notebook(str(NOTEBOOKS_DIR / REPORTS[name]), str(executed), parameters=parameters or {},
                                   kernel_name=kernel_name, progress_bar=False, cwd=str(NOTEBOOKS_DIR),
                                   extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except papermill.PapermillExecutionError as err:
        raise ReportFailed(name=name, reason=f"{err.ename}: {err.evalue}（執行過的筆記本留在 {executed}）") from None
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)], exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    target = out_dir / f"{name}.html"
    target.write_text(body, encoding="utf-8")
    return target
