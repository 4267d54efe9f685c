"""Importing files from the school administration system: the whole file in one transaction, or nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..adapters.importing import IMPORTERS, ImportResult
from ..adapters.tabular import read_table
from ..domain.errors import UnknownImportKind
from ..domain.model import Actor, Role
from ..domain.rules import check_has_role
from .unit_of_work import UnitOfWork, retried


@retried
def import_file(uow: UnitOfWork, kind: str, source: str | Path | bytes, name: str | None = None,
                school_code: str | None = None, *, actor: Actor,
                progress: bool = False) -> ImportResult:
    """Import one file of a kind (staff, students, teaching, course_records, cadre)."""
    if kind not in IMPORTERS:
        raise UnknownImportKind(kind=kind, kinds="、".join(IMPORTERS))
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    name = name or (Path(source).name if isinstance(source, (str, Path)) else kind)
    frame = read_table(data, name)
    with uow:
        repo = uow.repo
        school = repo.school_for(school_code, actor)
        actor = repo.resolve_actor(actor, school.id)
        check_has_role(actor, {Role.ADMIN, Role.COUNSELOR}, "匯入校務資料")
        repo.lock_school(school.id)             # the school's people and courses change as one
        importer = IMPORTERS[kind](uow.conn, school.id, repo.school_policy(school.id), uow.now, progress)
        result = importer.run(frame, name)
        if result.changed:
            repo.audit(actor, "import", kind, None, uow.now,
                       after={**result.as_dict(), "file": name, "sha256": hashlib.sha256(data).hexdigest()})
        uow.commit()
        return result
