"""How course outcomes are certified: first-decision pass rates by domain, days to a first decision."""


import numpy as np
import pandas as pd

from ...domain.model import certification_result
from ..charts import PALETTE
from ..sources import ResearchData
from ..suppression import DEFAULT_K, check_threshold, publish
from .common import (
    TIME_BINS,
    Finding,
    count_table,
    counted,
    domain_names,
    domains,
    empty,
    rates_chart,
    stacked_shares,
    tables,
    tally,
)


def pass_rates_by_domain(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """First certification decisions by subject domain (course code characters 20–21): passed and failed."""
    k = check_threshold(k)
    title = "第一次認證結果（依課程領域）"
    passed, failed = certification_result(True), certification_result(False)
    names = domain_names(data)

    def count(part):
        decided = part.outcomes[part.outcomes["first_passed"].notna()]
        return {"decisions": count_table(domains(names, decided),
                                         decided["first_passed"].astype(bool).map(certification_result))}
    counts = counted(tally(data, count), "decisions", order=[passed, failed])
    total = int(counts.to_numpy().sum()) if not counts.empty else 0
    if not total:
        return empty("pass_rates_by_domain", title, "所選範圍內沒有已認證的課程學習成果")
    pub = publish(counts, k)
    rates = pub.shares[[passed]].rename(columns={passed: "通過率"})
    overall = float(counts[passed].sum() / total)
    fig = rates_chart(rates["通過率"], "第一次認證通過率", overall, f"全部領域 {overall:.1%}", PALETTE[0], title,
                       pub.note)
    return Finding("pass_rates_by_domain", title, fig,
                   (("件數", pub.counts, "count"), ("通過率", rates, "share")), pub.note,
                   facts={"decisions": total, "overall_pass_rate": overall})


def quantile(days: pd.Series, q: float) -> float:
    """The q-quantile of whole days given as a histogram (days → how many), as pandas' linear interpolation of
    the sorted values gives it."""
    days = days[days > 0].sort_index()
    n = int(days.sum())
    position = q * (n - 1)
    ends = np.cumsum(days.to_numpy())            # the last rank (0-based, +1) each day covers

    def at(rank: int) -> float:
        return float(days.index[int(np.searchsorted(ends, rank, side="right"))])
    low, high = int(np.floor(position)), int(np.ceil(position))
    return at(low) + (at(high) - at(low)) * (position - low)


def time_to_certification(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """Days from upload to the first certification decision, by subject domain."""
    k = check_threshold(k)
    title = "從上傳到第一次認證的天數（依課程領域）"
    names = domain_names(data)

    def count(part):
        done = part.outcomes[part.outcomes["first_certified_on"].notna()]
        days = (done["first_certified_on"] - done["uploaded_on"]).dt.days.clip(lower=0)
        return {"days": count_table(domains(names, done), days)}
    by_day = counted(tally(data, count), "days")
    if by_day.empty or not by_day.to_numpy().sum():
        return empty("time_to_certification", title, "所選範圍內沒有已認證的課程學習成果")
    labels = [label for _, label in TIME_BINS]
    edges = [-1] + [edge for edge, _ in TIME_BINS]
    bins = pd.cut(pd.Series(by_day.columns, index=by_day.columns), edges, labels=labels).astype(str)
    pub = publish(by_day.T.groupby(bins).sum().T.reindex(columns=labels, fill_value=0), k)
    sizes = by_day.sum(axis=1)
    stats = pd.DataFrame({"中位數（天）": [quantile(row, 0.5) for _, row in by_day.iterrows()],
                          "第 75 百分位（天）": [quantile(row, 0.75) for _, row in by_day.iterrows()]},
                         index=by_day.index)
    stats = stats[sizes >= k]
    fig = stacked_shares(pub, title, pub.note + "中位數只列出至少 k 件的領域。", x_title="占該領域比率")
    return Finding("time_to_certification", title, fig,
                   tables(pub) + (("天數", stats, "number"),), pub.note,
                   facts={"median_days": quantile(by_day.sum(), 0.5)})
