"""The schema is built by migrations, and the migrations match the tables the code uses."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from portfolio_lib.adapters.db import make_engine, schema_status, upgrade
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
