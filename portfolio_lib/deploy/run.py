"""Start the deployment on one school server: the directory (bundled or the school's), the hub and its proxy,
and the dashboards service, over the school database named by PORTFOLIO_DB (the demo school without one).

Run as root: the hub starts the dashboards as the service user and researchers' JupyterLab as their own
OS users. What only root may read (the hub's database, cookie secret, crypt key, the demo passwords and
the directory) is kept in the state folder with mode 700; the school database, its files and packages
belong to the service user alone.
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from ..adapters.db import database_url, make_engine
from ..services import config
from .directory import PASSWORD_FILE, build_directory, private_write, start_slapd
from .hub import ensure_os_user
from .settings import PROJECT, Settings, load


@dataclass
class Deployment:
    settings: Settings
    db: str
    files: str
    state: Path
    processes: list = field(default_factory=list)
    logs: Path | None = None

    @property
    def passwords(self) -> Path:
        return self.state / PASSWORD_FILE


def _as_service(settings: Settings, *command: str):
    subprocess.run(["runuser", "-u", settings.accounts.service_user, "--", *command], check=True,
                   stdin=subprocess.DEVNULL)


def secure(path: Path, entry: pwd.struct_passwd, mode_dir: int = 0o700, mode_file: int = 0o600):
    """Give a file or a folder (and all in it) to the service user alone."""
    if not path.exists():
        return
    paths = [path] if path.is_file() else [path, *path.rglob("*")]
    for p in paths:
        os.chown(p, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
        if not p.is_symlink():
            os.chmod(p, mode_dir if p.is_dir() else mode_file)


def own_folder(db: Path, files: Path):
    """The school database must sit in a folder of its own: the service user gets that folder (SQLite writes
    its -wal and -shm files beside the database, the workbench its writers' queue), so nothing else may be in it."""
    family = {db.name, db.name + "-wal", db.name + "-shm", db.name + "-journal", db.name + "-writers",
              db.stem + ".files", db.stem + ".packages",
              files.name if files.parent == db.parent else db.stem + ".files", "home", "exports"}
    strangers = sorted(p.name for p in db.parent.iterdir() if p.name not in family)
    if strangers:
        raise SystemExit(f"{db.parent} holds more than the school database ({', '.join(strangers[:5])}): move "
                         f"{db.name} into a folder of its own, which the service user will own alone")


def prepare(settings: Settings, db: str | None = None, as_of: str | None = None) -> Deployment:
    """The service user, the school database (the demo school if there is none), the state folder's secrets."""
    if os.geteuid() != 0:
        raise SystemExit("the deployment runs as root (sudo): it starts people's servers as OS users of their own")
    state, data = settings.path("state"), settings.path("data")
    if (PROJECT / "var").exists():
        os.chmod(PROJECT / "var", 0o700)      # the local demo's databases are root's alone
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)
    (state / "logs").mkdir(exist_ok=True)
    service = ensure_os_user(settings.accounts.service_user, data / "home")
    data.mkdir(parents=True, exist_ok=True)
    for folder in (data, Path(service.pw_dir)):
        os.chown(folder, service.pw_uid, service.pw_gid)
        os.chmod(folder, 0o700)
    settings.path("research").mkdir(parents=True, exist_ok=True)
    os.chmod(settings.path("research"), 0o755)
    db = config.database(db) or str(data / "demo.sqlite")
    url = database_url(db)
    portfolio = str(Path(sys.executable).with_name("portfolio"))
    files = str(config.file_root(db))
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            if path.parent != data:
                raise SystemExit(f"PORTFOLIO_DB names {path}, which does not exist")
            print(f"building the demo school ({settings.demo.students} students) in {path} …", flush=True)
            demo = [portfolio, "--db", str(path), "demo", "--students", str(settings.demo.students),
                    "--seed", str(settings.demo.seed), "--json"] + (["--as-of", as_of] if as_of else [])
            _as_service(settings, *demo)
        own_folder(path, Path(files))
        for folder in (path.parent, Path(files)):      # the database, its -wal, -shm, -writers, files and packages
            secure(folder, service)
    _as_service(settings, portfolio, "--db", db, "--files", files, "init")   # migrations, as the service user
    exports = data / "exports"
    exports.mkdir(exist_ok=True)
    secure(exports, service)
    for name in ("jupyterhub_cookie_secret", "jupyterhub_crypt_key", "proxy_auth_token"):
        if not (state / name).exists():
            private_write(state / name, secrets.token_hex(32) + "\n")
    return Deployment(settings, db, files, state)


def _wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def start(deployment: Deployment) -> Deployment:
    """The bundled directory (without an LDAP address), then the hub, which starts the proxy and the services;
    if any of them fails to start, everything already started is stopped again."""
    for port in _ports(deployment.settings):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                raise SystemExit(f"port {port} is in use: is another deployment running? "
                                 f"(see {deployment.settings.source})")
    try:
        return _start(deployment)
    except BaseException:
        stop(deployment)
        raise


def _ports(settings: Settings) -> list[int]:
    server = settings.server
    ports = [server.port, server.hub_port, server.proxy_api_port, server.dashboards_port]
    return ports + ([settings.ldap.bundled_port] if settings.ldap.bundled else [])


def _start(deployment: Deployment) -> Deployment:
    settings, state = deployment.settings, deployment.state
    logs = deployment.logs = state / "logs"
    if settings.ldap.bundled:
        conf, count = build_directory(state, make_engine(deployment.db), settings.ldap.bundled_suffix)
        slapd = start_slapd(conf, settings.ldap.bundled_port, logs / "slapd.log")
        deployment.processes.append(("slapd", slapd))
        _wait_for_port(settings.ldap.bundled_port, slapd, "slapd", logs / "slapd.log")
        print(f"bundled directory: {count} demo accounts; passwords in {deployment.passwords} (root only)",
              flush=True)
    env = {**os.environ, "PORTFOLIO_DB": deployment.db, "PORTFOLIO_FILES": deployment.files,
           "PORTFOLIO_DEPLOY_CONFIG": settings.source,
           "JUPYTERHUB_CRYPT_KEY": (state / "jupyterhub_crypt_key").read_text().strip(),
           "CONFIGPROXY_AUTH_TOKEN": (state / "proxy_auth_token").read_text().strip()}
    hub_log = logs / "hub.log"
    with open(hub_log, "ab") as out:
        hub = subprocess.Popen([str(Path(sys.executable).with_name("jupyterhub")), "-f",
                                str(PROJECT / "deploy" / "jupyterhub_config.py")], cwd=state, env=env,
                               stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    deployment.processes.append(("jupyterhub", hub))
    _wait_for_port(settings.server.port, hub, "jupyterhub", hub_log, timeout=120)
    _wait_for_port(settings.server.dashboards_port, hub, "the dashboards service", hub_log, timeout=120)
    _wait_for_url(f"http://127.0.0.1:{settings.server.port}/hub/login", hub, hub_log)
    return deployment


def _wait_for_url(url: str, process: subprocess.Popen, log: Path, timeout: float = 120):
    """Until the proxy routes to the hub and the hub answers (its login page) with 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited ({process.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5, context=ssl._create_unverified_context()) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(deployment: Deployment, timeout: float = 30):
    """Stop what was started, newest first: the hub (which stops the proxy, the services and researchers'
    servers), then the directory; by PID, forcefully if they do not stop in time. Whatever the hub started
    and left behind (it was stopped while starting, say) is found by its command line and stopped too."""
    for _, process in reversed(deployment.processes):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    deployment.processes.clear()
    for process in leftovers(deployment.settings):
        process.terminate()
    gone, alive = psutil.wait_procs(leftovers(deployment.settings), timeout=10)
    for process in alive:
        process.kill()


def leftovers(settings: Settings) -> list[psutil.Process]:
    """Processes of this deployment still running: its proxy, the culler, and whatever runs as its OS users
    (the dashboards service, pages' kernels, researchers' JupyterLab and their kernels)."""
    server, found = settings.server, []
    marks = (f"--port {server.port}", f"--port={server.dashboards_port}", f"--api-port {server.proxy_api_port}",
             f"127.0.0.1:{server.hub_port}/hub/api")
    for process in psutil.process_iter(["cmdline", "environ", "username"]):
        try:
            line = " ".join(process.info["cmdline"] or [])
            env = process.info["environ"] or {}
            user = process.info["username"] or ""
        except (psutil.Error, TypeError):
            continue
        ours = user == settings.accounts.service_user or user.startswith(settings.accounts.researcher_prefix)
        if process.pid != os.getpid() and (ours or any(m in line for m in marks) or
                                           any(m in env.get("JUPYTERHUB_API_URL", "") for m in marks[3:])):
            found.append(process)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portfolio_lib.deploy",
                                     description="學習歷程工作台的多人部署：LDAP 登入、JupyterHub 與儀表板服務")
    parser.add_argument("--config", help="the deployment's configuration file (default: deploy/deploy.toml)")
    parser.add_argument("--as-of", help="build the demo school standing at this ROC date (default: now)")
    args = parser.parse_args(argv)
    deployment = start(prepare(load(args.config), as_of=args.as_of))
    print(f"學習歷程工作台 is running at {deployment.settings.public_url}/  (database: {deployment.db})", flush=True)
    print(f"logs in {deployment.logs}; stop with Ctrl-C", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping and all(p.poll() is None for _, p in deployment.processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    failed = [name for name, p in deployment.processes if p.poll() is not None]
    stop(deployment)
    if failed and not stopping:
        print(f"stopped because {', '.join(failed)} exited; see {deployment.logs}", file=sys.stderr)
        return 1
    return 0
