"""The database schema (SQLAlchemy Core), portable across SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        Boolean,
                        CheckConstraint,
                        Column,
                        Date,
                        DateTime,
                        Float,
                        ForeignKey,
                        Index,
                        Integer,
                        MetaData,
                        String,
                        Table,
                        Text,
                        UniqueConstraint,
                        false,
)

from ..domain.grades import FINAL_GRADE, FIRST_GRADE

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

schools = Table(
    "schools", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(6), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("policy_overrides", Text),              # JSON: dated values laid over policy.toml
)

staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    Column("staff_no", String(20), nullable=False),
    Column("name", String(50), nullable=False),
    Column("login", String(64)),                   # server identity (e.g. JupyterHub user)
    UniqueConstraint("school_id", "staff_no"),
)

staff_roles = Table(
    "staff_roles", metadata,
    Column("staff_id", ForeignKey("staff.id"), primary_key=True),
    Column("role", String(20), primary_key=True),
)

classes = Table(
    "classes", metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    Column("academic_year", Integer, nullable=False),
    Column("grade", Integer, nullable=False),
    Column("name", String(20), nullable=False),
    Column("homeroom_teacher_id", ForeignKey("staff.id")),
    UniqueConstraint("school_id", "academic_year", "name"),
    CheckConstraint(f"grade BETWEEN {FIRST_GRADE} AND {FINAL_GRADE}", name="grade"),
)

students = Table(
    "students", metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    Column("student_no", String(20), nullable=False),
    Column("name", String(50), nullable=False),
    Column("id_number", String(10), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("entry_year", Integer, nullable=False),
    Column("login", String(64), index=True),        # server identity (e.g. JupyterHub user)
    UniqueConstraint("school_id", "student_no"),
)

guardians = Table(
    "guardians", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("name", String(50), nullable=False),
    Column("login", String(64), nullable=False, index=True),
    UniqueConstraint("student_id", "login"),
)

# the city's education office (教育局): accounts of no school, who read every school's counts and no one's names
district_officers = Table(
    "district_officers", metadata,
    Column("id", Integer, primary_key=True),
    Column("officer_no", String(20), nullable=False, unique=True),
    Column("name", String(50), nullable=False),
    Column("login", String(64), index=True),       # server identity (e.g. JupyterHub user)
)

enrolments = Table(
    "enrolments", metadata,
    Column("student_id", ForeignKey("students.id"), primary_key=True),
    Column("academic_year", Integer, primary_key=True),
    Column("class_id", ForeignKey("classes.id"), nullable=False, index=True),
    Column("seat_no", Integer, nullable=False),
)

course_sections = Table(
    "course_sections", metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    Column("academic_year", Integer, nullable=False),
    Column("semester", Integer, nullable=False),
    Column("course_code", String(23), nullable=False),
    Column("subject", String(50), nullable=False),
    Column("credits", Float, nullable=False),
    Column("section", String(20), nullable=False),   # the class or group it is taught to
    Column("teacher_id", ForeignKey("staff.id"), index=True),
    Column("proxy_teacher_id", ForeignKey("staff.id")),
    UniqueConstraint("school_id", "academic_year", "semester", "course_code", "section"),
)

course_records = Table(
    "course_records", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False),
    Column("section_id", ForeignKey("course_sections.id"), nullable=False, index=True),
    Column("score", Float),
    Column("mode", String(4), nullable=False, server_default=""),  # 重修/補修/重讀/轉學轉科 or ''
    UniqueConstraint("student_id", "section_id"),
)

files = Table(
    "files", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("md5", String(32)),          # the exchange format's MD5, recorded when the file is first submitted
    Column("size", BigInteger, nullable=False),
    Column("ext", String(8), nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("stored_at", DateTime, nullable=False),
)

outcomes = Table(
    "outcomes", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False),
    Column("course_record_id", ForeignKey("course_records.id"), nullable=False, unique=True),
    Column("academic_year", Integer, nullable=False),
    Column("semester", Integer, nullable=False),
    Column("description", String(400), nullable=False),
    Column("document_sha256", ForeignKey("files.sha256")),
    Column("document_name", String(255)),
    Column("video_sha256", ForeignKey("files.sha256")),
    Column("video_name", String(255)),
    Column("status", String(10), nullable=False),
    Column("uploaded_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    Column("submitted_at", DateTime),
    Column("outcome_kind", String(12)),     # 書面報告/實作作品/探究 (domain.admission.OutcomeKind); NULL: not marked
    # a term's outcomes of some students by status, from the index alone (a school's or a class's counts in a city)
    Index("ix_outcomes_student_term_status", "student_id", "academic_year", "semester", "status"),
    Index("ix_outcomes_status", "status"),
)

certifications = Table(
    "certifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("outcome_id", ForeignKey("outcomes.id"), nullable=False, index=True),
    Column("teacher_id", ForeignKey("staff.id"), nullable=False),
    Column("as_proxy", Boolean, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("reason", String(400)),
    Column("certified_at", DateTime, nullable=False),
)

performances = Table(
    "performances", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False),
    Column("academic_year", Integer, nullable=False),
    Column("semester", Integer, nullable=False),
    Column("category", String(20), nullable=False),
    Column("fields", Text, nullable=False),         # JSON of the category's fields
    Column("description", String(400), nullable=False),
    Column("document_sha256", ForeignKey("files.sha256")),
    Column("document_name", String(255)),
    Column("video_sha256", ForeignKey("files.sha256")),
    Column("video_name", String(255)),
    Column("external_link", String(500)),
    Column("synced", Boolean, nullable=False),
    Column("source_key", String(120), unique=True),  # natural key of a record synced from the school system
    Column("uploaded_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("submitted_at", DateTime),
    Index("ix_performances_student_year", "student_id", "academic_year"),
    Index("ix_performances_category", "category"),
)

selections = Table(
    "selections", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False),
    Column("academic_year", Integer, nullable=False),
    Column("item_kind", String(12), nullable=False),
    Column("item_id", Integer, nullable=False),
    Column("selected_at", DateTime, nullable=False),
    Column("selected_by", String(40), nullable=False),
    UniqueConstraint("item_kind", "item_id"),
    Index("ix_selections_student_year", "student_id", "academic_year", "item_kind"),
)

application_picks = Table(
    "application_picks", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("item_kind", String(12), nullable=False),
    Column("item_id", Integer, nullable=False),
    Column("picked_at", DateTime, nullable=False),
    UniqueConstraint("item_kind", "item_id"),
)

windows = Table(
    "windows", metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    Column("academic_year", Integer, nullable=False),
    Column("semester", Integer, nullable=False),     # 0: a window of the whole year
    Column("kind", String(20), nullable=False),
    Column("opens", DateTime, nullable=False),
    Column("closes", DateTime, nullable=False),
    UniqueConstraint("school_id", "academic_year", "semester", "kind"),
)

submission_batches = Table(
    "submission_batches", metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    Column("academic_year", Integer, nullable=False),
    Column("semester", Integer, nullable=False),
    Column("created_by", String(40), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("item_count", Integer, nullable=False),
    Column("package_path", String(1000)),        # only a package written outside the packages folder (--out)
)

submission_items = Table(
    "submission_items", metadata,
    Column("batch_id", ForeignKey("submission_batches.id"), primary_key=True),
    Column("item_kind", String(12), primary_key=True),
    Column("item_id", Integer, primary_key=True),
)

notifications = Table(
    "notifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("message", String(500), nullable=False),
    Column("item_kind", String(12)),
    Column("item_id", Integer),
    Column("created_at", DateTime, nullable=False),
    Column("read_at", DateTime),
)

audit_events = Table(
    "audit_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(40), nullable=False),
    Column("action", String(40), nullable=False),
    Column("entity", String(30), nullable=False),
    Column("entity_id", String(40)),
    Column("before", Text),
    Column("after", Text),
    Index("ix_audit_events_entity", "entity", "entity_id"),
)

# --- school-only items (shown to the school, never submitted) ----------------------------

consultation_records = Table(
    "consultation_records", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("consultant_id", ForeignKey("staff.id"), nullable=False),
    Column("academic_year", Integer, nullable=False),
    Column("semester", Integer, nullable=False),
    Column("consulted_on", Date, nullable=False),
    Column("description", String(400), nullable=False),
    Column("document_sha256", ForeignKey("files.sha256")),
    Column("document_name", String(255)),
    Column("created_at", DateTime, nullable=False),
)

learning_plans = Table(
    "learning_plans", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("academic_year", Integer, nullable=False),
    Column("semester", Integer, nullable=False),
    Column("title", String(100), nullable=False),
    Column("description", String(400), nullable=False),
    Column("document_sha256", ForeignKey("files.sha256"), nullable=False),
    Column("document_name", String(255)),
    Column("status", String(10), nullable=False),          # submitted, approved, revise
    Column("reviewer_id", ForeignKey("staff.id")),
    Column("review_comment", String(400)),
    Column("reviewed_at", DateTime),
    Column("uploaded_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

school_documents = Table(
    "school_documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),             # autobiography, study_plan
    Column("description", String(400), nullable=False),
    Column("document_sha256", ForeignKey("files.sha256"), nullable=False),
    Column("document_name", String(255)),
    Column("uploaded_at", DateTime, nullable=False),
)

# --- receipts from the central database (收訖明細) ---------------------------------------

receipts = Table(
    "receipts", metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    Column("academic_year", Integer, nullable=False),
    Column("semester", Integer, nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("imported_by", String(40), nullable=False),
    Column("imported_at", DateTime, nullable=False),
)

receipt_lines = Table(
    "receipt_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("receipt_id", ForeignKey("receipts.id"), nullable=False, index=True),
    Column("status", String(12), nullable=False),           # received, missing, unexpected, md5_mismatch
    Column("item_kind", String(12)),
    Column("item_id", Integer),
    Column("student_id", ForeignKey("students.id")),
    Column("detail", String(400)),
)

# --- access log (個資法 §12): who signed in, and who opened what, whose cabinet ----------------

access_log = Table(
    "access_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("login", String(64), nullable=False, index=True),   # the sign-on name as typed or resolved
    Column("event", String(20), nullable=False),                # sign_in, sign_in_refused, open, view_student, ...
    Column("target", String(60)),                               # a dashboard key, or why a sign-in was refused
    Column("school_id", ForeignKey("schools.id")),
    Column("student_id", ForeignKey("students.id"), index=True),  # whose cabinet or items were looked at
    Column("address", String(64)),                              # the client's address, for sign-ins
)

rescued_originals = Table(
    "rescued_originals", metadata,          # the original of a converted file (檔案救援), kept beside it for a time
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("derivative_sha256", ForeignKey("files.sha256"), nullable=False, index=True),   # what was stored
    Column("original_sha256", ForeignKey("files.sha256"), nullable=False),
    Column("original_name", String(255), nullable=False),
    Column("tool", String(80), nullable=False),
    Column("tool_version", String(200), nullable=False),
    Column("parameters", Text, nullable=False),              # JSON: the steps, resolution, quality, bit rate
    Column("kept_at", DateTime, nullable=False),
)

programmes = Table(
    "programmes", metadata,                 # a university or technical programme (校系) and what it asks for
    Column("id", Integer, primary_key=True),
    Column("school_id", ForeignKey("schools.id"), nullable=False),
    Column("code", String(20), nullable=False),            # 校系代碼
    Column("name", String(100), nullable=False),           # 校系名稱
    Column("system", String(12), nullable=False),          # university / technical (domain.admission.System)
    Column("requirement", String(400), nullable=False),    # the requirement string as the list gives it
    Column("admission_year", Integer),                     # the 學年度 of the 校系分則 it was read from
    Column("source", String(500), nullable=False, server_default=""),
    Column("sample", Boolean, nullable=False, server_default=false()),   # sample data, not a real year's rules
    Column("imported_at", DateTime, nullable=False),
    UniqueConstraint("school_id", "code"),
)

programme_targets = Table(
    "programme_targets", metadata,          # a programme a student aims at (目標校系)
    Column("id", Integer, primary_key=True),
    Column("student_id", ForeignKey("students.id"), nullable=False, index=True),
    Column("programme_id", ForeignKey("programmes.id"), nullable=False, index=True),
    Column("added_at", DateTime, nullable=False),
    UniqueConstraint("student_id", "programme_id"),
)

# Every column of a student's items that points at a stored file: what the quota counts.
ITEM_FILE_REFERENCES = (
    (outcomes, outcomes.c.document_sha256), (outcomes, outcomes.c.video_sha256),
    (performances, performances.c.document_sha256), (performances, performances.c.video_sha256),
    (consultation_records, consultation_records.c.document_sha256),
    (learning_plans, learning_plans.c.document_sha256),
    (school_documents, school_documents.c.document_sha256),
)
# Every column that points at a stored file: a file is removed only when none of them does. A rescued original
# is the student's for a time, outside the quota.
FILE_REFERENCES = ITEM_FILE_REFERENCES + ((rescued_originals, rescued_originals.c.original_sha256),)
