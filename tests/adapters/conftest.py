from ..conftest import both_backends  # every test here that opens a database runs on SQLite and on PostgreSQL

backend = both_backends()
