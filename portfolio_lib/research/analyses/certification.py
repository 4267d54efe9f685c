"""How course outcomes are certified: first-decision pass rates by domain, days to a first decision."""


import pandas as pd

from ...domain.model import certification_result
from ..charts import PALETTE
from ..sources import ResearchData
from ..suppression import DEFAULT_K, check_threshold, publish
from .common import TIME_BINS, Finding, count_table, domains, empty, rates_chart, stacked_shares, tables


def pass_rates_by_domain(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """First certification decisions by subject domain (course code characters 20–21): passed and failed."""
    k = check_threshold(k)
    title = "第一次認證結果（依課程領域）"
    decided = data.outcomes[data.outcomes["first_passed"].notna()]
    if decided.empty:
        return empty("pass_rates_by_domain", title, "所選範圍內沒有已認證的課程學習成果")
    passed, failed = certification_result(True), certification_result(False)
    result = decided["first_passed"].astype(bool).map(certification_result)
    pub = publish(count_table(domains(data, decided), result, order=[passed, failed]), k)
    rates = pub.shares[[passed]].rename(columns={passed: "通過率"})
    overall = float(decided["first_passed"].astype(bool).mean())
    fig = rates_chart(rates["通過率"], "第一次認證通過率", overall, f"全部領域 {overall:.1%}", PALETTE[0], title,
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
        return empty("time_to_certification", title, "所選範圍內沒有已認證的課程學習成果")
    days = (done["first_certified_on"] - done["uploaded_on"]).dt.days.clip(lower=0)
    edges = [-1] + [edge for edge, _ in TIME_BINS]
    bins = pd.cut(days, edges, labels=[label for _, label in TIME_BINS]).astype(str)
    domain = domains(data, done)
    pub = publish(count_table(domain, bins, order=[label for _, label in TIME_BINS]), k)
    groups = days.groupby(domain)
    stats = pd.DataFrame({"件數": groups.size(), "中位數（天）": groups.median(),
                          "第 75 百分位（天）": groups.quantile(0.75)})
    stats = stats[stats["件數"] >= k].drop(columns="件數")
    fig = stacked_shares(pub, title, pub.note + "中位數只列出至少 k 件的領域。", x_title="占該領域比率")
    return Finding("time_to_certification", title, fig,
                   tables(pub) + (("天數", stats, "number"),), pub.note,
                   facts={"median_days": float(days.median())})
