"""The schema is built by migrations, and the migrations match the tables the code uses, on SQLite and on
PostgreSQL; each database reports what it finds wrong in itself."""

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from portfolio_lib.adapters.db import (
    MIGRATIONS,
    ensure_schema,
    integrity_problems,
    make_engine,
    newest_revision,
    schema_status,
    stored_revision,
    upgrade,
)
from portfolio_lib.adapters.tables import metadata


def test_migrations_build_exactly_the_declared_schema(empty_database):
    engine = make_engine(empty_database.url)
    upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    current, head = schema_status(engine)
    assert current == head


def test_sqlite_runs_with_wal_foreign_keys_and_full_sync(tmp_path):
    engine = make_engine(tmp_path / "p.sqlite")
    upgrade(engine)
    with engine.connect() as conn:
        pragmas = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in
                   ("journal_mode", "foreign_keys", "synchronous")}
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2}
    assert "outcomes" in inspect(engine).get_table_names()


def test_the_newest_revision_is_read_from_the_file_names_as_the_migrations_themselves_say(empty_database):
    """Opening a database compares its stored revision with the newest migration file's, without loading
    alembic; the files' names must agree with the revisions they declare, and a database behind is migrated."""
    engine = make_engine(empty_database.url)
    assert stored_revision(engine) is None
    ensure_schema(engine)
    current, head = schema_status(engine)
    assert stored_revision(engine) == current == head == newest_revision()
    for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"):
        assert f"revision = '{path.name.split('_', 1)[0]}'" in path.read_text(encoding="utf-8"), path.name
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0004'")
        conn.exec_driver_sql("DROP TABLE access_log")
        conn.exec_driver_sql("DROP TABLE district_officers")
        conn.exec_driver_sql("DROP TABLE rescued_originals")
        conn.exec_driver_sql("DROP TABLE programme_targets")
        conn.exec_driver_sql("DROP TABLE programmes")
        conn.exec_driver_sql("ALTER TABLE outcomes DROP COLUMN outcome_kind")
        conn.exec_driver_sql("DROP INDEX ix_outcomes_student_term_status")
        conn.exec_driver_sql("CREATE INDEX ix_outcomes_student_term ON outcomes (student_id, academic_year, semester)")
        conn.exec_driver_sql("ALTER TABLE submission_batches DROP COLUMN package_path")
    ensure_schema(engine)                                  # behind: migrated again to the newest
    assert stored_revision(engine) == head
    assert {"access_log", "district_officers", "rescued_originals", "programmes", "programme_targets"} \
        <= set(inspect(engine).get_table_names())
    assert "outcome_kind" in {c["name"] for c in inspect(engine).get_columns("outcomes")}
    assert "package_path" in {c["name"] for c in inspect(engine).get_columns("submission_batches")}


def test_the_database_reports_what_it_cannot_vouch_for(empty_database, backend):
    """SQLite: a row whose parent is gone (written with foreign keys off); PostgreSQL: a constraint added without
    checking the rows already there (NOT VALID), and an index left invalid."""
    engine = make_engine(empty_database.url)
    upgrade(engine)
    assert integrity_problems(engine) == []
    if backend == "sqlite":
        with sqlite3.connect(engine.url.database) as raw:         # a connection of its own: foreign keys off
            raw.execute("INSERT INTO notifications (student_id, kind, message, created_at) "
                        "VALUES (999, 'x', 'x', '2025-01-01')")
    else:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION amcheck"))
            conn.execute(text("ALTER TABLE outcomes ADD CONSTRAINT positive_id CHECK (id > 0) NOT VALID"))
            conn.execute(text("UPDATE pg_index SET indisvalid = false "
                              "WHERE indexrelid = 'ix_outcomes_status'::regclass"))
    expected = (["資料表 notifications 第 1 列參照不存在的 students"] if backend == "sqlite" else
                ["資料表 outcomes 的限制 positive_id 尚未驗證（NOT VALID），既有資料可能不符",
                 "索引 ix_outcomes_status 無效，需要重建（REINDEX）"])
    assert integrity_problems(engine) == expected
    engine.dispose()
