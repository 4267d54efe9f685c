"""Database engines: a SQLite file (WAL, foreign keys, synchronous=FULL), the embedded default for one school, or
PostgreSQL (through psycopg 3) for a city's schools in one database."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

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
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")        # psycopg 3, whatever SQLAlchemy's default
    if url.get_backend_name() != "sqlite":
        # READ COMMITTED: every statement sees what is committed when it starts, so a use case that has waited
        # for a student's lock (`repository/locks.py`) then reads that student's items as they are
        return create_engine(url, pool_pre_ping=True, isolation_level="READ COMMITTED")
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


class WriterQueue:
    """Writers of one SQLite file wait their turn in the kernel rather than in SQLite's busy handler.

    SQLite lets one writer in at a time; a writer that finds the lock taken sleeps and tries again, up to 100 ms at
    a time, so with dozens waiting the lock goes to whoever happens to try the moment it is free, and some wait far
    longer than others. A use case first takes an exclusive `flock` of `<database>-writers` (the kernel wakes a
    waiter as soon as it is released), then SQLite's lock, which is then almost always free. Only an ordering:
    SQLite's own lock still decides who writes, so a process that cannot open the file simply goes without."""

    def __init__(self, engine: Engine):
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self.path = Path(database + "-writers") if database and database != ":memory:" else None
        self.fd: int | None = None

    def __enter__(self) -> "WriterQueue":
        if self.path is not None:
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o660)
            except OSError:
                try:                                  # made by another user: a lock needs only to read it
                    self.fd = os.open(self.path, os.O_RDONLY)
                except OSError:
                    return self
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)                 # closing releases the lock
            self.fd = None


def advance_sequences(conn: Connection, tables) -> None:
    """After rows were inserted with their ids given (the demo writes whole histories at once): on PostgreSQL,
    set each table's id sequence past its largest id, so that the next row inserted without one gets a free id.
    SQLite takes the next id from the table itself."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c and table.c.id.autoincrement:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                              f"COALESCE(max(id), 0) + 1, false) FROM {table.name}"))


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load (a demo, a city): the planner's statistics of every table made afresh (SQLite's ANALYZE;
    PostgreSQL's VACUUM ANALYZE, which also marks the pages an index-only count can trust), so the counts of one
    school inside a city read its rows through the indexes rather than the whole table."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def alembic_config(engine: Engine):
    from alembic.config import Config  # the migration machinery loads only when a schema changes or is checked
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Create or migrate the schema to the newest version. On PostgreSQL the research role's views hold on to the
    columns they read, so they are dropped for the migration and made again after it (`roles.py`)."""
    from alembic import command

    from .roles import drop_research_views, has_research_views, make_research_views
    with engine.begin() as conn:
        views = has_research_views(conn)
        if views:
            drop_research_views(conn)
    command.upgrade(alembic_config(engine), "head")
    if views:
        with engine.begin() as conn:
            make_research_views(conn)


def newest_revision() -> str:
    """The newest migration's revision: each file in migrations/versions is named `<revision>_<what>.py`, and the
    revisions are numbered in order (a test holds the files to it)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def stored_revision(engine: Engine) -> str | None:
    """The revision the database says it is at (None for a database with no schema yet)."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


def ensure_schema(engine: Engine) -> None:
    """Migrate the database if it is not at the newest revision. Opening a current database reads one row and
    never loads the migration machinery, so a page opens without a migration run."""
    if stored_revision(engine) != newest_revision():
        upgrade(engine)


def schema_status(engine: Engine) -> tuple[str | None, str]:
    """(current revision, newest revision), as the migrations themselves say."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def integrity_problems(engine: Engine) -> list[str]:
    """What the database itself finds wrong: SQLite's integrity and foreign-key checks; on PostgreSQL, constraints
    not validated, indexes left invalid (a failed concurrent build) and, where the amcheck extension is installed,
    its check of every B-tree index of the schema."""
    if engine.dialect.name == "postgresql":
        return _postgresql_problems(engine)
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


def _postgresql_problems(engine: Engine) -> list[str]:
    ours = "n.nspname = current_schema()"
    with engine.connect() as conn:
        unchecked = conn.execute(text(
            "SELECT c.relname, k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT k.convalidated AND {ours} ORDER BY 1, 2"))
        problems = [f"資料表 {table} 的限制 {name} 尚未驗證（NOT VALID），既有資料可能不符"
                    for table, name in unchecked]
        problems += [f"索引 {name} 無效，需要重建（REINDEX）" for (name,) in conn.execute(text(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND {ours} ORDER BY 1"))]
        if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")).first():
            indexes = conn.execute(text(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                f"WHERE a.amname = 'btree' AND i.indisvalid AND {ours} ORDER BY 1")).all()
            for (name,) in indexes:
                try:
                    with conn.begin_nested():
                        conn.execute(text("SELECT bt_index_check(CAST(:name AS regclass))"), {"name": name})
                except DBAPIError as err:
                    if getattr(err.orig, "sqlstate", None) == "42501":     # this role may not run amcheck
                        break
                    problems.append(f"索引 {name} 檢查失敗：{str(err.orig).splitlines()[0]}")
    return problems
