"""What the programmes students aim at ask for, and which of those item codes students most often lack."""

import pandas as pd

from ...domain.admission import CODE_TABLES, System
from ..sources import ResearchData
from ..suppression import DEFAULT_K, check_threshold, publish
from .common import Finding, count_table, counted, empty, stacked_shares, tables, tally

LACKING, HELD = "尚缺", "已有勾選項目"


def lacking_codes(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """For each item code the students' target programmes ask for: how many of those students have nothing
    selected that fits it, and how many do (students, not programmes: a student aiming at three programmes that
    ask for F counts once)."""
    k = check_threshold(k)
    title = "目標校系要求的項目：學生尚缺與已有的人數"

    def count(part):
        rows = part.target_codes
        if rows.empty:
            return {}
        label = [f"{CODE_TABLES[System(s)].label}｜{c} {CODE_TABLES[System(s)].codes[c].label}"
                 for s, c in zip(rows["system"], rows["code"])]
        state = rows["lacking"].astype(bool).map({True: LACKING, False: HELD})
        return {"students": count_table(pd.Series(label, index=rows.index), state),
                "people": int(rows["pid"].nunique())}
    total = tally(data, count)
    counts = counted(total, "students", order=[LACKING, HELD])
    if counts.empty or not counts.to_numpy().sum():
        return empty("lacking_codes", title, "所選範圍內沒有學生加入目標校系")
    counts = counts.loc[(counts[LACKING] / counts.sum(axis=1)).sort_values().index]
    pub = publish(counts, k)
    note = (pub.note + "每列是目標校系要求該代碼的學生；「尚缺」是沒有任何已勾選的項目符合該代碼。"
            "修課紀錄由學校提供，綜整心得與學習歷程自述於申請時撰寫，不列入。")
    fig = stacked_shares(pub, title, note, x_title="占目標校系要求此項的學生比率")
    return Finding("lacking_codes", title, fig, tables(pub, count_caption="學生數"), note,
                   facts={"students": total.get("people", 0)})
