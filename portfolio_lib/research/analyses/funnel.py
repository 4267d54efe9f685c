"""From upload to submission, and what students select when they have a choice."""



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
    domains,
    empty,
    enrolled,
    rates_chart,
    stacked_shares,
    stage_table,
    tables,
    year_grade,
)


def funnel_by_cohort(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """How far each cohort's students got in each year (upload → certification → selection → submission), a
    cohort's years one under another."""
    k = check_threshold(k)
    title = "學習成果流程（依入學年度，逐學年）"
    stages = stage_table(data)
    cohort = entry_year(stages["academic_year"], stages["grade"]).astype(str) + " 入學｜"
    pub = publish(count_table(cohort + year_grade(stages, len(data.schools) > 1), stages["stage"].astype(str),
                          order=list(STAGES)), k)
    note = pub.note + "每列是該年級學生最遠走到的步驟；「已提交」一段即走完全程的學生。"
    fig = stacked_shares(pub, title, note, x_title="占該年級學生比率")
    return Finding("funnel_by_cohort", title, fig, tables(pub, count_caption="學生數（最遠走到的步驟）"), note)


def funnel_by_class(data: ResearchData, k: int = DEFAULT_K, year: int | None = None) -> Finding:
    """The furthest step each class's students reached in one academic year (default: the latest with submissions)."""
    k = check_threshold(k)
    stages = stage_table(data)
    if year is None:
        submitted = stages.loc[stages["stage"].astype(str) == STAGES[-1], "academic_year"]
        year = int(submitted.max()) if len(submitted) else max(data.years)
    title = f"{year} 學年各班學習成果流程"
    rows = stages[stages["academic_year"] == year]
    if rows.empty:
        return empty("funnel_by_class", title, f"{year} 學年沒有學生資料")
    label = rows["class_name"].astype(str) + " 班"
    if len(data.schools) > 1:
        label = rows["school_code"] + " " + label
    pub = publish(count_table(label, rows["stage"].astype(str), order=list(STAGES)), k)
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
    frame = data.outcomes[data.outcomes["status"] == OutcomeStatus.PASSED.value] if outcomes else data.performances
    if frame.empty:
        return empty(key, title, "所選範圍內沒有可勾選的項目")
    cap = data.selection_cap(frame, "outcomes" if outcomes else "performances")     # each school's own rule
    available = frame.groupby(["pid", "academic_year"])["pid"].transform("size")
    chose = frame[(available > cap) & (
        frame.groupby(["pid", "academic_year"])["selected"].transform("any"))]
    if chose.empty:
        return empty(key, title, "所選範圍內沒有學生在可勾選項目多於上限時做過勾選")
    if outcomes:
        group = domains(data, chose)
    else:
        group = chose["category"].map(lambda c: CATEGORIES[c].label)
    chosen = chose["selected"].map({True: "勾選", False: "未勾選"})
    pub = publish(count_table(group, chosen, order=["勾選", "未勾選"]), k)
    rates = pub.shares[["勾選"]].rename(columns={"勾選": "被勾選比率"}).sort_values("被勾選比率", ascending=False)
    overall = float(chose["selected"].mean())
    note = pub.note + f"只計入可勾選項目多於年度上限、且當年有勾選的學生（{chose['pid'].nunique():,} 人）。"
    fig = rates_chart(rates["被勾選比率"], "被勾選比率", overall, f"整體 {overall:.1%}", PALETTE[2], title, note)
    return Finding(key, title, fig, (("件數", pub.counts, "count"), ("被勾選比率", rates, "share")), note,
                   facts={"students_with_choice": int(chose["pid"].nunique()), "overall": overall})


def selections_per_student(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """How many course outcomes students select in a year (among those with at least one passed)."""
    k = check_threshold(k)
    title = "每位學生一學年勾選的課程學習成果件數"
    o = data.outcomes
    passed = o[o["status"] == OutcomeStatus.PASSED.value]
    if passed.empty:
        return empty("selections_per_student", title, "所選範圍內沒有通過認證的課程學習成果")
    per = passed.groupby(["pid", "academic_year"])["selected"].sum().rename("n").reset_index()
    per = enrolled(data, per)
    if per.empty:
        return empty("selections_per_student", title, "通過認證的成果沒有對應的在學紀錄")
    cap = int(data.selection_cap(per, "outcomes").max())
    count_label = per["n"].astype(int).map(lambda n: f"{n} 件")
    pub = publish(count_table(year_grade(per, len(data.schools) > 1), count_label,
                          order=[f"{n} 件" for n in range(cap + 1)]), k)
    fig = stacked_shares(pub, title, pub.note + "只計入當年至少有一件通過認證的學生。", x_title="占學生比率")
    return Finding("selections_per_student", title, fig, tables(pub, count_caption="學生數"), pub.note)
