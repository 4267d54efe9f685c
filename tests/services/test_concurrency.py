"""Caps hold when real processes race on one SQLite file."""

import multiprocessing as mp
from datetime import datetime

import pytest
from sqlalchemy import func, select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.domain.errors import PortfolioError
from portfolio_lib.services.unit_of_work import Workbench

from ..conftest import IN_SELECTION, IN_UPLOAD, course_code, pdf

pytestmark = pytest.mark.slow
RACERS = 8


def _race(db: str, now: datetime, barrier, results, action: str, arg: int):
    wb = Workbench.open(db, clock=lambda: now, create=False)
    barrier.wait()
    try:
        if action == "select":
            services.select_for_submission(wb.uow(), "113001", "outcome", arg)
        else:
            services.upload_outcome(wb.uow(), "113002", 113, 1, course_code(arg), f"成果 {arg}",
                                    document=pdf(f"race-{arg}"))
        results.put("ok")
    except PortfolioError as err:
        results.put(type(err).__name__)


def _run(db, now, action, args):
    """Start one process per argument; they wait at a barrier and then act at the same moment."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(len(args)), ctx.Queue()
    racers = [ctx.Process(target=_race, args=(db, now, barrier, results, action, a)) for a in args]
    for racer in racers:
        racer.start()
    outcome = [results.get(timeout=120) for _ in racers]
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0
    return outcome


def test_racing_selections_leave_exactly_six(school, clock):
    ids = [school.passed_outcome("113001", n) for n in range(6)]
    clock.now = datetime(2025, 3, 1)
    ids += [school.passed_outcome("113001", n, term=(113, 2)) for n in range(6, 8)]
    results = _run(str(school.wb.engine.url.database), IN_SELECTION, "select", ids)
    assert sorted(results) == ["SelectionLimitReached"] * 2 + ["ok"] * 6
    with school.wb.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.selections)).scalar_one() == 6


def test_racing_uploads_leave_exactly_six(school):
    results = _run(str(school.wb.engine.url.database), IN_UPLOAD, "upload", list(range(RACERS)))
    assert sorted(results) == ["UploadLimitReached"] * 2 + ["ok"] * 6
    with school.wb.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.outcomes)).scalar_one() == 6
        files = conn.execute(select(func.count()).select_from(t.files)).scalar_one()
    assert files == 6 and len(school.wb.store.all_hashes()) == 6
