"""The read side answers each question from one connection, so one snapshot: the figures of one table agree with
each other even while students upload."""

from datetime import datetime

import pytest
from sqlalchemy import event, func, insert, select

from portfolio_lib.adapters import tables as t
from portfolio_lib.demo import build_demo
from portfolio_lib.domain.calendar import Term
from portfolio_lib.queries import cabinet, counselor, homeroom, items, requirements
from portfolio_lib.queries.frames import reading
from portfolio_lib.queries.viewer import staff_directory, viewer_by_staff_no

AS_OF = datetime(2026, 11, 28, 10, 0)
TERM = Term(115, 1)


@pytest.fixture(scope="module")
def demo(databases, backend, tmp_path_factory):
    database = databases.new(backend, tmp_path_factory.mktemp("questions"), "demo")
    wb = database.open(clock=lambda: AS_OF)
    build_demo(wb, seed=5, students=60, as_of=AS_OF)
    yield wb
    wb.engine.dispose()
    databases.drop(database)


def checkouts(engine, ask) -> int:
    """How many connections answering `ask()` takes from the engine's pool."""
    taken = []
    listener = lambda *_: taken.append(1)  # noqa: E731
    event.listen(engine, "checkout", listener)
    try:
        ask()
    finally:
        event.remove(engine, "checkout", listener)
    return len(taken)


def counselor_viewer(wb):
    staff = staff_directory(wb.engine, "counselor")
    return viewer_by_staff_no(wb.engine, staff.iloc[0]["staff_no"])


def test_each_question_of_the_pages_reads_one_connection(demo):
    viewer = counselor_viewer(demo)
    engine, policy = demo.engine, demo.policy
    class_id = int(counselor.class_overview(engine, viewer, TERM.year).iloc[0]["class_id"])
    student_no = homeroom.class_progress(engine, viewer, class_id, TERM, AS_OF, policy).iloc[0]["student_no"]
    student = cabinet.student_viewer(engine, student_no)
    questions = {
        "class progress": lambda: homeroom.class_progress(engine, viewer, class_id, TERM, AS_OF, policy),
        "reminders": lambda: counselor.reminder_students(engine, viewer, TERM, AS_OF, policy),
        "backlog": lambda: counselor.certification_backlog(engine, viewer, TERM, 1, AS_OF, policy),
        "drill-down": lambda: homeroom.student_cabinet(engine, viewer, student_no, TERM.year),
        "cabinet home": lambda: cabinet.home(engine, student, AS_OF, policy),
        "selectable": lambda: cabinet.selectable(engine, student, TERM.year, policy),
        "application pool": lambda: cabinet.application_pool(engine, student, policy),
        "target programmes": lambda: requirements.student_requirements(engine, student, TERM.year, policy),
        "class requirements": lambda: requirements.class_requirements(engine, viewer, TERM.year, policy),
    }
    assert {name: checkouts(engine, ask) for name, ask in questions.items()} == {name: 1 for name in questions}


def test_a_question_does_not_see_a_row_committed_while_it_reads(demo):
    """What one connection reads is one snapshot (SQLite in WAL mode): a notice another session commits between two
    reads of the same question is not seen by the second."""
    n = t.notifications
    student_id = int(items.student_id_of(demo.engine, cabinet.students_for_picker(demo.engine, TERM.year)
                                         .iloc[0]["student_no"]))
    count = select(func.count()).select_from(n)
    with reading(demo.engine) as conn:
        before = conn.execute(count).scalar_one()
        with demo.engine.begin() as other:
            other.execute(insert(n).values(student_id=student_id, kind="certification", message="另一個連線寫入",
                                         created_at=AS_OF))
        assert conn.execute(count).scalar_one() == before
    with reading(demo.engine) as conn:
        assert conn.execute(count).scalar_one() == before + 1
