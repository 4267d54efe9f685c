"""Schools, their policy overrides and the windows of their schedule."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import insert, select, update

from ..adapters import tables as t
from ..domain.calendar import format_roc_datetime
from ..domain.errors import AlreadyExists, InvalidField, InvalidWindow
from ..domain.model import Actor, Role, WindowKind
from ..domain.rules import check_has_role
from .unit_of_work import UnitOfWork


def create_school(uow: UnitOfWork, code: str, name: str, *, actor: Actor) -> int:
    code, name = str(code).strip(), str(name).strip()
    if not (len(code) == 6 and code.isalnum()):
        raise InvalidField(label="學校代碼", reason="應為 6 碼英數字")
    if not name:
        raise InvalidField(label="學校名稱", reason="必須填寫")
    with uow:
        if uow.conn.execute(select(t.schools.c.id).where(t.schools.c.code == code)).first():
            raise AlreadyExists(entity="學校", key=code)
        school_id = uow.conn.execute(insert(t.schools).values(code=code, name=name)).inserted_primary_key[0]
        uow.repo.audit(uow.repo.resolve_actor(actor), "create", "school", school_id, uow.now,
                       after={"code": code, "name": name})
        uow.commit()
        return school_id


def set_policy_overrides(uow: UnitOfWork, overrides: dict, school_code: str | None = None,
                         *, actor: Actor) -> None:
    """Lay a school's own dated values over the national policy (checked before saving)."""
    with uow:
        repo = uow.repo
        school = repo.school(school_code)
        actor = repo.resolve_actor(actor)
        check_has_role(actor, {Role.ADMIN}, "修改學校設定")
        uow.workbench.policy.with_overrides(overrides)
        text = json.dumps(overrides, ensure_ascii=False, sort_keys=True)
        uow.conn.execute(update(t.schools).where(t.schools.c.id == school.id).values(policy_overrides=text))
        repo.audit(actor, "set_policy", "school", school.id, uow.now, {"policy_overrides": school.policy_overrides},
                   {"policy_overrides": text})
        uow.commit()


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
        school = repo.school(school_code)
        actor = repo.resolve_actor(actor)
        check_has_role(actor, {Role.ADMIN, Role.COUNSELOR}, "設定作業期程")
        key = (t.windows.c.school_id == school.id, t.windows.c.academic_year == year,
               t.windows.c.semester == semester, t.windows.c.kind == kind.value)
        old = uow.conn.execute(select(t.windows).where(*key)).first()
        if old:
            uow.conn.execute(update(t.windows).where(*key).values(opens=opens, closes=closes))
        else:
            uow.conn.execute(insert(t.windows).values(school_id=school.id, academic_year=year, semester=semester,
                                                      kind=kind.value, opens=opens, closes=closes))
        repo.audit(actor, "set_window", "window", f"{year}-{semester}-{kind.value}", uow.now,
                   {"opens": old.opens, "closes": old.closes} if old else None,
                   {"opens": opens, "closes": closes})
        uow.commit()
