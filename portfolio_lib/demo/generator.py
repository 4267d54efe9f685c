"""Build a realistic demo school: rosters, courses, three years of uploads, certification, selection.

Rosters, teaching assignments, course records and synced cadre records go through the real
importers; the three years of activity are written in one transaction, every item obeying
the same policy the services enforce. The same seed and `as_of` give the same database.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import func, insert, select
from tqdm import tqdm

from .. import services
from ..adapters import tables as t
from ..adapters.db import WRITE
from ..domain.calendar import ROC_OFFSET, Term, academic_year_of, end_of_day, format_roc_date
from ..domain.categories import validate_fields
from ..domain.errors import AlreadyExists
from ..domain.files import Upload, check_file
from ..domain.grades import FINAL_GRADE, grade_in_year
from ..domain.identity import make_id_number
from ..domain.model import (
    Actor,
    ItemKind,
    OutcomeStatus,
    WindowKind,
    certification_notice,
    clean_description,
    plan_review_notice,
)
from ..services.unit_of_work import Workbench
from . import catalogue as cat
from .samples import make_pdf, make_picture, media

DEFAULT_SEED = 115
SCHOOL_CODE = "999301"
SCHOOL_NAME = "示範市立示範高級中學"
CLASS_SIZE = 34


def _at(d: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute))


def term_windows(term: Term) -> dict[WindowKind, tuple[datetime, datetime]]:
    """The demo school's schedule of a semester (and of its year, for yearly windows)."""
    y = term.year + ROC_OFFSET
    if term.semester == 1:
        windows = {
            WindowKind.UPLOAD_1: (_at(date(y, 9, 1)), end_of_day(date(y + 1, 1, 25))),
            WindowKind.UPLOAD_2: (_at(date(y + 1, 1, 26)), end_of_day(date(y + 1, 2, 5))),
            WindowKind.CERTIFICATION: (_at(date(y, 9, 1)), end_of_day(date(y + 1, 2, 28))),
        }
    else:
        windows = {
            WindowKind.UPLOAD_1: (_at(date(y + 1, 2, 15)), end_of_day(date(y + 1, 7, 5))),
            WindowKind.UPLOAD_2: (_at(date(y + 1, 7, 6)), end_of_day(date(y + 1, 7, 15))),
            WindowKind.CERTIFICATION: (_at(date(y + 1, 2, 15)), end_of_day(date(y + 1, 8, 10))),
        }
    windows[WindowKind.PERFORMANCE_UPLOAD] = (_at(date(y, 8, 1)), end_of_day(date(y + 1, 7, 31)))
    windows[WindowKind.SELECTION] = (_at(date(y + 1, 7, 1)), end_of_day(date(y + 1, 8, 30)))
    return windows


@dataclass
class _Files:
    """A pool of real sample files in the store, picked from at random."""

    documents: list[tuple[str, str, int]] = field(default_factory=list)   # (sha256, ext, size)
    videos: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class _Rows:
    outcomes: list = field(default_factory=list)
    certifications: list = field(default_factory=list)
    performances: list = field(default_factory=list)
    selections: list = field(default_factory=list)
    picks: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    batches: list = field(default_factory=list)
    batch_items: list = field(default_factory=list)


def build_demo(wb: Workbench, seed: int = DEFAULT_SEED, students: int = 1500, as_of: datetime | None = None,
               progress: bool = False, school_code: str = SCHOOL_CODE, school_name: str = SCHOOL_NAME) -> dict:
    """Fill an empty database with a demo school as it stands at `as_of` (default: now).

    A second school for research across schools is another database with its own code, name and seed."""
    as_of = as_of or wb.clock()
    with wb.engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(t.schools)).scalar_one():
            raise AlreadyExists(entity="資料庫中的學校", key="（示範學校只能建在空白資料庫）")
    rng = random.Random(seed)
    current = academic_year_of(as_of.date())
    years = [current - 2, current - 1, current]
    clock = wb.clock
    wb.clock = lambda: as_of
    try:
        builder = Actor.administrator("demo")
        services.create_school(wb.uow(), school_code, school_name, actor=builder)
        plan = _Plan(rng, years, students, as_of, school_code)
        for kind, frame in (("staff", plan.staff_frame()), ("students", plan.student_frame()),
                            ("teaching", plan.teaching_frame()), ("course_records", plan.record_frame()),
                            ("cadre", plan.cadre_frame()), ("guardians", plan.guardian_frame())):
            services.import_file(wb.uow(), kind, frame.to_csv(index=False).encode("utf-8"), name=f"demo-{kind}.csv",
                                 actor=builder, progress=progress)
        for term in plan.terms:
            for kind, (opens, closes) in term_windows(term).items():
                services.set_window(wb.uow(), term.year, term.semester, kind, opens, closes, actor=builder)
        files = _store_sample_files(wb, rng, as_of)
        counts = _write_activity(wb, plan, files, rng, as_of, progress)
    finally:
        wb.clock = clock
    return {"school": school_code, "students": len(plan.enrolled(current)), "students_all_years": plan.student_count,
            "staff": len(plan.staff),
            "as_of": as_of.isoformat(), "seed": seed, **counts}


class _Plan:
    """Who is in the school: staff, cohorts, classes, sections."""

    def __init__(self, rng: random.Random, years: list[int], students: int, as_of: datetime,
                 school_code: str = SCHOOL_CODE):
        self.rng, self.years, self.as_of, self.school_code = rng, years, as_of, school_code
        self.terms = [Term(y, s) for y in years for s in (1, 2) if _at(Term(y, s).starts) <= as_of]
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
                    "birth": born, "diligence": self.rng.random()})
        return people

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
                              "登入帳號": s["staff_no"].lower()} for s in self.staff])

    def student_frame(self) -> pd.DataFrame:
        rows = []
        for year in self.years:
            for p in self.enrolled(year):
                rows.append({"學號": p["student_no"], "姓名": p["name"], "身分證字號": p["id_number"],
                             "出生日期": format_roc_date(p["birth"]), "入學年度": p["entry"], "學年度": year,
                             "年級": self.grade(p["entry"], year),
                             "班級": self.class_name(p["entry"], year, p["group"]),
                             "座號": p["seat"], "導師職員編號": self.homeroom(p["entry"], p["group"]),
                             "登入帳號": f"s{p['student_no']}"})
        return pd.DataFrame(rows)

    def guardian_frame(self) -> pd.DataFrame:
        """A parent account for most students (some families have none)."""
        return pd.DataFrame([{"學號": p["student_no"], "家長姓名": p["name"][0] + "家長",
                              "家長登入帳號": f"p{p['student_no']}"} for p in self.people if p["diligence"] > 0.1])

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
            finished = _at(term.ends) < self.as_of
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


def _store_sample_files(wb: Workbench, rng: random.Random, as_of: datetime) -> _Files:
    """Real, valid sample files, each checked by the same file rules as an upload."""
    rules = wb.policy.rules(Term.of(as_of.date()))
    files = _Files()
    samples = [(f"outcome-{n}.pdf", make_pdf([f"Learning portfolio sample document {n}",
                                               f"Seed page {rng.randrange(10 ** 6)}"])) for n in range(160)]
    samples += [(f"photo-{n}.png", make_picture("png", n, f"sample picture {n}")) for n in range(60)]
    samples += [(f"photo-{n}.jpg", make_picture("jpg", n + 60, f"sample photo {n}")) for n in range(60)]
    samples += [("clip.mp4", media("mp4")), ("speech.mp3", media("mp3"))]
    rows = []
    for name, data in samples:
        slot = "video" if name.endswith((".mp3", ".mp4")) else "document"
        checked = check_file(Upload(name, data), slot, rules)
        stored = wb.store.put(data)
        rows.append({"sha256": stored.sha256, "md5": stored.md5, "size": stored.size, "ext": checked.ext,
                     "media_type": checked.media_type, "stored_at": as_of})
        (files.videos if slot == "video" else files.documents).append((stored.sha256, checked.ext, stored.size))
    with wb.engine.begin() as conn:
        conn.execute(insert(t.files), rows)
    return files


def _write_activity(wb: Workbench, plan: _Plan, files: _Files, rng: random.Random, as_of: datetime,
                    progress: bool) -> dict:
    with wb.engine.connect() as conn:
        student_ids = dict(conn.execute(select(t.students.c.student_no, t.students.c.id)).all())
        staff_ids = dict(conn.execute(select(t.staff.c.staff_no, t.staff.c.id)).all())
        records = conn.execute(
            select(t.course_records.c.id, t.course_records.c.student_id, t.course_sections.c.academic_year,
                   t.course_sections.c.semester, t.course_sections.c.subject, t.course_sections.c.teacher_id,
                   t.course_sections.c.proxy_teacher_id)
            .join(t.course_sections).order_by(t.course_records.c.id)).all()
        cadres = conn.execute(select(t.performances.c.id, t.performances.c.student_id,
                                     t.performances.c.academic_year, t.performances.c.semester)
                              .where(t.performances.c.synced.is_(True)).order_by(t.performances.c.id)).all()
        next_performance = (conn.execute(select(func.max(t.performances.c.id))).scalar() or 0) + 1
    by_term: dict[tuple, list] = {}
    for r in records:
        by_term.setdefault((r.student_id, r.academic_year, r.semester), []).append(r)
    late = {staff_ids[s["staff_no"]] for s in plan.staff if s["late"]}
    rows = _Rows()
    writer = _ActivityWriter(wb, plan, files, rng, as_of, rows, late)
    people = {student_ids[p["student_no"]]: p for p in plan.people}
    for term in tqdm(plan.terms, desc="示範學校", disable=not progress, leave=False):
        for p in plan.enrolled(term.year):
            sid = student_ids[p["student_no"]]
            writer.outcomes_of(sid, p, term, by_term.get((sid, term.year, term.semester), []))
    performance_id = next_performance
    for year in plan.years:
        for p in plan.enrolled(year):
            performance_id = writer.performances_of(student_ids[p["student_no"]], p, year, performance_id)
    writer.proof_for_synced(cadres)
    writer.selections(people)
    writer.submissions()
    writer.picks(people)
    with wb.engine.connect() as conn:
        homerooms = {(r.student_id, r.academic_year): r.homeroom_teacher_id for r in conn.execute(
            select(t.enrolments.c.student_id, t.enrolments.c.academic_year, t.classes.c.homeroom_teacher_id)
            .join(t.classes, t.classes.c.id == t.enrolments.c.class_id))}
    consultants = [staff_ids[s["staff_no"]] for s in plan.staff if "課程諮詢師" in s["roles"]]
    school_rows = writer.school_items(people, homerooms, consultants)
    with wb.engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            conn.execute(insert(t.outcomes), rows.outcomes)
            for table, data in ((t.certifications, rows.certifications), (t.notifications, rows.notifications),
                                (t.selections, rows.selections), (t.application_picks, rows.picks),
                                (t.submission_batches, rows.batches), (t.submission_items, rows.batch_items)):
                if data:
                    conn.execute(insert(table), data)
            if rows.performances:
                conn.execute(insert(t.performances), rows.performances)
            for table, data in school_rows.items():
                if data:
                    conn.execute(insert(table), data)
            for update in writer.synced_updates:
                conn.execute(t.performances.update().where(t.performances.c.id == update.pop("id")).values(**update))
            conn.execute(insert(t.audit_events).values(
                at=as_of, actor="system:demo", action="demo", entity="school", entity_id=plan.school_code,
                after=json.dumps({"outcomes": len(rows.outcomes), "performances": len(rows.performances),
                                  "selections": len(rows.selections)}, ensure_ascii=False)))
    _package_batches(wb, [batch["id"] for batch in rows.batches], school_code=plan.school_code)
    return {"outcomes": len(rows.outcomes), "certifications": len(rows.certifications),
            "performances": len(rows.performances) + len(cadres), "selections": len(rows.selections),
            "submission_batches": len(rows.batches), "course_records": len(records)}


def _package_batches(wb: Workbench, batch_ids: list[int], school_code: str):
    """Build the package of each past submission, record its digest and keep the file, as a submitter would have."""
    from ..adapters.exchange import digest, package_file_name, rebuild_batch_package
    from ..adapters.filestore import write_atomically
    folder = wb.package_folder
    with wb.engine.connect() as conn:
        conn.execution_options(**{WRITE: True})
        with conn.begin():
            for batch_id in batch_ids:
                data = rebuild_batch_package(conn, wb.store, batch_id)
                batch = conn.execute(select(t.submission_batches).where(t.submission_batches.c.id == batch_id)).one()
                conn.execute(t.submission_batches.update().where(t.submission_batches.c.id == batch_id)
                             .values(digest=digest(data)))
                write_atomically(folder / package_file_name(school_code, batch.academic_year, batch.semester,
                                                            batch_id), data)


class _ActivityWriter:
    """Makes the rows of three years of portfolio activity, obeying the policy at every step."""

    def __init__(self, wb, plan, files, rng, as_of, rows, late_teachers):
        self.wb, self.plan, self.files, self.rng, self.as_of, self.rows = wb, plan, files, rng, as_of, rows
        self.late_teachers = late_teachers
        self.synced_updates: list[dict] = []
        self.outcome_state: dict[int, dict] = {}
        self.performance_state: dict[int, dict] = {}

    def rules(self, term: Term):
        return self.wb.policy.rules(term)

    def _document(self):
        return self.rng.choice(self.files.documents)

    def _files_for_item(self) -> tuple[str | None, str | None, str | None, str | None]:
        roll = self.rng.random()
        doc = self._document()
        doc_name = f"{['報告', '作品', '學習單', '成果'][self.rng.randrange(4)]}.{doc[1]}"
        if roll < 0.08:
            vid = self.rng.choice(self.files.videos)
            return doc[0], doc_name, vid[0], f"影音紀錄.{vid[1]}"
        if roll < 0.11:
            vid = self.rng.choice(self.files.videos)
            return None, None, vid[0], f"影音紀錄.{vid[1]}"
        return doc[0], doc_name, None, None

    def _crowded(self, opens: datetime, closes: datetime, scale_days: float, early: float = 0.3) -> datetime:
        """A moment in a window: a share `early` spread over it, the rest crowding toward its close."""
        if self.rng.random() < early:
            return (opens + (closes - opens) * self.rng.random()).replace(second=0, microsecond=0)
        moment = closes - timedelta(days=self.rng.expovariate(1 / scale_days), minutes=self.rng.randrange(600))
        return max(opens, moment).replace(second=0, microsecond=0)

    # --- outcomes ----------------------------------------------------------------------

    def outcomes_of(self, sid: int, person: dict, term: Term, records: list):
        rules = self.rules(term)
        win = term_windows(term)
        d = person["diligence"]
        if self.rng.random() < 0.08 + 0.15 * (1 - d):
            return
        wanted = round(1.5 + 4.5 * d + self.rng.gauss(0, 1))
        n = max(1, min(rules.outcome_upload_cap_per_semester, len(records), wanted))
        for record in self.rng.sample(records, n):
            self._outcome(sid, term, record, rules, win)

    def _outcome(self, sid, term, record, rules, win):
        stage = WindowKind.UPLOAD_2 if self.rng.random() < 0.1 else WindowKind.UPLOAD_1
        uploaded = self._crowded(*win[stage], scale_days=8 if stage is WindowKind.UPLOAD_1 else 3)
        if uploaded > self.as_of:
            return
        outcome_id = len(self.rows.outcomes) + 1
        kind, topic = self.rng.choice(cat.OUTCOME_KINDS), self.rng.choice(cat.OUTCOME_TOPICS)
        description = clean_description(f"{record.subject}{kind}：{topic}", rules)
        doc, doc_name, vid, vid_name = self._files_for_item()
        row = {"id": outcome_id, "student_id": sid, "course_record_id": record.id, "academic_year": term.year,
               "semester": term.semester, "description": description, "document_sha256": doc,
               "document_name": doc_name, "video_sha256": vid, "video_name": vid_name,
               "status": OutcomeStatus.UPLOADED.value, "uploaded_at": uploaded, "updated_at": uploaded,
               "sent_at": None, "submitted_at": None}
        self.rows.outcomes.append(row)
        cert_open, cert_close = win[WindowKind.CERTIFICATION]
        deadline = win[stage][1]
        if self.rng.random() > 0.93:
            return                                          # never sent for certification
        sent = max(cert_open, uploaded + timedelta(hours=self.rng.expovariate(1 / 20)))
        if sent > min(self.as_of, cert_close):
            return
        row.update(status=OutcomeStatus.PENDING.value, sent_at=sent, updated_at=sent)
        by_proxy = record.proxy_teacher_id and self.rng.random() < 0.3
        certifier = record.proxy_teacher_id if by_proxy else record.teacher_id
        if record.teacher_id in self.late_teachers:
            certified = max(sent, deadline) + timedelta(days=self.rng.uniform(8, 25))
        elif self.rng.random() < 0.55:                      # certifies as outcomes arrive
            certified = min(sent + timedelta(days=self.rng.uniform(0.5, 12)), deadline + timedelta(days=6))
        else:                                               # certifies in the week after the deadline
            certified = max(sent, deadline) + timedelta(days=self.rng.uniform(0.2, 6.5))
        if certified > min(self.as_of, cert_close):
            return
        passed = self.rng.random() < 0.94
        self._certify(row, certifier, certifier != record.teacher_id, passed, certified, record.subject, term)
        if passed or self.rng.random() < 0.4:
            return
        replaced = certified + timedelta(days=self.rng.uniform(0.5, 4))
        if replaced > min(self.as_of, win[WindowKind.UPLOAD_2][1]):
            return
        doc, doc_name, vid, vid_name = self._files_for_item()
        row.update(document_sha256=doc, document_name=doc_name, video_sha256=vid, video_name=vid_name,
                   status=OutcomeStatus.UPLOADED.value, sent_at=None, updated_at=replaced)
        resent = replaced + timedelta(hours=self.rng.uniform(1, 30))
        if resent > min(self.as_of, cert_close):
            return
        row.update(status=OutcomeStatus.PENDING.value, sent_at=resent, updated_at=resent)
        recertified = resent + timedelta(days=self.rng.uniform(0.5, 6))
        if recertified > min(self.as_of, cert_close):
            return
        self._certify(row, certifier, certifier != record.teacher_id, self.rng.random() < 0.95, recertified,
                      record.subject, term)

    def _certify(self, row, teacher_id, as_proxy, passed, at, subject, term):
        reason = None if passed else self.rng.choice(cat.FAIL_REASONS)
        row.update(status=(OutcomeStatus.PASSED if passed else OutcomeStatus.FAILED).value, updated_at=at)
        self.rows.certifications.append({"outcome_id": row["id"], "teacher_id": teacher_id, "as_proxy": as_proxy,
                                         "passed": passed, "reason": reason, "certified_at": at})
        self.rows.notifications.append({
            "student_id": row["student_id"], "kind": "certification",
            "message": certification_notice(subject, term, passed, reason), "item_kind": ItemKind.OUTCOME.value,
            "item_id": row["id"], "created_at": at,
            "read_at": at + timedelta(days=self.rng.uniform(0.1, 5)) if self.rng.random() < 0.7 else None})

    # --- 多元表現 ----------------------------------------------------------------------

    def performances_of(self, sid: int, person: dict, year: int, next_id: int) -> int:
        d = person["diligence"]
        if self.rng.random() < 0.15 + 0.3 * (1 - d):
            return next_id
        rules = self.rules(Term(year, 1))
        n = max(1, min(rules.performance_upload_cap_per_year, round(2 + 9 * d + self.rng.gauss(0, 2))))
        categories, weights = zip(*cat.CATEGORY_WEIGHTS.items())
        opens, closes = term_windows(Term(year, 1))[WindowKind.PERFORMANCE_UPLOAD]
        for category in self.rng.choices(categories, weights, k=n):
            uploaded = self._crowded(opens, closes, scale_days=45)
            if uploaded > self.as_of:
                continue
            term = Term.of(uploaded.date()) if Term.of(uploaded.date()).year == year else Term(year, 2)
            rules = self.rules(term)
            fields, description = self._fields(category, term)
            clean = validate_fields(category, fields, rules)
            doc, doc_name, vid, vid_name = self._files_for_item()
            link = f"https://video.example.edu.tw/{sid}/{next_id}" if vid and self.rng.random() < 0.5 else None
            self.rows.performances.append({
                "id": next_id, "student_id": sid, "academic_year": year, "semester": term.semester,
                "category": category, "fields": json.dumps(clean, ensure_ascii=False, sort_keys=True),
                "description": clean_description(description, rules), "document_sha256": doc,
                "document_name": doc_name, "video_sha256": vid, "video_name": vid_name, "external_link": link,
                "synced": False, "source_key": None, "uploaded_at": uploaded, "updated_at": uploaded,
                "submitted_at": None})
            self.performance_state[next_id] = {"student_id": sid, "year": year, "semester": term.semester,
                                               "selectable": True}
            next_id += 1
        return next_id

    def proof_for_synced(self, cadres):
        for c in cadres:
            self.performance_state[c.id] = {"student_id": c.student_id, "year": c.academic_year,
                                             "semester": c.semester, "selectable": False}
            if self.rng.random() < 0.45:
                doc = self._document()
                moment = _at(Term(c.academic_year, c.semester).ends) - timedelta(days=self.rng.randrange(60))
                if moment > self.as_of:
                    continue
                self.synced_updates.append({"id": c.id, "document_sha256": doc[0],
                                            "document_name": f"幹部證明.{doc[1]}",
                                            "description": "擔任班級幹部，協助班級事務與活動", "updated_at": moment})
                self.performance_state[c.id]["selectable"] = True

    def _fields(self, category: str, term: Term) -> tuple[dict, str]:
        rng = self.rng
        start = term.starts + timedelta(days=rng.randrange(120))
        end = start + timedelta(days=rng.randrange(0, 40))
        roc = format_roc_date
        if category == "cadre":
            club = rng.choice(cat.CLUBS)
            position = rng.choice(cat.POSITIONS["3"])
            return ({"unit": club, "start_date": roc(term.starts), "end_date": roc(term.ends), "position": position,
                     "level": "3"}, f"擔任{club}{position}，規劃社團活動")
        if category == "competition":
            name = rng.choice(cat.COMPETITIONS)
            return ({"name": name, "level": rng.choice("1123"), "award": rng.choice(cat.AWARDS),
                     "result_date": roc(end), "team": rng.choice("12")}, f"參加{name}的準備過程與收穫")
        if category == "certificate":
            name, kind = rng.choice(cat.CERTIFICATES)
            return ({"name": name, "type": kind, "score": str(rng.randrange(60, 100)), "obtained_date": roc(end),
                     "number": f"C{rng.randrange(10 ** 7):07d}"}, f"通過{name}")
        if category == "service":
            name, organisation = rng.choice(cat.SERVICES)
            days = (end - start).days + 1
            return ({"name": name, "organisation": organisation, "start_date": roc(start), "end_date": roc(end),
                     "hours": min(days * 8, rng.choice([2, 4, 6, 8, 12, 16]))}, f"在{organisation}參與{name}")
        if category == "flexible":
            kind, pattern = rng.choice(cat.FLEXIBLE)
            name = pattern.format(t=rng.choice(cat.SELF_STUDY))
            return ({"type": kind, "name": name, "organiser": "教務處", "periods_per_week": rng.choice([1, 2, 3]),
                     "weeks": rng.randrange(4, 19)}, f"{name}的計畫、執行與反思")
        if category == "group_activity":
            kind, label = rng.choice(cat.GROUP)
            club = rng.choice(cat.CLUBS)
            return ({"type": kind, "organiser": club if kind == "2" else "學務處", "content": f"{label}：{club}",
                     "periods": rng.randrange(4, 37)}, f"參與{label}的經驗")
        if category == "workplace":
            kind, organisation, title = rng.choice(cat.WORKPLACES)
            days = (end - start).days + 1
            return ({"type": kind, "organisation": organisation, "job_title": title, "start_date": roc(start),
                     "end_date": roc(end), "hours": min(days * 8, rng.choice([4, 8, 16, 24]))},
                    f"{organisation}的職場學習心得")
        if category == "advanced_course":
            kind, organiser, course = rng.choice(cat.ADVANCED)
            end = start + timedelta(days=rng.randrange(30, 100))
            return ({"programme": kind, "organiser": organiser, "course_name": course, "start_date": roc(start),
                     "end_date": roc(end), "credits": rng.choice([1, 2, 3]), "hours": rng.choice([18, 36, 54])},
                    f"修習{organiser}{course}")
        if category == "work":
            name = rng.choice(cat.WORKS)
            return {"name": name, "date": roc(end)}, f"{name}的創作歷程"
        name, organiser = rng.choice(cat.OTHERS)
        return ({"name": name, "organiser": organiser, "start_date": roc(start), "end_date": roc(end)},
                f"參加{name}的收穫")

    # --- selection, submission, application -----------------------------------------------

    def selections(self, people: dict):
        passed: dict[tuple, list] = {}
        for row in self.rows.outcomes:
            if row["status"] == OutcomeStatus.PASSED.value:
                passed.setdefault((row["student_id"], row["academic_year"]), []).append(row)
        records: dict[tuple, list] = {}
        for pid, state in sorted(self.performance_state.items()):
            if state["selectable"]:
                records.setdefault((state["student_id"], state["year"]), []).append(pid)
        for (sid, year) in sorted(set(passed) | set(records)):
            opens, closes = term_windows(Term(year, 2))[WindowKind.SELECTION]
            rules = self.rules(Term(year, 2))
            if opens > self.as_of or self.rng.random() > 0.35 + 0.6 * people[sid]["diligence"]:
                continue
            at = self._crowded(opens, closes, scale_days=10, early=0.1)
            if at > self.as_of:
                continue
            outcomes = passed.get((sid, year), [])
            for row in self.rng.sample(outcomes, min(len(outcomes), rules.outcome_selection_cap_per_year)):
                self._select(sid, year, ItemKind.OUTCOME, row["id"], at)
            chosen = records.get((sid, year), [])
            for pid in self.rng.sample(chosen, min(len(chosen), rules.performance_selection_cap_per_year)):
                self._select(sid, year, ItemKind.PERFORMANCE, pid, at)

    def _select(self, sid, year, kind, item_id, at):
        self.rows.selections.append({"student_id": sid, "academic_year": year, "item_kind": kind.value,
                                     "item_id": item_id, "selected_at": at, "selected_by": "student:demo"})

    def submissions(self):
        outcome_term = {r["id"]: (r["academic_year"], r["semester"]) for r in self.rows.outcomes}
        grouped: dict[tuple, list] = {}
        for s in self.rows.selections:
            kind = ItemKind(s["item_kind"])
            term = outcome_term[s["item_id"]] if kind is ItemKind.OUTCOME else (
                s["academic_year"], self.performance_state[s["item_id"]]["semester"])
            grouped.setdefault(term, []).append((kind.value, s["item_id"]))
        outcomes = {r["id"]: r for r in self.rows.outcomes}
        performances = {r["id"]: r for r in self.rows.performances}
        synced_submitted = []
        for (year, semester), items in sorted(grouped.items()):
            at = term_windows(Term(year, 2))[WindowKind.SELECTION][1] + timedelta(days=5)
            if at > self.as_of:
                continue
            batch_id = len(self.rows.batches) + 1
            items.sort()
            digest = ""                                     # the package's digest, set when it is built
            self.rows.batches.append({"id": batch_id, "school_id": 1, "academic_year": year, "semester": semester,
                                      "created_by": "staff:T0005", "created_at": at, "digest": digest,
                                      "item_count": len(items)})
            for kind, item_id in items:
                self.rows.batch_items.append({"batch_id": batch_id, "item_kind": kind, "item_id": item_id})
                if kind == ItemKind.OUTCOME.value:
                    outcomes[item_id]["submitted_at"] = at
                elif item_id in performances:
                    performances[item_id]["submitted_at"] = at
                else:
                    synced_submitted.append((item_id, at))
        updates = {u["id"]: u for u in self.synced_updates}
        for item_id, at in synced_submitted:
            updates[item_id]["submitted_at"] = at

    def school_items(self, people: dict, homerooms: dict, consultants: list[int]) -> dict:
        """Consultation records (grade 10), self-directed learning plans and their review, autobiographies."""
        consultations, plans, documents = [], [], []
        for sid, person in sorted(people.items()):
            for year in self.plan.years:
                grade = self.plan.grade(person["entry"], year)
                if not grade:
                    continue
                first = Term(year, 1)
                if grade == 10 and consultants and self.rng.random() < 0.3:
                    day = first.starts + timedelta(days=30 + self.rng.randrange(120))
                    if _at(day) <= self.as_of:
                        doc = self._document() if self.rng.random() < 0.5 else None
                        consultations.append({
                            "student_id": sid, "consultant_id": self.rng.choice(consultants), "academic_year": year,
                            "semester": Term.of(day).semester, "consulted_on": day,
                            "description": self.rng.choice(cat.CONSULTATIONS),
                            "document_sha256": doc[0] if doc else None,
                            "document_name": f"諮詢紀錄.{doc[1]}" if doc else None, "created_at": _at(day, 16)})
                if self.rng.random() < 0.25 + 0.2 * person["diligence"]:
                    uploaded = _at(first.starts + timedelta(days=20 + self.rng.randrange(60)), 20)
                    if uploaded <= self.as_of:
                        topic = self.rng.choice(cat.SELF_STUDY)
                        doc = self._document()
                        row = {"student_id": sid, "academic_year": year, "semester": 1, "title": f"{topic}自主學習計畫",
                               "description": f"{topic}：每週兩節，學期末發表成果", "document_sha256": doc[0],
                               "document_name": f"自主學習計畫.{doc[1]}", "status": "submitted", "reviewer_id": None,
                               "review_comment": None, "reviewed_at": None, "uploaded_at": uploaded,
                               "updated_at": uploaded}
                        lag = self.rng.uniform(1, 14) if self.rng.random() < 0.8 else self.rng.uniform(40, 150)
                        reviewed = uploaded + timedelta(days=lag)
                        if reviewed <= self.as_of and homerooms.get((sid, year)):
                            approved = self.rng.random() < 0.85
                            comment = None if approved else "請寫出每週的進度與預期成果"
                            row.update(status="approved" if approved else "revise",
                                       reviewer_id=homerooms[(sid, year)], review_comment=comment,
                                       reviewed_at=reviewed, updated_at=reviewed)
                            self.rows.notifications.append({
                                "student_id": sid, "kind": "learning_plan", "item_kind": None, "item_id": None,
                                "message": plan_review_notice(row["title"], row["status"], comment),
                                "created_at": reviewed, "read_at": None})
                        plans.append(row)
                if grade == FINAL_GRADE and self.rng.random() < 0.4:
                    uploaded = datetime(year + ROC_OFFSET + 1, 3, 5, 21, 0)
                    if uploaded <= self.as_of:
                        doc = self._document()
                        documents.append({"student_id": sid, "kind": "autobiography", "description": "我的自傳",
                                          "document_sha256": doc[0], "document_name": f"自傳.{doc[1]}",
                                          "uploaded_at": uploaded})
        return {t.consultation_records: consultations, t.learning_plans: plans, t.school_documents: documents}

    def picks(self, people: dict):
        for sid, person in sorted(people.items()):
            for year in self.plan.years:
                if self.plan.grade(person["entry"], year) != FINAL_GRADE:
                    continue
                at = datetime(year + ROC_OFFSET + 1, 3, 20, 20, 0)
                if at > self.as_of:
                    continue
                rules = self.rules(Term(year, 2))
                mine = [s for s in self.rows.selections if s["student_id"] == sid and s["academic_year"] < year]
                for kind, limit in ((ItemKind.OUTCOME, rules.application_outcome_picks),
                                    (ItemKind.PERFORMANCE, rules.application_performance_picks)):
                    pool = [s["item_id"] for s in mine if s["item_kind"] == kind.value]
                    for item_id in self.rng.sample(pool, min(limit, len(pool))):
                        self.rows.picks.append({"student_id": sid, "item_kind": kind.value, "item_id": item_id,
                                                "picked_at": at})
