"""Database engines: any SQLAlchemy URL; SQLite files with WAL, foreign keys and synchronous=FULL."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).with_name("migrations")
WRITE = "portfolio_write"


def database_url(db: str | os.PathLike) -> str:
    """A SQLAlchemy URL from a URL or a file path."""
    db = str(db)
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def make_engine(db: str | os.PathLike) -> Engine:
    url = make_url(database_url(db))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None          # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        if url.database and url.database != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A use case that writes takes the write lock at its start, so that two processes
        # checking a cap cannot both see room for one more (BEGIN IMMEDIATE).
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest version."""
    command.upgrade(alembic_config(engine), "head")


def schema_status(engine: Engine) -> tuple[str | None, str]:
    """(current revision, newest revision)."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def integrity_problems(engine: Engine) -> list[str]:
    """What the database itself finds wrong (SQLite integrity and foreign-key checks)."""
    if engine.dialect.name != "sqlite":
        return []
    problems = []
    with engine.connect() as conn:
        result = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
        if result != ["ok"]:
            problems += [f"資料庫完整性檢查：{r}" for r in result]
        for row in conn.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"資料表 {row[0]} 第 {row[1]} 列參照不存在的 {row[2]}")
    return problems
