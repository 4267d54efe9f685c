"""Sending outcomes for certification and certifying them (通過 / 不通過 with a reason)."""

from __future__ import annotations

from ..domain.model import Actor, ItemKind, WindowKind, certification_notice
from ..domain.rules import check_may_certify, check_window
from .access import acting_on_student
from .unit_of_work import UnitOfWork, retried


@retried
def send_for_certification(uow: UnitOfWork, outcome_id: int, actor: Actor | None = None) -> None:
    """The student sends an uploaded outcome to the course teacher, inside the certification window."""
    with uow:
        repo = uow.repo
        outcome = repo.outcome(outcome_id)
        student, actor = acting_on_student(repo, actor, "送出認證", student_id=outcome.student_id)
        check_window(repo.windows(student.school_id, outcome.term.year, outcome.term.semester),
                     (WindowKind.CERTIFICATION,), uow.now, outcome.term.label)
        before = outcome.status.value
        outcome.send_for_certification(uow.now)
        repo.save_outcome(outcome, uow.now)
        repo.audit(actor, "send", "outcome", outcome.id, uow.now, {"status": before},
                   {"status": outcome.status.value})
        uow.commit()


@retried
def certify(uow: UnitOfWork, outcome_id: int, passed: bool, reason: str | None = None, *, actor: Actor) -> None:
    """The course teacher (or the named proxy) certifies a pending outcome; the student is notified."""
    with uow:
        repo = uow.repo
        outcome = repo.outcome(outcome_id)
        student = repo.student_by_id(outcome.student_id)
        actor = repo.resolve_actor(actor, student.school_id)
        section = repo.section_of_record(outcome.course_record_id)
        teacher = repo.staff_no_of(section.teacher_id)
        proxy = repo.staff_no_of(section.proxy_teacher_id)
        check_may_certify(actor, teacher, proxy, section.subject)
        check_window(repo.windows(student.school_id, outcome.term.year, outcome.term.semester),
                     (WindowKind.CERTIFICATION,), uow.now, outcome.term.label)
        before = outcome.status.value
        reason = outcome.certify(passed, reason)
        repo.save_outcome(outcome, uow.now)
        member = repo.staff_member(actor.key, student.school_id)
        repo.add_certification(outcome.id, member.id, actor.key != teacher, passed, reason, uow.now)
        message = certification_notice(section.subject, outcome.term, passed, reason)
        repo.notify(student.id, "certification", message, uow.now, item_kind=ItemKind.OUTCOME, item_id=outcome.id)
        repo.audit(actor, "certify", "outcome", outcome.id, uow.now, {"status": before},
                   {"status": outcome.status.value, "reason": reason, "as_proxy": actor.key != teacher})
        uow.commit()
