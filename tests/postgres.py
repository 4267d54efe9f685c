"""A throwaway PostgreSQL server for the tests: Debian's `postgresql`, started in a temporary folder and stopped
by its own pg_ctl. `initdb` refuses to run as root, so as root the server runs as the `postgres` user; the
tests themselves connect over TCP on 127.0.0.1 as the superuser the server was made with."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

SUPERUSER = "postgres"


def bin_dir() -> Path:
    """The newest installed PostgreSQL's programs (initdb, pg_ctl)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: scripts/test.sh installs Debian's postgresql "
                           "(apt-get install -y postgresql)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    folder: Path
    port: int

    @classmethod
    def start(cls, durable: bool = False) -> "PostgresServer":
        """initdb and start a server; `durable` keeps fsync on (benchmarks), the tests turn it off."""
        folder = Path(tempfile.mkdtemp(prefix="portfolio-pg-"))
        as_root = os.geteuid() == 0
        if as_root:
            shutil.chown(folder, "postgres", "postgres")
        server = cls(folder, _free_port())
        server._run("initdb", "-D", str(folder / "data"), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                    "--no-locale", "--no-sync")
        options = [f"-p {server.port}", "-c listen_addresses=127.0.0.1", f"-k {folder}", "-c max_connections=200"]
        if not durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        server._run("pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "server.log"), "-w",
                    "-o", " ".join(options), "start")
        return server

    def _run(self, program: str, *args: str):
        command = [str(bin_dir() / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if result.returncode:
            log = self.folder / "server.log"
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr}{result.stdout}"
                               + (log.read_text(errors="replace")[-2000:] if log.exists() else ""))

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql+psycopg://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str, database: str = "postgres"):
        """Run statements as the superuser outside a transaction (CREATE DATABASE cannot run inside one)."""
        engine = create_engine(self.url(database), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                for statement in statements:
                    conn.execute(text(statement))
        finally:
            engine.dispose()

    def stop(self):
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
