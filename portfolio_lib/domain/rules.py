"""Caps, windows and permissions of the cycle, as pure checks over counts and facts."""

from __future__ import annotations

from datetime import datetime

from .calendar import Term, format_roc_datetime
from .errors import (
    ApplicationPickLimitReached,
    ApplicationPoolExceeded,
    GuardianReadOnly,
    NotCertified,
    NotCourseTeacher,
    NotGrade12,
    NotSelected,
    OutsideWindow,
    PerformanceLimitReached,
    PermissionDenied,
    ProofRequired,
    QuotaExceeded,
    SelectionLimitReached,
    UploadLimitReached,
    WindowNotSet,
)
from .grades import FINAL_GRADE
from .model import (
    Actor,
    ActorKind,
    ItemKind,
    OutcomeStatus,
    Role,
    Window,
    WindowKind,
    outcome_selectable,
    performance_selectable,
)
from .policy import Rules


def check_outcome_upload_cap(count: int, term: Term, rules: Rules):
    """`count` outcomes already uploaded this semester: one more must stay within the cap."""
    if count >= rules.outcome_upload_cap_per_semester:
        raise UploadLimitReached(count=count, limit=rules.outcome_upload_cap_per_semester,
                                 term=str(term), term_label=term.label)


def check_performance_upload_cap(count: int, year: int, rules: Rules):
    if count >= rules.performance_upload_cap_per_year:
        raise PerformanceLimitReached(count=count, limit=rules.performance_upload_cap_per_year, year=year)


def check_quota(used: int, adding: int, rules: Rules):
    if used + adding > rules.quota_bytes:
        raise QuotaExceeded(used=used, adding=adding, limit=rules.quota_bytes)


def check_window(windows: list[Window], kinds: tuple[WindowKind, ...], now: datetime, scope: str):
    """Inside one of the windows of the given kinds; names the nearest window when outside."""
    relevant = [w for w in windows if w.kind in kinds]
    if not relevant:
        raise WindowNotSet(scope=scope, window_label="、".join(k.label for k in kinds),
                           kind=kinds[0].value)
    if any(w.contains(now) for w in relevant):
        return
    nearest = min(relevant, key=lambda w: min(abs((w.opens - now).total_seconds()),
                                              abs((w.closes - now).total_seconds())))
    opens, closes = nearest.span()
    raise OutsideWindow(window_label=nearest.kind.label, kind=nearest.kind.value, opens=opens,
                        closes=closes, at=format_roc_datetime(now))


def check_acts_for_student(actor: Actor, student_no: str, action: str):
    """A student acts on their own cabinet; counselors and school admins may act for any student.

    A guardian reads their child's cabinet and never acts in it."""
    if actor.kind == ActorKind.ADMIN:
        return
    if actor.kind == ActorKind.STUDENT and actor.key == student_no:
        return
    if actor.kind == ActorKind.STAFF and actor.roles & {Role.COUNSELOR, Role.ADMIN}:
        return
    if actor.kind == ActorKind.GUARDIAN:
        raise GuardianReadOnly(action=action)
    raise PermissionDenied(who=who(actor), action=action)


def check_may_certify(actor: Actor, teacher_no: str | None, proxy_no: str | None, subject: str):
    """Only the course's teacher, or its named proxy, certifies its outcomes."""
    if actor.kind == ActorKind.STAFF and actor.key in {teacher_no, proxy_no} - {None}:
        return
    raise NotCourseTeacher(teacher=who(actor), subject=subject)


def check_staff_role(actor: Actor, roles: set[Role], action: str):
    """A staff member with one of `roles` (what a teacher signs with their own name: no administrator path)."""
    if actor.kind == ActorKind.STAFF and actor.roles & roles:
        return
    raise PermissionDenied(who=who(actor), action=action)


def check_has_role(actor: Actor, roles: set[Role], action: str):
    if actor.kind == ActorKind.ADMIN or (actor.kind == ActorKind.STAFF and actor.roles & roles):
        return
    raise PermissionDenied(who=who(actor), action=action)


def check_selectable_outcome(status: OutcomeStatus):
    if not outcome_selectable(status):
        raise NotCertified(state=status.label)


def check_selectable_performance(synced: bool, has_proof: bool):
    if not performance_selectable(synced, has_proof):
        raise ProofRequired()


def check_selection_cap(kind: ItemKind, count: int, year: int, rules: Rules):
    limit = (rules.outcome_selection_cap_per_year if kind is ItemKind.OUTCOME
             else rules.performance_selection_cap_per_year)
    if count >= limit:
        raise SelectionLimitReached(count=count, limit=limit, year=year, kind=kind.value,
                                    kind_label=kind.label)


def check_application_pick(kind: ItemKind, grade: int, selected: bool, picks: int,
                           pool: int, rules: Rules):
    """Grade 12 picks a few of the selected items for university application."""
    if grade != FINAL_GRADE:
        raise NotGrade12(grade=grade)
    if not selected:
        raise NotSelected(kind_label=kind.label)
    if kind is ItemKind.OUTCOME:
        limit, pool_limit = rules.application_outcome_picks, rules.application_outcome_pool
    else:
        limit, pool_limit = rules.application_performance_picks, rules.application_performance_pool
    if pool > pool_limit:
        raise ApplicationPoolExceeded(count=pool, limit=pool_limit, kind_label=kind.label)
    if picks >= limit:
        raise ApplicationPickLimitReached(count=picks, limit=limit, kind=kind.value, kind_label=kind.label)


def who(actor: Actor) -> str:
    """How a message names the actor: 學生 113001、教職員 T001、家長、系統管理者."""
    return {ActorKind.STUDENT: f"學生 {actor.key} ", ActorKind.STAFF: f"教職員 {actor.key} ",
            ActorKind.GUARDIAN: "家長 ", ActorKind.ADMIN: f"系統管理者 {actor.key} "}[ActorKind(actor.kind)]
