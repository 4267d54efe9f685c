"""A real Voila server on a free port, serving the dashboards on a demo school, and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from portfolio_lib.demo import build_demo
from portfolio_lib.services.unit_of_work import Workbench, fixed_clock

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AS_OF = "115/11/28 10:00"
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("voila") / "demo.sqlite"
    build_demo(Workbench.open(db, clock=fixed_clock(AS_OF)), seed=21, students=204,
               as_of=fixed_clock(AS_OF)())
    return db


@pytest.fixture(scope="session")
def voila(demo_db, tmp_path_factory):
    """Start Voila on the dashboards folder; stop it by PID at the end."""
    port = _free_port()
    log = tmp_path_factory.mktemp("voila-log") / "voila.log"
    env = {**os.environ, "PORTFOLIO_DB": str(demo_db), "PORTFOLIO_AS_OF": AS_OF}
    env.pop("JUPYTERHUB_USER", None)
    voila_bin = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    with open(log, "wb") as out:
        process = subprocess.Popen([voila_bin, str(ROOT / "dashboards"), "--Voila.ip=127.0.0.1", f"--port={port}",
                                    "--no-browser"], stdout=out, stderr=subprocess.STDOUT, env=env,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"Voila did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.5)
    yield {"base": base, "db": demo_db, "log": log}
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
