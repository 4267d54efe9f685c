"""The schema is built by migrations, and the migrations match the tables the code uses."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from portfolio_lib.adapters.db import (
    MIGRATIONS,
    ensure_schema,
    make_engine,
    newest_revision,
    schema_status,
    stored_revision,
    upgrade,
)
from portfolio_lib.adapters.tables import metadata


def test_migrations_build_exactly_the_declared_schema(tmp_path):
    engine = make_engine(tmp_path / "m.sqlite")
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


def test_the_newest_revision_is_read_from_the_file_names_as_the_migrations_themselves_say(tmp_path):
    """Opening a database compares its stored revision with the newest migration file's, without loading
    alembic; the files' names must agree with the revisions they declare, and a database behind is migrated."""
    engine = make_engine(tmp_path / "r.sqlite")
    assert stored_revision(engine) is None
    ensure_schema(engine)
    current, head = schema_status(engine)
    assert stored_revision(engine) == current == head == newest_revision()
    for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"):
        assert f"revision = '{path.name.split('_', 1)[0]}'" in path.read_text(encoding="utf-8"), path.name
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0004'")
        conn.exec_driver_sql("DROP TABLE access_log")
    ensure_schema(engine)                                  # behind: migrated again to the newest
    assert stored_revision(engine) == head and "access_log" in inspect(engine).get_table_names()
