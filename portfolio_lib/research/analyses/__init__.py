"""The research questions: each turns de-identified data into a finding fit to publish (tables and a chart).

Every count passes through `publish` (small cells hidden, complementary cells with them); every
share is computed from the full counts and shown only where its cell is; a mean or a median is
shown only for a group of at least k students or items.

The questions live by the report they belong to (categories, certification, deadlines, funnel, requirements,
trends); this module's catalogue names every finding a reader can ask for.
"""

from __future__ import annotations

from ..sources import ResearchData
from ..suppression import DEFAULT_K
from .categories import categories_beside_slide, categories_by_year_grade
from .certification import pass_rates_by_domain, time_to_certification
from .common import Finding
from .deadlines import deadline_crowding
from .funnel import funnel_by_class, funnel_by_cohort, selection_choices, selections_per_student
from .requirements import lacking_codes
from .trends import INDICATORS, category_trends, trends

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
    "lacking_codes": ("目標校系要求、學生尚缺的項目", lacking_codes, {}),
    "trends": ("各學年度指標趨勢", trends, {}),
    "category_trends": ("多元表現類別占比的學年度趨勢", category_trends, {}),
}


def run(key: str, data: ResearchData, k: int = DEFAULT_K) -> Finding:
    """The finding `key` of the catalogue on `data`."""
    _, analysis, options = CATALOGUE[key]
    return analysis(data, k, **options)


__all__ = ["CATALOGUE", "INDICATORS", "Finding", "categories_beside_slide", "categories_by_year_grade",
           "category_trends", "deadline_crowding", "funnel_by_class", "funnel_by_cohort", "pass_rates_by_domain",
           "run", "selection_choices", "selections_per_student", "time_to_certification", "trends"]
