"""Caps hold when real processes race on one database: a SQLite file (its one write lock), or PostgreSQL (a lock
per student, no global lock). Eight processes wait at a barrier and then try at the same moment."""

import multiprocessing as mp
from datetime import datetime

import pytest
from sqlalchemy import func, select

from portfolio_lib import services
from portfolio_lib.adapters import tables as t
from portfolio_lib.domain.errors import PortfolioError
from portfolio_lib.services.unit_of_work import Workbench

from ..conftest import ADMIN, IN_SELECTION, IN_UPLOAD, course_code, pdf
from ..domain.test_domain_rules import VALID

pytestmark = pytest.mark.slow
RACERS = 8
QUOTA_FILE = 40_000       # bytes of each racer's file when the quota is what they race for


def _race(db: str, files: str, now: datetime, barrier, results, action: str, arg: int):
    wb = Workbench.open(db, files=files, clock=lambda: now, create=False)
    barrier.wait()
    try:
        if action == "select":
            services.select_for_submission(wb.uow(), "113001", "outcome", arg)
        elif action == "pick":
            services.pick_for_application(wb.uow(), "111001", "outcome", arg)
        elif action == "performance":
            services.upload_performance(wb.uow(), "113001", 113, 1, "work", VALID["work"], f"作品 {arg}",
                                        document=pdf(f"race-work-{arg}"))
        elif action == "quota":
            services.upload_outcome(wb.uow(), "113002", 113, 1, course_code(arg), f"成果 {arg}",
                                    document=pdf(f"race-quota-{arg}", size=QUOTA_FILE))
        else:
            services.upload_outcome(wb.uow(), "113002", 113, 1, course_code(arg), f"成果 {arg}",
                                    document=pdf(f"race-{arg}"))
        results.put("ok")
    except PortfolioError as err:
        results.put(type(err).__name__)


def _run(wb: Workbench, now, action, args):
    """Start one process per argument; they wait at a barrier and then act at the same moment."""
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(len(args)), ctx.Queue()
    db = wb.engine.url.render_as_string(hide_password=False)
    racers = [ctx.Process(target=_race, args=(db, str(wb.store.root), now, barrier, results, action, a))
              for a in args]
    for racer in racers:
        racer.start()
    outcome = [results.get(timeout=120) for _ in racers]
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0
    return sorted(outcome)


def _count(wb: Workbench, table) -> int:
    with wb.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_racing_selections_leave_exactly_six(school, clock):
    ids = [school.passed_outcome("113001", n) for n in range(6)]
    clock.now = datetime(2025, 3, 1)
    ids += [school.passed_outcome("113001", n, term=(113, 2)) for n in range(6, 8)]
    assert _run(school.wb, IN_SELECTION, "select", ids) == ["SelectionLimitReached"] * 2 + ["ok"] * 6
    assert _count(school.wb, t.selections) == 6


def test_racing_uploads_leave_exactly_six(school):
    assert _run(school.wb, IN_UPLOAD, "upload", list(range(RACERS))) == ["UploadLimitReached"] * 2 + ["ok"] * 6
    assert _count(school.wb, t.outcomes) == 6
    assert _count(school.wb, t.files) == 6 and len(school.wb.store.all_hashes()) == 6


def test_racing_performance_uploads_leave_exactly_twenty(school):
    for n in range(16):
        services.upload_performance(school.uow(), "113001", 113, 1, "work", VALID["work"], f"作品 {n}",
                                    document=pdf(f"work-{n}"))
    assert _run(school.wb, IN_UPLOAD, "performance", list(range(RACERS))) == (["PerformanceLimitReached"] * 4
                                                                               + ["ok"] * 4)
    assert _count(school.wb, t.performances) == 20


def test_racing_picks_leave_exactly_three(school, clock):
    ids = [school.passed_outcome("111001", n) for n in range(6)]
    clock.now = IN_SELECTION
    for outcome_id in ids:
        services.select_for_submission(school.uow(), "111001", "outcome", outcome_id)
    assert _run(school.wb, IN_SELECTION, "pick", ids) == ["ApplicationPickLimitReached"] * 3 + ["ok"] * 3
    assert _count(school.wb, t.application_picks) == 3


def test_racing_uploads_never_pass_the_quota(school):
    """A quota with room for three of the racers' files: three are stored, five refused, no file left over."""
    quota = 3 * QUOTA_FILE + QUOTA_FILE // 2
    services.set_policy_overrides(school.uow(), {"storage": {"quota_bytes": {"113-1": quota}}}, actor=ADMIN)
    assert _run(school.wb, IN_UPLOAD, "quota", list(range(RACERS))) == ["QuotaExceeded"] * 5 + ["ok"] * 3
    with school.wb.engine.connect() as conn:
        stored = conn.execute(select(func.sum(t.files.c.size))).scalar_one()
    assert stored <= quota and _count(school.wb, t.outcomes) == 3 and len(school.wb.store.all_hashes()) == 3
