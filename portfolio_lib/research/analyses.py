"""The research questions: each turns de-identified data into a finding fit to publish (tables and a chart).

Every count passes through `publish` (small cells hidden, complementary cells with them); every
share is computed from the full counts and shown only where its cell is; a mean or a median is
shown only for a group of at least k students or items.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from ..domain.calendar import Term
from ..domain.categories import CATEGORIES
from ..domain.grades import entry_year
from ..domain.model import OutcomeStatus, WindowKind, certification_result
from ..domain.policy import Policy
from ..reference import slide_reference
from .charts import PALETTE, styled
from .sources import ResearchData
from .suppression import DEFAULT_K, Published, check_threshold, publish

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


# --- shared pieces ---------------------------------------------------------------------

def _rules(year: int):
    return Policy.default().rules(Term(int(year), 1))


def _domains(data: ResearchData, outcomes: pd.DataFrame) -> pd.Series:
    """The subject domain (course code characters 20–21) of each outcome, by its name."""
    year = max(data.years) if data.years else Term.of(date.today()).year
    labels = dict(_rules(year).codes["course_domain"])
    return outcomes["course_domain"].map(lambda code: labels.get(code, "其他"))


def _enrolled(data: ResearchData, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with the student's grade and class in that year, and their school."""
    out = frame.merge(data.enrolments, on=["pid", "academic_year"], how="inner")
    out["school_code"] = data.school_of(out)
    return out


def _year_grade(frame: pd.DataFrame, several_schools: bool) -> pd.Series:
    label = frame["academic_year"].astype(str) + " 學年 " + frame["grade"].astype(str) + " 年級"
    return (frame["school_code"] + " " + label) if several_schools else label


def _counts(rows: pd.Series, columns: pd.Series, order: list | None = None) -> pd.DataFrame:
    table = pd.crosstab(rows, columns)
    if order is not None:
        table = table.reindex(columns=order, fill_value=0)
    table.index.name, table.columns.name = None, None
    return table.sort_index()


def _tables(pub: Published, count_caption: str = "件數", share_caption: str = "占該列比率"):
    return ((count_caption, pub.counts, "count"), (share_caption, pub.shares, "share"))


def _empty(key: str, title: str, why: str) -> Finding:
    return Finding(key, title, None, (), f"{why}，本項不製表、不繪圖。")


def _stacked_shares(pub: Published, title: str, note: str, x_title: str = "比率") -> go.Figure:
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


def _rates_chart(rates: pd.Series, label: str, overall: float, overall_label: str, color: str, title: str,
                 note: str) -> go.Figure:
    """A rate per group as bars (hidden ones left out), with the overall rate as a dotted line."""
    fig = go.Figure(go.Bar(x=rates.index, y=rates, marker_color=color,
                           hovertemplate="%{x}<br>" + label + " %{y:.1%}<extra></extra>"))
    fig.add_hline(y=overall, line_dash="dot", line_color="#555", annotation_text=overall_label,
                  annotation_position="top left")
    fig.update_layout(yaxis=dict(tickformat=".0%", title=label, range=[0, 1]))
    return styled(fig, title, note)


# --- 多元表現 categories ----------------------------------------------------------------

def categories_by_year_grade(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """多元表現 records by category, for each academic year and grade, as counts and shares."""
    k = check_threshold(k)
    title = "多元表現類別分布（依學年度與年級）"
    perf = _enrolled(data, data.performances)
    if perf.empty:
        return _empty("categories_by_year_grade", title, "所選範圍內沒有多元表現紀錄")
    labels = {key: c.label for key, c in CATEGORIES.items()}
    counts = _counts(_year_grade(perf, len(data.schools) > 1), perf["category"].map(labels),
                     order=list(labels.values()))
    counts = counts.loc[:, counts.sum() > 0]
    pub = publish(counts, k)
    fig = _stacked_shares(pub, title, pub.note)
    return Finding("categories_by_year_grade", title, fig, _tables(pub), pub.note,
                   facts={"records": int(counts.to_numpy().sum())})


def categories_beside_slide(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """Shares of the 申請入學 item types F–M in each academic year, beside the guide's slide."""
    k = check_threshold(k)
    title = "多元表現類別占比與學校簡報（F–M 項目）對照"
    slide = slide_reference()
    perf = _enrolled(data, data.performances)
    if perf.empty:
        return _empty("categories_beside_slide", title, "所選範圍內沒有多元表現紀錄")
    codes = perf["category"].map(lambda key: CATEGORIES[key].application_code)
    years = perf["academic_year"].astype(str) + " 學年"
    pub = publish(_counts(years, codes, order=list(slide["code"])), k)
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


# --- certification --------------------------------------------------------------------

def pass_rates_by_domain(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """First certification decisions by subject domain (course code characters 20–21): passed and failed."""
    k = check_threshold(k)
    title = "第一次認證結果（依課程領域）"
    decided = data.outcomes[data.outcomes["first_passed"].notna()]
    if decided.empty:
        return _empty("pass_rates_by_domain", title, "所選範圍內沒有已認證的課程學習成果")
    passed, failed = certification_result(True), certification_result(False)
    result = decided["first_passed"].astype(bool).map(certification_result)
    pub = publish(_counts(_domains(data, decided), result, order=[passed, failed]), k)
    rates = pub.shares[[passed]].rename(columns={passed: "通過率"})
    overall = float(decided["first_passed"].astype(bool).mean())
    fig = _rates_chart(rates["通過率"], "第一次認證通過率", overall, f"全部領域 {overall:.1%}", PALETTE[0], title,
                       pub.note)
    return Finding("pass_rates_by_domain", title, fig,
                   (("件數", pub.counts, "count"), ("通過率", rates, "share")), pub.note,
                   facts={"decisions": len(decided), "overall_pass_rate": overall})


def time_to_certification(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """Days from upload to the first certification decision, by subject domain."""
    k = check_threshold(k)
    title = "從上傳到第一次認證的天數（依課程領域）"
    done = data.outcomes[data.outcomes["first_certified_on"].notna()]
    if done.empty:
        return _empty("time_to_certification", title, "所選範圍內沒有已認證的課程學習成果")
    days = (done["first_certified_on"] - done["uploaded_on"]).dt.days.clip(lower=0)
    edges = [-1] + [edge for edge, _ in TIME_BINS]
    bins = pd.cut(days, edges, labels=[label for _, label in TIME_BINS]).astype(str)
    domain = _domains(data, done)
    pub = publish(_counts(domain, bins, order=[label for _, label in TIME_BINS]), k)
    groups = days.groupby(domain)
    stats = pd.DataFrame({"件數": groups.size(), "中位數（天）": groups.median(),
                          "第 75 百分位（天）": groups.quantile(0.75)})
    stats = stats[stats["件數"] >= k].drop(columns="件數")
    fig = _stacked_shares(pub, title, pub.note + "中位數只列出至少 k 件的領域。", x_title="占該領域比率")
    return Finding("time_to_certification", title, fig,
                   _tables(pub) + (("天數", stats, "number"),), pub.note,
                   facts={"median_days": float(days.median())})


# --- deadline crowding ---------------------------------------------------------------------

def deadline_crowding(data: ResearchData, k: int = DEFAULT_K, items: str = "outcomes") -> Finding:
    """Uploads by day relative to the deadline they answer to: the first-stage upload deadline of the
    semester for course outcomes, the yearly 多元表現 deadline for 多元表現."""
    k = check_threshold(k)
    outcomes = items == "outcomes"
    title = ("課程學習成果上傳時間與第一階段截止日" if outcomes else "多元表現上傳時間與年度截止日")
    frame = data.outcomes if outcomes else data.performances
    frame = frame.assign(school_code=data.school_of(frame))
    if not outcomes:
        frame = frame[~frame["synced"]]          # cadre records synced from the school system are not uploads
    kind = WindowKind.UPLOAD_1.value if outcomes else WindowKind.PERFORMANCE_UPLOAD.value
    deadlines = data.deadlines[data.deadlines["kind"] == kind]
    keys = ["school_code", "academic_year", "semester"] if outcomes else ["school_code", "academic_year"]
    joined = frame.merge(deadlines[keys + ["closes_on"]], on=keys, how="inner")
    key = f"deadline_crowding_{items}"
    if joined.empty:
        return _empty(key, title, "所選範圍內沒有可對照截止日的上傳紀錄")
    offset = (joined["uploaded_on"] - joined["closes_on"]).dt.days
    term = joined["academic_year"].astype(str) + ("-" + joined["semester"].astype(str) if outcomes else " 學年")
    edges = [-np.inf] + [edge for edge, _ in CROWDING_BINS]
    labels = [label for _, label in CROWDING_BINS]
    # the bins are right-closed: (-inf,-31], (-31,-8], (-8,-2], (-2,0], (0,inf)
    summary = publish(_counts(term, pd.cut(offset, edges, labels=labels).astype(str), order=labels), k)
    low, high = DAYS_SHOWN
    near = offset.between(low, high)
    daily = publish(_counts(term[near], offset[near], order=list(range(low, high + 1))), k)
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
    last_days = float((offset.between(-1, 0)).mean())
    return Finding(key, title, fig, _tables(summary, share_caption="占該學期比率"), note,
                   facts={"uploads": len(joined), "share_last_two_days": last_days})


# --- the funnel --------------------------------------------------------------------------------

def _stages(data: ResearchData) -> pd.DataFrame:
    """Each enrolment with the furthest stage its course outcomes reached that year (0–4)."""
    o = data.outcomes
    flags = o.assign(passed=o["status"] == OutcomeStatus.PASSED.value).groupby(["pid", "academic_year"]).agg(
        uploaded=("pid", "size"), passed=("passed", "any"), selected=("selected", "any"),
        submitted=("submitted", "any"))
    out = data.enrolments.merge(flags.reset_index(), on=["pid", "academic_year"], how="left")
    stage = np.select([out["submitted"].fillna(False).astype(bool), out["selected"].fillna(False).astype(bool),
                       out["passed"].fillna(False).astype(bool), out["uploaded"].fillna(0) > 0], [4, 3, 2, 1], 0)
    out["stage"] = pd.Categorical.from_codes(stage, categories=list(STAGES))
    out["school_code"] = data.school_of(out)
    return out


def funnel_by_cohort(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """How far each cohort's students got in each year (upload → certification → selection → submission), a
    cohort's years one under another."""
    k = check_threshold(k)
    title = "學習成果流程（依入學年度，逐學年）"
    stages = _stages(data)
    cohort = entry_year(stages["academic_year"], stages["grade"]).astype(str) + " 入學｜"
    pub = publish(_counts(cohort + _year_grade(stages, len(data.schools) > 1), stages["stage"].astype(str),
                          order=list(STAGES)), k)
    note = pub.note + "每列是該年級學生最遠走到的步驟；「已提交」一段即走完全程的學生。"
    fig = _stacked_shares(pub, title, note, x_title="占該年級學生比率")
    return Finding("funnel_by_cohort", title, fig, _tables(pub, count_caption="學生數（最遠走到的步驟）"), note)


def funnel_by_class(data: ResearchData, k: int = DEFAULT_K, year: int | None = None) -> Finding:
    """The furthest step each class's students reached in one academic year (default: the latest with submissions)."""
    k = check_threshold(k)
    stages = _stages(data)
    if year is None:
        submitted = stages.loc[stages["stage"].astype(str) == STAGES[-1], "academic_year"]
        year = int(submitted.max()) if len(submitted) else max(data.years)
    title = f"{year} 學年各班學習成果流程"
    rows = stages[stages["academic_year"] == year]
    if rows.empty:
        return _empty("funnel_by_class", title, f"{year} 學年沒有學生資料")
    label = rows["class_name"].astype(str) + " 班"
    if len(data.schools) > 1:
        label = rows["school_code"] + " " + label
    pub = publish(_counts(label, rows["stage"].astype(str), order=list(STAGES)), k)
    fig = _stacked_shares(pub, title, pub.note, x_title="占全班比率")
    return Finding("funnel_by_class", title, fig, _tables(pub, count_caption="學生數（最遠走到的步驟）",
                                                          share_caption="占全班比率"), pub.note,
                   facts={"year": year})


# --- selection behaviour ------------------------------------------------------------------------

def selection_choices(data: ResearchData, k: int = DEFAULT_K, items: str = "outcomes") -> Finding:
    """What students select when they have more items than the yearly cap: the share selected of each
    subject domain (course outcomes) or category (多元表現), among students with a choice."""
    k = check_threshold(k)
    outcomes = items == "outcomes"
    key = f"selection_choices_{items}"
    title = ("有選擇時勾選哪些課程學習成果（依課程領域）" if outcomes else "有選擇時勾選哪些多元表現（依類別）")
    frame = data.outcomes[data.outcomes["status"] == OutcomeStatus.PASSED.value] if outcomes else data.performances
    if frame.empty:
        return _empty(key, title, "所選範圍內沒有可勾選的項目")
    caps = {y: (_rules(y).outcome_selection_cap_per_year if outcomes else _rules(y).performance_selection_cap_per_year)
            for y in frame["academic_year"].unique()}
    available = frame.groupby(["pid", "academic_year"])["pid"].transform("size")
    chose = frame[(available > frame["academic_year"].map(caps)) & (
        frame.groupby(["pid", "academic_year"])["selected"].transform("any"))]
    if chose.empty:
        return _empty(key, title, "所選範圍內沒有學生在可勾選項目多於上限時做過勾選")
    if outcomes:
        group = _domains(data, chose)
    else:
        group = chose["category"].map(lambda c: CATEGORIES[c].label)
    pub = publish(_counts(group, chose["selected"].map({True: "勾選", False: "未勾選"}), order=["勾選", "未勾選"]), k)
    rates = pub.shares[["勾選"]].rename(columns={"勾選": "被勾選比率"}).sort_values("被勾選比率", ascending=False)
    overall = float(chose["selected"].mean())
    note = pub.note + f"只計入可勾選項目多於年度上限、且當年有勾選的學生（{chose['pid'].nunique():,} 人）。"
    fig = _rates_chart(rates["被勾選比率"], "被勾選比率", overall, f"整體 {overall:.1%}", PALETTE[2], title, note)
    return Finding(key, title, fig, (("件數", pub.counts, "count"), ("被勾選比率", rates, "share")), note,
                   facts={"students_with_choice": int(chose["pid"].nunique()), "overall": overall})


def selections_per_student(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """How many course outcomes students select in a year (among those with at least one passed)."""
    k = check_threshold(k)
    title = "每位學生一學年勾選的課程學習成果件數"
    o = data.outcomes
    passed = o[o["status"] == OutcomeStatus.PASSED.value]
    if passed.empty:
        return _empty("selections_per_student", title, "所選範圍內沒有通過認證的課程學習成果")
    per = passed.groupby(["pid", "academic_year"])["selected"].sum().rename("n").reset_index()
    per = _enrolled(data, per)
    if per.empty:
        return _empty("selections_per_student", title, "通過認證的成果沒有對應的在學紀錄")
    cap = max(_rules(y).outcome_selection_cap_per_year for y in per["academic_year"].unique())
    count_label = per["n"].astype(int).map(lambda n: f"{n} 件")
    pub = publish(_counts(_year_grade(per, len(data.schools) > 1), count_label,
                          order=[f"{n} 件" for n in range(cap + 1)]), k)
    fig = _stacked_shares(pub, title, pub.note + "只計入當年至少有一件通過認證的學生。", x_title="占學生比率")
    return Finding("selections_per_student", title, fig, _tables(pub, count_caption="學生數"), pub.note)


# --- trends across years and schools -----------------------------------------------------------

INDICATORS = ("在學學生數", "每生上傳成果件數", "有上傳成果的學生比率", "第一次認證通過率", "每生多元表現件數",
              "有提交項目的學生比率")


def _share_if_safe(yes: int, total: int, k: int) -> float:
    """yes/total, shown only when neither the yes nor the no count is a small cell."""
    no = total - yes
    return yes / total if total and (yes == 0 or yes >= k) and (no == 0 or no >= k) else np.nan


def trends(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """Indicators for each school and academic year."""
    k = check_threshold(k)
    title = "各校各學年度指標趨勢"
    stages = _stages(data)
    o = data.outcomes.assign(school_code=data.school_of(data.outcomes))
    p = data.performances.assign(school_code=data.school_of(data.performances))
    submitted = pd.concat([o.loc[o["submitted"], ["pid", "academic_year"]],
                           p.loc[p["submitted"], ["pid", "academic_year"]]]).drop_duplicates()
    stages = stages.merge(submitted.assign(any_submitted=True), on=["pid", "academic_year"], how="left")
    rows = []
    for (school, year), group in stages.groupby(["school_code", "academic_year"]):
        n = len(group)
        if n < k:
            continue
        decided = o[(o["school_code"] == school) & (o["academic_year"] == year) & o["first_passed"].notna()]
        passes = int(decided["first_passed"].astype(bool).sum())
        rows.append({"學校": school, "學年度": int(year), "在學學生數": n,
                     "每生上傳成果件數": ((o["school_code"] == school) & (o["academic_year"] == year)).sum() / n,
                     "有上傳成果的學生比率": _share_if_safe(int((group["stage"].astype(str) != STAGES[0]).sum()), n, k),
                     "第一次認證通過率": _share_if_safe(passes, len(decided), k),
                     "每生多元表現件數": ((p["school_code"] == school) & (p["academic_year"] == year)).sum() / n,
                     "有提交項目的學生比率": _share_if_safe(
                         int(group["any_submitted"].fillna(False).astype(bool).sum()), n, k)})
    if not rows:
        return _empty("trends", title, f"沒有任何學校學年度的學生數達 {k} 人")
    table = pd.DataFrame(rows).set_index(["學校", "學年度"]).sort_index()
    long = table.reset_index().melt(id_vars=["學校", "學年度"], var_name="指標", value_name="值")
    long["學年度"] = long["學年度"].astype(str)
    fig = px.line(long, x="學年度", y="值", color="學校", facet_col="指標", facet_col_wrap=3, markers=True,
                  category_orders={"指標": list(INDICATORS)}, color_discrete_sequence=list(PALETTE))
    fig.update_yaxes(matches=None, showticklabels=True, title=None)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    note = (f"學生數少於 {k} 的學校學年度不列；比率在分子或其餘人數少於 {k} 時以「＊」表示；"
            "比率以當學年度在學學生（或已認證件數）為分母。")
    fig = styled(fig, title, note)
    fig.update_layout(height=620)
    flat = table.copy()
    flat.index = [f"{s} {y} 學年" for s, y in table.index]
    shares = flat[[c for c in INDICATORS if c.endswith("率")]]
    numbers = flat[[c for c in INDICATORS if not c.endswith("率")]]
    return Finding("trends", title, fig, (("人數與每生件數", numbers, "number"), ("比率", shares, "share")), note)


def category_trends(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """Each school's 多元表現 category shares (F–M items) across academic years."""
    k = check_threshold(k)
    title = "多元表現類別占比的學年度趨勢（各校）"
    perf = data.performances.assign(school_code=data.school_of(data.performances))
    if perf.empty:
        return _empty("category_trends", title, "所選範圍內沒有多元表現紀錄")
    slide = slide_reference()
    items = dict(zip(slide["code"], slide["code"] + " " + slide["item"]))
    rows = perf["school_code"] + " " + perf["academic_year"].astype(str) + " 學年"
    codes = perf["category"].map(lambda key: items[CATEGORIES[key].application_code])
    pub = publish(_counts(rows, codes, order=list(items.values())), k)
    long = pub.shares.stack(future_stack=True).rename("比率").reset_index()
    long.columns = ["列", "項目", "比率"]
    long[["學校", "學年度"]] = long["列"].str.extract(r"^(\S+) (\d+) 學年$")
    fig = px.line(long.dropna(subset=["比率"]), x="學年度", y="比率", color="項目", facet_col="學校", markers=True,
                  color_discrete_sequence=list(PALETTE))
    fig.for_each_annotation(lambda a: a.update(text="學校 " + a.text.split("=")[-1]))
    fig.update_yaxes(tickformat=".0%")
    fig = styled(fig, title, pub.note)
    return Finding("category_trends", title, fig, _tables(pub, share_caption="占該校該學年度比率"), pub.note)


# Every finding a reader can ask for, by key: (menu label, analysis, its options).
CATALOGUE = {
    "categories_by_year_grade": ("多元表現類別分布（依學年度與年級）", categories_by_year_grade, {}),
    "categories_beside_slide": ("多元表現類別占比與學校簡報對照", categories_beside_slide, {}),
    "pass_rates_by_domain": ("第一次認證通過率（依課程領域）", pass_rates_by_domain, {}),
    "time_to_certification": ("從上傳到第一次認證的天數", time_to_certification, {}),
    "deadline_crowding_outcomes": ("課程學習成果的上傳時間與截止日", deadline_crowding, {"items": "outcomes"}),
    "deadline_crowding_performances": ("多元表現的上傳時間與截止日", deadline_crowding, {"items": "performances"}),
    "funnel_by_cohort": ("上傳到提交的流程（依入學年度）", funnel_by_cohort, {}),
    "funnel_by_class": ("上傳到提交的流程（各班）", funnel_by_class, {}),
    "selection_choices_outcomes": ("有選擇時勾選哪些課程學習成果", selection_choices, {"items": "outcomes"}),
    "selection_choices_performances": ("有選擇時勾選哪些多元表現", selection_choices, {"items": "performances"}),
    "selections_per_student": ("每位學生勾選的件數", selections_per_student, {}),
    "trends": ("各學年度指標趨勢", trends, {}),
    "category_trends": ("多元表現類別占比的學年度趨勢", category_trends, {}),
}


def run(key: str, data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """The finding `key` of the catalogue on `data`."""
    _, analysis, options = CATALOGUE[key]
    return analysis(data, k, **options)
