"""Schools and the people of a school: students, staff and their roles, guardians."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from ...domain.errors import AlreadyExists, InSeveralSchools, NotFound, OtherSchool, UnknownAccount
from ...domain.model import Actor, ActorKind, Role
from ...domain.policy import Policy
from ...domain.rules import who
from .. import answers
from .. import tables as t


class People:
    conn: Connection
    policy: Policy

    # --- schools, people ----------------------------------------------------------

    def school(self, code: str | None = None):
        """A school by code; with no code, the only school of the database."""
        query = select(t.schools)
        if code:
            query = query.where(t.schools.c.code == code)
        rows = self.conn.execute(query.limit(2)).all()
        if len(rows) != 1:
            raise NotFound(entity="學校", key=code or "（資料庫中有多所學校，請指定學校代碼）")
        return rows[0]

    def school_for(self, code: str | None, actor: Actor | None = None):
        """The school a use case is about: named by code, else the acting account's own, else the only one."""
        if not code and actor is not None and actor.school_id is not None:
            return self.school_by_id(actor.school_id)
        return self.school(code)

    def school_by_id(self, school_id: int):
        return self.conn.execute(select(t.schools).where(t.schools.c.id == school_id)).one()

    def school_policy(self, school_id: int) -> Policy:
        return answers.school_policy(self.conn, school_id, self.policy)

    def student(self, student_no: str, school_code: str | None = None, school_id: int | None = None):
        """A student by number, of the school named by code or id; numbers repeat between schools, so in a database
        of several a number found in more than one is refused until the school is named."""
        query = select(t.students).where(t.students.c.student_no == str(student_no))
        if school_code:
            query = query.join(t.schools).where(t.schools.c.code == school_code)
        if school_id is not None:
            query = query.where(t.students.c.school_id == school_id)
        rows = self.conn.execute(query.limit(2)).all()
        if len(rows) > 1:
            raise InSeveralSchools(entity="學號", key=student_no)
        if not rows:
            raise NotFound(entity="學生", key=student_no)
        self.lock_student(rows[0].id)
        return rows[0]

    def student_by_id(self, student_id: int):
        self.lock_student(student_id)
        return self.conn.execute(select(t.students).where(t.students.c.id == student_id)).one()

    def grade_of(self, student_id: int, year: int) -> int | None:
        return answers.grade_of(self.conn, student_id, year)

    def staff_member(self, staff_no: str, school_id: int | None = None):
        query = select(t.staff).where(t.staff.c.staff_no == str(staff_no))
        if school_id is not None:
            query = query.where(t.staff.c.school_id == school_id)
        rows = self.conn.execute(query.limit(2)).all()
        if len(rows) > 1:
            raise InSeveralSchools(entity="職員編號", key=staff_no)
        if not rows:
            raise NotFound(entity="教職員", key=staff_no)
        return rows[0]

    def staff_actor(self, staff_no: str, school_id: int | None = None) -> Actor:
        member = self.staff_member(staff_no, school_id)
        roles = self.conn.execute(
            select(t.staff_roles.c.role).where(t.staff_roles.c.staff_id == member.id)).scalars()
        return Actor("staff", member.staff_no, frozenset(Role(r) for r in roles), member.school_id)

    def resolve_actor(self, actor: Actor, school_id: int | None = None) -> Actor:
        """The actor as the database knows it, of their school: a staff member with their roles read afresh, a
        student or a guardian that exists; the administrator path as named. `school_id` is the school the use case
        is about: an actor of another school is refused (OtherSchool), an actor whose school is not known yet is
        looked up in it. Roles a caller passed are never trusted."""
        kind = ActorKind(actor.kind)
        if actor.school_id is not None and school_id is not None and actor.school_id != school_id:
            raise OtherSchool(who=who(actor))
        school = actor.school_id if actor.school_id is not None else school_id
        if kind is ActorKind.STAFF:
            return self.staff_actor(actor.key, school)
        if kind is ActorKind.STUDENT:
            return Actor(actor.kind, actor.key, school_id=self.student(actor.key, school_id=school).school_id)
        if kind is ActorKind.GUARDIAN:
            guardian = select(t.guardians.c.id).where(t.guardians.c.login == actor.key).limit(1)
            if self.conn.execute(guardian).first() is None:
                raise UnknownAccount(login=actor.key, kinds="家長")
        return Actor(actor.kind, actor.key, school_id=actor.school_id)

    def add_school(self, code: str, name: str) -> int:
        if self.conn.execute(select(t.schools.c.id).where(t.schools.c.code == code)).first():
            raise AlreadyExists(entity="學校", key=code)
        return self.conn.execute(insert(t.schools).values(code=code, name=name)).inserted_primary_key[0]

    def district_officer(self, officer_no: str):
        """A district officer's row by number, or None."""
        o = t.district_officers
        return self.conn.execute(select(o).where(o.c.officer_no == officer_no)).first()

    def save_district_officer(self, officer_no: str, name: str, login: str | None) -> int:
        """Add a district officer, or change the name and sign-on name of the one with this number."""
        o = t.district_officers
        old = self.district_officer(officer_no)
        if old is None:
            return self.conn.execute(insert(o).values(officer_no=officer_no, name=name, login=login)
                                     ).inserted_primary_key[0]
        self.conn.execute(update(o).where(o.c.id == old.id).values(name=name, login=login))
        return old.id

    def remove_district_officer(self, officer_id: int):
        self.conn.execute(delete(t.district_officers).where(t.district_officers.c.id == officer_id))

    def save_policy_overrides(self, school_id: int, text: str):
        self.conn.execute(update(t.schools).where(t.schools.c.id == school_id).values(policy_overrides=text))

    def student_ids_by_id_number(self, school_id: int) -> dict[str, int]:
        """身分證字號 → student id, for a school's students (a receipt list names students so)."""
        return {r.id_number: r.id for r in self.conn.execute(
            select(t.students.c.id_number, t.students.c.id).where(t.students.c.school_id == school_id))}

    def homeroom_teacher_id(self, student_id: int, year: int) -> int | None:
        """The staff id of the homeroom teacher of the class a student is in that year."""
        return self.conn.execute(
            select(t.classes.c.homeroom_teacher_id).join(t.enrolments, t.enrolments.c.class_id == t.classes.c.id)
            .where(t.enrolments.c.student_id == student_id, t.enrolments.c.academic_year == year)).scalar()
