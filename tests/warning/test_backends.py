"""The same school gives the same warnings, reasons and evidence on SQLite and on PostgreSQL."""

import pytest

from portfolio_lib.demo import build_demo
from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.warning import Deadline
from portfolio_lib.queries import warning as q
from portfolio_lib.queries.viewer import viewer_by_staff_no
from portfolio_lib.services.config import fixed_clock

AS_OF = "116/01/18 10:00"

pytestmark = pytest.mark.slow


def test_the_same_list_on_both_backends(databases, tmp_path):
    now = fixed_clock(AS_OF)()
    listed = {}
    for backend in ("sqlite", "postgresql"):
        database = databases.new(backend, tmp_path, f"warn_{backend}")
        wb = database.open(clock=fixed_clock(AS_OF))
        try:
            build_demo(wb, seed=7, students=300, as_of=now)
            viewer = viewer_by_staff_no(wb.engine, "T0003")
            listed[backend] = [q.warnings(wb.engine, viewer, deadline, Term(115, 1), now, wb.policy)
                               for deadline in (Deadline.STAGE_1, Deadline.STAGE_2)]
        finally:
            wb.engine.dispose()
            databases.drop(database)
    assert len(listed["sqlite"][0].table) > 0
    for sqlite, postgres in zip(listed["sqlite"], listed["postgresql"]):
        assert sqlite.table.drop(columns=["student_id", "class_id"]).equals(
            postgres.table.drop(columns=["student_id", "class_id"]))
        assert sqlite.notes == postgres.notes and sqlite.method == postgres.method
        assert (sqlite.model and sqlite.model.evidence) == (postgres.model and postgres.model.evidence)
    assert listed["sqlite"][0].model.evidence.model is not None        # the first stage's model was judged
