"""A real Voila server on a free port, serving the dashboards on a demo school, and Debian's Chromium."""

from __future__ import annotations

import contextlib
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
from portfolio_lib.services.config import fixed_clock
from portfolio_lib.services.unit_of_work import Workbench

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "115/11/28 10:00"
JULY = "116/07/10 10:00"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(tmp_path_factory, as_of: str, seed: int):
    """A demo school standing at `as_of`, served by Voila on a free port; stopped by PID afterwards."""
    db = tmp_path_factory.mktemp("voila") / "demo.sqlite"
    build_demo(Workbench.open(db, clock=fixed_clock(as_of)), seed=seed, students=204, as_of=fixed_clock(as_of)())
    port = _free_port()
    log = db.with_name("voila.log")
    env = {**os.environ, "PORTFOLIO_DB": str(db), "PORTFOLIO_AS_OF": as_of}
    env.pop("JUPYTERHUB_USER", None)
    voila_bin = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    with open(log, "wb") as out:
        process = subprocess.Popen([voila_bin, str(ROOT / "dashboards"), "--Voila.ip=127.0.0.1", f"--port={port}",
                                    "--no-browser"], stdout=out, stderr=subprocess.STDOUT, env=env,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Voila did not start:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
        yield {"base": base, "db": db, "log": log}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    """Late November: semester 1 uploads and certification under way."""
    with serve(tmp_path_factory, AS_OF, seed=21) as server:
        yield server


@pytest.fixture(scope="session")
def voila_july(tmp_path_factory):
    """Early July: semester 2's second upload stage, certification and the selection window all open."""
    with serve(tmp_path_factory, JULY, seed=22) as server:
        yield server
