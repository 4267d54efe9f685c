"""Who is in the demo school: staff in every role, cohorts, classes, sections, course records, as the
files a school would import."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

import pandas as pd

from ..domain.calendar import ROC_OFFSET, Term, format_roc_date
from ..domain.grades import grade_in_year
from ..domain.identity import make_id_number
from . import catalogue as cat
from .schedule import at

DEFAULT_SEED = 115
SCHOOL_CODE = "999301"
SCHOOL_NAME = "示範市立示範高級中學"
CLASS_SIZE = 34
# persistent habits, the signal the early warning is to find: some always upload early, some always in the last
# two days, and some upload late for a while and then stop (from a term on, they do nothing)
HABITS = {"early": 0.2, "steady": 0.45, "late": 0.2, "stops": 0.15}


class Plan:
    """Who is in the school: staff, cohorts, classes, sections."""

    def __init__(self, rng: random.Random, years: list[int], students: int, as_of: datetime,
                 school_code: str = SCHOOL_CODE):
        self.rng, self.years, self.as_of, self.school_code = rng, years, as_of, school_code
        # sign-on names are the city's, one per person across every school: the demo school keeps the short ones,
        # another school's carry its code (c999302-a001), while staff and student numbers repeat between schools
        self.login_prefix = "" if school_code == SCHOOL_CODE else f"c{school_code}-"
        self.terms = [Term(y, s) for y in years for s in (1, 2) if at(Term(y, s).starts) <= as_of]
        per_grade = max(1, students // 3)
        self.classes_per_grade = max(1, round(per_grade / CLASS_SIZE))
        self.cohorts = list(range(years[0] - 2, years[-1] + 1))     # entry years present in the three years
        self.people = self._students(per_grade)
        self.staff = self._staff()

    @property
    def student_count(self) -> int:
        return len(self.people)

    def grade(self, entry_year: int, year: int) -> int | None:
        return grade_in_year(entry_year, year)

    def class_name(self, entry_year: int, year: int, group: int) -> str:
        return f"{self.grade(entry_year, year) - 9}{group + 1:02d}"

    def _students(self, per_grade: int) -> list[dict]:
        people, serial = [], 0
        for entry in self.cohorts:
            for k in range(per_grade):
                serial += 1
                sex = 1 + (self.rng.random() < 0.49)
                born = date(entry + ROC_OFFSET - 15, 9, 2) + timedelta(days=self.rng.randrange(365))
                people.append({
                    "student_no": f"{entry}{k + 1:04d}", "entry": entry, "group": k % self.classes_per_grade,
                    "seat": k // self.classes_per_grade + 1,
                    "name": self.rng.choice(cat.SURNAMES) + "".join(self.rng.sample(cat.GIVEN, 2)),
                    "id_number": make_id_number("ABCDEFGHJKLMNPQRSTUVXYWZIO"[serial % 22], sex,
                                                self.rng.randrange(10 ** 7)),
                    "birth": born, "diligence": self.rng.random(), **self._habit(entry)})
        return people

    def _habit(self, entry: int) -> dict:
        """A student's habit, and for one who stops, the first term they do nothing in (after at least one term)."""
        habit = self.rng.choices(list(HABITS), weights=list(HABITS.values()))[0]
        terms = [Term(year, semester) for year in range(entry, entry + 3) for semester in (1, 2)]
        return {"habit": habit, "stops_from": terms[self.rng.randrange(1, len(terms))] if habit == "stops" else None}

    def stopped(self, person: dict, term: Term) -> bool:
        """Whether a student has stopped doing anything by a term."""
        return person["stops_from"] is not None and term >= person["stops_from"]

    def _staff(self) -> list[dict]:
        staff, n = [], 0

        def add(roles: list[str], subject: str | None = None):
            nonlocal n
            n += 1
            staff.append({"staff_no": f"T{n:04d}", "roles": roles, "subject": subject,
                          "name": self.rng.choice(cat.SURNAMES) + "".join(self.rng.sample(cat.GIVEN, 2)),
                          "late": self.rng.random() < 0.2})
        for roles in (["校管理者"], ["輔導老師", "校管理者"], ["輔導老師"], ["輔導老師"], ["提交人員"], ["提交人員"],
                      ["收訖明細"], ["課程諮詢師"], ["課程諮詢師"], ["研究者"]):
            add(roles)
        sections: dict[str, int] = {}
        for subjects in cat.SUBJECTS.values():
            for subject, _, _ in subjects:
                sections[subject] = sections.get(subject, 0) + self.classes_per_grade
        for subject, count in sections.items():
            for _ in range(max(1, math.ceil(count / 5))):
                add(["授課教師"], subject)
        teachers = [s for s in staff if s["subject"]]
        self.homerooms = {}
        order = self.rng.sample(teachers, len(teachers))
        for slot in range(3 * self.classes_per_grade):
            teacher = order[slot % len(order)]
            self.homerooms[slot] = teacher["staff_no"]
            if "導師" not in teacher["roles"]:
                teacher["roles"].append("導師")
        self.subject_teachers = {}
        for s in teachers:
            self.subject_teachers.setdefault(s["subject"], []).append(s["staff_no"])
        return staff

    def homeroom(self, entry: int, group: int) -> str:
        return self.homerooms[(entry % 3) * self.classes_per_grade + group]

    def enrolled(self, year: int):
        return [p for p in self.people if self.grade(p["entry"], year)]

    def staff_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"職員編號": s["staff_no"], "姓名": s["name"], "身分": "、".join(s["roles"]),
                              "登入帳號": self.login_prefix + s["staff_no"].lower()} for s in self.staff])

    def student_frame(self) -> pd.DataFrame:
        rows = []
        for year in self.years:
            for p in self.enrolled(year):
                rows.append({"學號": p["student_no"], "姓名": p["name"], "身分證字號": p["id_number"],
                             "出生日期": format_roc_date(p["birth"]), "入學年度": p["entry"], "學年度": year,
                             "年級": self.grade(p["entry"], year),
                             "班級": self.class_name(p["entry"], year, p["group"]),
                             "座號": p["seat"], "導師職員編號": self.homeroom(p["entry"], p["group"]),
                             "登入帳號": f"{self.login_prefix}s{p['student_no']}"})
        return pd.DataFrame(rows)

    def guardian_frame(self) -> pd.DataFrame:
        """A parent account for most students (some families have none)."""
        return pd.DataFrame([{"學號": p["student_no"], "家長姓名": p["name"][0] + "家長",
                              "家長登入帳號": f"{self.login_prefix}p{p['student_no']}"}
                             for p in self.people if p["diligence"] > 0.1])

    def course_code(self, entry: int, grade: int, index: int, domain: str) -> str:
        course_type = "1" if grade == 10 else ("A" if index % 3 == 0 else "1") if grade == 11 else "C"
        return f"{entry:03d}{self.school_code}H1101{grade - 9:02d}{course_type}00{domain}{index + 1:02d}"

    def sections(self, term: Term):
        """(entry, group, class name, subject, code, credits, teacher, proxy) of every section of a term."""
        out = []
        for entry in self.cohorts:
            grade = self.grade(entry, term.year)
            if not grade:
                continue
            for group in range(self.classes_per_grade):
                name = self.class_name(entry, term.year, group)
                for index, (subject, domain, credits) in enumerate(cat.SUBJECTS[grade]):
                    pool = self.subject_teachers[subject]
                    teacher = pool[(group + index + term.semester) % len(pool)]
                    proxy = (pool[(group + index + term.semester + 1) % len(pool)]
                             if group % 7 == 3 and len(pool) > 1 else "")
                    out.append((entry, group, name, subject, self.course_code(entry, grade, index, domain),
                                credits, teacher, proxy))
        return out

    def teaching_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"學年度": term.year, "學期": term.semester, "課程代碼": code, "科目名稱": subject,
                              "學分數": credits, "開課班級": name, "授課教師職員編號": teacher,
                              "代理教師職員編號": proxy}
                             for term in self.terms
                             for (_, _, name, subject, code, credits, teacher, proxy) in self.sections(term)])

    def record_frame(self) -> pd.DataFrame:
        rows = []
        for term in self.terms:
            finished = at(term.ends) < self.as_of
            by_class: dict[tuple, list] = {}
            for section in self.sections(term):
                by_class.setdefault((section[0], section[1]), []).append(section)
            for p in self.enrolled(term.year):
                for (_, _, name, _, code, _, _, _) in by_class[(p["entry"], p["group"])]:
                    score = round(min(100, max(20, self.rng.gauss(68 + 18 * p["diligence"], 10)))) if finished else ""
                    mode = "重修" if finished and score != "" and score < 60 and self.rng.random() < 0.05 else ""
                    rows.append({"學號": p["student_no"], "學年度": term.year, "學期": term.semester,
                                 "課程代碼": code, "開課班級": name, "成績": score, "修課別": mode})
        return pd.DataFrame(rows)

    def cadre_frame(self) -> pd.DataFrame:
        rows = []
        for term in self.terms:
            classmates: dict[tuple, list] = {}
            for p in self.enrolled(term.year):
                classmates.setdefault((p["entry"], p["group"]), []).append(p)
            for (entry, group), members in sorted(classmates.items()):
                for position, p in zip(cat.POSITIONS["2"], self.rng.sample(members, min(5, len(members)))):
                    rows.append({"學號": p["student_no"], "學年度": term.year, "學期": term.semester,
                                 "單位名稱": self.class_name(entry, term.year, group) + "班", "擔任職務": position,
                                 "幹部等級": "2", "開始日期": format_roc_date(term.starts),
                                 "結束日期": format_roc_date(term.ends)})
        return pd.DataFrame(rows)
