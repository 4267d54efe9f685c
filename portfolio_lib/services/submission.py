"""Recording a submission to the central database: selected items of a term become locked."""

from __future__ import annotations

import hashlib

from sqlalchemy import insert

from ..adapters import tables as t
from ..domain.model import Actor, ItemKind, Role
from ..domain.rules import check_has_role
from .unit_of_work import UnitOfWork


def submit_selected(uow: UnitOfWork, year: int, semester: int, actor: Actor,
                    school_code: str | None = None) -> dict:
    """Record every selected, not yet submitted item of a term as one submission batch and lock it."""
    with uow:
        repo = uow.repo
        school = repo.school(school_code)
        actor = repo.resolve_actor(actor)
        check_has_role(actor, {Role.SUBMITTER, Role.ADMIN}, "提交中央資料庫")
        items = repo.unsubmitted_selections(school.id, year, semester)
        digest = hashlib.sha256()
        for row in items:
            digest.update(f"{row.kind}:{row.id}:{row.document_sha256 or ''}:{row.video_sha256 or ''}\n".encode())
        batch_id = uow.conn.execute(insert(t.submission_batches).values(
            school_id=school.id, academic_year=year, semester=semester, created_by=str(actor),
            created_at=uow.now, digest=digest.hexdigest(), item_count=len(items))).inserted_primary_key[0]
        if items:
            uow.conn.execute(insert(t.submission_items), [
                {"batch_id": batch_id, "item_kind": row.kind, "item_id": row.id} for row in items])
        for kind in ItemKind:
            repo.mark_submitted(kind, [row.id for row in items if row.kind == kind.value], uow.now)
        repo.audit(actor, "submit", "submission_batch", batch_id, uow.now,
                   after={"year": year, "semester": semester, "items": len(items), "digest": digest.hexdigest()})
        uow.commit()
        return {"batch_id": batch_id, "items": len(items), "digest": digest.hexdigest()}
