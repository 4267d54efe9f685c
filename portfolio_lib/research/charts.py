"""How research charts look, on screen and in static PNG/SVG files: one template, CJK fonts first."""

from __future__ import annotations

import os
import re
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

# Fonts tried in order: Debian's fonts-noto-cjk first (what the project's set-up installs), then the
# fonts a reader's Windows or macOS machine has, so Chinese text never falls back to empty boxes.
CJK_FONTS = "Noto Sans CJK TC, Noto Sans TC, Microsoft JhengHei, PingFang TC, Heiti TC, sans-serif"
SUPPRESSED_MARK = "＊"
FORMATS = ("png", "svg")
NOTE_WIDTH = 64            # characters of a note line under a chart title
PALETTE = ("#2f6690", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#3a7ca5", "#c97c5d", "#00798c", "#9c6644",
           "#5c677d")


def styled(fig: go.Figure, title: str, note: str = "") -> go.Figure:
    """The research look: white background, CJK fonts, the title on top with its note (suppression) under it."""
    lines = note_lines(note)
    fig.update_layout(template="plotly_white", font=dict(family=CJK_FONTS, size=13), colorway=list(PALETTE),
                      title=dict(text=title + "".join(f"<br><span style='font-size:11px;color:#555'>{line}</span>"
                                                      for line in lines),
                                 x=0.01, xanchor="left", yref="container", y=1, yanchor="top", pad=dict(t=32)),
                      margin=dict(l=70, r=30, t=80 + 17 * len(lines), b=90),
                      legend=dict(orientation="h", yanchor="top", y=-0.14, x=0), width=960, height=520)
    return fig


def note_lines(note: str, width: int = NOTE_WIDTH) -> list[str]:
    """A note broken into lines of at most `width` characters, at sentence or clause ends where it can."""
    lines: list[str] = []
    for clause in re.findall(r"[^。；]+[。；]?", note):
        while len(clause) > width:
            lines.append(clause[:width])
            clause = clause[width:]
        if lines and len(lines[-1]) + len(clause) <= width:
            lines[-1] += clause
        elif clause:
            lines.append(clause)
    return lines


def export_images(figures: dict[str, go.Figure], folder: str | os.PathLike,
                  formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write every figure as each format in one batch (one browser start for all); returns the paths.

    kaleido draws with the machine's Chromium (Debian's /usr/bin/chromium, or `BROWSER_PATH`)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.{fmt}" for name in figures for fmt in formats]
    if not paths:
        return []
    if "BROWSER_PATH" not in os.environ and Path("/usr/bin/chromium").exists():
        os.environ["BROWSER_PATH"] = "/usr/bin/chromium"
    figs = [fig for fig in figures.values() for _ in formats]
    pio.write_images(figs, paths, width=[fig.layout.width or 960 for fig in figs],
                     height=[fig.layout.height or 520 for fig in figs])
    return paths


def figure_html(fig: go.Figure, include_plotlyjs: bool) -> str:
    """A chart as a piece of HTML that draws offline; plotly's script is included with the first chart only."""
    return fig.to_html(full_html=False, include_plotlyjs=include_plotlyjs,
                       config={"displaylogo": False, "responsive": True})
