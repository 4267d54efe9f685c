"""The whole deployment, started by the tests and stopped by PID: slapd with the demo accounts, JupyterHub and
its proxy, the dashboards service, over a small demo school; Debian's Chromium for the sign-in pages.

It runs as root (it creates OS users: the service user and researchers' users, named pfci-*, removed again
afterwards) from .venv-deploy, which scripts/test.sh makes with scripts/setup-deploy.sh."""

from __future__ import annotations

import csv
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from portfolio_lib.deploy.client import Person

from ..conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv-deploy" / "bin" / "python"
AS_OF = "115/11/28 10:00"
SERVICE_USER = "pfci-web"
RESEARCHER_PREFIX = "pfci-r-"
# A notebook placed among the served dashboards that is not one of the workbench's pages: it would
# leave this file behind if it ever ran.
ATTACK_MARK = "attack-notebook-ran"


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@dataclass
class Deployment:
    base: str
    folder: Path
    db: Path
    state: Path
    passwords: dict
    process: subprocess.Popen
    log: Path
    marks: Path

    def person(self) -> Person:
        return Person(self.base)

    def signed_in(self, login: str) -> Person:
        person = Person(self.base)
        person.sign_in(login, self.passwords[login])
        return person

    def sql(self, query: str, *params):
        with sqlite3.connect(self.db) as conn:
            return conn.execute(query, params).fetchall()

    def hub_log(self) -> str:
        return (self.state / "logs" / "hub.log").read_text(errors="replace")


def _attack_notebook(folder: Path, mark: Path):
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": [f"open({str(mark)!r}, 'w').write('ran')"]}
    notebook = {"cells": [cell], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (folder / "attack.ipynb").write_text(json.dumps(notebook))


def _remove_os_users():
    for entry in pwd.getpwall():
        if entry.pw_name == SERVICE_USER or entry.pw_name.startswith(RESEARCHER_PREFIX):
            subprocess.run(["userdel", entry.pw_name], capture_output=True)


@pytest.fixture(scope="session")
def deployment():
    if os.geteuid() != 0:
        raise RuntimeError("the deployment tests run as root: they create OS users for the service and researchers")
    if not PYTHON.exists():
        raise RuntimeError(f"{PYTHON} is missing: scripts/test.sh makes it with scripts/setup-deploy.sh")
    folder = Path(tempfile.mkdtemp(prefix="pf-deploy-", dir="/tmp"))
    os.chmod(folder, 0o755)
    marks = folder / "marks"
    marks.mkdir(mode=0o777)
    os.chmod(marks, 0o1777)          # anyone may write here: a mark appearing proves code ran
    dashboards = folder / "dashboards"
    shutil.copytree(ROOT / "dashboards", dashboards)
    _attack_notebook(dashboards, marks / ATTACK_MARK)
    public, hub, api, web, ldap = free_ports(5)
    config = folder / "deploy.toml"
    config.write_text(f"""
[server]
port = {public}
hub_port = {hub}
proxy_api_port = {api}
dashboards_port = {web}
[ldap]
bundled_port = {ldap}
[accounts]
service_user = "{SERVICE_USER}"
researcher_prefix = "{RESEARCHER_PREFIX}"
[sessions]
hours = 2
kernel_idle_minutes = 0.5
server_idle_minutes = 10
[paths]
state = "{folder / 'state'}"
data = "{folder / 'data'}"
research = "{folder / 'research'}"
dashboards = "{dashboards}"
notebooks = "{ROOT / 'notebooks'}"
[demo]
students = 120
seed = 31
""")
    log = folder / "deploy.log"
    env = {**os.environ, "PORTFOLIO_AS_OF": AS_OF}
    for name in ("PORTFOLIO_DB", "PORTFOLIO_FILES", "PORTFOLIO_VIEWER", "PORTFOLIO_SIGN_IN"):
        env.pop(name, None)
    with open(log, "wb") as out:
        process = subprocess.Popen([str(PYTHON), "-m", "portfolio_lib.deploy", "--config", str(config),
                                    "--as-of", AS_OF.split()[0]], stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env, cwd=ROOT, start_new_session=True)
    base = f"http://127.0.0.1:{public}"
    try:
        deadline = time.monotonic() + 300
        while "is running at" not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the deployment did not start:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.5)
        state = folder / "state"
        with open(state / "demo-passwords.csv", encoding="utf-8-sig") as f:
            passwords = {row["帳號"]: row["密碼"] for row in csv.DictReader(f)}
        yield Deployment(base, folder, folder / "data" / "demo.sqlite", state, passwords, process, log, marks)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        stray = [p for p in psutil.process_iter(["cmdline"]) if str(folder) in " ".join(p.info["cmdline"] or [])
                 or (p.info["cmdline"] and f"--port={web}" in p.info["cmdline"])]
        for p in stray:
            p.kill()
        _remove_os_users()
        ARTIFACTS.mkdir(exist_ok=True)
        for name in ("deploy.log", "state/logs/hub.log", "state/logs/slapd.log"):
            if (folder / name).exists():
                shutil.copy(folder / name, ARTIFACTS / f"deploy-{Path(name).name}")
        shutil.rmtree(folder, ignore_errors=True)
        assert not stray, f"the deployment left processes behind: {[p.pid for p in stray]}"


@pytest.fixture
def people(deployment):
    """Accounts of the demo school by what they are, read from its database."""
    return Cast(deployment)


class Cast:
    """Who is who in the demo school: a student, their parent, a homeroom teacher and their class, ..."""

    def __init__(self, d: Deployment):
        self.d = d
        year = 115

        def one(query, *params):
            rows = d.sql(query, *params)
            assert rows, query
            return rows[0]

        self.student, self.student_id, self.student_name = one(
            "SELECT s.login, s.id, s.name FROM students s JOIN enrolments e ON e.student_id = s.id "
            "JOIN guardians g ON g.student_id = s.id WHERE e.academic_year = ? ORDER BY s.id LIMIT 1", year)
        self.parent = one("SELECT login FROM guardians WHERE student_id = ?", self.student_id)[0]
        self.homeroom, self.homeroom_class = one(
            "SELECT st.login, c.id FROM staff st JOIN classes c ON c.homeroom_teacher_id = st.id "
            "WHERE c.academic_year = ? AND st.id NOT IN (SELECT staff_id FROM staff_roles WHERE role IN "
            "('counselor', 'admin')) ORDER BY c.name LIMIT 1", year)
        self.teacher = one("SELECT st.login FROM staff st JOIN staff_roles r ON r.staff_id = st.id "
                           "WHERE r.role = 'teacher' AND st.id NOT IN (SELECT staff_id FROM staff_roles "
                           "WHERE role != 'teacher') AND st.id IN (SELECT teacher_id FROM course_sections "
                           "WHERE academic_year = ?) ORDER BY st.id LIMIT 1", year)[0]
        self.researcher = one("SELECT st.login FROM staff st JOIN staff_roles r ON r.staff_id = st.id "
                              "WHERE r.role = 'researcher' ORDER BY st.id LIMIT 1")[0]
        self.counselor = one("SELECT st.login FROM staff st JOIN staff_roles r ON r.staff_id = st.id "
                             "WHERE r.role = 'counselor' ORDER BY st.id LIMIT 1")[0]
        self.admin = one("SELECT st.login FROM staff st JOIN staff_roles r ON r.staff_id = st.id "
                         "WHERE r.role = 'admin' ORDER BY st.id LIMIT 1")[0]
