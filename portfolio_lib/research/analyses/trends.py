"""Indicators across years and schools, and the categories' shares over the years."""


import pandas as pd
import plotly.express as px

from ...domain.categories import CATEGORIES
from ...reference import slide_reference
from ..charts import PALETTE, styled
from ..sources import ResearchData
from ..suppression import DEFAULT_K, check_threshold, publish
from .common import STAGES, Finding, count_table, counted, empty, share_if_safe, stage_table, tables, tally

INDICATORS = ("在學學生數", "每生上傳成果件數", "有上傳成果的學生比率", "第一次認證通過率", "每生多元表現件數",
              "有提交項目的學生比率")


def trends(data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """Indicators for each school and academic year."""
    k = check_threshold(k)
    title = "各校各學年度指標趨勢"

    def count(part):
        stages = stage_table(part)
        o, p = part.outcomes, part.performances
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
                         "有上傳成果的學生比率": share_if_safe(int((group["stage"].astype(str) != STAGES[0]).sum()),
                                                          n, k),
                         "第一次認證通過率": share_if_safe(passes, len(decided), k),
                         "每生多元表現件數": ((p["school_code"] == school) & (p["academic_year"] == year)).sum() / n,
                         "有提交項目的學生比率": share_if_safe(
                             int(group["any_submitted"].fillna(False).astype(bool).sum()), n, k)})
        return {"rows": rows}
    rows = tally(data, count).get("rows", [])
    if not rows:
        return empty("trends", title, f"沒有任何學校學年度的學生數達 {k} 人")
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
    slide = slide_reference()
    items = dict(zip(slide["code"], slide["code"] + " " + slide["item"]))

    def count(part):
        perf = part.performances
        rows = perf["school_code"] + " " + perf["academic_year"].astype(str) + " 學年"
        return {"records": count_table(rows, perf["category"].map(lambda key: items[CATEGORIES[key].application_code]))}
    counts = counted(tally(data, count), "records", order=list(items.values()))
    if counts.empty or not counts.to_numpy().sum():
        return empty("category_trends", title, "所選範圍內沒有多元表現紀錄")
    pub = publish(counts, k)
    long = pub.shares.stack(future_stack=True).rename("比率").reset_index()
    long.columns = ["列", "項目", "比率"]
    long[["學校", "學年度"]] = long["列"].str.extract(r"^(\S+) (\d+) 學年$")
    fig = px.line(long.dropna(subset=["比率"]), x="學年度", y="比率", color="項目", facet_col="學校", markers=True,
                  color_discrete_sequence=list(PALETTE))
    fig.for_each_annotation(lambda a: a.update(text="學校 " + a.text.split("=")[-1]))
    fig.update_yaxes(tickformat=".0%")
    fig = styled(fig, title, pub.note)
    return Finding("category_trends", title, fig, tables(pub, share_caption="占該校該學年度比率"), pub.note)
