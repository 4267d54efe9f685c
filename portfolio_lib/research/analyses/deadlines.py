"""When students upload, against the deadline."""


import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ...domain.model import WindowKind
from ..charts import PALETTE, styled
from ..sources import ResearchData
from ..suppression import DEFAULT_K, check_threshold, publish
from .common import CROWDING_BINS, DAYS_SHOWN, Finding, count_table, counted, empty, tables, tally


def deadline_crowding(data: ResearchData, k: int = DEFAULT_K, items: str = "outcomes") -> Finding:
    """Uploads by day relative to the deadline they answer to: the first-stage upload deadline of the
    semester for course outcomes, the yearly 多元表現 deadline for 多元表現."""
    k = check_threshold(k)
    outcomes = items == "outcomes"
    title = ("課程學習成果上傳時間與第一階段截止日" if outcomes else "多元表現上傳時間與年度截止日")
    kind = WindowKind.UPLOAD_1.value if outcomes else WindowKind.PERFORMANCE_UPLOAD.value
    keys = ["school_code", "academic_year", "semester"] if outcomes else ["school_code", "academic_year"]

    def count(part):
        frame = part.outcomes if outcomes else part.performances
        if not outcomes:
            frame = frame[~frame["synced"]]          # cadre records synced from the school system are not uploads
        deadlines = part.deadlines[part.deadlines["kind"] == kind]
        joined = frame.merge(deadlines[keys + ["closes_on"]], on=keys, how="inner")
        offset = (joined["uploaded_on"] - joined["closes_on"]).dt.days
        term = joined["academic_year"].astype(str) + ("-" + joined["semester"].astype(str) if outcomes else " 學年")
        return {"uploads": count_table(term, offset)}
    key = f"deadline_crowding_{items}"
    by_day = counted(tally(data, count), "uploads")
    if by_day.empty or not by_day.to_numpy().sum():
        return empty(key, title, "所選範圍內沒有可對照截止日的上傳紀錄")
    edges = [-np.inf] + [edge for edge, _ in CROWDING_BINS]
    labels = [label for _, label in CROWDING_BINS]
    # the bins are right-closed: (-inf,-31], (-31,-8], (-8,-2], (-2,0], (0,inf)
    bins = pd.cut(pd.Series(by_day.columns, index=by_day.columns), edges, labels=labels).astype(str)
    summary = publish(by_day.T.groupby(bins).sum().T.reindex(columns=labels, fill_value=0), k)
    low, high = DAYS_SHOWN
    near = by_day.reindex(columns=list(range(low, high + 1)), fill_value=0)
    daily = publish(near[near.sum(axis=1) > 0], k)
    fig = go.Figure()
    for i, row in enumerate(daily.counts.index.drop("合計")):
        series = daily.counts.loc[row].drop("合計")
        fig.add_scatter(x=series.index, y=series.to_numpy(), mode="lines", name=str(row), connectgaps=False,
                        line=dict(color=PALETTE[i % len(PALETTE)]),
                        hovertemplate=str(row) + "：截止日 %{x:+d} 天，%{y:,.0f} 件<extra></extra>")
    fig.add_vline(x=0, line_dash="dot", line_color="#555", annotation_text="截止日")
    fig.update_layout(xaxis=dict(title="相對截止日的天數"), yaxis=dict(title="每日上傳件數"))
    note = summary.note + f"圖只畫截止前 {-low} 天到截止後 {high} 天；線條中斷處為隱藏的小格。"
    fig = styled(fig, title, note)
    uploads = int(by_day.to_numpy().sum())
    last_days = float(by_day.reindex(columns=[-1, 0], fill_value=0).to_numpy().sum() / uploads)
    return Finding(key, title, fig, tables(summary, share_caption="占該學期比率"), note,
                   facts={"uploads": uploads, "share_last_two_days": last_days})
