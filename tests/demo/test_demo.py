"""The demo school: deterministic, realistic, and obeying every cap the services enforce."""

from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from portfolio_lib.adapters import tables as t
from portfolio_lib.demo import build_city, build_demo, city_school
from portfolio_lib.domain.errors import AlreadyExists
from portfolio_lib.queries import category_distribution
from portfolio_lib.services.check import check_workbench
from portfolio_lib.services.unit_of_work import Workbench

from ..conftest import snapshot

pytestmark = pytest.mark.slow
AS_OF = datetime(2026, 11, 28, 10, 0)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    wb = Workbench.open(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    summary = build_demo(wb, seed=7, students=210, as_of=AS_OF)
    return wb, summary


def scalar(wb, sql):
    with wb.engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_the_same_seed_builds_the_same_school(demo, tmp_path):
    wb, summary = demo
    again = Workbench.open(tmp_path / "again.sqlite")
    assert build_demo(again, seed=7, students=210, as_of=AS_OF) == summary
    assert snapshot(again) == snapshot(wb)


def test_another_seed_builds_another_school(demo, tmp_path):
    wb, summary = demo
    other = Workbench.open(tmp_path / "other.sqlite")
    assert build_demo(other, seed=8, students=210, as_of=AS_OF)["outcomes"] != summary["outcomes"]


def test_the_school_has_three_grades_of_classes_and_staff_in_every_role(demo):
    wb, summary = demo
    with wb.engine.connect() as conn:
        grades = conn.execute(select(t.classes.c.grade, func.count()).where(t.classes.c.academic_year == 115)
                              .group_by(t.classes.c.grade)).all()
        roles = set(conn.execute(select(t.staff_roles.c.role)).scalars())
    assert grades == [(10, 2), (11, 2), (12, 2)]
    assert roles == {"admin", "counselor", "teacher", "homeroom", "submitter", "receipt_checker", "consultant",
                     "researcher"}


def test_the_demo_obeys_the_caps(demo):
    wb, _ = demo
    assert scalar(wb, "SELECT max(n) FROM (SELECT count(*) n FROM outcomes "
                      "GROUP BY student_id, academic_year, semester)") <= 6
    assert scalar(wb, "SELECT max(n) FROM (SELECT count(*) n FROM selections WHERE item_kind='outcome' "
                      "GROUP BY student_id, academic_year)") == 6
    assert scalar(wb, "SELECT max(n) FROM (SELECT count(*) n FROM selections WHERE item_kind='performance' "
                      "GROUP BY student_id, academic_year)") <= 10
    assert scalar(wb, "SELECT max(n) FROM (SELECT count(*) n FROM performances WHERE synced = 0 "
                      "GROUP BY student_id, academic_year)") <= 20
    assert scalar(wb, "SELECT count(*) FROM selections s JOIN outcomes o ON s.item_kind='outcome' AND o.id=s.item_id "
                      "WHERE o.status <> 'passed'") == 0
    assert scalar(wb, "SELECT count(*) FROM certifications c JOIN outcomes o ON o.id = c.outcome_id "
                      "JOIN course_records r ON r.id = o.course_record_id "
                      "JOIN course_sections s ON s.id = r.section_id "
                      "WHERE c.teacher_id NOT IN (s.teacher_id, coalesce(s.proxy_teacher_id, -1))") == 0
    assert scalar(wb, "SELECT count(*) FROM certifications WHERE passed = 0 AND (reason IS NULL OR reason = '')") == 0
    assert scalar(wb, "SELECT max(n) FROM (SELECT count(*) n FROM application_picks WHERE item_kind='outcome' "
                      "GROUP BY student_id)") <= 3


def test_the_demo_has_the_cycle_in_all_its_states(demo):
    wb, summary = demo
    statuses = {row for row in (scalar(wb, f"SELECT count(*) FROM outcomes WHERE status='{s}'")
                                for s in ("uploaded", "pending", "passed", "failed"))}
    assert 0 not in statuses
    assert scalar(wb, "SELECT count(*) FROM outcomes WHERE submitted_at IS NOT NULL") > 0
    assert scalar(wb, "SELECT count(DISTINCT outcome_id) FROM certifications WHERE passed = 0") > 0
    assert summary["submission_batches"] == 4


def test_the_demo_has_school_only_items(demo):
    wb, _ = demo
    assert scalar(wb, "SELECT count(*) FROM consultation_records") > 0
    assert scalar(wb, "SELECT count(DISTINCT status) FROM learning_plans") == 3
    assert scalar(wb, "SELECT count(*) FROM school_documents WHERE kind = 'autobiography'") > 0
    assert scalar(wb, "SELECT count(*) FROM learning_plans p JOIN enrolments e ON e.student_id = p.student_id "
                      "AND e.academic_year = p.academic_year JOIN classes c ON c.id = e.class_id "
                      "WHERE p.reviewer_id IS NOT NULL AND p.reviewer_id <> c.homeroom_teacher_id") == 0


def test_uploads_crowd_before_the_deadline(demo):
    wb, _ = demo
    last_week = scalar(wb, "SELECT count(*) FROM outcomes WHERE academic_year=114 AND semester=1 "
                           "AND uploaded_at BETWEEN '2026-01-19' AND '2026-01-26'")
    first_week = scalar(wb, "SELECT count(*) FROM outcomes WHERE academic_year=114 AND semester=1 "
                            "AND uploaded_at BETWEEN '2025-09-01' AND '2025-09-08'")
    assert last_week > 5 * first_week


def test_all_ten_categories_appear_in_proportions_like_the_slide(demo):
    wb, _ = demo
    table = category_distribution(wb.engine).set_index("category")
    assert (table["count"] > 0).all()
    assert table["count"].idxmax() == "flexible"


def test_the_demo_passes_check_and_its_files_are_real(demo):
    wb, _ = demo
    assert check_workbench(wb) == []
    kinds = {row[0] for row in wb.engine.connect().execute(select(t.files.c.ext)).all()}
    assert kinds == {"pdf", "png", "jpg", "mp3", "mp4"}


def test_a_demo_school_is_built_once_per_code(demo):
    wb, _ = demo
    with pytest.raises(AlreadyExists):
        build_demo(wb, seed=7, students=210, as_of=AS_OF)


def test_a_city_demo_holds_its_schools_side_by_side_each_as_built_alone(tmp_path):
    """`portfolio demo --schools N`: N schools in one database, numbers repeating between them as between real
    schools; each school's rows are what the same seed builds alone, and the whole passes `check`."""
    city = Workbench.open(tmp_path / "city.sqlite")
    summary = build_city(city, 2, seed=30, students=60, as_of=AS_OF)
    assert summary["schools"] == [city_school(1)[0], city_school(2)[0]]
    assert check_workbench(city) == []
    alone = Workbench.open(tmp_path / "alone.sqlite")
    code, name = city_school(2)
    built = build_demo(alone, seed=32, students=60, as_of=AS_OF, school_code=code, school_name=name)
    per_school = ("SELECT count(*) FROM outcomes o JOIN students s ON s.id = o.student_id JOIN schools k "
                  "ON k.id = s.school_id WHERE k.code = '{code}'")
    assert scalar(city, per_school.format(code=code)) == scalar(alone, per_school.format(code=code)) \
        == built["outcomes"]
    assert scalar(city, "SELECT count(*) FROM (SELECT student_no FROM students GROUP BY student_no "
                        "HAVING count(DISTINCT school_id) = 2)") > 0


def test_past_submissions_have_their_packages(demo):
    from pathlib import Path

    from portfolio_lib.adapters.exchange import digest, rebuild_batch_package
    wb, _ = demo
    folder = Path(wb.store.root).with_name("demo.packages")
    with wb.engine.connect() as conn:
        batches = conn.execute(select(t.submission_batches)).all()
        for batch in batches:
            path = folder / f"999301-{batch.academic_year}-{batch.semester}-{batch.id:05d}.zip"
            assert digest(path.read_bytes()) == batch.digest
        assert digest(rebuild_batch_package(conn, wb.store, batches[0].id)) == batches[0].digest
