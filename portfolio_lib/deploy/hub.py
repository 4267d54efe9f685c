"""JupyterHub for the workbench: LDAP sign-on, roles from the school database, researchers kept apart.

- `SchoolSignIn` signs people in against the directory (LDAP), then looks the name up in the school
  database (staff, student and guardian login columns): a name with no school record is refused with
  a message in Chinese, and every sign-in, refused or not, goes to the access log.
- Signed-in people may use the dashboards service and nothing else of the hub; researchers may also
  start a JupyterLab (`ResearcherSpawner`), which runs as an OS user of its own that cannot read the
  school database, its files or its packages, with a de-identified export made afresh for it.
"""

from __future__ import annotations

import asyncio
import functools
import os
import pwd
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from jupyterhub import orm
from jupyterhub.handlers.login import LogoutHandler
from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from jupyterhub.utils import new_token
from ldapauthenticator import LDAPAuthenticator
from tornado import web
from traitlets import Unicode

from ..domain.model import AccessEvent
from ..queries.accounts import Account, account_of
from ..services.access_log import record_access
from ..services.unit_of_work import Workbench
from .settings import PROJECT, Settings

SERVICE = "portfolio"
RESEARCHERS = "researchers"     # the hub group of researchers, kept from the school database at every sign-in
RUNTIME_ROOT = Path("/run/portfolio-workbench")
NO_SCHOOL_RECORD = "帳號「{login}」已通過目錄驗證，但本校的學習歷程資料中沒有這個帳號，請洽校管理者。"


@functools.cache
def _workbench(db: str) -> Workbench:
    return Workbench.open(db, create=False)


def school_account(db: str, login: str) -> Account:
    return account_of(_workbench(db).engine, login)


class SchoolSignIn(LDAPAuthenticator):
    """The directory says whether the password is right; the school database says who the person is."""

    portfolio_db = Unicode(config=True, help="The school database (path or SQLAlchemy URL)")

    async def _refuse(self, login: str, reason: str, handler):
        address = handler.request.remote_ip if handler is not None else None
        await asyncio.to_thread(record_access, _workbench(self.portfolio_db).uow(), login or "（空白）",
                                AccessEvent.SIGN_IN_REFUSED, reason, address=address)

    async def authenticate(self, handler, data):
        login = (data.get("username") or "").strip().lower()
        password = data.get("password") or ""
        if not re.match(self.valid_username_regex, login):
            await self._refuse(login[:64], "bad_username", handler)
            raise web.HTTPError(403, "帳號只能有英文字母、數字與 . _ -，請再確認。")
        if not password.strip():
            await self._refuse(login, "blank_password", handler)
            raise web.HTTPError(403, "請輸入密碼。")
        signed = await super().authenticate(handler, {**data, "username": login})
        if signed is None:
            await self._refuse(login, "bad_password", handler)
            return None
        account = await asyncio.to_thread(school_account, self.portfolio_db, login)
        if not account.known:
            await self._refuse(login, "no_school_record", handler)
            raise web.HTTPError(403, NO_SCHOOL_RECORD.format(login=login))
        await asyncio.to_thread(record_access, _workbench(self.portfolio_db).uow(), login, AccessEvent.SIGN_IN,
                                school_id=account.school_id,
                                address=handler.request.remote_ip if handler is not None else None)
        signed["auth_state"] = {**(signed.get("auth_state") or {}), "school_record": account.kinds}
        signed["groups"] = [RESEARCHERS] if account.researcher else []
        return signed

    def get_handlers(self, app):
        return [*super().get_handlers(app), ("/logout", SignOut)]

    async def check_allowed(self, username, auth_model=None):
        """Only names the school database knows may use the hub (checked again at every sign-in)."""
        return (await asyncio.to_thread(school_account, self.portfolio_db, username)).known


class SignOut(LogoutHandler):
    """Sign-out ends the person's sign-in everywhere: every copy of their hub cookie stops working (its id is
    renewed), every page's and JupyterLab's sign-in token is revoked, and the access log records it."""

    async def default_handle_logout(self):
        user = self.current_user
        await super().default_handle_logout()
        if user is None:
            return
        user.orm_user.cookie_id = new_token()
        for token in self.db.query(orm.APIToken).filter(orm.APIToken.user_id == user.orm_user.id,
                                                        orm.APIToken.session_id.is_not(None)):
            self.db.delete(token)
        self.db.commit()
        db = self.settings["portfolio_db"]
        account = await asyncio.to_thread(school_account, db, user.name)
        await asyncio.to_thread(record_access, _workbench(db).uow(), user.name, AccessEvent.SIGN_OUT,
                                school_id=account.school_id, address=self.request.remote_ip)


def landing_url(handler) -> str:
    """Students and parents land on the cabinet, staff on the landing page of their dashboards."""
    base = handler.settings.get("base_url", "/")
    user = handler.current_user
    page = "index"
    if user is not None:
        db = handler.settings["portfolio_db"]
        page = school_account(db, user.name).home
    return f"{base}services/{SERVICE}/voila/render/{page}.ipynb"


def os_user_name(prefix: str, staff_no: str) -> str:
    """The researcher's OS user: the prefix and their staff number, as a valid, opaque system name."""
    name = prefix + re.sub(r"[^a-z0-9]", "", staff_no.lower())
    return name[:32]


def ensure_os_user(name: str, home: Path) -> pwd.struct_passwd:
    """A system user with a private group and a home only it can enter; created once."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        home.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["useradd", "--system", "--user-group", "--create-home", "--home-dir", str(home),
                        "--shell", "/usr/sbin/nologin", name], check=True, capture_output=True)
        entry = pwd.getpwnam(name)
        os.chmod(home, 0o700)
        return entry


def chown_tree(path: Path, entry: pwd.struct_passwd):
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            os.chown(name, entry.pw_uid, entry.pw_gid)


class ResearcherSpawner(LocalProcessSpawner):
    """A researcher's JupyterLab: their own OS user, the research notebooks, a fresh de-identified export,
    and no way to the school database (no path to it in the environment, no permission on its folder)."""

    portfolio_db = Unicode(config=True)
    service_user = Unicode(config=True)
    research_root = Unicode(config=True)
    exports_root = Unicode(config=True, help="Where the service user writes exports before they are handed over")
    notebooks_dir = Unicode(config=True)
    researcher_prefix = Unicode(config=True)
    os_user = Unicode()

    async def start(self):
        account = await asyncio.to_thread(school_account, self.portfolio_db, self.user.name)
        if not account.researcher:
            raise web.HTTPError(403, "只有研究者可以開啟研究用 JupyterLab；其他人請使用學習歷程工作台的頁面。")
        self.os_user = os_user_name(self.researcher_prefix, account.staff.staff_no)
        home = Path(self.research_root) / self.os_user
        entry = await asyncio.to_thread(ensure_os_user, self.os_user, home)
        await self._prepare(Path(entry.pw_dir), entry)
        runtime = self.runtime_dir
        runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chown(runtime, entry.pw_uid, entry.pw_gid)
        os.chmod(runtime, 0o700)
        return await super().start()

    @property
    def runtime_dir(self) -> Path:
        """Kernel sockets are Unix sockets (guarded by permissions), whose paths must stay short."""
        return RUNTIME_ROOT / self.os_user

    async def _prepare(self, home: Path, entry):
        """Copy the research notebooks (keeping the researcher's own edits) and hand over a fresh export."""
        notebooks = home / "notebooks"
        notebooks.mkdir(exist_ok=True)
        for source in Path(self.notebooks_dir).glob("*.ipynb"):
            if not (notebooks / source.name).exists():
                shutil.copy(source, notebooks / source.name)
        staging = Path(self.exports_root) / uuid.uuid4().hex
        portfolio = str(Path(sys.executable).with_name("portfolio"))
        process = await asyncio.create_subprocess_exec(
            "runuser", "-u", self.service_user, "--", portfolio, "--db", self.portfolio_db, "research-export",
            "--out", str(staging), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, error = await process.communicate()
        if process.returncode != 0:
            raise web.HTTPError(500, "無法產生去識別化資料：" + error.decode(errors="replace")[-300:])
        export = home / "export"
        if export.exists():
            shutil.rmtree(export)
        shutil.move(str(staging), export)
        chown_tree(home, entry)

    def make_preexec_fn(self, name):
        return set_user_setuid(self.os_user)

    def user_env(self, env):
        entry = pwd.getpwnam(self.os_user)
        env.update(USER=self.os_user, HOME=entry.pw_dir, SHELL=entry.pw_shell)
        return env

    def get_env(self):
        env = super().get_env()
        for name in [n for n in env if n.startswith("PORTFOLIO_")]:
            del env[name]
        env["PORTFOLIO_RESEARCH_EXPORT"] = str(Path(env["HOME"]) / "export")
        env["JUPYTER_RUNTIME_DIR"] = str(self.runtime_dir)
        return env


def chp_command() -> str:
    """configurable-http-proxy, installed beside the deployment's Python by scripts/setup-deploy.sh."""
    path = Path(sys.prefix) / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(path) if path.exists() else (shutil.which("configurable-http-proxy") or str(path))


def configure(c, settings: Settings, db: str, files: str):
    """Everything the hub needs, from the deployment's settings (called by deploy/jupyterhub_config.py)."""
    state, server, venv = settings.path("state"), settings.server, Path(sys.executable).parent
    scheme = "https" if server.ssl_cert else "http"
    c.JupyterHub.bind_url = f"{scheme}://{server.address}:{server.port}/"
    if server.ssl_cert:
        c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = server.ssl_cert, server.ssl_key
    c.JupyterHub.hub_ip, c.JupyterHub.hub_port = "127.0.0.1", server.hub_port
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{server.proxy_api_port}"
    c.ConfigurableHTTPProxy.command = [chp_command()]
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.cookie_max_age_days = settings.sessions.hours / 24
    c.JupyterHub.oauth_token_expires_in = int(settings.sessions.hours * 3600)
    c.JupyterHub.shutdown_on_logout = True
    c.JupyterHub.template_paths = [str(PROJECT / "deploy" / "templates")]
    # The hub refuses a login cookie older than cookie_max_age_days; the browser drops it then too.
    c.JupyterHub.tornado_settings = {"portfolio_db": db,
                                     "cookie_options": {"expires_days": settings.sessions.hours / 24}}
    c.JupyterHub.default_url = landing_url

    address, port, tls = settings.ldap_endpoint()
    c.JupyterHub.authenticator_class = SchoolSignIn
    c.SchoolSignIn.portfolio_db = db
    c.LDAPAuthenticator.server_address = address
    c.LDAPAuthenticator.server_port = port
    c.LDAPAuthenticator.tls_strategy = {"starttls": "before_bind", "ldaps": "on_connect"}.get(tls, "insecure")
    if settings.ldap.ca_file:
        c.LDAPAuthenticator.tls_kwargs = {"ca_certs_file": settings.ldap.ca_file}
    c.LDAPAuthenticator.bind_dn_template = [settings.ldap.bind_dn_template if not settings.ldap.bundled else
                                            f"uid={{username}},ou=people,{settings.ldap.bundled_suffix}"]
    c.Authenticator.enable_auth_state = True
    c.Authenticator.manage_groups = True
    c.Authenticator.allow_all = False
    c.Authenticator.any_allow_config = True        # SchoolSignIn.check_allowed: the school database decides

    c.JupyterHub.load_roles = [
        {"name": "user", "description": "學習歷程工作台的使用者：只能使用工作台的頁面",
         "scopes": [f"access:services!service={SERVICE}", "read:users:name!user", "read:users:groups!user"]},
        {"name": "researcher", "description": "研究者：可開啟自己的研究用 JupyterLab",
         "scopes": ["self", f"access:services!service={SERVICE}"], "groups": [RESEARCHERS]},
        {"name": "idle-culler", "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
         "services": ["idle-culler"]},
    ]
    kernel_idle = int(settings.sessions.kernel_idle_minutes * 60)
    env = {"PORTFOLIO_DB": db, "PORTFOLIO_FILES": files, "PATH": f"{venv}:/usr/bin:/bin",
           "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}
    if os.environ.get("PORTFOLIO_AS_OF"):
        env["PORTFOLIO_AS_OF"] = os.environ["PORTFOLIO_AS_OF"]
    c.JupyterHub.services = [
        {"name": SERVICE, "url": f"http://127.0.0.1:{server.dashboards_port}", "user": settings.accounts.service_user,
         "cwd": str(settings.path("dashboards")), "oauth_no_confirm": True, "display": False, "environment": env,
         "command": [str(venv / "python"), "-m", "portfolio_lib.deploy.web", str(settings.path("dashboards")),
                     "--Voila.ip=127.0.0.1", f"--port={server.dashboards_port}", "--no-browser",
                     "--KernelManager.transport=ipc",
                     f"--MappingKernelManager.cull_idle_timeout={kernel_idle}",
                     f"--MappingKernelManager.cull_interval={max(5, min(60, kernel_idle // 2))}",
                     "--MappingKernelManager.cull_connected=True"]},
        {"name": "idle-culler", "command": [str(venv / "python"), "-m", "jupyterhub_idle_culler",
                                            f"--timeout={settings.sessions.server_idle_minutes * 60}"]},
    ]

    c.JupyterHub.spawner_class = ResearcherSpawner
    c.ResearcherSpawner.portfolio_db = db
    c.ResearcherSpawner.service_user = settings.accounts.service_user
    c.ResearcherSpawner.research_root = str(settings.path("research"))
    c.ResearcherSpawner.exports_root = str(settings.path("data") / "exports")
    c.ResearcherSpawner.notebooks_dir = str(settings.path("notebooks"))
    c.ResearcherSpawner.researcher_prefix = settings.accounts.researcher_prefix
    c.Spawner.cmd = [str(venv / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.notebook_dir = "~"
    c.Spawner.disable_user_config = True
    c.Spawner.args = ["--KernelManager.transport=ipc"]
    c.Spawner.env_keep = ["LANG", "LC_ALL"]
    c.Spawner.environment = {"PATH": f"{venv}:/usr/bin:/bin"}
    c.Spawner.http_timeout = 60
    c.Spawner.start_timeout = 120
