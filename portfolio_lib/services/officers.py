"""The city's education office (教育局): its officers' accounts, kept by the database's administrator.

An officer belongs to no school: they read every school's counts on the district page and no one's names. A
school's staff, even its own administrators, cannot make one; only the administrator path (whoever holds the
database) can.
"""

from __future__ import annotations

from ..domain.errors import MissingField, NotFound, PermissionDenied, TextTooLong
from ..domain.model import Actor, ActorKind
from ..domain.rules import who
from .unit_of_work import UnitOfWork, retried

LIMITS = (("職員編號", 20), ("姓名", 50), ("登入帳號", 64))    # the columns' widths (adapters.tables)


def _check_administrator(actor: Actor):
    if ActorKind(actor.kind) is not ActorKind.ADMIN:
        raise PermissionDenied(who=who(actor), action="設定教育局帳號（只有系統管理者可以）")


@retried
def save_district_officer(uow: UnitOfWork, officer_no: str, name: str, login: str | None = None, *,
                          actor: Actor) -> int:
    """Add an officer of the city's education office, or change the name and sign-on name of the one with this
    number; returns its id."""
    _check_administrator(actor)
    officer_no, name, login = str(officer_no).strip(), str(name).strip(), (login or "").strip() or None
    for label, value in (("職員編號", officer_no), ("姓名", name)):
        if not value:
            raise MissingField(label=label)
    for (label, limit), value in zip(LIMITS, (officer_no, name, login or "")):
        if len(value) > limit:
            raise TextTooLong(label=label, limit=limit, length=len(value))
    with uow:
        before = uow.repo.district_officer(officer_no)
        officer_id = uow.repo.save_district_officer(officer_no, name, login)
        uow.repo.audit(actor, "save", "district_officer", officer_id, uow.now,
                       None if before is None else {"name": before.name, "login": before.login},
                       {"officer_no": officer_no, "name": name, "login": login})
        uow.commit()
        return officer_id


@retried
def remove_district_officer(uow: UnitOfWork, officer_no: str, *, actor: Actor) -> None:
    """Remove an officer's account: their sign-on name opens nothing from then on."""
    _check_administrator(actor)
    with uow:
        old = uow.repo.district_officer(str(officer_no).strip())
        if old is None:
            raise NotFound(entity="教育局帳號", key=officer_no)
        uow.repo.remove_district_officer(old.id)
        uow.repo.audit(actor, "remove", "district_officer", old.id, uow.now,
                       {"officer_no": old.officer_no, "name": old.name, "login": old.login}, None)
        uow.commit()
