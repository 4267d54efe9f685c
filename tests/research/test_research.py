"""The researchers' door: keyed pseudonyms, no identifying columns, small cells protected."""

import re
from datetime import datetime
from itertools import product

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from portfolio_lib.demo import build_demo
from portfolio_lib.research import (
    DATA_DICTIONARY,
    deidentified_tables,
    export_deidentified,
    pseudonymiser,
    suppress,
    suppressed_shares,
)
from portfolio_lib.services.unit_of_work import Workbench

AS_OF = datetime(2026, 11, 28, 10, 0)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    wb = Workbench.open(tmp_path_factory.mktemp("research") / "demo.sqlite")
    build_demo(wb, seed=5, students=102, as_of=AS_OF)
    return wb


def test_pseudonyms_are_stable_within_a_key_and_unlinkable_across_keys():
    a, b = pseudonymiser(b"key one"), pseudonymiser(b"key two")
    assert a("330301", "113001") == a("330301", "113001")
    assert a("330301", "113001") != a("330301", "113002")
    assert a("330301", "113001") != b("330301", "113001")
    assert a("330301", "113001") != a("330302", "113001")


def test_an_export_joins_within_itself_but_not_with_another_key(demo):
    one, two = deidentified_tables(demo.engine, b"one"), deidentified_tables(demo.engine, b"two")
    assert set(one["outcomes"]["pid"]) <= set(one["students"]["pid"])
    assert not set(one["students"]["pid"]) & set(two["students"]["pid"])
    assert len(one["students"]) == len(two["students"])


def test_no_column_can_hold_a_name_an_id_number_or_a_birth_date(demo):
    with demo.engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM students"))}
        ids = {r[0] for r in conn.execute(text("SELECT id_number FROM students"))}
        births = {r[0] for r in conn.execute(text("SELECT birth_date FROM students"))}
    birth_texts = {str(b)[:10] for b in births}
    for name, table in deidentified_tables(demo.engine, b"k").items():
        assert set(table.columns) == set(DATA_DICTIONARY[name]), name
        for column in table.columns:
            values = set(table[column].map(str))
            assert not values & names and not values & ids, (name, column)
            assert not any(re.fullmatch(r"[A-Z][1289]\d{8}", v) for v in values), (name, column)
            assert not {v[:10] for v in values} & birth_texts, (name, column)
    students = deidentified_tables(demo.engine, b"k")["students"]
    assert students["birth_year"].between(1990, 2015).all()


def test_the_export_writes_parquet_csv_with_bom_and_the_dictionary(demo, tmp_path):
    written = export_deidentified(demo.engine, tmp_path, b"k")
    assert {p.name for p in written} >= {"outcomes.parquet", "outcomes.csv", "data_dictionary.csv"}
    assert (tmp_path / "students.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_parquet(tmp_path / "performances.parquet")
    assert len(back) == len(deidentified_tables(demo.engine, b"k")["performances"])


def test_cells_below_k_are_hidden():
    counts = pd.DataFrame([[50, 3, 40], [20, 30, 25]], index=["a", "b"], columns=["x", "y", "z"])
    shown = suppress(counts, k=10)
    assert np.isnan(shown.loc["a", "y"])
    assert shown.loc["b", "x"] == 20 or np.isnan(shown.loc["b", "x"])


def _recoverable(shown: pd.DataFrame) -> bool:
    """A hidden cell is recoverable from published totals when its row or column hides only it."""
    hidden = shown.isna().to_numpy()
    return bool((hidden.sum(axis=1) == 1).any() or (hidden.sum(axis=0) == 1).any())


@pytest.mark.parametrize("seed", range(30))
def test_no_hidden_value_can_be_recovered_from_the_margins(seed):
    rng = np.random.default_rng(seed)
    counts = pd.DataFrame(rng.integers(0, 40, size=(5, 6)))
    shown = suppress(counts, k=10)
    assert not _recoverable(shown)
    assert (shown.isna() | (shown >= 10) | (shown == 0)).all().all()
    visible = shown.notna().to_numpy()
    assert (shown.to_numpy()[visible] == counts.to_numpy()[visible]).all()


def test_shares_come_from_all_counts_but_show_only_where_the_count_shows():
    counts = pd.DataFrame([[50, 3, 47], [20, 30, 50]], columns=["x", "y", "z"])
    shares, shown = suppressed_shares(counts, k=10), suppress(counts, k=10)
    assert shares.loc[0, "x"] == pytest.approx(0.5)
    for i, j in product(counts.index, counts.columns):
        if np.isnan(shown.loc[i, j]):
            assert np.isnan(shares.loc[i, j])
        else:
            assert shares.loc[i, j] == pytest.approx(counts.loc[i, j] / counts.loc[i].sum())


def test_every_cell_pattern_of_a_small_table_is_protected():
    for cells in product([0, 3, 12], repeat=4):
        counts = pd.DataFrame(np.array(cells).reshape(2, 2))
        assert not _recoverable(suppress(counts, k=10)), cells
