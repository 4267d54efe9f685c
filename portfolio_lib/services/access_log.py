"""The access log (個資法 §12): every sign-in, refused or not, and every page and student's data opened."""

from __future__ import annotations

from ..domain.model import AccessEvent
from .unit_of_work import UnitOfWork, retried


@retried
def record_access(uow: UnitOfWork, login: str, event: AccessEvent | str, target: str | None = None, *,
                  school_id: int | None = None, student_id: int | None = None, student_no: str | None = None,
                  address: str | None = None) -> None:
    """One line of the access log, at the workbench's clock, in its own transaction; a student is named by
    id, or by student number within the school."""
    event = AccessEvent(event)
    with uow:
        if student_no is not None and student_id is None:
            school = uow.repo.school_by_id(school_id) if school_id is not None else None
            student_id = uow.repo.student(student_no, school.code if school else None).id
        uow.repo.record_access(uow.now, login, event.value, target, school_id, student_id, address)
        uow.commit()
