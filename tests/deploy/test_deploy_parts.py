"""The deployment's parts without starting it: its configuration file, the demo directory, the page guards."""

from __future__ import annotations

import base64
import csv
import hashlib
import stat

import pytest
from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

from portfolio_lib.deploy import directory
from portfolio_lib.deploy.hub import os_user_name
from portfolio_lib.deploy.settings import PROJECT, SettingsError, load
from portfolio_lib.deploy.web import prelaunch, v1_frame_ok, viewer_cell

from ..conftest import ADMIN, csv_bytes


def write(tmp_path, text: str):
    path = tmp_path / "deploy.toml"
    path.write_text(text)
    return path


def test_the_documented_configuration_file_loads_and_says_every_default(tmp_path):
    shipped = load(PROJECT / "deploy" / "deploy.toml")
    empty = load(write(tmp_path, ""))
    assert shipped.server == empty.server and shipped.ldap == empty.ldap and shipped.sessions == empty.sessions
    assert shipped.ldap.bundled and shipped.ldap_endpoint() == ("127.0.0.1", 3890, "insecure")
    assert shipped.path("state").is_absolute() and shipped.public_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize("text, says", [
    ("[server]\nprot = 1", "unknown key server.prot"),
    ("[serve]\nport = 1", "unknown section [serve]"),
    ("[server]\nport = '8000'", "server.port must be int"),
    ("[sessions]\nhours = true", "sessions.hours must be float"),
    ("[ldap]\naddress = 'ldap.example.edu.tw'\ntls = 'insecure'", "would send passwords in the clear"),
    ("[ldap]\ntls = 'plain'", "ldap.tls must be one of"),
    ("[server]\nssl_cert = 'a.pem'", "go together"),
    ("[server\n", "deploy.toml"),
])
def test_a_configuration_the_deployment_cannot_run_is_refused_with_the_key(tmp_path, text, says):
    with pytest.raises(SettingsError, match=says.replace("[", r"\[").replace("]", r"\]")):
        load(write(tmp_path, text))


def test_a_school_directory_over_ldaps_gets_its_port(tmp_path):
    settings = load(write(tmp_path, "[ldap]\naddress = 'ldap.example.edu.tw'\ntls = 'ldaps'\n"
                                    "bind_dn_template = 'uid={username},ou=people,dc=tp,dc=edu,dc=tw'"))
    assert not settings.ldap.bundled and settings.ldap_endpoint() == ("ldap.example.edu.tw", 636, "ldaps")


def test_ssha_is_openldaps_salted_sha1_of_the_password():
    hashed = directory.ssha("correct horse")
    raw = base64.b64decode(hashed.removeprefix("{SSHA}"))
    digest, salt = raw[:20], raw[20:]
    assert hashed.startswith("{SSHA}") and len(salt) == 8
    assert hashlib.sha1(b"correct horse" + salt).digest() == digest
    assert directory.ssha("correct horse") != hashed                 # a fresh salt each time


def test_demo_passwords_are_random_kept_across_rebuilds_and_only_root_reads_them(school, tmp_path):
    from portfolio_lib import services
    services.import_file(school.uow(), "guardians", csv_bytes([{"學號": "113001", "家長姓名": "林爸爸",
                                                                 "家長登入帳號": "Dad"}]), name="g.csv", actor=ADMIN)
    accounts = directory.school_accounts(school.wb.engine)
    logins = [a.login for a in accounts]
    assert logins == sorted(set(logins)) and "dad" in logins and "a001" in logins
    first = directory.passwords(tmp_path, accounts)
    path = tmp_path / directory.PASSWORD_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(len(p) == directory.PASSWORD_LENGTH and set(p) <= set(directory.ALPHABET) for p in first.values())
    assert len(set(first.values())) == len(first)
    again = directory.passwords(tmp_path, accounts + [directory.DirectoryAccount("newcomer", "新同學", "學生")])
    assert {k: again[k] for k in first} == first and again["newcomer"] not in first.values()
    with open(path, encoding="utf-8-sig") as f:
        assert {r["帳號"]: r["密碼"] for r in csv.DictReader(f)} == again
    entries = directory.ldif(accounts, first, "dc=portfolio,dc=demo")
    assert "uid=dad,ou=people,dc=portfolio,dc=demo" in entries
    assert not [p for p in first.values() if p in entries] and entries.count("userPassword: {SSHA}") == len(accounts)


def test_the_pages_kernel_websocket_takes_only_well_formed_v1_frames():
    good = serialize_msg_to_ws_v1([b"{}", b"{}", b"{}", b"{}"], "shell")
    assert v1_frame_ok(good)
    assert v1_frame_ok(serialize_msg_to_ws_v1([b"{}", b"{}", b"{}", b"{}", b"\0" * 1000], "shell"))
    assert not v1_frame_ok((2 ** 60).to_bytes(8, "little") + good[8:])                 # a huge count
    assert not v1_frame_ok(good[:-3] if len(good) > 60 else good[:20])                  # cut short
    assert not v1_frame_ok(b'{"header": {}}') and not v1_frame_ok("text frame") and not v1_frame_ok(b"")
    legacy = (2).to_bytes(4, "big") + (12).to_bytes(4, "big") + (40).to_bytes(4, "big") + b"x" * 40
    assert not v1_frame_ok(legacy)


def test_the_signed_in_name_reaches_the_kernel_as_a_literal_never_as_code():
    cell = viewer_cell('s1\'); import os; os.system("x"); (\'')
    namespace: dict = {}
    exec(compile(cell.source, "cell", "exec"), namespace)
    assert namespace["os"].environ["PORTFOLIO_VIEWER"] == 's1\'); import os; os.system("x"); (\''
    namespace["os"].environ.pop("PORTFOLIO_VIEWER")
    namespace["os"].environ.pop("PORTFOLIO_SIGN_IN")


def test_only_the_workbenchs_pages_are_rendered():
    from tornado import web

    class Handler:
        path_args = ["attack.ipynb"]
        current_user = None

    with pytest.raises(web.HTTPError) as refused:
        prelaunch(Handler(), None, "")
    assert refused.value.status_code == 404


def test_researchers_os_users_are_valid_opaque_system_names():
    assert os_user_name("pfr-", "R0003") == "pfr-r0003"
    assert os_user_name("pfr-", "研究 A/1") == "pfr-a1"
    assert len(os_user_name("pfr-", "x" * 80)) == 32


def test_whole_numbers_are_taken_where_a_number_of_hours_or_minutes_may_have_a_fraction(tmp_path):
    settings = load(write(tmp_path, "[sessions]\nhours = 2\nkernel_idle_minutes = 0.5"))
    assert settings.sessions.hours == 2.0 and isinstance(settings.sessions.hours, float)
    assert settings.sessions.kernel_idle_minutes == 0.5
