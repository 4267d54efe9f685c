"""What every research question shares: a finding's shape, counting and publishing, the charts' kit."""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ...domain.calendar import Term
from ...domain.model import OutcomeStatus
from ...domain.policy import Policy
from ..charts import PALETTE, styled
from ..sources import ResearchData
from ..suppression import Published

STAGES = ("未上傳成果", "已上傳", "已通過認證", "已勾選", "已提交")


TIME_BINS = ((3, "3 天內"), (7, "4–7 天"), (14, "8–14 天"), (30, "15–30 天"), (np.inf, "31 天以上"))


CROWDING_BINS = ((-31, "截止前 31 天以上"), (-8, "截止前 8–30 天"), (-2, "截止前 2–7 天"), (0, "截止前一天與當天"),
                 (np.inf, "截止後"))


DAYS_SHOWN = (-60, 15)


@dataclass(frozen=True)
class Finding:
    """One answer: its tables (caption, frame, kind: count, share or number), a chart and how to read them."""

    key: str
    title: str
    figure: go.Figure | None
    tables: tuple[tuple[str, pd.DataFrame, str], ...]
    note: str
    facts: dict = field(default_factory=dict)


def national_rules(year: int):
    """The national policy of a year: for the code tables, which no school overrides."""
    return Policy.default().rules(Term(int(year), 1))


def domain_names(data) -> dict[str, str]:
    """Subject domain codes (course code characters 20–21) and their names, as the data's latest year reads them."""
    year = max(data.years) if data.years else Term.of(date.today()).year
    return dict(national_rules(year).codes["course_domain"])


def domains(names: dict[str, str], outcomes: pd.DataFrame) -> pd.Series:
    """The subject domain of each outcome, by its name (`domain_names`)."""
    return outcomes["course_domain"].map(lambda code: names.get(code, "其他"))


def enrolled(data: ResearchData, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with the student's grade and class in that year, and their school."""
    enrolments = data.enrolments.drop(columns="school_code") if "school_code" in frame else data.enrolments
    return frame.merge(enrolments, on=["pid", "academic_year"], how="inner")


def tally(data, count) -> dict:
    """Count the data school by school (`data.parts()`: a city is never in memory whole) with `count(part)`, a dict
    of counts, and add the schools up: tables cell by cell, numbers summed (`most_…`: the largest), lists joined.
    Students belong to one school, so every per-student figure is whole within a part; nothing is published before
    the sum."""
    total: dict = {}
    for part in data.parts():
        for key, value in count(part).items():
            if value is None:
                continue
            if key not in total:
                total[key] = value
            elif isinstance(value, pd.DataFrame):
                total[key] = _add(total[key], value)
            elif key.startswith("most_"):
                total[key] = max(total[key], value)
            else:
                total[key] = total[key] + value
    return total


def _add(one: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Two count tables added cell by cell; a row or column only one has counts 0 in the other."""
    columns = list(one.columns) + [c for c in other.columns if c not in one.columns]
    return one.add(other, fill_value=0).reindex(columns=columns).fillna(0).astype(int)


def year_grade(frame: pd.DataFrame, several_schools: bool) -> pd.Series:
    label = frame["academic_year"].astype(str) + " 學年 " + frame["grade"].astype(str) + " 年級"
    return (frame["school_code"] + " " + label) if several_schools else label


def count_table(rows: pd.Series, columns: pd.Series, order: list | None = None) -> pd.DataFrame:
    table = pd.crosstab(rows, columns) if len(rows) else pd.DataFrame(dtype=int)
    if order is not None:
        table = table.reindex(columns=order, fill_value=0)
    table.index.name, table.columns.name = None, None
    return table.sort_index()


def counted(total: dict, key: str, order: list | None = None) -> pd.DataFrame:
    """A table `tally` added up (empty when no school counted any), in row order, its columns in `order`."""
    table = total.get(key)
    if table is None:
        return pd.DataFrame()
    if order is not None:
        table = table.reindex(columns=order, fill_value=0)
    return table.sort_index()


def tables(pub: Published, count_caption: str = "件數", share_caption: str = "占該列比率"):
    return ((count_caption, pub.counts, "count"), (share_caption, pub.shares, "share"))


def empty(key: str, title: str, why: str) -> Finding:
    return Finding(key, title, None, (), f"{why}，本項不製表、不繪圖。")


def stacked_shares(pub: Published, title: str, note: str, x_title: str = "比率") -> go.Figure:
    fig = go.Figure()
    rows = list(pub.shares.index)
    for i, column in enumerate(pub.shares.columns):
        values = pub.shares[column]
        fig.add_bar(y=rows, x=values, name=str(column), orientation="h",
                    marker_color=PALETTE[i % len(PALETTE)],
                    customdata=pub.counts.loc[rows, column],
                    hovertemplate="%{y}<br>" + str(column) + "：%{x:.1%}（%{customdata:,.0f}）<extra></extra>")
    fig.update_layout(barmode="stack", xaxis=dict(tickformat=".0%", title=x_title, range=[0, 1]),
                      yaxis=dict(autorange="reversed", dtick=1))
    styled(fig, title, note)
    legend_rows = -(-len(pub.shares.columns) // 4)
    fig.update_layout(height=max(420, 200 + 26 * len(rows) + 22 * legend_rows))   # one line for every row
    return fig


def rates_chart(rates: pd.Series, label: str, overall: float, overall_label: str, color: str, title: str,
                 note: str) -> go.Figure:
    """A rate per group as bars (hidden ones left out), with the overall rate as a dotted line."""
    fig = go.Figure(go.Bar(x=rates.index, y=rates, marker_color=color,
                           hovertemplate="%{x}<br>" + label + " %{y:.1%}<extra></extra>"))
    fig.add_hline(y=overall, line_dash="dot", line_color="#555", annotation_text=overall_label,
                  annotation_position="top left")
    fig.update_layout(yaxis=dict(tickformat=".0%", title=label, range=[0, 1]))
    return styled(fig, title, note)


def stage_table(data: ResearchData) -> pd.DataFrame:
    """Each enrolment of one school's data (a part) with the furthest stage its course outcomes reached that year
    (0–4)."""
    o = data.outcomes
    flags = o.assign(passed=o["status"] == OutcomeStatus.PASSED.value).groupby(["pid", "academic_year"]).agg(
        uploaded=("pid", "size"), passed=("passed", "any"), selected=("selected", "any"),
        submitted=("submitted", "any"))
    out = data.enrolments.merge(flags.reset_index(), on=["pid", "academic_year"], how="left")
    stage = np.select([out["submitted"].fillna(False).astype(bool), out["selected"].fillna(False).astype(bool),
                       out["passed"].fillna(False).astype(bool), out["uploaded"].fillna(0) > 0], [4, 3, 2, 1], 0)
    out["stage"] = pd.Categorical.from_codes(stage, categories=list(STAGES))
    return out


def share_if_safe(yes: int, total: int, k: int) -> float:
    """yes/total, shown only when neither the yes nor the no count is a small cell."""
    no = total - yes
    return yes / total if total and (yes == 0 or yes >= k) and (no == 0 or no >= k) else np.nan
