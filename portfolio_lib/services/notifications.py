"""Notifications the student reads (certification results)."""

from __future__ import annotations

from ..domain.model import Actor
from .access import acting_on_student
from .unit_of_work import UnitOfWork, retried


@retried
def mark_notifications_read(uow: UnitOfWork, student_no: str, actor: Actor | None = None) -> int:
    """Mark the student's unread notifications as read; returns how many."""
    with uow:
        student, actor = acting_on_student(uow.repo, actor, "標示通知為已讀", student_no=student_no)
        count = uow.repo.mark_notifications_read(student.id, uow.now)
        if count:
            uow.repo.audit(actor, "read", "notifications", student.student_no, uow.now, after={"read": count})
        uow.commit()
        return count
