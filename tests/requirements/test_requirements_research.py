"""Which codes students most often lack for the programmes they aim at: the de-identified table agrees with the
cabinet's own answer, names no programme, and its counts are published with small cells hidden."""

from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import select

from portfolio_lib.adapters import tables as t
from portfolio_lib.demo import build_demo
from portfolio_lib.queries import requirements as rq
from portfolio_lib.queries.cabinet import student_viewer
from portfolio_lib.research import analyses, deidentified_tables, export_deidentified, pseudonymiser
from portfolio_lib.research.sources import load_research_data
from portfolio_lib.services.unit_of_work import Workbench

AS_OF = datetime(2027, 3, 25, 10, 0)
KEY = b"research key"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    wb = Workbench.open(tmp_path_factory.mktemp("targets") / "demo.sqlite", clock=lambda: AS_OF)
    build_demo(wb, seed=7, students=150, as_of=AS_OF)
    yield wb
    wb.engine.dispose()


def test_the_research_table_is_the_cabinets_answer_without_the_programmes(demo):
    table = deidentified_tables(demo.engine, KEY)["target_codes"]
    pid = pseudonymiser(KEY)
    with demo.engine.connect() as conn:
        school = conn.execute(select(t.schools.c.code)).scalar_one()
        targeted = list(conn.execute(select(t.students.c.student_no).distinct()
                                     .join(t.programme_targets, t.programme_targets.c.student_id == t.students.c.id)
                                     .order_by(t.students.c.student_no)).scalars())
    assert len(targeted) >= 20 and table["pid"].nunique() == len(targeted)
    for student_no in targeted:
        reports = rq.student_requirements(demo.engine, student_viewer(demo.engine, student_no), 115, demo.policy)
        lacking = {c.code for r in reports for c in r.cover.missing}
        mine = table[table["pid"] == pid(school, student_no)]
        assert set(mine.loc[mine["lacking"], "code"]) == lacking, student_no
        asked = [c.code.code for r in reports for c in r.cover.codes if c.code.item_kind is not None]
        assert dict(zip(mine["code"], mine["programmes"])) == {c: asked.count(c) for c in set(asked)}
    shown = set(table.astype(str).to_numpy().ravel())
    assert not any(v.startswith("9000") or "大學" in v for v in shown)        # no programme code or name


def test_the_codes_students_lack_are_counted_once_per_student_and_small_cells_hidden(demo):
    data = load_research_data(databases=[demo.engine.url.database], key=KEY)
    finding = analyses.run("lacking_codes", data, k=5)
    counts = dict((caption, table) for caption, table, _ in finding.tables)["學生數"]
    table = deidentified_tables(demo.engine, KEY)["target_codes"]
    f = counts.loc[[i for i in counts.index if i.endswith("F 高中自主學習計畫與成果")][0]]
    truth = table[table["code"] == "F"]
    assert f["合計"] == len(truth)
    for column, flag in (("尚缺", True), ("已有勾選項目", False)):
        real = int((truth["lacking"] == flag).sum())
        assert (np.isnan(f[column]) and 0 < real < 5) or f[column] == real
    hidden = counts.drop(index="合計")[["尚缺", "已有勾選項目"]]
    assert not ((hidden > 0) & (hidden < 5)).to_numpy().any()          # no published cell below k
    assert finding.facts["students"] == table["pid"].nunique()


def test_an_export_made_before_programme_targets_still_reads(demo, tmp_path):
    export_deidentified(demo.engine, tmp_path, KEY)
    assert (tmp_path / "target_codes.parquet").is_file()
    (tmp_path / "target_codes.parquet").unlink()
    data = load_research_data(exports=[tmp_path])
    finding = analyses.run("lacking_codes", data)
    assert finding.figure is None and "沒有學生加入目標校系" in finding.note
    assert analyses.run("funnel_by_cohort", data).figure is not None
