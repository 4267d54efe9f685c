"""What a student aims at (目標校系) and what their outcomes are (成果類型): the use cases behind the cabinet's
programme requirements (大學端需求)."""

from __future__ import annotations

from ..domain.admission import infer_outcome_kind, outcome_kind
from ..domain.calendar import Term
from ..domain.errors import DuplicateTarget, NotATarget, TooManyTargets
from ..domain.model import Actor
from .access import acting_on_student
from .unit_of_work import UnitOfWork, retried


@retried
def add_target(uow: UnitOfWork, student_no: str, programme_code: str, actor: Actor | None = None) -> int:
    """A student adds a programme of the school's list to their targets, up to the policy's number."""
    with uow:
        repo = uow.repo
        student, actor = acting_on_student(repo, actor, "加入目標校系", student_no=student_no)
        repo.lock_student(student.id)
        programme = repo.programme(student.school_id, programme_code)
        if repo.has_target(student.id, programme.id):
            raise DuplicateTarget(name=f"{programme.code} {programme.name}")
        limit = repo.school_policy(student.school_id).rules(Term.of(uow.now.date())).application_targets
        count = repo.count_targets(student.id)
        if count >= limit:
            raise TooManyTargets(count=count, limit=limit)
        target_id = repo.add_target(student.id, programme.id, uow.now)
        repo.audit(actor, "add_target", "programme", programme.id, uow.now, after={"programme": programme.code})
        uow.commit()
        return target_id


@retried
def remove_target(uow: UnitOfWork, student_no: str, programme_code: str, actor: Actor | None = None) -> None:
    with uow:
        repo = uow.repo
        student, actor = acting_on_student(repo, actor, "移除目標校系", student_no=student_no)
        programme = repo.programme(student.school_id, programme_code)
        if not repo.has_target(student.id, programme.id):
            raise NotATarget(name=f"{programme.code} {programme.name}")
        repo.remove_target(student.id, programme.id)
        repo.audit(actor, "remove_target", "programme", programme.id, uow.now, before={"programme": programme.code})
        uow.commit()


@retried
def mark_outcome_kind(uow: UnitOfWork, outcome_id: int, kind: str | None, actor: Actor | None = None) -> str | None:
    """Say what an outcome is (書面報告, 實作作品, 自然/社會領域探究), until it is submitted; '' or None: the kind
    its course makes certain, or none. Returns the kind now stored."""
    with uow:
        repo = uow.repo
        outcome = repo.outcome(outcome_id)
        student, actor = acting_on_student(repo, actor, "標示成果類型", student_id=outcome.student_id)
        chosen = outcome_kind(kind)
        if chosen is None:
            section = repo.section_of_record(outcome.course_record_id)
            chosen = infer_outcome_kind(section.subject, section.course_code)
        before = outcome.kind
        outcome.mark_kind(chosen.value if chosen else None)
        repo.save_outcome(outcome, uow.now)
        repo.audit(actor, "mark_kind", "outcome", outcome.id, uow.now, {"kind": before}, {"kind": outcome.kind})
        uow.commit()
        return outcome.kind
