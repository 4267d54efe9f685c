"""Submitting to the central database: a package of the term's selected items, written whole, and the lock."""

from __future__ import annotations

import os
from pathlib import Path

from ..adapters.exchange import digest, package_file_name
from ..domain.errors import NothingToSubmit
from ..domain.model import Actor, ItemKind, Role
from ..domain.rules import check_has_role
from .unit_of_work import UnitOfWork, retried


@retried
def submit_selected(uow: UnitOfWork, year: int, semester: int, actor: Actor, school_code: str | None = None,
                    out_dir: str | os.PathLike | None = None) -> dict:
    """Package every selected, not yet submitted item of a term, record the submission and lock the items.

    The package file and the database change together: if either fails, neither is left behind."""
    with uow:
        repo = uow.repo
        school = repo.school_for(school_code, actor)
        actor = repo.resolve_actor(actor, school.id)
        check_has_role(actor, {Role.SUBMITTER, Role.ADMIN}, "提交中央資料庫")
        repo.lock_school(school.id)             # no student's selection changes while the term is packaged
        rows = repo.unsubmitted_selections(school.id, year, semester)
        if not rows:
            raise NothingToSubmit(year=year, semester=semester)
        items = [(row.kind, row.id) for row in rows]
        for kind in ItemKind:
            repo.mark_submitted(kind, [item_id for k, item_id in items if k == kind.value], uow.now)
        return _package_and_commit(uow, school, year, semester, items, actor, out_dir, "submit", {})


@retried
def resubmit_from_receipt(uow: UnitOfWork, receipt_id: int, actor: Actor, out_dir: str | os.PathLike | None = None
                          ) -> dict:
    """A follow-up package with only the items a receipt lists as missing or with other files."""
    with uow:
        repo = uow.repo
        receipt = repo.receipt(receipt_id)
        actor = repo.resolve_actor(actor, receipt.school_id)
        check_has_role(actor, {Role.SUBMITTER, Role.ADMIN}, "重新提交")
        items = repo.items_to_resubmit(receipt_id)
        if not items:
            raise NothingToSubmit(year=receipt.academic_year, semester=receipt.semester)
        school = repo.school_by_id(receipt.school_id)
        repo.lock_school(school.id)
        return _package_and_commit(uow, school, receipt.academic_year, receipt.semester, items, actor, out_dir,
                                   "resubmit", {"receipt": receipt_id})


def _package_and_commit(uow: UnitOfWork, school, year: int, semester: int, items: list[tuple[str, int]],
                        actor: Actor, out_dir, action: str, facts: dict) -> dict:
    """Build the package, record the batch, write the file, commit: the unit of work removes the file if the
    commit does not happen."""
    repo = uow.repo
    data = repo.package(uow.store, school, year, semester, items, uow.now)
    package_digest = digest(data)
    batch_id = repo.add_batch(school.id, year, semester, str(actor), uow.now, package_digest, items)
    repo.audit(actor, action, "submission_batch", batch_id, uow.now,
               after={"year": year, "semester": semester, "items": len(items), "digest": package_digest, **facts})
    folder = Path(out_dir) if out_dir else uow.workbench.package_folder
    path = uow.write_file(folder / package_file_name(school.code, year, semester, batch_id), data)
    if out_dir:
        repo.set_package_path(batch_id, str(path.resolve()))
    uow.commit()
    return {"batch_id": batch_id, "items": len(items), "digest": package_digest, "path": str(path),
            "bytes": len(data)}
