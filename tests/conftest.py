"""Fixtures: a real database per test (a SQLite file, or a database on a throwaway PostgreSQL server) with its
file store, a small school, a settable clock."""

from __future__ import annotations

import hashlib
import io
import itertools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from sqlalchemy import text

from portfolio_lib import services
from portfolio_lib.demo.samples import make_pdf, media
from portfolio_lib.domain.files import Upload
from portfolio_lib.domain.model import Actor
from portfolio_lib.services.unit_of_work import Workbench

from .postgres import PostgresServer

SCHOOL = "330301"
COURSES = [("國語文", "01"), ("英語文", "01"), ("數學", "02"), ("歷史", "03"), ("地理", "03"),
           ("物理", "04"), ("化學", "04"), ("音樂", "05")]


def course_code(n: int, grade: int = 1) -> str:
    return f"113330301H1101{grade:02d}100{COURSES[n][1]}{n + 1:02d}"


ADMIN = Actor.administrator("tests")   # the administrator path, named


class Clock:
    """A clock the test sets; the workbench reads it at the start of every use case."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class School:
    wb: Workbench
    clock: Clock
    admin = Actor("staff", "A001")

    def uow(self):
        return self.wb.uow()

    def passed_outcome(self, student: str, n: int, term=(113, 1)) -> int:
        """Upload, send and certify (通過) an outcome of course n."""
        outcome_id = services.upload_outcome(self.uow(), student, *term, course_code(n), f"第 {n} 門課的成果",
                                             document=pdf(f"{student}-{term}-{n}"))
        services.send_for_certification(self.uow(), outcome_id)
        services.certify(self.uow(), outcome_id, actor=Actor("staff", "T002"), passed=True)
        return outcome_id


def pdf(label: str = "doc", size: int | None = None, name: str | None = None) -> Upload:
    return Upload(name or f"{label}.pdf", make_pdf([label], size=size))


def png(label: str = "pic", name: str | None = None) -> Upload:
    out = io.BytesIO()
    Image.new("RGB", (8 + len(label), 8), (len(label) * 9 % 256, 40, 90)).save(out, "PNG")
    return Upload(name or f"{label}.png", out.getvalue())


def mp4(name: str = "clip.mp4") -> Upload:
    return Upload(name, media("mp4"))


def give(zone, upload: Upload):
    """Hand a file to a drop zone, as a drop or a click in the page does."""
    zone.receive(upload.name, upload.data)


def csv_bytes(rows: list[dict], encoding: str = "utf-8") -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode(encoding)


STAFF = [
    {"職員編號": "A001", "姓名": "陳主任", "身分": "校管理者、輔導老師", "登入帳號": "a001"},
    {"職員編號": "T001", "姓名": "王導師", "身分": "導師、授課教師", "登入帳號": ""},
    {"職員編號": "T002", "姓名": "李老師", "身分": "授課教師", "登入帳號": ""},
    {"職員編號": "T003", "姓名": "張代理", "身分": "授課教師", "登入帳號": ""},
    {"職員編號": "S001", "姓名": "林提交", "身分": "提交人員", "登入帳號": ""},
    {"職員編號": "C001", "姓名": "黃諮詢", "身分": "課程諮詢師", "登入帳號": ""},
]


def student_rows() -> list[dict]:
    rows = []
    for no, name, idn, grade, cls, entry in (("113001", "林小明", "A123456789", 10, "101", 113),
                                             ("113002", "張小華", "F212345674", 10, "101", 113),
                                             ("111001", "陳大同", "B120000008", 12, "301", 111)):
        rows.append({"學號": no, "姓名": name, "身分證字號": idn, "出生日期": "097/05/01", "入學年度": entry,
                     "學年度": 113, "年級": grade, "班級": cls, "座號": len(rows) + 1,
                     "導師職員編號": "T001" if cls == "101" else ""})
    return rows


def teaching_rows() -> list[dict]:
    rows = []
    for semester in (1, 2):
        for section in ("101", "301"):
            for n, (subject, _) in enumerate(COURSES):
                rows.append({"學年度": 113, "學期": semester, "課程代碼": course_code(n), "科目名稱": subject,
                             "學分數": 2, "開課班級": section, "授課教師職員編號": "T002",
                             "代理教師職員編號": "T003" if n == 0 else ""})
    return rows


def record_rows() -> list[dict]:
    rows = []
    for student, section in (("113001", "101"), ("113002", "101"), ("111001", "301")):
        for semester in (1, 2):
            for n in range(len(COURSES)):
                rows.append({"學號": student, "學年度": 113, "學期": semester, "課程代碼": course_code(n),
                             "開課班級": section, "成績": 80 + n, "修課別": ""})
    return rows


WINDOWS = [  # (semester, kind, opens, closes): the 113 school year
    (1, "upload_1", datetime(2024, 9, 1), datetime(2025, 1, 25, 23, 59)),
    (1, "upload_2", datetime(2025, 1, 26), datetime(2025, 2, 5, 23, 59)),
    (1, "certification", datetime(2024, 9, 1), datetime(2025, 2, 28, 23, 59)),
    (2, "upload_1", datetime(2025, 2, 15), datetime(2025, 7, 5, 23, 59)),
    (2, "upload_2", datetime(2025, 7, 6), datetime(2025, 7, 15, 23, 59)),
    (2, "certification", datetime(2025, 2, 15), datetime(2025, 8, 10, 23, 59)),
    (0, "performance_upload", datetime(2024, 8, 1), datetime(2025, 7, 31, 23, 59)),
    (0, "selection", datetime(2025, 7, 1), datetime(2025, 8, 30, 23, 59)),
]

IN_UPLOAD = datetime(2025, 1, 10, 10, 0)       # 113-1, inside upload stage 1 and certification
IN_SELECTION = datetime(2025, 7, 10, 10, 0)    # inside 113's selection window


@pytest.fixture
def clock():
    return Clock(IN_UPLOAD)


@dataclass(frozen=True)
class Database:
    url: str             # a SQLite file's path or a PostgreSQL URL, as --db and PORTFOLIO_DB take it
    files: Path          # its file store

    def open(self, **options) -> Workbench:
        return Workbench.open(self.url, files=self.files, **options)


class Databases:
    """New empty databases on either backend; PostgreSQL's are copies of one migrated template, made in 0.1 s."""

    TEMPLATE = "portfolio_template"

    def __init__(self):
        self.server: PostgresServer | None = None
        self.numbers = itertools.count(1)

    def new(self, backend: str, folder: Path, name: str = "school", empty: bool = False) -> Database:
        """A database at the newest schema, or `empty` (no schema at all)."""
        if backend == "sqlite":
            return Database(str(folder / f"{name}.sqlite"), folder / f"{name}.files")
        if self.server is None:
            self.server = PostgresServer.start()
            self.server.execute(f"CREATE DATABASE {self.TEMPLATE}")
            Workbench.open(self.server.url(self.TEMPLATE), files=folder / "template.files").engine.dispose()
        database = f"{name}_{next(self.numbers)}"
        self.server.execute(f"CREATE DATABASE {database}" + ("" if empty else f" TEMPLATE {self.TEMPLATE}"))
        return Database(self.server.url(database), folder / f"{name}.files")

    def drop(self, database: Database):
        if self.server is not None and database.url.startswith("postgresql"):
            self.server.execute(f"DROP DATABASE {database.url.rsplit('/', 1)[1]} WITH (FORCE)")

    def stop(self):
        if self.server is not None:
            self.server.stop()


@pytest.fixture(scope="session")
def databases():
    made = Databases()
    yield made
    made.stop()


@pytest.fixture(scope="module")
def backend() -> str:
    """The test's database. The service, query, importer, CLI and concurrency tests run on both backends
    (their folders override this with `both_backends`)."""
    return "sqlite"


@pytest.fixture
def database(databases, backend, tmp_path) -> Database:
    made = databases.new(backend, tmp_path)
    yield made
    databases.drop(made)


@pytest.fixture
def empty_database(databases, backend, tmp_path) -> Database:
    """A database with no schema yet, for the migrations to build."""
    made = databases.new(backend, tmp_path, "empty", empty=True)
    yield made
    databases.drop(made)


@pytest.fixture
def wb(database, clock) -> Workbench:
    workbench = database.open(clock=clock)
    yield workbench
    workbench.engine.dispose()


@pytest.fixture
def school(wb, clock) -> School:
    return build_school(wb, clock)


def build_school(wb: Workbench, clock: Clock) -> School:
    """The test school: its staff, three students, their courses and records, and the 113 school year's windows."""
    services.create_school(wb.uow(), SCHOOL, "測試高中", actor=ADMIN)
    for kind, rows in (("staff", STAFF), ("students", student_rows()), ("teaching", teaching_rows()),
                       ("course_records", record_rows())):
        services.import_file(wb.uow(), kind, csv_bytes(rows), name=f"{kind}.csv", actor=ADMIN)
    for semester, kind, opens, closes in WINDOWS:
        services.set_window(wb.uow(), 113, semester, kind, opens, closes, actor=ADMIN)
    return School(wb, clock)


def both_backends():
    """A `backend` fixture that runs each test of its folder or module on SQLite and on PostgreSQL."""
    @pytest.fixture(scope="module", params=["sqlite", "postgresql"])
    def backend(request) -> str:
        return request.param
    return backend


def snapshot(wb: Workbench) -> dict:
    """Every row of every table and every file in the store: to prove nothing was written."""
    from portfolio_lib.adapters.tables import metadata
    state = {}
    with wb.engine.connect() as conn:
        for table in metadata.sorted_tables:
            state[table.name] = sorted(map(tuple, conn.execute(text(f"SELECT * FROM {table.name}")).all()), key=repr)
    root = Path(wb.store.root)
    state["files on disk"] = sorted(
        (str(p.relative_to(root)), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return state


@dataclass(frozen=True)
class Rendered:
    databases: tuple[Path, Path]
    folder: Path
    reports: dict            # name → HTML path


@pytest.fixture(scope="session")
def rendered_reports(tmp_path_factory) -> Rendered:
    """Two demo schools in two databases, and every research report rendered on both by papermill."""
    from portfolio_lib.demo import build_demo
    from portfolio_lib.research.notebooks import REPORTS
    from portfolio_lib.research.report import render_report

    folder = tmp_path_factory.mktemp("reports")
    one, two = folder / "one.sqlite", folder / "two.sqlite"
    as_of = datetime(2026, 11, 28, 10, 0)
    build_demo(Workbench.open(one), seed=21, students=300, as_of=as_of)
    build_demo(Workbench.open(two), seed=22, students=150, as_of=as_of, school_code="999302", school_name="第二高中")
    parameters = {"databases": [str(one), str(two)], "exports": [], "schools": [], "years": [], "k": 10,
                  "figures_dir": ""}
    reports = {name: render_report(name, folder / "html", parameters) for name in REPORTS}
    return Rendered((one, two), folder / "html", reports)


# --- Debian's Chromium for the browser tests (pytest-playwright), shared by tests/browser and tests/deploy ---

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium with apt-get")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "accept_downloads": True,
            "locale": "zh-TW"}


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
