"""Who acts on whose cabinet: the student themself, or staff allowed to act for students."""

from __future__ import annotations

from ..domain.model import Actor
from ..domain.rules import check_acts_for_student


def acting_on_student(repo, actor: Actor | None, action: str, *, student_no: str | None = None,
                      student_id: int | None = None):
    """(student row, resolved actor) once the actor may do `action` for that student."""
    student = repo.student(student_no) if student_no is not None else repo.student_by_id(student_id)
    actor = repo.resolve_actor(actor or Actor("student", student.student_no))
    check_acts_for_student(actor, student.student_no, action)
    return student, actor
