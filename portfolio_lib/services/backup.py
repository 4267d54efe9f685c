"""Backups taken while people work, and restores into a new database.

`backup(wb, folder)` writes:
- the database as one consistent moment: SQLite's online backup API (`sqlite3.Connection.backup`, which reads one
  snapshot and blocks no writer under WAL), or `pg_dump` of a snapshot exported from a transaction that also
  reads the snapshot's file and package lists;
- every file the moment's rows know, copied and hashed (`files/ab/cd/<sha256>`, as in the store); files are
  content-addressed and never change, so the copy is the file of the moment, read after it. A file may be removed
  between the moment and its copy (its last record was deleted meanwhile): the moment is then taken again, and
  the new moment no longer knows that file;
- every package the moment's batches record (`packages/`);
- `manifest.json`: when, which revision, each table's rows, and the SHA-256 and size of the database, every file
  and every package.

`restore(folder, db)` verifies every hash of the manifest, refuses a database that exists, then writes the
database, its files and packages where `db` keeps them; a package written elsewhere comes back into the packages
folder."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, inspect, select, text, update
from sqlalchemy.engine import make_url

from ..adapters import tables as t
from ..adapters.db import database_url, make_engine
from ..adapters.exchange import package_location, recorded_batches
from ..adapters.filestore import FileStore, file_digest, storage_reason, write_atomically
from ..domain.errors import BackupProblem
from . import config
from .unit_of_work import Workbench

MANIFEST = "manifest.json"
ATTEMPTS = 5


def backup(wb: Workbench, folder: str | os.PathLike) -> dict:
    """A consistent copy of the database, its files and its packages in `folder` (new or empty)."""
    try:
        return _backup(wb, Path(folder))
    except OSError as err:
        raise BackupProblem(reason=f"無法寫入備份資料夾「{folder}」：{storage_reason(err)}") from err


def _backup(wb: Workbench, folder: Path) -> dict:
    if folder.exists() and any(folder.iterdir()):
        raise BackupProblem(reason=f"備份資料夾「{folder}」不是空的，請指定新的資料夾")
    folder.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, ATTEMPTS + 1):
        for leftover in ("files", "packages", "database.dump", "school.sqlite"):
            target = folder / leftover
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        moment = _take_database(wb, folder)
        missing = [sha for sha in moment["files"] if not _copy_stored(wb.store, sha, folder / "files")]
        if not missing:
            break
        if attempt == ATTEMPTS:
            raise BackupProblem(reason=f"備份期間有 {len(missing)} 個檔案一再被刪除，請稍後再試")
    packages = []
    for batch in moment["batches"]:
        source = package_location(wb.package_folder, batch)
        if source.is_file():
            packages.append({"batch_id": batch.id, "name": source.name,
                             **_copy_hashed(source, folder / "packages" / source.name)})
    manifest = {
        "taken_at": wb.clock().isoformat(timespec="seconds"),
        "backend": wb.engine.dialect.name,
        "revision": moment["revision"],
        "database": {"file": moment["file"], **_hash_file(folder / moment["file"])},
        "tables": moment["tables"],
        "files": moment["files"],
        "packages": packages,
        "missing_packages": [b.id for b in moment["batches"] if b.id not in {p["batch_id"] for p in packages}],
    }
    write_atomically(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    return {"folder": str(folder.resolve()), "files": len(moment["files"]), "packages": len(packages),
            "bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
            "missing_packages": manifest["missing_packages"]}


def restore(folder: str | os.PathLike, db: str, files: str | os.PathLike | None = None) -> dict:
    """The backup in `folder` restored as the new database `db` (a file that does not exist yet, or an empty
    PostgreSQL database), with its files and packages beside it."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = verify_backup(folder, manifest)
    if problems:
        raise BackupProblem(reason="備份不完整或已損壞：" + "；".join(problems[:5]))
    url = database_url(db)
    backend = make_url(url).get_backend_name()
    if backend != manifest["backend"]:
        raise BackupProblem(reason=f"這份備份來自 {manifest['backend']}，不能還原到 {backend}")
    store = FileStore(config.file_root(db, files))
    if store.root.exists() and any(store.root.iterdir()):
        raise BackupProblem(reason=f"檔案庫「{store.root}」已有檔案，請還原到新的位置")
    packages = config.package_folder(store.root)
    if packages.exists() and any(packages.iterdir()):
        raise BackupProblem(reason=f"提交包資料夾「{packages}」已有檔案，請還原到新的位置")
    target = Path(url.removeprefix("sqlite:///")) if backend == "sqlite" else None
    if target is not None and target.exists():
        raise BackupProblem(reason=f"資料庫「{target}」已經存在；還原只寫入新的資料庫，不覆蓋")
    if target is None:
        engine = make_engine(db)
        try:
            if inspect(engine).get_table_names():
                raise BackupProblem(reason="目標 PostgreSQL 資料庫已有資料表；還原只寫入空的資料庫")
        finally:
            engine.dispose()
    try:
        _restore_into(folder, manifest, db, url, target, store, packages)
    except OSError as err:
        _undo_restore(target, store, packages)
        raise BackupProblem(reason=f"還原寫入失敗：{storage_reason(err)}") from err
    except BaseException:
        _undo_restore(target, store, packages)
        raise
    return {"database": db, "files": len(manifest["files"]), "packages": len(manifest["packages"]),
            "taken_at": manifest["taken_at"], "store": str(store.root), "package_folder": str(packages)}


def _undo_restore(target: Path | None, store: FileStore, packages: Path):
    """Nothing half-restored stays: the new database file, its store and its packages go (a PostgreSQL database
    keeps what pg_restore wrote; it was empty and can be dropped and made again)."""
    if target is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
    for made in (store.root, packages):
        shutil.rmtree(made, ignore_errors=True)


def _restore_into(folder: Path, manifest: dict, db: str, url: str, target: Path | None, store: FileStore,
                  packages: Path):
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / manifest["database"]["file"], target)
    else:
        _run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", _libpq(url),
             str(folder / manifest["database"]["file"]))
    for sha256 in manifest["files"]:
        _copy_hashed(_stored_path(folder / "files", sha256), store.path(sha256))
    for package in manifest["packages"]:
        _copy_hashed(folder / "packages" / package["name"], packages / package["name"])
    engine = make_engine(db)
    try:
        with engine.begin() as conn:          # every package is back in the packages folder
            conn.execute(update(t.submission_batches).values(package_path=None))
    finally:
        engine.dispose()


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupProblem(reason=f"「{folder}」沒有 {MANIFEST}，不是工作台的備份") from None
    except ValueError:
        raise BackupProblem(reason=f"{MANIFEST} 已損壞，無法讀取") from None


def verify_backup(folder: Path, manifest: dict) -> list[str]:
    """Every hash of the manifest checked against the backup's files; empty when all are as written."""
    problems = []
    expected = [(folder / manifest["database"]["file"], manifest["database"])]
    expected += [(folder / "packages" / p["name"], p) for p in manifest["packages"]]
    for path, facts in expected:
        if not path.is_file():
            problems.append(f"缺少 {path.name}")
        elif _hash_file(path) != {"sha256": facts["sha256"], "bytes": facts["bytes"]}:
            problems.append(f"{path.name} 與清單的 SHA-256 不符")
    for sha256, size in manifest["files"].items():
        path = _stored_path(folder / "files", sha256)
        if not path.is_file():
            problems.append(f"缺少檔案 {sha256}")
        elif _hash_file(path) != {"sha256": sha256, "bytes": size}:
            problems.append(f"檔案 {sha256} 內容不符")
    return problems


# --- the database's moment ------------------------------------------------------------------------------------


def _take_database(wb: Workbench, folder: Path) -> dict:
    if wb.engine.dialect.name == "sqlite":
        source = Path(wb.engine.url.database)
        target = folder / "school.sqlite"
        src, dst = sqlite3.connect(source), sqlite3.connect(target)
        try:
            src.backup(dst)                     # one snapshot, all pages in one step
        finally:
            src.close()
            dst.close()
        engine = create_engine(f"sqlite:///{target}")
        try:
            with engine.connect() as conn:
                return {"file": target.name, **_moment_facts(conn)}
        finally:
            engine.dispose()
    with wb.engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _moment_facts(conn)
            _run("pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
                 "-f", str(folder / "database.dump"), _libpq(wb.engine.url.render_as_string(hide_password=False)))
    return {"file": "database.dump", **facts}


def _moment_facts(conn: Connection) -> dict:
    tables = {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
              for table in t.metadata.sorted_tables}
    batches = recorded_batches(conn)
    files = dict(conn.execute(select(t.files.c.sha256, t.files.c.size).order_by(t.files.c.sha256)).all())
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"tables": tables, "batches": batches, "files": files, "revision": revision}


# --- files -----------------------------------------------------------------------------------------------------


def _stored_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:4] / sha256


def _copy_stored(store: FileStore, sha256: str, root: Path) -> bool:
    """Copy a stored file into the backup's store, checking its hash; False when it is gone from the store."""
    source = store.path(sha256)
    try:
        facts = _copy_hashed(source, _stored_path(root, sha256))
    except FileNotFoundError:
        return False
    if facts["sha256"] != sha256:
        raise BackupProblem(reason=f"檔案庫中的檔案 {sha256} 內容已損壞（雜湊值不符），請先執行 portfolio check")
    return True


def _copy_hashed(source: Path, target: Path) -> dict:
    """Copy a file, hashing what was read; the copy is fsynced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sha, size = hashlib.sha256(), 0
    with source.open("rb") as src, target.open("wb") as dst:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            sha.update(chunk)
            size += len(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return {"sha256": sha.hexdigest(), "bytes": size}


def _hash_file(path: Path) -> dict:
    sha256, size = file_digest(path)
    return {"sha256": sha256, "bytes": size}


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as libpq (pg_dump, pg_restore) takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(program: str, *args: str):
    if shutil.which(program) is None:
        raise BackupProblem(reason=f"找不到 {program}：PostgreSQL 的備份需要它"
                                   "（Debian：apt-get install postgresql-client）")
    result = subprocess.run([program, *args], capture_output=True, text=True)
    if result.returncode:
        raise BackupProblem(reason=f"{program} 失敗：{result.stderr.strip()[-500:]}")


