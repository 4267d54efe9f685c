"""People of a school: staff and their roles, students and their classes, guardians."""

from __future__ import annotations

from sqlalchemy import select

from ...domain import row_reasons as why
from ...domain.grades import GRADES
from ...domain.identity import is_valid_id_number
from ...domain.model import SCHOOL_ROLES, role_by_label
from .. import tables as t
from .base import Importer, flag_unknown
from .checks import Col, ImportResult

# --- staff -----------------------------------------------------------------------------

class StaffImporter(Importer):
    kind, label = "staff", "教職員"
    columns = (Col("職員編號", "staff_no", max_len=20), Col("姓名", "name"),
               Col("身分", "roles", max_len=100), Col("登入帳號", "login", required=False, max_len=64))

    def check(self, clean, checker):
        def roles_of(text):
            try:
                return tuple(sorted({role_by_label(p).value for p in text.replace(",", "、").split("、") if p.strip()}))
            except ValueError:
                return None
        clean["role_set"] = clean["roles"].map(roles_of)
        allowed = "、".join(r.label for r in SCHOOL_ROLES)
        checker.flag(clean["roles"].ne("") & clean["role_set"].isna(), "身分",
                     why.values(why.UNKNOWN_ROLE, allowed=allowed))
        checker.flag(clean["staff_no"].duplicated(keep=False) & clean["staff_no"].ne(""), "職員編號", why.DUPLICATE)
        return clean

    def write(self, clean):
        result = ImportResult(self.kind, len(clean))
        existing = {r.staff_no: r
                    for r in self.conn.execute(select(t.staff).where(t.staff.c.school_id == self.school_id))}
        roles_now: dict[int, set] = {}
        for staff_id, role in self.conn.execute(select(t.staff_roles.c.staff_id, t.staff_roles.c.role)):
            roles_now.setdefault(staff_id, set()).add(role)
        for row in clean.itertuples():
            old = existing.get(row.staff_no)
            login = old.login if old is not None and "login" in self.absent else row.login or None
            if old is None:
                staff_id = self.conn.execute(t.staff.insert().values(
                    school_id=self.school_id, staff_no=row.staff_no, name=row.name,
                    login=login)).inserted_primary_key[0]
                result.inserted += 1
            else:
                staff_id = old.id
                if (old.name, old.login) != (row.name, login):
                    self.conn.execute(t.staff.update().where(t.staff.c.id == staff_id)
                                      .values(name=row.name, login=login))
                    result.updated += 1
            if roles_now.get(staff_id, set()) != set(row.role_set):
                self.conn.execute(t.staff_roles.delete().where(t.staff_roles.c.staff_id == staff_id))
                self.conn.execute(t.staff_roles.insert(), [{"staff_id": staff_id, "role": r} for r in row.role_set])
                if old is not None:
                    result.updated += 1
        return result


# --- students and classes -------------------------------------------------------------

class StudentImporter(Importer):
    kind, label = "students", "學生與班級"
    columns = (Col("學號", "student_no", max_len=20), Col("姓名", "name"), Col("身分證字號", "id_number", max_len=10),
               Col("出生日期", "birth_date", "rocdate"), Col("入學年度", "entry_year", "int"),
               Col("學年度", "year", "int"), Col("年級", "grade", "int"), Col("班級", "class_name", max_len=20),
               Col("座號", "seat_no", "int"), Col("導師職員編號", "homeroom_no", required=False, max_len=20),
               Col("登入帳號", "login", required=False, max_len=64))

    def check(self, clean, checker):
        checker.flag(clean["id_number"].ne("") & ~clean["id_number"].str.upper().map(is_valid_id_number),
                     "身分證字號", why.values(why.INVALID_ID_NUMBER))
        clean["id_number"] = clean["id_number"].str.upper()
        checker.flag(clean["grade"].notna() & ~clean["grade"].isin(GRADES), "年級",
                     why.ONE_OF.format(allowed=f"{'、'.join(map(str, GRADES[:-1]))} 或 {GRADES[-1]}"))
        key = clean["student_no"] + "|" + clean["year"].astype(str)
        checker.flag(key.duplicated(keep=False) & clean["student_no"].ne(""), "學號", why.DUPLICATE_IN_YEAR)
        clean["homeroom_id"] = flag_unknown(checker, clean["homeroom_no"], self.staff_ids(), "導師職員編號", "教職員")
        per_class = clean.groupby(["year", "class_name"])["grade"].nunique()
        for (year, name) in per_class[per_class > 1].index:
            mask = (clean["year"] == year) & (clean["class_name"] == name)
            checker.flag(mask, "年級", why.GRADE_MISMATCH.format(year=year, name=name))
        return clean

    def write(self, clean):
        result = ImportResult(self.kind, len(clean))
        classes = {(r.academic_year, r.name): r for r in self.conn.execute(
            select(t.classes).where(t.classes.c.school_id == self.school_id))}
        class_ids = {key: r.id for key, r in classes.items()}
        for (year, name), group in clean.groupby(["year", "class_name"], sort=True):
            grade = int(group["grade"].iloc[0])
            homeroom = group["homeroom_id"].dropna()
            homeroom_id = int(homeroom.iloc[0]) if len(homeroom) else None
            old = classes.get((int(year), name))
            if old is not None and "homeroom_no" in self.absent:
                homeroom_id = old.homeroom_teacher_id
            if old is None:
                class_ids[(int(year), name)] = self.conn.execute(t.classes.insert().values(
                    school_id=self.school_id, academic_year=int(year), grade=grade, name=name,
                    homeroom_teacher_id=homeroom_id)).inserted_primary_key[0]
                result.inserted += 1
            elif (old.grade, old.homeroom_teacher_id) != (grade, homeroom_id):
                self.conn.execute(t.classes.update().where(t.classes.c.id == old.id).values(
                    grade=grade, homeroom_teacher_id=homeroom_id))
                result.updated += 1
        students = {r.student_no: r for r in self.conn.execute(
            select(t.students).where(t.students.c.school_id == self.school_id))}
        people = clean.drop_duplicates("student_no", keep="last")
        new_rows = []
        for row in people.itertuples():
            old = students.get(row.student_no)
            login = old.login if old is not None and "login" in self.absent else row.login or None
            values = (row.name, row.id_number, row.birth_date, int(row.entry_year), login)
            if old is None:
                new_rows.append((self.school_id, row.student_no) + values)
            elif (old.name, old.id_number, old.birth_date, old.entry_year, old.login) != values:
                self.conn.execute(t.students.update().where(t.students.c.id == old.id).values(
                    name=row.name, id_number=row.id_number, birth_date=row.birth_date, entry_year=int(row.entry_year),
                    login=login))
                result.updated += 1
        if new_rows:
            self.insert_many("students", ("school_id", "student_no", "name", "id_number", "birth_date", "entry_year",
                                          "login"), [r[:4] + (r[4].isoformat(),) + r[5:] for r in new_rows])
            result.inserted += len(new_rows)
        ids = self.student_ids()
        enrolled = {(r.student_id, r.academic_year): (r.class_id, r.seat_no) for r in self.conn.execute(
            select(t.enrolments).join(t.students).where(t.students.c.school_id == self.school_id))}
        inserts, updates = [], []
        for row in clean.itertuples():
            sid, year = ids[row.student_no], int(row.year)
            want = (class_ids[(year, row.class_name)], int(row.seat_no))
            have = enrolled.get((sid, year))
            if have is None:
                inserts.append((sid, year) + want)
            elif have != want:
                updates.append(want + (sid, year))
        self.insert_many("enrolments", ("student_id", "academic_year", "class_id", "seat_no"), inserts)
        self.executemany("UPDATE enrolments SET class_id = ?, seat_no = ? "
                         "WHERE student_id = ? AND academic_year = ?", updates)
        result.inserted += len(inserts)
        result.updated += len(updates)
        return result



# --- guardians --------------------------------------------------------------------------

class GuardianImporter(Importer):
    kind, label = "guardians", "家長帳號"
    columns = (Col("學號", "student_no", max_len=20), Col("家長姓名", "name"),
               Col("家長登入帳號", "login", max_len=64))

    def check(self, clean, checker):
        clean["student_id"] = flag_unknown(checker, clean["student_no"], self.student_ids(), "學號", "學生")
        pair = clean[["student_no", "login"]]
        checker.flag(pair.duplicated(keep=False), "家長登入帳號", why.DUPLICATE_GUARDIAN)
        return clean

    def write(self, clean):
        result = ImportResult(self.kind, len(clean))
        g = t.guardians.c
        existing = {(r.student_id, r.login): r for r in self.conn.execute(
            select(t.guardians).join(t.students).where(t.students.c.school_id == self.school_id))}
        for row in clean.itertuples():
            old = existing.get((int(row.student_id), row.login))
            if old is None:
                self.conn.execute(t.guardians.insert().values(student_id=int(row.student_id), name=row.name,
                                                              login=row.login))
                result.inserted += 1
            elif old.name != row.name:
                self.conn.execute(t.guardians.update().where(g.id == old.id).values(name=row.name))
                result.updated += 1
        return result
