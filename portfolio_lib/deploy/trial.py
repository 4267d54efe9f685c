"""A throwaway deployment in a folder of its own, on free ports: for the tests, the benchmark and trying it out.

It starts `python -m portfolio_lib.deploy` (the deployment's Python, .venv-deploy) over a demo school
of its own, waits until the hub answers, and afterwards stops it by PID, checks that nothing it started
is left running, removes the OS users it created and its folder.
"""

from __future__ import annotations

import csv
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from .client import Person
from .settings import PROJECT

PYTHON = PROJECT / ".venv-deploy" / "bin" / "python"


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


@dataclass
class Trial:
    """A running trial deployment: where it answers, its folders and the demo accounts' passwords."""

    base: str
    folder: Path
    db: Path
    state: Path
    passwords: dict
    process: subprocess.Popen
    service_user: str
    researcher_prefix: str
    ports: list = field(default_factory=list)

    def person(self) -> Person:
        return Person(self.base)

    def signed_in(self, login: str) -> Person:
        person = Person(self.base)
        person.sign_in(login, self.passwords[login])
        return person

    def sql(self, query: str, *params):
        """Read (or, for a test's set-up, change) the school database directly, as root."""
        with sqlite3.connect(self.db) as conn:
            return conn.execute(query, params).fetchall()

    def hub_log(self) -> str:
        return (self.state / "logs" / "hub.log").read_text(errors="replace")

    def processes(self) -> list[psutil.Process]:
        """Every process of the deployment: runner, directory, hub, proxy, services, kernels, JupyterLabs."""
        public, web = self.ports[:2]
        marks = (str(self.folder), f"--port={web}", f"--port {public}")
        found = []
        for p in psutil.process_iter(["cmdline", "username"]):
            user, line = p.info["username"] or "", " ".join(p.info["cmdline"] or [])
            try:
                config = p.environ().get("PORTFOLIO_DEPLOY_CONFIG", "")
            except psutil.Error:
                config = ""
            if (user == self.service_user or user.startswith(self.researcher_prefix) or any(m in line for m in marks)
                    or config.startswith(str(self.folder))):
                found.append(p)
        return found


def start_trial(students: int = 120, as_of: str = "115/11/28 10:00", seed: int = 31, service_user: str = "pfci-web",
                researcher_prefix: str = "pfci-r-", kernel_idle_minutes: float = 0.5, hours: float = 2,
                dashboards: Path | None = None, timeout: float = 900) -> Trial:
    if os.geteuid() != 0:
        raise RuntimeError("a trial deployment runs as root: it creates OS users for the service and researchers")
    if not PYTHON.exists():
        raise RuntimeError(f"{PYTHON} is missing: run scripts/setup-deploy.sh")
    folder = Path(tempfile.mkdtemp(prefix="pf-deploy-", dir="/tmp"))
    os.chmod(folder, 0o755)
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
service_user = "{service_user}"
researcher_prefix = "{researcher_prefix}"
[sessions]
hours = {hours}
kernel_idle_minutes = {kernel_idle_minutes}
server_idle_minutes = 10
[paths]
state = "{folder / 'state'}"
data = "{folder / 'data'}"
research = "{folder / 'research'}"
dashboards = "{dashboards or PROJECT / 'dashboards'}"
notebooks = "{PROJECT / 'notebooks'}"
[demo]
students = {students}
seed = {seed}
""")
    log = folder / "deploy.log"
    env = {**os.environ, "PORTFOLIO_AS_OF": as_of}
    for name in ("PORTFOLIO_DB", "PORTFOLIO_FILES", "PORTFOLIO_VIEWER", "PORTFOLIO_SIGN_IN"):
        env.pop(name, None)
    with open(log, "wb") as out:
        process = subprocess.Popen([str(PYTHON), "-m", "portfolio_lib.deploy", "--config", str(config),
                                    "--as-of", as_of.split()[0]], stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env, cwd=PROJECT, start_new_session=True)
    trial = Trial(f"http://127.0.0.1:{public}", folder, folder / "data" / "demo.sqlite", folder / "state", {},
                  process, service_user, researcher_prefix, [public, web, hub, api, ldap])
    deadline = time.monotonic() + timeout
    try:
        while "is running at" not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the deployment did not start:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.5)
    except BaseException:
        stop_trial(trial)
        raise
    with open(trial.state / "demo-passwords.csv", encoding="utf-8-sig") as f:
        trial.passwords.update({row["帳號"]: row["密碼"] for row in csv.DictReader(f)})
    return trial


def stop_trial(trial: Trial, keep_logs: Path | None = None) -> list[str]:
    """Stop the trial by PID; returns what it left running (then killed), as `pid user command`."""
    trial.process.send_signal(signal.SIGTERM)
    try:
        trial.process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(trial.process.pid, signal.SIGKILL)
        trial.process.wait()
    stray, left = [p for p in trial.processes() if p.pid != os.getpid()], []
    for p in stray:
        try:
            left.append(f"{p.pid} {p.username()} {' '.join(p.cmdline())[:200]}")
            p.kill()
        except psutil.NoSuchProcess:
            pass
    for entry in pwd.getpwall():
        if entry.pw_name == trial.service_user or entry.pw_name.startswith(trial.researcher_prefix):
            subprocess.run(["userdel", entry.pw_name], capture_output=True)
    if keep_logs is not None:
        keep_logs.mkdir(exist_ok=True)
        for name in ("deploy.log", "state/logs/hub.log", "state/logs/slapd.log"):
            if (trial.folder / name).exists():
                shutil.copy(trial.folder / name, keep_logs / f"deploy-{Path(name).name}")
    shutil.rmtree(trial.folder, ignore_errors=True)
    return left
