"""Least privilege on PostgreSQL, tried as each role would: the owner migrates, the workbench's role writes rows and
nothing else, the research role reads the de-identified views and cannot reach a name, an ID number or a birth date."""

from datetime import datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from portfolio_lib import services
from portfolio_lib.adapters.db import ensure_schema, integrity_problems
from portfolio_lib.adapters.roles import grant_roles
from portfolio_lib.demo import build_demo
from portfolio_lib.domain.model import Actor
from portfolio_lib.services.access_log import record_access
from portfolio_lib.services.unit_of_work import Workbench

OWNER, APP, RESEARCH = "portfolio_owner", "portfolio_app", "portfolio_research"
AS_OF = datetime(2026, 11, 28, 10, 0)


@pytest.fixture(scope="module")
def backend() -> str:
    return "postgresql"


@pytest.fixture
def city(databases, tmp_path):
    """A database owned by the owner role, migrated and filled by it, with the roles granted."""
    databases.new("postgresql", tmp_path, "first")          # the server is up
    server = databases.server
    server.execute(*(f"DROP ROLE IF EXISTS {role}" for role in (APP, RESEARCH)),
                   *(f"CREATE ROLE {role} LOGIN" for role in (APP, RESEARCH)),
                   f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER}') "
                   f"THEN CREATE ROLE {OWNER} LOGIN; END IF; END $$",
                   "DROP DATABASE IF EXISTS city WITH (FORCE)", f"CREATE DATABASE city OWNER {OWNER}")
    owner = Workbench.open(server.url("city", user=OWNER), files=tmp_path / "files", clock=lambda: AS_OF)
    build_demo(owner, seed=3, students=40, as_of=AS_OF)
    server.execute("ANALYZE", database="city")                  # the planner's statistics of every column
    assert grant_roles(owner.engine, APP, RESEARCH)["views"] == ["deadlines", "enrolments", "outcomes",
                                                                "performances", "students"]
    yield server, owner, tmp_path
    owner.engine.dispose()
    server.execute("DROP DATABASE city WITH (FORCE)", f"DROP OWNED BY {APP}, {RESEARCH}",
                   f"DROP ROLE {APP}", f"DROP ROLE {RESEARCH}")


def _refused(engine, statement: str) -> str:
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as err:
            conn.execute(text(statement))
    return err.value.orig.sqlstate


def test_the_workbench_role_writes_rows_and_cannot_change_the_schema(city):
    server, owner, folder = city
    app = Workbench.open(server.url("city", user=APP), files=folder / "files", clock=lambda: AS_OF)
    services.set_window(app.uow(), 115, 1, "certification", datetime(2026, 9, 1), datetime(2027, 1, 31),
                        actor=Actor.administrator("test"))
    for statement in ("CREATE TABLE stolen (x text)", "ALTER TABLE students ADD COLUMN x text",
                      "DROP TABLE audit_events", "TRUNCATE students", "CREATE SCHEMA mine",
                      "SELECT key FROM research_key.secret"):
        assert _refused(app.engine, statement) == "42501", statement         # insufficient_privilege
    assert integrity_problems(app.engine) == []           # amcheck is the owner's; the rest it may check
    app.engine.dispose()


def test_the_research_role_reads_the_views_and_never_a_name_an_id_number_or_a_birth_date(city):
    server, owner, _ = city
    research = create_engine(server.url("city", user=RESEARCH))
    with research.connect() as conn:
        students = conn.execute(text("SELECT * FROM research.students")).mappings().all()
        columns = {c for view in ("students", "enrolments", "outcomes", "performances", "deadlines")
                   for c in conn.execute(text(f"SELECT * FROM research.{view} LIMIT 1")).keys()}
        statistics = conn.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = 'students'")).scalar()
        outcomes = conn.execute(text("SELECT count(*) FROM research.outcomes")).scalar()
    with owner.engine.connect() as conn:
        truth = conn.execute(text("SELECT count(*), min(birth_date), (SELECT count(*) FROM outcomes) FROM students"
                                  )).one()
    assert len(students) == truth[0] and outcomes == truth[2]
    assert {s["birth_year"] for s in students} >= {truth[1].year} and all(s["pid"].startswith("P") for s in students)
    assert not columns & {"name", "id_number", "birth_date", "student_no", "student_id", "login"}
    assert statistics == 0                                 # not even the planner's most common names
    assert _refused(research, "SELECT name FROM students") == "42P01"      # its search path does not even see it
    for statement in ("SELECT name FROM public.students", "SELECT id_number FROM public.students",
                      "SELECT * FROM research_key.people", "SELECT key FROM research_key.secret",
                      "CREATE TABLE research.copy AS SELECT 1", "SELECT * FROM public.guardians",
                      "SELECT * FROM public.audit_events"):
        assert _refused(research, statement) == "42501", statement
    research.dispose()


def test_a_migration_keeps_the_grants_and_remakes_the_views(city):
    server, owner, folder = city
    with owner.engine.begin() as conn:       # migrations behind: access_log, district_officers, the counts index,
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))      # package paths, kept originals
        conn.execute(text("DROP TABLE rescued_originals"))
        conn.execute(text("DROP TABLE programme_targets"))
        conn.execute(text("DROP TABLE programmes"))
        conn.execute(text("ALTER TABLE outcomes DROP COLUMN outcome_kind"))
        conn.execute(text("ALTER TABLE submission_batches DROP COLUMN package_path"))
        conn.execute(text("DROP TABLE access_log"))
        conn.execute(text("DROP TABLE district_officers"))
        conn.execute(text("DROP INDEX ix_outcomes_student_term_status"))
        conn.execute(text("CREATE INDEX ix_outcomes_student_term ON outcomes (student_id, academic_year, semester)"))
    ensure_schema(owner.engine)
    app = Workbench.open(server.url("city", user=APP), files=folder / "files", clock=lambda: AS_OF)
    record_access(app.uow(), "a001", "sign_in", address="10.0.0.1")
    services.save_district_officer(app.uow(), "E001", "林科員", "e001", actor=Actor.administrator("tests"))
    with app.engine.connect() as conn:       # a table the migration made again is the application role's too
        assert conn.execute(text("SELECT count(*) FROM rescued_originals")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM programme_targets")).scalar() == 0
    with create_engine(server.url("city", user=RESEARCH)).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM research.students")).scalar() > 0
    app.engine.dispose()
