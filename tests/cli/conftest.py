from ..conftest import both_backends  # every test here runs on SQLite and on PostgreSQL

backend = both_backends()
