"""Selecting (勾選) items for the central database and picking items for university application."""

from __future__ import annotations

from ..domain.calendar import Term, format_roc_datetime
from ..domain.errors import (
    AlreadyPicked,
    AlreadySelected,
    ItemLocked,
    NotFound,
    NotPicked,
    NotSelectedYet,
    PickedForApplication,
)
from ..domain.model import Actor, ItemKind, WindowKind
from ..domain.rules import (
    check_application_pick,
    check_selectable_outcome,
    check_selectable_performance,
    check_selection_cap,
    check_window,
)
from .access import acting_on_student
from .unit_of_work import UnitOfWork, retried


def _owned_item(repo, student, kind: ItemKind, item_id: int):
    item = repo.outcome(item_id) if kind is ItemKind.OUTCOME else repo.performance(item_id)
    if item.student_id != student.id:
        raise NotFound(entity=kind.label, key=item_id)
    return item


@retried
def select_for_submission(uow: UnitOfWork, student_no: str, kind: ItemKind | str, item_id: int,
                          actor: Actor | None = None) -> None:
    """Select a certified outcome or a 多元表現 record of a year, inside the selection window and caps."""
    kind = ItemKind(kind)
    with uow:
        repo = uow.repo
        student, actor = acting_on_student(repo, actor, "勾選", student_no=student_no)
        item = _owned_item(repo, student, kind, item_id)
        year = item.term.year
        check_window(repo.windows(student.school_id, year, 0), (WindowKind.SELECTION,), uow.now,
                     f"{year} 學年度")
        if repo.is_selected(kind, item_id):
            raise AlreadySelected(item_label=kind.label)
        if kind is ItemKind.OUTCOME:
            check_selectable_outcome(item.status)
        else:
            check_selectable_performance(item.synced, item.has_proof)
        rules = repo.school_policy(student.school_id).rules(item.term)
        check_selection_cap(kind, repo.count_selections(student.id, kind, year), year, rules)
        repo.add_selection(student.id, year, kind, item_id, actor, uow.now)
        repo.audit(actor, "select", kind.value, item_id, uow.now, {"selected": False}, {"selected": True})
        uow.commit()


@retried
def unselect(uow: UnitOfWork, student_no: str, kind: ItemKind | str, item_id: int,
             actor: Actor | None = None) -> None:
    kind = ItemKind(kind)
    with uow:
        repo = uow.repo
        student, actor = acting_on_student(repo, actor, "取消勾選", student_no=student_no)
        item = _owned_item(repo, student, kind, item_id)
        if item.submitted_at is not None:
            raise ItemLocked(item_label=kind.label, submitted=format_roc_datetime(item.submitted_at))
        check_window(repo.windows(student.school_id, item.term.year, 0), (WindowKind.SELECTION,), uow.now,
                     f"{item.term.year} 學年度")
        if not repo.is_selected(kind, item_id):
            raise NotSelectedYet(item_label=kind.label)
        if repo.is_picked(kind, item_id):
            raise PickedForApplication(item_label=kind.label)
        repo.remove_selection(kind, item_id)
        repo.audit(actor, "unselect", kind.value, item_id, uow.now, {"selected": True}, {"selected": False})
        uow.commit()


@retried
def pick_for_application(uow: UnitOfWork, student_no: str, kind: ItemKind | str, item_id: int,
                         actor: Actor | None = None) -> None:
    """A grade-12 student picks one of the selected items for university application (申請入學)."""
    kind = ItemKind(kind)
    with uow:
        repo = uow.repo
        student, actor = acting_on_student(repo, actor, "挑選申請入學項目", student_no=student_no)
        _owned_item(repo, student, kind, item_id)
        if repo.is_picked(kind, item_id):
            raise AlreadyPicked(item_label=kind.label)
        now_term = Term.of(uow.now.date())
        grade = repo.grade_of(student.id, now_term.year) or 0
        rules = repo.school_policy(student.school_id).rules(now_term)
        check_application_pick(kind, grade, repo.is_selected(kind, item_id), repo.count_picks(student.id, kind),
                               repo.count_selections(student.id, kind), rules)
        repo.add_pick(student.id, kind, item_id, uow.now)
        repo.audit(actor, "pick", kind.value, item_id, uow.now, {"picked": False}, {"picked": True})
        uow.commit()


@retried
def unpick(uow: UnitOfWork, student_no: str, kind: ItemKind | str, item_id: int,
           actor: Actor | None = None) -> None:
    kind = ItemKind(kind)
    with uow:
        repo = uow.repo
        student, actor = acting_on_student(repo, actor, "取消申請入學項目", student_no=student_no)
        _owned_item(repo, student, kind, item_id)
        if not repo.is_picked(kind, item_id):
            raise NotPicked(item_label=kind.label)
        repo.remove_pick(kind, item_id)
        repo.audit(actor, "unpick", kind.value, item_id, uow.now, {"picked": True}, {"picked": False})
        uow.commit()
