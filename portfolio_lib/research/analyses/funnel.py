"""From upload to submission, and what students select when they have a choice."""

import pandas as pd

from ...domain.categories import CATEGORIES
from ...domain.grades import entry_year
from ...domain.model import OutcomeStatus
from ..charts import PALETTE
from ..sources import ResearchData
from ..suppression import DEFAULT_K, check_threshold, publish
from .common import (
    STAGES,
    Finding,
    count_table,
    counted,
    domain_names,
    domains,
    empty,
    enrolled,
    rates_chart,
    stacked_shares,
    stage_table,
    tables,
    tally,
    year_grade,
)


def funnel_by_cohort(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """How far each cohort's students got in each year (upload → certification → selection → submission), a
    cohort's years one under another."""
    k = check_threshold(k)
    title = "學習成果流程（依入學年度，逐學年）"
    several = len(data.schools) > 1

    def count(part):
        stages = stage_table(part)
        cohort = entry_year(stages["academic_year"], stages["grade"]).astype(str) + " 入學｜"
        return {"students": count_table(cohort + year_grade(stages, several), stages["stage"].astype(str))}
    pub = publish(counted(tally(data, count), "students", order=list(STAGES)), k)
    note = pub.note + "每列是該年級學生最遠走到的步驟；「已提交」一段即走完全程的學生。"
    fig = stacked_shares(pub, title, note, x_title="占該年級學生比率")
    return Finding("funnel_by_cohort", title, fig, tables(pub, count_caption="學生數（最遠走到的步驟）"), note)


def funnel_by_class(data: ResearchData, k: int = DEFAULT_K, year: int | None = None) -> Finding:
    """The furthest step each class's students reached in one academic year (default: the latest with submissions)."""
    k = check_threshold(k)
    several = len(data.schools) > 1

    def count(part):
        stages = stage_table(part)
        label = stages["class_name"].astype(str) + " 班"
        if several:
            label = stages["school_code"] + " " + label
        return {"students": count_table(stages["academic_year"].astype(str) + "｜" + label,
                                        stages["stage"].astype(str))}
    counts = counted(tally(data, count), "students", order=list(STAGES))
    years = counts.index.str.split("｜").str[0].astype(int) if len(counts) else pd.Index([], dtype=int)
    if year is None:
        submitted = years[counts[STAGES[-1]].to_numpy() > 0] if len(counts) else years
        year = int(submitted.max()) if len(submitted) else max(data.years)
    title = f"{year} 學年各班學習成果流程"
    rows = counts[years == year]
    if rows.empty:
        return empty("funnel_by_class", title, f"{year} 學年沒有學生資料")
    pub = publish(rows.set_axis(rows.index.str.split("｜", n=1).str[1]).sort_index(), k)
    fig = stacked_shares(pub, title, pub.note, x_title="占全班比率")
    return Finding("funnel_by_class", title, fig, tables(pub, count_caption="學生數（最遠走到的步驟）",
                                                          share_caption="占全班比率"), pub.note,
                   facts={"year": year})


def selection_choices(data: ResearchData, k: int = DEFAULT_K, items: str = "outcomes") -> Finding:
    """What students select when they have more items than the yearly cap: the share selected of each
    subject domain (course outcomes) or category (多元表現), among students with a choice."""
    k = check_threshold(k)
    outcomes = items == "outcomes"
    key = f"selection_choices_{items}"
    title = ("有選擇時勾選哪些課程學習成果（依課程領域）" if outcomes else "有選擇時勾選哪些多元表現（依類別）")
    names = domain_names(data)

    def count(part):
        frame = part.outcomes[part.outcomes["status"] == OutcomeStatus.PASSED.value] if outcomes else part.performances
        cap = part.selection_cap(frame, "outcomes" if outcomes else "performances")     # each school's own rule
        available = frame.groupby(["pid", "academic_year"])["pid"].transform("size")
        chose = frame[(available > cap) & (frame.groupby(["pid", "academic_year"])["selected"].transform("any"))]
        group = domains(names, chose) if outcomes else chose["category"].map(lambda c: CATEGORIES[c].label)
        return {"items": count_table(group, chose["selected"].map({True: "勾選", False: "未勾選"})),
                "available": len(frame), "students": int(chose["pid"].nunique())}
    total = tally(data, count)
    if not total.get("available"):
        return empty(key, title, "所選範圍內沒有可勾選的項目")
    counts = counted(total, "items", order=["勾選", "未勾選"])
    if counts.empty or not counts.to_numpy().sum():
        return empty(key, title, "所選範圍內沒有學生在可勾選項目多於上限時做過勾選")
    pub = publish(counts, k)
    rates = pub.shares[["勾選"]].rename(columns={"勾選": "被勾選比率"}).sort_values("被勾選比率", ascending=False)
    overall = float(counts["勾選"].sum() / counts.to_numpy().sum())
    note = pub.note + f"只計入可勾選項目多於年度上限、且當年有勾選的學生（{total['students']:,} 人）。"
    fig = rates_chart(rates["被勾選比率"], "被勾選比率", overall, f"整體 {overall:.1%}", PALETTE[2], title, note)
    return Finding(key, title, fig, (("件數", pub.counts, "count"), ("被勾選比率", rates, "share")), note,
                   facts={"students_with_choice": total["students"], "overall": overall})


def selections_per_student(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """How many course outcomes students select in a year (among those with at least one passed)."""
    k = check_threshold(k)
    title = "每位學生一學年勾選的課程學習成果件數"
    several = len(data.schools) > 1

    def count(part):
        o = part.outcomes
        passed = o[o["status"] == OutcomeStatus.PASSED.value]
        per = enrolled(part, passed.groupby(["pid", "academic_year"])["selected"].sum().rename("n").reset_index())
        caps = part.selection_cap(per, "outcomes")
        return {"passed": len(passed), "students": count_table(year_grade(per, several), per["n"].astype(int)),
                "most_cap": int(caps.max()) if len(caps) else None}
    total = tally(data, count)
    if not total.get("passed"):
        return empty("selections_per_student", title, "所選範圍內沒有通過認證的課程學習成果")
    counts = counted(total, "students")
    if counts.empty or not counts.to_numpy().sum():
        return empty("selections_per_student", title, "通過認證的成果沒有對應的在學紀錄")
    cap = total["most_cap"]
    pub = publish(counts.reindex(columns=list(range(cap + 1)), fill_value=0)
                  .rename(columns=lambda n: f"{n} 件"), k)
    fig = stacked_shares(pub, title, pub.note + "只計入當年至少有一件通過認證的學生。", x_title="占學生比率")
    return Finding("selections_per_student", title, fig, tables(pub, count_caption="學生數"), pub.note)
