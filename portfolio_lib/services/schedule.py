"""Schools, their policy overrides and the windows of their schedule."""

from __future__ import annotations

import json
from datetime import datetime

from ..domain.calendar import format_roc_datetime
from ..domain.errors import InvalidSchoolCode, InvalidWindow, MissingField
from ..domain.model import Actor, Role, WindowKind
from ..domain.rules import check_has_role
from .unit_of_work import UnitOfWork, retried


@retried
def create_school(uow: UnitOfWork, code: str, name: str, *, actor: Actor) -> int:
    code, name = str(code).strip(), str(name).strip()
    if not (len(code) == 6 and code.isalnum()):
        raise InvalidSchoolCode(code=code)
    if not name:
        raise MissingField(label="學校名稱")
    with uow:
        school_id = uow.repo.add_school(code, name)
        uow.repo.audit(uow.repo.resolve_actor(actor), "create", "school", school_id, uow.now,
                       after={"code": code, "name": name})
        uow.commit()
        return school_id


@retried
def set_policy_overrides(uow: UnitOfWork, overrides: dict, school_code: str | None = None,
                         *, actor: Actor) -> None:
    """Lay a school's own dated values over the national policy (checked before saving)."""
    with uow:
        repo = uow.repo
        school = repo.school_for(school_code, actor)
        actor = repo.resolve_actor(actor, school.id)
        check_has_role(actor, {Role.ADMIN}, "修改學校設定")
        uow.workbench.policy.with_overrides(overrides)
        text = json.dumps(overrides, ensure_ascii=False, sort_keys=True)
        repo.save_policy_overrides(school.id, text)
        repo.audit(actor, "set_policy", "school", school.id, uow.now, {"policy_overrides": school.policy_overrides},
                   {"policy_overrides": text})
        uow.commit()


@retried
def set_window(uow: UnitOfWork, year: int, semester: int, kind: WindowKind | str, opens: datetime,
               closes: datetime, school_code: str | None = None, *, actor: Actor) -> None:
    """Open a window of the schedule (upload stages, certification, 多元表現 upload, selection)."""
    kind = WindowKind(kind)
    semester = 0 if kind.yearly else semester
    if closes <= opens:
        raise InvalidWindow(window_label=kind.label, opens=format_roc_datetime(opens),
                            closes=format_roc_datetime(closes))
    with uow:
        repo = uow.repo
        school = repo.school_for(school_code, actor)
        actor = repo.resolve_actor(actor, school.id)
        check_has_role(actor, {Role.ADMIN, Role.COUNSELOR}, "設定作業期程")
        old = repo.window(school.id, year, semester, kind)
        repo.save_window(school.id, year, semester, kind, opens, closes)
        repo.audit(actor, "set_window", "window", f"{year}-{semester}-{kind.value}", uow.now,
                   {"opens": old.opens, "closes": old.closes} if old else None,
                   {"opens": opens, "closes": closes})
        uow.commit()
