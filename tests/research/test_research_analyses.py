"""Research findings: every published table protects small cells, every rule is checked at its boundary,
and findings agree with what the database says when counted another way."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from portfolio_lib.demo import build_demo
from portfolio_lib.domain.errors import InvalidThreshold, NoResearchData, ResearchSourceInvalid, SchoolInTwoSources
from portfolio_lib.research import DATA_DICTIONARY, export_deidentified, publish
from portfolio_lib.research import analyses as a
from portfolio_lib.research.sources import ResearchData, combine, from_database, from_export, load_research_data
from portfolio_lib.research.suppression import TOTAL, check_threshold
from portfolio_lib.services.unit_of_work import Workbench

AS_OF = datetime(2026, 11, 28, 10, 0)
ALL = [a.categories_by_year_grade, a.categories_beside_slide, a.pass_rates_by_domain, a.time_to_certification,
       lambda d, k: a.deadline_crowding(d, k, "outcomes"), lambda d, k: a.deadline_crowding(d, k, "performances"),
       a.funnel_by_cohort, a.funnel_by_class, lambda d, k: a.selection_choices(d, k, "outcomes"),
       lambda d, k: a.selection_choices(d, k, "performances"), a.selections_per_student, a.trends,
       a.category_trends]


@pytest.fixture(scope="module")
def schools(tmp_path_factory):
    """Two demo schools in two databases: 240 and 102 students a year."""
    folder = tmp_path_factory.mktemp("schools")
    one, two = folder / "one.sqlite", folder / "two.sqlite"
    build_demo(Workbench.open(one), seed=11, students=240, as_of=AS_OF)
    build_demo(Workbench.open(two), seed=12, students=102, as_of=AS_OF, school_code="999302", school_name="第二高中")
    return one, two


@pytest.fixture(scope="module")
def both(schools):
    return load_research_data(list(schools))


# --- publishing ---------------------------------------------------------------------------------

def test_the_threshold_must_be_a_whole_number_of_at_least_two():
    assert check_threshold(2) == 2
    for bad in (1, 0, -5, True, "10", 2.5):
        with pytest.raises(InvalidThreshold):
            check_threshold(bad)


def test_a_count_of_k_minus_one_is_hidden_and_a_count_of_k_is_shown():
    counts = pd.DataFrame({"x": [9, 12, 40], "y": [12, 9, 40], "z": [40, 40, 10]}, index=["a", "b", "c"])
    shown = publish(counts, k=10).counts
    assert np.isnan(shown.loc["a", "x"]) and np.isnan(shown.loc["b", "y"])
    assert shown.loc["c", "z"] == 10


def test_rows_below_k_are_left_out_whole_and_totals_cover_only_the_rows_shown():
    counts = pd.DataFrame({"x": [5, 30, 25], "y": [4, 20, 35]}, index=["small", "b", "c"])
    pub = publish(counts, k=10)
    assert "small" not in pub.counts.index and pub.dropped_rows == 1
    assert pub.counts.loc[TOTAL, "x"] == 55 and pub.counts.loc[TOTAL, TOTAL] == 110
    assert "1 列合計少於 10" in pub.note


def test_a_group_of_exactly_k_is_kept():
    counts = pd.DataFrame({"x": [10, 30], "y": [0, 20]}, index=["ten", "b"])
    assert "ten" in publish(counts, k=10).counts.index


def _hidden_lines_are_safe(table: pd.DataFrame) -> bool:
    """No row or column (the totals row among them) hides exactly one cell."""
    cells = table.drop(columns=TOTAL, errors="ignore").isna().to_numpy()
    inner = table.drop(index=TOTAL, columns=TOTAL, errors="ignore").isna().to_numpy()
    return not ((cells.sum(axis=1) == 1).any() or (inner.sum(axis=0) == 1).any())


@pytest.mark.parametrize("analysis", ALL, ids=lambda f: getattr(f, "__name__", "lambda"))
def test_no_finding_publishes_a_small_cell_or_a_recoverable_one(both, schools, analysis):
    for data in (both, load_research_data([schools[1]])):
        finding = analysis(data, 10)
        for caption, table, kind in finding.tables:
            values = table.to_numpy(dtype=float)
            if kind == "count":
                shown = values[~np.isnan(values)]
                assert not ((shown > 0) & (shown < 10)).any(), (finding.key, caption)
                assert _hidden_lines_are_safe(table), (finding.key, caption)
        counts = [t for _, t, kind in finding.tables if kind == "count"]
        shares = [t for _, t, kind in finding.tables if kind == "share"]
        if counts and shares and shares[0].shape == counts[0].drop(index=TOTAL, columns=TOTAL,
                                                                   errors="ignore").shape:
            hidden = counts[0].drop(index=TOTAL, columns=TOTAL).isna().to_numpy()
            assert np.isnan(shares[0].to_numpy(dtype=float)[hidden]).all(), finding.key


def test_a_higher_threshold_hides_more(schools):
    data = load_research_data([schools[1]])
    low = a.funnel_by_class(data, 5).tables[0][1].isna().to_numpy().sum()
    high = a.funnel_by_class(data, 30).tables[0][1].isna().to_numpy().sum()
    assert high > low


# --- sources ------------------------------------------------------------------------------------

def test_two_databases_combine_and_a_school_cannot_come_twice(schools, both):
    assert both.schools == ["999301", "999302"]
    assert both.years == [113, 114, 115]
    with pytest.raises(SchoolInTwoSources) as err:
        load_research_data([schools[0], schools[0]])
    assert "999301" in err.value.message


def test_an_export_reads_back_as_the_database_read_with_the_same_key(schools, tmp_path):
    wb = Workbench.open(schools[1])
    export_deidentified(wb.engine, tmp_path, b"shared key")
    direct, exported = from_database(schools[1], b"shared key"), from_export(tmp_path)
    assert list(exported.catalogue()["school_code"]) == ["999302"]
    pd.testing.assert_frame_equal(direct.catalogue().drop(columns="source"),
                                  exported.catalogue().drop(columns="source"))
    for name in DATA_DICTIONARY:
        pd.testing.assert_frame_equal(getattr(direct.load("999302"), name), getattr(exported.load("999302"), name),
                                      check_dtype=False)
    mixed = combine([from_database(schools[0], b"other key"), exported])
    assert mixed.schools == ["999301", "999302"]


def test_bad_sources_are_refused_with_a_reason(tmp_path):
    with pytest.raises(ResearchSourceInvalid, match="找不到"):
        load_research_data([tmp_path / "missing.sqlite"])
    (tmp_path / "notes.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(ResearchSourceInvalid, match="不是學習歷程工作台的資料庫"):
        load_research_data([tmp_path / "notes.sqlite"])
    (tmp_path / "half").mkdir()
    pd.DataFrame({"pid": ["P1"]}).to_parquet(tmp_path / "half" / "students.parquet")
    with pytest.raises(ResearchSourceInvalid, match="outcomes.parquet"):
        load_research_data(exports=[tmp_path / "half"])


def test_narrowing_to_a_school_or_year_that_is_not_there_is_refused(both):
    assert both.where(schools=["999302"]).schools == ["999302"]
    assert both.where(years=[114]).years == [114]
    with pytest.raises(NoResearchData, match="000000"):
        both.where(schools=["000000"])
    with pytest.raises(NoResearchData, match="99"):
        both.where(years=[99])


def test_with_no_source_a_researchers_own_export_is_read_before_any_database(schools, monkeypatch, tmp_path):
    from portfolio_lib.services.unit_of_work import Workbench
    export_deidentified(Workbench.open(schools[0]).engine, tmp_path / "export", b"a key of sixteen+")
    monkeypatch.setenv("PORTFOLIO_DB", str(schools[1]))
    monkeypatch.setenv("PORTFOLIO_RESEARCH_EXPORT", str(tmp_path / "export"))
    assert load_research_data().schools == ["999301"]


def test_with_no_source_the_database_of_portfolio_db_is_read(schools, monkeypatch):
    monkeypatch.delenv("PORTFOLIO_RESEARCH_EXPORT", raising=False)
    monkeypatch.setenv("PORTFOLIO_DB", str(schools[1]))
    assert load_research_data().schools == ["999302"]
    monkeypatch.delenv("PORTFOLIO_DB")
    with pytest.raises(NoResearchData):
        load_research_data()


# --- findings against the database and hand-made data ------------------------------------------

def test_the_pass_rate_is_the_first_decisions_counted_in_sql(schools):
    with Workbench.open(schools[0]).engine.connect() as conn:
        passed, total = conn.execute(text(
            "SELECT SUM(c.passed), COUNT(*) FROM certifications c "
            "WHERE c.id = (SELECT MIN(id) FROM certifications WHERE outcome_id = c.outcome_id)")).one()
    finding = a.pass_rates_by_domain(load_research_data([schools[0]]), 10)
    assert finding.facts["decisions"] == total
    assert finding.facts["overall_pass_rate"] == pytest.approx(passed / total)
    assert finding.tables[0][1].loc[TOTAL, TOTAL] == total


def test_the_slide_column_is_the_guides_chart(both):
    table = a.categories_beside_slide(both, 10).tables[0][1]
    assert table["學校簡報"].sum() == pytest.approx(1.0)
    assert table.loc[table.index.str.startswith("F"), "學校簡報"].iloc[0] == pytest.approx(1683 / 5835)
    for column in table.columns[1:]:
        if table[column].notna().all():
            assert table[column].sum() == pytest.approx(1.0)


def _tiny(outcomes: list[dict] = (), performances: list[dict] = (), students: int = 40,
          outcome_cap: int = 6) -> ResearchData:
    """A hand-made school: `students` grade-10 students in class 101 in 113, one upload deadline 114-01-25,
    `outcome_cap` outcomes and 10 多元表現 selected a year."""
    pids = [f"P{n:03d}" for n in range(students)]
    frames = {
        "students": pd.DataFrame({"pid": pids, "school_code": "999399", "entry_year": 113, "birth_year": 2008}),
        "enrolments": pd.DataFrame({"pid": pids, "academic_year": 113, "grade": 10, "class_name": "101"}),
        "deadlines": pd.DataFrame([
            {"school_code": "999399", "academic_year": 113, "semester": 1, "kind": "upload_1",
             "opens_on": pd.Timestamp("2024-09-01"), "closes_on": pd.Timestamp("2025-01-25")},
            {"school_code": "999399", "academic_year": 113, "semester": 0, "kind": "performance_upload",
             "opens_on": pd.Timestamp("2024-08-01"), "closes_on": pd.Timestamp("2025-07-31")}]),
        "selection_caps": pd.DataFrame([{"school_code": "999399", "academic_year": 113, "outcomes": outcome_cap,
                                         "performances": 10}]),
    }
    base = {"academic_year": 113, "semester": 1, "course_domain": "02", "course_type": "1", "status": "passed",
            "uploaded_on": pd.Timestamp("2025-01-10"), "sent_on": pd.NaT, "first_certified_on": pd.NaT,
            "first_passed": pd.NA, "certified_on": pd.NaT, "certifications": 0, "has_document": True,
            "has_video": False, "selected": False, "submitted": False}
    frames["outcomes"] = pd.DataFrame([{**base, **row} for row in outcomes], columns=list(DATA_DICTIONARY["outcomes"]))
    pbase = {"academic_year": 113, "semester": 1, "category": "competition", "synced": False,
             "uploaded_on": pd.Timestamp("2025-03-01"), "has_document": True, "has_video": False,
             "selected": False, "submitted": False}
    frames["performances"] = pd.DataFrame([{**pbase, **row} for row in performances],
                                          columns=list(DATA_DICTIONARY["performances"]))
    frames["outcomes"]["first_passed"] = frames["outcomes"]["first_passed"].astype("boolean")
    return ResearchData.from_tables(frames, source="hand-made")


def test_uploads_fall_in_the_crowding_bin_of_their_day_relative_to_the_deadline():
    deadline = pd.Timestamp("2025-01-25")
    days = [-31, -31, -30, -8, -7, -2, -1, 0, 1, 1]
    rows = [{"pid": f"P{n:03d}", "uploaded_on": deadline + pd.Timedelta(days=d)} for n, d in enumerate(days)]
    table = a.deadline_crowding(_tiny(rows), 2).tables[0][1]
    assert table.loc["113-1"].drop(TOTAL).to_dict() == {
        "截止前 31 天以上": 2, "截止前 8–30 天": 2, "截止前 2–7 天": 2, "截止前一天與當天": 2, "截止後": 2}


def test_days_to_certification_fall_in_their_bin_at_each_edge():
    uploaded = pd.Timestamp("2025-01-01")
    days = [3, 3, 4, 7, 8, 14, 15, 30, 31, 31]
    rows = [{"pid": f"P{n:03d}", "uploaded_on": uploaded, "first_certified_on": uploaded + pd.Timedelta(days=d),
             "first_passed": True} for n, d in enumerate(days)]
    table = a.time_to_certification(_tiny(rows), 2).tables[0][1]
    assert table.loc["數學"].drop(TOTAL).to_dict() == {"3 天內": 2, "4–7 天": 2, "8–14 天": 2, "15–30 天": 2,
                                                      "31 天以上": 2}


def test_a_student_with_seven_passed_outcomes_has_a_choice_and_one_with_six_does_not():
    rows = []
    for pid, n in (("P001", 7), ("P002", 6)):
        for i in range(n):
            rows.append({"pid": pid, "course_domain": "01" if i % 2 else "02", "selected": i < 6})
    finding = a.selection_choices(_tiny(rows), 2, "outcomes")
    assert finding.facts["students_with_choice"] == 1
    assert finding.tables[0][1].loc[TOTAL, TOTAL] == 7


def test_a_school_that_allows_seven_selections_gives_seven_passed_outcomes_no_choice():
    rows = [{"pid": "P001", "course_domain": "01" if i % 2 else "02", "selected": True} for i in range(7)]
    assert a.selection_choices(_tiny(rows), 2, "outcomes").facts["students_with_choice"] == 1
    finding = a.selection_choices(_tiny(rows, outcome_cap=7), 2, "outcomes")
    assert finding.figure is None and "沒有學生" in finding.note


def test_the_export_carries_each_schools_own_selection_caps(school):
    from portfolio_lib import services
    from portfolio_lib.research import deidentified_tables

    from ..conftest import ADMIN
    before = deidentified_tables(school.wb.engine, b"k")["selection_caps"]
    assert before.to_dict("records") == [{"school_code": "330301", "academic_year": 113, "outcomes": 6,
                                          "performances": 10}]
    services.set_policy_overrides(school.uow(), {"outcomes": {"selection_cap_per_year": {"113-1": 4}}}, actor=ADMIN)
    after = deidentified_tables(school.wb.engine, b"k")["selection_caps"]
    assert after.loc[0, "outcomes"] == 4 and after.loc[0, "performances"] == 10


def test_each_student_is_counted_at_the_furthest_step_reached():
    rows = ([{"pid": "P000", "status": "uploaded"}] * 1 + [{"pid": f"P{n:03d}", "status": "uploaded"}
                                                          for n in range(1, 11)]
            + [{"pid": f"P{n:03d}", "status": "passed"} for n in range(11, 21)]
            + [{"pid": f"P{n:03d}", "status": "passed", "selected": True, "submitted": True} for n in range(21, 31)])
    table = a.funnel_by_cohort(_tiny(rows, students=41), 10).tables[0][1]
    row = table.loc["113 入學｜113 學年 10 年級"]
    assert row["已提交"] == 10 and row["已通過認證"] == 10 and row["未上傳成果"] == 10 and row["已上傳"] == 11
    assert row["已勾選"] == 0 and row[TOTAL] == 41


def test_trends_leave_out_a_school_year_with_fewer_than_k_students(both):
    table = a.trends(both, 10).tables[0][1]
    assert set(table.index) == {f"{s} {y} 學年" for s in ("999301", "999302") for y in (113, 114, 115)}
    assert a.trends(_tiny(students=9), 10).figure is None
    assert "沒有任何學校學年度的學生數達 10 人" in a.trends(_tiny(students=9), 10).note


def test_an_empty_selection_gives_a_finding_that_says_so():
    finding = a.categories_by_year_grade(_tiny(), 10)
    assert finding.figure is None and finding.tables == () and "沒有多元表現紀錄" in finding.note


def test_a_city_is_read_one_school_at_a_time_and_adds_up_to_what_the_database_counts(tmp_path, monkeypatch):
    """A city's database is never read whole: every analysis loads one school's de-identified rows at a time and adds
    the schools' counts up, to the same findings as the city's tables held in memory, and to the database's own
    counts."""
    from portfolio_lib.demo import build_city
    from portfolio_lib.research import deidentified_tables
    from portfolio_lib.research.sources import DatabaseSource
    db = tmp_path / "city.sqlite"
    wb = Workbench.open(db)
    build_city(wb, 3, seed=50, students=60, as_of=AS_OF)
    whole = ResearchData.from_tables(deidentified_tables(wb.engine, b"city key"), "whole")
    loads = []
    load = DatabaseSource.load

    def one_school(self, code):
        part = load(self, code)
        loads.append((code, part.schools))
        return part
    monkeypatch.setattr(DatabaseSource, "load", one_school)
    city = load_research_data([db], key=b"city key")
    assert city.schools == ["999301", "999302", "999303"] and loads == []
    for analysis in ALL:
        read, held = analysis(city, 10), analysis(whole, 10)
        assert read.note == held.note and read.facts == pytest.approx(held.facts)
        for (_, one, _), (_, other, _) in zip(read.tables, held.tables, strict=True):
            pd.testing.assert_frame_equal(one, other, check_dtype=False)
    assert all(schools == [code] for code, schools in loads) and len(loads) == 3 * len(ALL)
    with wb.engine.connect() as conn:
        passed, total = conn.execute(text(
            "SELECT SUM(c.passed), COUNT(*) FROM certifications c "
            "WHERE c.id = (SELECT MIN(id) FROM certifications WHERE outcome_id = c.outcome_id)")).one()
        enrolled = conn.execute(text("SELECT count(*) FROM enrolments")).scalar()
    facts = a.pass_rates_by_domain(city, 10).facts
    assert facts["decisions"] == total and facts["overall_pass_rate"] == pytest.approx(passed / total)
    assert int(a.funnel_by_cohort(city, 2).tables[0][1].loc[TOTAL, TOTAL]) == enrolled
