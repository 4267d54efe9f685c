"""The bundled sign-on directory: an OpenLDAP `slapd` holding the demo school's accounts.

Every staff member, student, guardian and district officer with a sign-on name in the school database gets an
entry with a random password. The passwords are kept in one file only root can read (mode 600),
and only their salted hashes are in the directory. A password is never derived from anything
about the person (the seed's system used the last six digits of the national ID; we never do).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from ..adapters import tables as t

# Letters and digits that cannot be misread for one another (no 0/O, 1/l/I).
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 14                    # 56^14 ≈ 2^81
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")
PASSWORD_FILE = "demo-passwords.csv"


@dataclass(frozen=True)
class DirectoryAccount:
    login: str
    name: str
    kind: str          # 教職員, 學生, 家長, 教育局


def school_accounts(engine: Engine) -> list[DirectoryAccount]:
    """Every sign-on name the school database knows (staff, students, guardians, district officers), each once, by
    login."""
    found: dict[str, DirectoryAccount] = {}
    with engine.connect() as conn:
        for kind, table in (("教職員", t.staff), ("學生", t.students), ("家長", t.guardians),
                            ("教育局", t.district_officers)):
            for login, name in conn.execute(select(table.c.login, table.c.name).where(table.c.login.is_not(None))
                                            .order_by(table.c.id)):
                key = login.strip().lower()
                if key and key not in found:
                    found[key] = DirectoryAccount(key, name, kind)
    return sorted(found.values(), key=lambda a: a.login)


def new_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))


def ssha(password: str) -> str:
    """OpenLDAP's salted SHA-1 form, {SSHA}: SHA-1 of the password and a random salt, then the salt."""
    salt = secrets.token_bytes(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def private_write(path: Path, text: str):
    """Write a file that only its owner (root, here) can read: created with mode 600, never wider."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def passwords(state: Path, accounts: list[DirectoryAccount]) -> dict[str, str]:
    """Each account's demo password: kept from the password file for accounts it has, new for the others."""
    path = state / PASSWORD_FILE
    known = {}
    if path.exists():
        with open(path, encoding="utf-8-sig", newline="") as f:
            known = {row["帳號"]: row["密碼"] for row in csv.DictReader(f)}
    chosen = {a.login: known.get(a.login) or new_password() for a in accounts}
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\n")
    table.writerow(["帳號", "密碼", "身分", "姓名"])
    table.writerows([a.login, chosen[a.login], a.kind, a.name] for a in accounts)
    private_write(path, "\ufeff" + out.getvalue())
    return chosen


def people_dn(suffix: str) -> str:
    return f"ou=people,{suffix}"


def ldif(accounts: list[DirectoryAccount], chosen: dict[str, str], suffix: str) -> str:
    top = suffix.split(",")[0].split("=")[1]
    entries = [f"dn: {suffix}\nobjectClass: dcObject\nobjectClass: organization\no: 學習歷程工作台\ndc: {top}",
               f"dn: {people_dn(suffix)}\nobjectClass: organizationalUnit\nou: people"]
    for a in accounts:
        name = base64.b64encode(a.name.encode()).decode()
        entries.append(f"dn: uid={a.login},{people_dn(suffix)}\nobjectClass: inetOrgPerson\nuid: {a.login}\n"
                       f"cn:: {name}\nsn:: {name}\ndisplayName:: {name}\nuserPassword: {ssha(chosen[a.login])}")
    return "\n\n".join(entries) + "\n"


def slapd_conf(folder: Path, suffix: str) -> str:
    schemas = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    return f"""{schemas}
pidfile {folder}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 268435456
suffix "{suffix}"
directory {folder}/db
access to attrs=userPassword by anonymous auth by * none
access to * by self read by * none
"""


def build_directory(state: Path, engine: Engine, suffix: str) -> tuple[Path, int]:
    """Write the bundled directory (configuration, entries loaded offline) under `state`/ldap; returns the
    configuration file and the number of accounts."""
    if not shutil.which("slapd"):
        raise RuntimeError("slapd is missing: scripts/deploy.sh installs Debian's slapd and ldap-utils")
    accounts = school_accounts(engine)
    chosen = passwords(state, accounts)
    folder = state / "ldap"
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "db").mkdir(parents=True, mode=0o700)
    os.chmod(folder, 0o700)
    conf = folder / "slapd.conf"
    private_write(conf, slapd_conf(folder, suffix))
    entries = folder / "people.ldif"
    private_write(entries, ldif(accounts, chosen, suffix))
    subprocess.run(["slapadd", "-q", "-f", str(conf), "-l", str(entries)], check=True, capture_output=True)
    entries.unlink()
    return conf, len(accounts)


def start_slapd(conf: Path, port: int, log: Path) -> subprocess.Popen:
    """slapd in the foreground on loopback (its PID is ours to stop)."""
    out = open(log, "ab")
    return subprocess.Popen(["slapd", "-f", str(conf), "-h", f"ldap://127.0.0.1:{port}/", "-d", "0"],
                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
