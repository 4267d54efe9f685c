"""The whole deployment, started by the tests and stopped by PID: slapd with the demo accounts, JupyterHub and
its proxy, the dashboards service, over a small demo school; Debian's Chromium for the sign-in pages.

It runs as root (it creates OS users: the service user and researchers' users, named pfci-*, removed again
afterwards) from .venv-deploy, which scripts/test.sh makes with scripts/setup-deploy.sh."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from portfolio_lib.deploy.trial import start_trial, stop_trial

from ..conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
# A notebook placed among the served dashboards that is not one of the workbench's pages: it would
# leave this file behind if it ever ran.
ATTACK_MARK = "attack-notebook-ran"


def _attack_notebook(folder: Path, mark: Path):
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": [f"open({str(mark)!r}, 'w').write('ran')"]}
    notebook = {"cells": [cell], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (folder / "attack.ipynb").write_text(json.dumps(notebook))


@pytest.fixture(scope="session")
def deployment():
    outside = Path(tempfile.mkdtemp(prefix="pf-deploy-pages-", dir="/tmp"))
    os.chmod(outside, 0o755)
    marks = outside / "marks"
    marks.mkdir()
    os.chmod(marks, 0o1777)          # anyone may write here: a mark appearing proves code ran
    dashboards = outside / "dashboards"
    shutil.copytree(ROOT / "dashboards", dashboards)
    _attack_notebook(dashboards, marks / ATTACK_MARK)
    trial = start_trial(dashboards=dashboards)
    trial.marks = marks
    try:
        yield trial
    finally:
        stray = stop_trial(trial, keep_logs=ARTIFACTS)
        shutil.rmtree(outside, ignore_errors=True)
        assert not stray, f"the deployment left processes behind: {stray}"


@pytest.fixture
def people(deployment):
    """Accounts of the demo school by what they are, read from its database."""
    return Cast(deployment)


class Cast:
    """Who is who in the demo school: a student, their parent, a homeroom teacher and their class, ..., and the city's
    education office's officer."""

    def __init__(self, d):
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
        self.district = one("SELECT login FROM district_officers ORDER BY id LIMIT 1")[0]
