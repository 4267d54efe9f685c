"""Submitting to the central database: a package of the term's selected items, written whole, and the lock."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import insert, select

from ..adapters import tables as t
from ..adapters.exchange import build_package, digest
from ..adapters.filestore import write_atomically
from ..domain.errors import NotFound, NothingToSubmit
from ..domain.model import Actor, ItemKind, Role
from ..domain.rules import check_has_role
from .unit_of_work import UnitOfWork


def package_folder(uow: UnitOfWork) -> Path:
    """Packages sit beside the file store: school.files/ → school.packages/."""
    root = Path(uow.workbench.store.root)
    return root.with_name(root.name.removesuffix(".files") + ".packages")


def submit_selected(uow: UnitOfWork, year: int, semester: int, actor: Actor, school_code: str | None = None,
                    out_dir: str | os.PathLike | None = None) -> dict:
    """Package every selected, not yet submitted item of a term, record the submission and lock the items.

    The package file and the database change together: if either fails, neither is left behind."""
    with uow:
        repo = uow.repo
        school = repo.school(school_code)
        actor = repo.resolve_actor(actor)
        check_has_role(actor, {Role.SUBMITTER, Role.ADMIN}, "提交中央資料庫")
        rows = repo.unsubmitted_selections(school.id, year, semester)
        if not rows:
            raise NothingToSubmit(year=year, semester=semester)
        items = [(row.kind, row.id) for row in rows]
        for kind in ItemKind:
            repo.mark_submitted(kind, [item_id for k, item_id in items if k == kind.value], uow.now)
        return _package_and_commit(uow, school, year, semester, items, actor, out_dir, "submit", {})


def resubmit_from_receipt(uow: UnitOfWork, receipt_id: int, actor: Actor, out_dir: str | os.PathLike | None = None
                          ) -> dict:
    """A follow-up package with only the items a receipt lists as missing or with other files."""
    with uow:
        repo = uow.repo
        actor = repo.resolve_actor(actor)
        check_has_role(actor, {Role.SUBMITTER, Role.ADMIN}, "重新提交")
        r, lines = t.receipts, t.receipt_lines
        receipt = uow.conn.execute(select(r).where(r.c.id == receipt_id)).first()
        if receipt is None:
            raise NotFound(entity="收訖明細", key=receipt_id)
        items = sorted({(row.item_kind, row.item_id) for row in uow.conn.execute(
            select(lines.c.item_kind, lines.c.item_id).where(
                lines.c.receipt_id == receipt_id, lines.c.status.in_(["missing", "md5_mismatch"])))})
        if not items:
            raise NothingToSubmit(year=receipt.academic_year, semester=receipt.semester)
        school = uow.conn.execute(select(t.schools).where(t.schools.c.id == receipt.school_id)).one()
        return _package_and_commit(uow, school, receipt.academic_year, receipt.semester, items, actor, out_dir,
                                   "resubmit", {"receipt": receipt_id})


def _package_and_commit(uow: UnitOfWork, school, year: int, semester: int, items: list[tuple[str, int]],
                        actor: Actor, out_dir, action: str, facts: dict) -> dict:
    """Build the package, record the batch, write the file, commit; remove the file if the commit fails."""
    data = build_package(uow.conn, uow.store, school, year, semester, items, uow.now)
    package_digest = digest(data)
    batch_id = uow.conn.execute(insert(t.submission_batches).values(
        school_id=school.id, academic_year=year, semester=semester, created_by=str(actor), created_at=uow.now,
        digest=package_digest, item_count=len(items))).inserted_primary_key[0]
    uow.conn.execute(insert(t.submission_items), [
        {"batch_id": batch_id, "item_kind": kind, "item_id": item_id} for kind, item_id in items])
    uow.repo.audit(actor, action, "submission_batch", batch_id, uow.now,
                   after={"year": year, "semester": semester, "items": len(items), "digest": package_digest, **facts})
    folder = Path(out_dir) if out_dir else package_folder(uow)
    path = folder / f"{school.code}-{year}-{semester}-{batch_id:05d}.zip"
    write_atomically(path, data)
    try:
        uow.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return {"batch_id": batch_id, "items": len(items), "digest": package_digest, "path": str(path),
            "bytes": len(data)}
