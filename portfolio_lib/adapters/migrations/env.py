"""Alembic environment: migrates the engine handed over in the config's attributes."""

from alembic import context

from portfolio_lib.adapters.db import make_engine
from portfolio_lib.adapters.tables import metadata

config = context.config
engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=engine.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()
