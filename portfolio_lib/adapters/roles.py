"""Least privilege on PostgreSQL: who owns the schema, who writes rows, who reads for research.

- The owner (the role that owns the database and runs the migrations) is the only one that changes the schema.
- The workbench's role reads and writes rows of every table, and uses their id sequences; it cannot create, alter
  or drop anything, and tables later migrations add are granted to it as they are made.
- The research role reads only the views of the `research` schema: every person as a keyed pseudonym, dates of birth
  as a year; the tables, the key and the columns of names, ID numbers and birth dates are out of its reach (not even
  the planner's statistics of them show).

`grant_roles` is run by the owner once the roles exist (a database administrator creates them, see the README), and
again by `upgrade` whenever a migration changed the tables the views read.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import Connection, Engine, text

RESEARCH, KEY = "research", "research_key"

# The pseudonym: the same keyed hash of (school code, student number) in every view, so that the views join.
PID = ("'P' || upper(substr(encode(sha256(convert_to(k.key || ':' || sc.code || ':' || s.student_no, 'UTF8')), "
       "'hex'), 1, 15))")

VIEWS = {
    "people": f"""SELECT s.id AS student_id, {PID} AS pid, sc.code AS school_code
        FROM students s JOIN schools sc ON sc.id = s.school_id CROSS JOIN {KEY}.secret k""",
    "students": f"""SELECT p.pid, p.school_code, s.entry_year, CAST(extract(year FROM s.birth_date) AS integer)
        AS birth_year FROM students s JOIN {KEY}.people p ON p.student_id = s.id""",
    "enrolments": f"""SELECT p.pid, e.academic_year, c.grade, c.name AS class_name
        FROM enrolments e JOIN classes c ON c.id = e.class_id JOIN {KEY}.people p ON p.student_id = e.student_id""",
    "outcomes": f"""SELECT p.pid, o.academic_year, o.semester, substr(cs.course_code, 20, 2) AS course_domain,
        substr(cs.course_code, 17, 1) AS course_type, o.status, CAST(o.uploaded_at AS date) AS uploaded_on,
        CAST(o.sent_at AS date) AS sent_on,
        (SELECT count(*) FROM certifications c WHERE c.outcome_id = o.id) AS certifications,
        o.document_sha256 IS NOT NULL AS has_document, o.video_sha256 IS NOT NULL AS has_video,
        EXISTS (SELECT 1 FROM selections x WHERE x.item_kind = 'outcome' AND x.item_id = o.id) AS selected,
        o.submitted_at IS NOT NULL AS submitted
        FROM outcomes o JOIN course_records r ON r.id = o.course_record_id
        JOIN course_sections cs ON cs.id = r.section_id JOIN {KEY}.people p ON p.student_id = o.student_id""",
    "performances": f"""SELECT p.pid, f.academic_year, f.semester, f.category, f.synced,
        CAST(f.uploaded_at AS date) AS uploaded_on, f.document_sha256 IS NOT NULL AS has_document,
        f.video_sha256 IS NOT NULL AS has_video,
        EXISTS (SELECT 1 FROM selections x WHERE x.item_kind = 'performance' AND x.item_id = f.id) AS selected,
        f.submitted_at IS NOT NULL AS submitted
        FROM performances f JOIN {KEY}.people p ON p.student_id = f.student_id""",
    "deadlines": """SELECT sc.code AS school_code, w.academic_year, w.semester, w.kind,
        CAST(w.opens AS date) AS opens_on, CAST(w.closes AS date) AS closes_on
        FROM windows w JOIN schools sc ON sc.id = w.school_id""",
}


def _role(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"角色名稱只能用小寫英文字母、數字與底線：「{name}」")
    return name


def grant_roles(engine: Engine, app: str, research: str) -> dict:
    """As the owner: grant the workbench's role rows and the research role the de-identified views (made, or made
    again, here), and keep both names so that `upgrade` can make the views again after a migration."""
    if engine.dialect.name != "postgresql":
        raise ValueError("資料庫角色只用於 PostgreSQL；SQLite 檔案的權限由作業系統的檔案權限決定")
    app, research = _role(app), _role(research)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {KEY}"))
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {KEY}.secret (key text NOT NULL, app text NOT NULL, "
                          "research text NOT NULL)"))
        if conn.execute(text(f"SELECT count(*) FROM {KEY}.secret")).scalar():
            conn.execute(text(f"UPDATE {KEY}.secret SET app = :a, research = :r"), {"a": app, "r": research})
        else:
            conn.execute(text(f"INSERT INTO {KEY}.secret VALUES (:k, :a, :r)"),
                         {"k": secrets.token_hex(32), "a": app, "r": research})
        make_research_views(conn)
        for statement in (
                "REVOKE ALL ON SCHEMA public FROM PUBLIC", f"REVOKE ALL ON SCHEMA {KEY} FROM PUBLIC",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {KEY} FROM PUBLIC",
                f"GRANT USAGE ON SCHEMA public TO {app}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
                f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}"):
            conn.execute(text(statement))
    return {"app": app, "research": research, "views": sorted(set(VIEWS) - {"people"})}


def make_research_views(conn: Connection):
    """(Re)make the views and grant the research role the `research` schema's: after `grant_roles`, and after a
    migration, which drops them first (a view holds on to the columns it reads)."""
    research = conn.execute(text(f"SELECT research FROM {KEY}.secret")).scalar_one()
    conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {RESEARCH}"))
    conn.execute(text(f"CREATE OR REPLACE VIEW {KEY}.people AS {VIEWS['people']}"))
    for name, query in VIEWS.items():
        if name != "people":
            conn.execute(text(f"CREATE OR REPLACE VIEW {RESEARCH}.{name} AS {query}"))
    conn.execute(text(f"REVOKE ALL ON SCHEMA {RESEARCH} FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {RESEARCH} TO {_role(research)}"))
    conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {RESEARCH} TO {_role(research)}"))


def has_research_views(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql" and bool(conn.execute(text(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = :k AND table_name = 'secret'"),
        {"k": KEY}).first())


def drop_research_views(conn: Connection):
    conn.execute(text(f"DROP SCHEMA IF EXISTS {RESEARCH} CASCADE"))
    conn.execute(text(f"DROP VIEW IF EXISTS {KEY}.people CASCADE"))
