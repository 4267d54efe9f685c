"""Who is looking: a staff member, their roles, and which dashboards and rows they may see."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, func, select

from ..adapters import tables as t
from ..domain.errors import NotFound, PermissionDenied
from ..domain.model import ROLE_LABELS, Actor, ActorKind, Role
from ..domain.pages import DASHBOARDS
from .frames import Readable, reading


@dataclass(frozen=True)
class Viewer:
    staff_id: int
    staff_no: str
    name: str
    school_id: int
    roles: frozenset
    login: str | None = None        # the sign-on name when the viewer signed in (None in the demo's picker)

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.STAFF.value, self.staff_no, school_id=self.school_id)

    @property
    def label(self) -> str:
        roles = "、".join(ROLE_LABELS[r] for r in sorted(self.roles))
        return f"{self.name}（{self.staff_no}，{roles}）"

    def may_open(self, dashboard: str) -> bool:
        return bool(self.roles & DASHBOARDS[dashboard].roles)

    def require(self, dashboard: str):
        if not self.may_open(dashboard):
            raise PermissionDenied(who=f"{self.name} ", action=f"開啟「{DASHBOARDS[dashboard].title}」")


@dataclass(frozen=True)
class DistrictViewer:
    """An officer of the city's education office (教育局): sees every school of the database, by counts only, and
    belongs to none (`school_id` None matches no school's rows)."""

    officer_id: int
    officer_no: str
    name: str
    login: str | None = None
    school_id = None
    roles = frozenset({Role.DISTRICT})

    @property
    def label(self) -> str:
        return f"{self.name}（{self.officer_no}，{ROLE_LABELS[Role.DISTRICT]}）"

    may_open = Viewer.may_open
    require = Viewer.require


def _officer(engine: Readable, where, login: str | None = None) -> DistrictViewer | None:
    o = t.district_officers
    with reading(engine) as conn:
        row = conn.execute(select(o).where(where).order_by(o.c.id)).first()
    return None if row is None else DistrictViewer(row.id, row.officer_no, row.name, login)


def officer_by_login(engine: Readable, login: str) -> DistrictViewer | None:
    """The district officer a sign-on name maps to (case-insensitive)."""
    return _officer(engine, func.lower(t.district_officers.c.login) == login.strip().lower(), login.strip())


def officer_by_id(engine: Readable, officer_id: int) -> DistrictViewer:
    officer = _officer(engine, t.district_officers.c.id == officer_id)
    if officer is None:
        raise NotFound(entity="教育局帳號", key=officer_id)
    return officer


def officer_directory(engine: Readable) -> pd.DataFrame:
    """The district officers (officer_id, officer_no, name, login), for the demo's view-as picker and the CLI."""
    o = t.district_officers
    with reading(engine) as conn:
        rows = conn.execute(select(o.c.id, o.c.officer_no, o.c.name, o.c.login).order_by(o.c.officer_no)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["officer_id", "officer_no", "name", "login"])


def _viewer(engine: Readable, where, login: str | None = None) -> Viewer | None:
    with reading(engine) as conn:
        row = conn.execute(select(t.staff).where(where).order_by(t.staff.c.id)).first()
        if row is None:
            return None
        roles = frozenset(Role(r) for r in conn.execute(
            select(t.staff_roles.c.role).where(t.staff_roles.c.staff_id == row.id)).scalars())
    return Viewer(row.id, row.staff_no, row.name, row.school_id, roles, login)


def school_id_of(engine: Readable, code: str) -> int:
    """The id of the school with this code."""
    with reading(engine) as conn:
        found = conn.execute(select(t.schools.c.id).where(t.schools.c.code == str(code).strip())).scalar()
    if found is None:
        raise NotFound(entity="學校", key=code)
    return found


def viewer_by_login(engine: Readable, login: str) -> Viewer | None:
    """The staff account a sign-on name maps to (the staff import's 登入帳號, case-insensitive)."""
    return _viewer(engine, func.lower(t.staff.c.login) == login.strip().lower(), login.strip())


def viewer_by_staff_no(engine: Readable, staff_no: str, school_id: int | None = None) -> Viewer:
    """A staff member by staff number; in a database of several schools, name the school (numbers repeat)."""
    where = t.staff.c.staff_no == staff_no
    if school_id is not None:
        where = and_(where, t.staff.c.school_id == school_id)
    viewer = _viewer(engine, where)
    if viewer is None:
        raise NotFound(entity="教職員", key=staff_no)
    return viewer


def viewer_by_id(engine: Readable, staff_id: int) -> Viewer:
    viewer = _viewer(engine, t.staff.c.id == staff_id)
    if viewer is None:
        raise NotFound(entity="教職員", key=staff_id)
    return viewer


def staff_directory(engine: Readable, dashboard: str | None = None, school_id: int | None = None) -> pd.DataFrame:
    """Staff with their roles and school (for the demo's view-as picker), optionally only one school's and only
    those who may open a dashboard."""
    query = (select(t.staff.c.id.label("staff_id"), t.staff.c.staff_no, t.staff.c.name,
                    t.schools.c.code.label("school"), t.staff_roles.c.role)
             .join(t.staff_roles, t.staff_roles.c.staff_id == t.staff.c.id)
             .join(t.schools, t.schools.c.id == t.staff.c.school_id)
             .order_by(t.schools.c.code, t.staff.c.staff_no))
    if school_id is not None:
        query = query.where(t.staff.c.school_id == school_id)
    with reading(engine) as conn:
        rows = conn.execute(query).all()
    table = pd.DataFrame(rows, columns=["staff_id", "staff_no", "name", "school", "role"])
    if dashboard:
        allowed = {r.value for r in DASHBOARDS[dashboard].roles}
        table = table[table["staff_id"].isin(table.loc[table["role"].isin(allowed), "staff_id"])]
    grouped = table.groupby(["school", "staff_no", "staff_id", "name"], sort=True)["role"].agg(
        lambda roles: "、".join(ROLE_LABELS[Role(r)] for r in sorted(roles)))
    return grouped.reset_index().rename(columns={"role": "roles"})[["staff_id", "staff_no", "name", "school",
                                                                     "roles"]]


def school_identity(engine: Readable, school_id: int) -> tuple[str, str]:
    """(code, name) of a school."""
    with reading(engine) as conn:
        row = conn.execute(select(t.schools.c.code, t.schools.c.name).where(t.schools.c.id == school_id)).one()
    return row.code, row.name


def school_list(engine: Readable) -> list:
    """Every school of the database (id, code, name), in the order they were created."""
    with reading(engine) as conn:
        return conn.execute(select(t.schools.c.id, t.schools.c.code, t.schools.c.name).order_by(t.schools.c.id)).all()
