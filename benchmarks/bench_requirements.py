"""How fast the programme requirements (大學端需求) are answered, against the simplest way to answer the same.

    python benchmarks/bench_requirements.py [--students 1500] [--repeat 5]

A demo school stands at 116/03/25 10:00 (grade 12 has picked; seven in ten aim at one to three programmes). The
table prints, best of --repeat runs:
- one student's targets against their items (the cabinet's 申請入學 tab, `portfolio requirements`), beside the
  cabinet's own application pool question for the same student (one page question of the same tab);
- every grade-12 class's counts and reminder list (the counselor's tab), beside the floor: asking the student's
  question once per grade-12 student, which is the plainest way to get the same list;
- the de-identified research table for the school, beside the whole de-identified read it is part of.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, select  # noqa: E402
from timing import best_of  # noqa: E402

from portfolio_lib.adapters import tables as t  # noqa: E402
from portfolio_lib.demo import build_demo  # noqa: E402
from portfolio_lib.domain.calendar import parse_roc_moment  # noqa: E402
from portfolio_lib.domain.grades import FINAL_GRADE  # noqa: E402
from portfolio_lib.queries import cabinet  # noqa: E402
from portfolio_lib.queries import requirements as rq  # noqa: E402
from portfolio_lib.queries.viewer import staff_directory, viewer_by_staff_no  # noqa: E402
from portfolio_lib.research import deidentified_tables  # noqa: E402
from portfolio_lib.research.deidentify import _target_codes as target_codes  # noqa: E402
from portfolio_lib.services.unit_of_work import Workbench  # noqa: E402

AS_OF = "116/03/25 10:00"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    now = parse_roc_moment(AS_OF)
    year = 115
    with tempfile.TemporaryDirectory() as folder:
        wb = Workbench.open(Path(folder) / "demo.sqlite", clock=lambda: now)
        build_demo(wb, students=args.students, as_of=now)
        engine, policy = wb.engine, wb.policy
        with engine.connect() as conn:
            g, e, c, s = t.programme_targets, t.enrolments, t.classes, t.students
            busiest = conn.execute(select(s.c.student_no).join(g, g.c.student_id == s.c.id).group_by(s.c.student_no)
                                   .order_by(func.count().desc(), s.c.student_no).limit(1)).scalar_one()
            seniors = list(conn.execute(select(s.c.student_no).join(e, e.c.student_id == s.c.id)
                                        .join(c, c.c.id == e.c.class_id)
                                        .where(e.c.academic_year == year, c.c.grade == FINAL_GRADE)).scalars())
            targets = conn.execute(select(func.count()).select_from(g)).scalar_one()
        student = cabinet.student_viewer(engine, busiest)
        counselor = viewer_by_staff_no(engine, staff_directory(engine, "counselor").iloc[0]["staff_no"])
        viewers = [cabinet.student_viewer(engine, no) for no in seniors]

        def per_student():
            return [rq.student_requirements(engine, v, year, policy) for v in viewers]
        key = b"bench"
        rows = [
            ("one student's targets", best_of(args.repeat, lambda: rq.student_requirements(engine, student, year,
                                                                                            policy)),
             "the tab's application pool", best_of(args.repeat, lambda: cabinet.application_pool(engine, student,
                                                                                                 policy))),
            ("every grade-12 class (counselor)", best_of(args.repeat, lambda: rq.class_requirements(
                engine, counselor, year, policy)),
             f"the student's question × {len(viewers)}", best_of(max(1, args.repeat // 2), per_student)),
            ("research table target_codes", best_of(args.repeat, lambda: _target_codes(engine, policy)),
             "the whole de-identified read", best_of(max(1, args.repeat // 2),
                                                     lambda: deidentified_tables(engine, key, policy))),
        ]
        per_class, reminders, reports = rq.class_requirements(engine, counselor, year, policy)
        wb.engine.dispose()
    print(f"\nProgramme requirements, demo school of {args.students} a year at {AS_OF}: {len(seniors)} in grade 12, "
          f"{targets} targets, {int(per_class['lacking'].sum())} students with a gap, {len(reports)} programme reports")
    print(f"{'question':<34} {'ours (ms)':>10}  {'beside it':<32} {'(ms)':>9} {'ratio':>7}")
    print("-" * 98)
    for name, ours, floor_name, floor in rows:
        print(f"{name:<34} {ours * 1000:>10.1f}  {floor_name:<32} {floor * 1000:>9.1f} {ours / floor:>7.2f}")


def _target_codes(engine, policy):
    """The research table alone, as `deidentified_tables` makes it (pseudonyms left out: the student numbers)."""
    with engine.connect() as conn:
        ids = dict(conn.execute(select(t.students.c.id, t.students.c.student_no)).all())
        return target_codes(conn, policy, None, ids, dict.fromkeys(ids, "999301"))


if __name__ == "__main__":
    main()
