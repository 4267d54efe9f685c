"""Who acts on whose cabinet: the student themself, or staff allowed to act for students."""

from __future__ import annotations

from ..domain.model import Actor
from ..domain.rules import check_acts_for_student


def acting_on_student(repo, actor: Actor | None, action: str, *, student_no: str | None = None,
                      student_id: int | None = None):
    """(student row, resolved actor) once the actor may do `action` for that student: a student number is looked up
    in the actor's school, and an actor of another school than the student's is refused."""
    if student_no is not None:
        student = repo.student(student_no, school_id=actor.school_id if actor else None)
    else:
        student = repo.student_by_id(student_id)
    actor = repo.resolve_actor(actor or Actor("student", student.student_no, school_id=student.school_id),
                               student.school_id)
    check_acts_for_student(actor, student.student_no, action)
    return student, actor
