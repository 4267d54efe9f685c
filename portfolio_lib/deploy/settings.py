"""The deployment's one configuration file (TOML): sign-on, addresses and ports, folders, sessions, culling.

Every key has a default (see `deploy/deploy.toml`, which documents them); relative paths are
relative to the project folder. A key that is not known, or a value of the wrong kind, is refused
with the key's name.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
CONFIG_VARIABLE = "PORTFOLIO_DEPLOY_CONFIG"
TLS_CHOICES = ("starttls", "ldaps", "insecure")


class SettingsError(ValueError):
    """The configuration file says something the deployment cannot do."""


@dataclass(frozen=True)
class Ldap:
    address: str = ""              # the school's or city's directory; empty: the bundled demo directory
    port: int = 0                  # 0: 389 for starttls and insecure, 636 for ldaps
    tls: str = "starttls"          # starttls, ldaps, or insecure (only for a directory on this machine)
    bind_dn_template: str = "uid={username},ou=people,dc=portfolio,dc=demo"
    ca_file: str = ""              # the directory's CA certificate, when it is not in the system's store
    bundled_port: int = 3890
    bundled_suffix: str = "dc=portfolio,dc=demo"

    @property
    def bundled(self) -> bool:
        return not self.address


@dataclass(frozen=True)
class Server:
    address: str = "127.0.0.1"     # where people connect (the proxy); 0.0.0.0 for the school's network
    port: int = 8000
    ssl_cert: str = ""             # TLS certificate and key for that port (needed on any real network)
    ssl_key: str = ""
    hub_port: int = 8081           # internal: the hub, the proxy's API and the dashboards service, on loopback
    proxy_api_port: int = 8001
    dashboards_port: int = 8867


@dataclass(frozen=True)
class Accounts:
    service_user: str = "portfolio"     # the OS user that alone reads the school database and files
    researcher_prefix: str = "pfr-"     # OS users of researchers: prefix + their staff number


@dataclass(frozen=True)
class Sessions:
    hours: float = 8.0                  # a sign-in lasts this long
    kernel_idle_minutes: float = 30.0   # a page left idle this long loses its kernel
    server_idle_minutes: int = 60       # a researcher's JupyterLab left idle this long is stopped


@dataclass(frozen=True)
class Paths:
    state: str = "/var/lib/portfolio-workbench/state"        # hub database, secrets, demo passwords, logs (root)
    data: str = "/var/lib/portfolio-workbench/data"          # the demo school without PORTFOLIO_DB (service user)
    research: str = "/var/lib/portfolio-workbench/research"  # researchers' homes
    dashboards: str = "dashboards"
    notebooks: str = "notebooks"


@dataclass(frozen=True)
class Demo:
    students: int = 1500
    seed: int = 115


@dataclass(frozen=True)
class Settings:
    server: Server = field(default_factory=Server)
    ldap: Ldap = field(default_factory=Ldap)
    accounts: Accounts = field(default_factory=Accounts)
    sessions: Sessions = field(default_factory=Sessions)
    paths: Paths = field(default_factory=Paths)
    demo: Demo = field(default_factory=Demo)
    source: str = ""

    def path(self, name: str) -> Path:
        """A folder of `paths`, absolute."""
        value = Path(os.path.expanduser(getattr(self.paths, name)))
        return value if value.is_absolute() else PROJECT / value

    @property
    def public_url(self) -> str:
        scheme = "https" if self.server.ssl_cert else "http"
        host = "127.0.0.1" if self.server.address in ("", "0.0.0.0") else self.server.address
        return f"{scheme}://{host}:{self.server.port}"

    def ldap_endpoint(self) -> tuple[str, int, str]:
        """(address, port, tls) of the directory the hub signs people in with."""
        if self.ldap.bundled:
            return "127.0.0.1", self.ldap.bundled_port, "insecure"
        port = self.ldap.port or (636 if self.ldap.tls == "ldaps" else 389)
        return self.ldap.address, port, self.ldap.tls


SECTIONS = {"server": Server, "ldap": Ldap, "accounts": Accounts, "sessions": Sessions, "paths": Paths, "demo": Demo}


def load(path: str | os.PathLike | None = None) -> Settings:
    """The settings in `path`, or in $PORTFOLIO_DEPLOY_CONFIG, or deploy/deploy.toml; defaults where silent."""
    path = Path(path or os.environ.get(CONFIG_VARIABLE) or PROJECT / "deploy" / "deploy.toml")
    if not path.exists():
        raise SettingsError(f"configuration file {path} does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path}: {err}") from None
    settings = Settings(source=str(path.resolve()))
    for section, values in data.items():
        if section not in SECTIONS or not isinstance(values, dict):
            raise SettingsError(f"{path}: unknown section [{section}] (known: {', '.join(SECTIONS)})")
        current = getattr(settings, section)
        known = {f.name: f for f in fields(current)}
        checked = {}
        for key, value in values.items():
            if key not in known:
                raise SettingsError(f"{path}: unknown key {section}.{key}")
            expected = {"str": str, "int": int, "float": float, "bool": bool}[known[key].type]
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or isinstance(value, bool) and expected is not bool:
                raise SettingsError(f"{path}: {section}.{key} must be {expected.__name__}, not {value!r}")
            checked[key] = value
        settings = replace(settings, **{section: replace(current, **checked)})
    if settings.ldap.tls not in TLS_CHOICES:
        raise SettingsError(f"{path}: ldap.tls must be one of {', '.join(TLS_CHOICES)}")
    if settings.ldap.tls == "insecure" and settings.ldap.address not in ("", "127.0.0.1", "localhost", "::1"):
        raise SettingsError(f"{path}: ldap.tls = \"insecure\" would send passwords in the clear to "
                            f"{settings.ldap.address}; use starttls or ldaps")
    if bool(settings.server.ssl_cert) != bool(settings.server.ssl_key):
        raise SettingsError(f"{path}: server.ssl_cert and server.ssl_key go together")
    return settings
