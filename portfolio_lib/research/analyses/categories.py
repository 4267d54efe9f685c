"""Which 多元表現 students keep: categories by year and grade, and beside the school guide's slide."""

import textwrap

import pandas as pd
import plotly.graph_objects as go

from ...domain.categories import CATEGORIES
from ...reference import slide_reference
from ..charts import PALETTE, styled
from ..sources import ResearchData
from ..suppression import DEFAULT_K, check_threshold, publish
from .common import Finding, count_table, counted, empty, enrolled, stacked_shares, tables, tally, year_grade


def categories_by_year_grade(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """多元表現 records by category, for each academic year and grade, as counts and shares."""
    k = check_threshold(k)
    title = "多元表現類別分布（依學年度與年級）"
    labels = {key: c.label for key, c in CATEGORIES.items()}
    several = len(data.schools) > 1

    def count(part):
        perf = enrolled(part, part.performances)
        return {"records": count_table(year_grade(perf, several), perf["category"].map(labels))}
    counts = counted(tally(data, count), "records", order=list(labels.values()))
    if counts.empty or not counts.to_numpy().sum():
        return empty("categories_by_year_grade", title, "所選範圍內沒有多元表現紀錄")
    counts = counts.loc[:, counts.sum() > 0]
    pub = publish(counts, k)
    fig = stacked_shares(pub, title, pub.note)
    return Finding("categories_by_year_grade", title, fig, tables(pub), pub.note,
                   facts={"records": int(counts.to_numpy().sum())})


def categories_beside_slide(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """Shares of the 申請入學 item types F–M in each academic year, beside the guide's slide."""
    k = check_threshold(k)
    title = "多元表現類別占比與學校簡報（F–M 項目）對照"
    slide = slide_reference()

    def count(part):
        perf = enrolled(part, part.performances)
        codes = perf["category"].map(lambda key: CATEGORIES[key].application_code)
        return {"records": count_table(perf["academic_year"].astype(str) + " 學年", codes)}
    counts = counted(tally(data, count), "records", order=list(slide["code"]))
    if counts.empty or not counts.to_numpy().sum():
        return empty("categories_beside_slide", title, "所選範圍內沒有多元表現紀錄")
    pub = publish(counts, k)
    items = slide["code"] + " " + slide["item"]
    shares = pub.shares.T.set_axis(items.tolist()) if len(pub.shares) else pd.DataFrame(index=items)
    shares.insert(0, "學校簡報", slide["slide_share"].to_numpy())
    fig = go.Figure()
    wrapped = [code + "<br>" + "<br>".join(textwrap.wrap(item, 6)) for code, item in zip(slide["code"], slide["item"])]
    for i, column in enumerate(shares.columns):
        fig.add_bar(x=wrapped, y=shares[column], name=column,
                    marker_color="#9e9e9e" if i == 0 else PALETTE[(i - 1) % len(PALETTE)],
                    hovertemplate="%{x}<br>" + column + "：%{y:.1%}<extra></extra>")
    note = pub.note + "簡報為學校說明會資料的件數比率；本校以最接近的項目歸類（彈性學習時間紀錄歸 F、團體活動歸 G）。"
    fig.update_layout(barmode="group", yaxis=dict(tickformat=".0%", title="占 F–M 合計比率"), xaxis=dict(tickangle=0))
    fig = styled(fig, title, note)
    fig.update_layout(legend=dict(y=-0.25), margin=dict(b=130), height=560)
    counts = pub.counts.rename(columns=dict(zip(slide["code"], items)))
    return Finding("categories_beside_slide", title, fig,
                   (("各學年度占比與簡報", shares, "share"), ("各學年度件數", counts, "count")), note)
