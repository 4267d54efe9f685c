"""Imports from the school administration system (校務行政系統): whole files or nothing, row-by-row reports."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, select
from tqdm import tqdm

from ..domain.calendar import Term, parse_roc_date
from ..domain.categories import validate_fields
from ..domain.course_code import parse_course_code
from ..domain.errors import ImportRejected, PortfolioError
from ..domain.grades import GRADES
from ..domain.identity import is_valid_id_number
from ..domain.model import Role, role_by_label
from ..domain.policy import Policy
from . import tables as t

CHUNK = 5000


class Problem(NamedTuple):
    row: int          # row number as the spreadsheet shows it (header is row 1)
    column: str
    reason: str


@dataclass(frozen=True)
class Col:
    header: str
    name: str
    kind: str = "text"      # text, int, float, rocdate
    required: bool = True
    max_len: int = 50


@dataclass
class ImportResult:
    kind: str
    rows: int
    inserted: int = 0
    updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rows": self.rows, "inserted": self.inserted, "updated": self.updated}


class Checker:
    """Collects problems while a frame is checked column by column."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.problems: list[Problem] = []

    def flag(self, mask: pd.Series, column: str, reason: str | Callable[[str], str]):
        for idx in mask[mask].index:
            value = self.frame.at[idx, column] if column in self.frame.columns else ""
            self.problems.append(Problem(int(idx) + 2, column, reason(value) if callable(reason) else reason))

    def parse(self, spec: tuple[Col, ...]) -> pd.DataFrame:
        missing = [c.header for c in spec if c.required and c.header not in self.frame.columns]
        if missing:
            self.problems.append(Problem(1, "、".join(missing), "缺少這些欄位（請使用範本的欄名）"))
            raise self.rejection()
        out = pd.DataFrame(index=self.frame.index)
        for col in spec:
            raw = self.frame[col.header] if col.header in self.frame.columns else pd.Series("", index=self.frame.index)
            empty = raw == ""
            if col.required:
                self.flag(empty, col.header, "必須填寫")
            if col.kind == "int":
                value = _numbers(raw, empty)
                bad = ~empty & (value.isna() | (value % 1 != 0))
                self.flag(bad, col.header, lambda v: f"「{v}」不是整數")
                out[col.name] = value.astype("Int64")
            elif col.kind == "float":
                value = _numbers(raw, empty)
                self.flag(~empty & value.isna(), col.header, lambda v: f"「{v}」不是數字")
                out[col.name] = value
            elif col.kind == "rocdate":
                out[col.name] = raw.map(lambda v: _try(parse_roc_date, v) if v else None)
                self.flag(~empty & out[col.name].isna(), col.header,
                          lambda v: f"「{v}」不是民國日期（例如 108/08/01）")
            else:
                self.flag(raw.str.len() > col.max_len, col.header, f"超過 {col.max_len} 字")
                out[col.name] = raw
        return out

    def rejection(self, name: str = "") -> ImportRejected:
        problems = sorted(self.problems, key=lambda p: (p.row, p.column))
        return ImportRejected(name=name, problems=problems)


def _numbers(raw: pd.Series, empty: pd.Series) -> pd.Series:
    """Text to float64 (NaN for empty or not a number): one vectorised cast, or cell by cell when one fails."""
    text = pa.array(raw.astype(str), type=pa.string())
    text = pc.if_else(pa.array(empty.to_numpy()), pa.scalar(None, pa.string()), text)
    try:
        return pd.Series(pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False), index=raw.index)
    except pa.ArrowInvalid:
        return pd.to_numeric(raw.where(~empty), errors="coerce").astype("float64")


def _try(fn, value):
    try:
        return fn(value)
    except PortfolioError:
        return None


class Importer(ABC):
    """One kind of file: its columns, its checks against the database, and how it writes."""

    kind: str = ""
    label: str = ""
    columns: tuple[Col, ...] = ()

    def __init__(self, conn: Connection, school_id: int, policy: Policy, now: datetime, progress: bool = False):
        self.conn, self.school_id, self.policy, self.now, self.progress = conn, school_id, policy, now, progress

    def run(self, frame: pd.DataFrame, name: str) -> ImportResult:
        # An optional column the file does not have leaves alone what it would have set.
        self.absent = {c.name for c in self.columns if not c.required and c.header not in frame.columns}
        checker = Checker(frame)
        try:
            clean = self.check(checker.parse(self.columns), checker)
        except ImportRejected as err:
            err.facts["name"] = name
            raise ImportRejected(name=name, problems=err.facts["problems"]) from None
        if checker.problems:
            raise checker.rejection(name)
        return self.write(clean)

    def check(self, clean: pd.DataFrame, checker: Checker) -> pd.DataFrame:
        return clean

    @abstractmethod
    def write(self, clean: pd.DataFrame) -> ImportResult:
        """Write the checked rows: insert what is new, update what changed, leave the rest."""

    # helpers shared by the importers ------------------------------------------------

    def _lookup(self, query) -> dict:
        return {row[0]: row[1] for row in self.conn.execute(query)}

    def staff_ids(self) -> dict:
        return self._lookup(select(t.staff.c.staff_no, t.staff.c.id).where(t.staff.c.school_id == self.school_id))

    def student_ids(self) -> dict:
        return self._lookup(select(t.students.c.student_no, t.students.c.id)
                            .where(t.students.c.school_id == self.school_id))

    def executemany(self, sql: str, rows: list[tuple]):
        """Write rows in chunks through the driver's executemany (with a progress bar on long imports).

        `sql` marks parameters with ?; they become the driver's own markers (%s for PostgreSQL)."""
        if self.conn.dialect.paramstyle in ("format", "pyformat"):
            sql = sql.replace("?", "%s")
        chunks = range(0, len(rows), CHUNK)
        bar = tqdm(total=len(rows), desc=self.label, unit="列", disable=not self.progress or len(rows) < CHUNK,
                   leave=False)
        for start in chunks:
            part = rows[start:start + CHUNK]
            self.conn.exec_driver_sql(sql, part)
            bar.update(len(part))
        bar.close()


def _lookup_ids(values: pd.Series, known: dict) -> pd.Series:
    """Map keys to ids through a hash index (NaN where unknown)."""
    keys = pd.Index(list(known), dtype="object")
    ids = pd.Series(list(known.values()), dtype="float64")
    position = keys.get_indexer(values.astype("object"))
    if not len(ids):
        return pd.Series(float("nan"), index=values.index)
    found = pd.Series(ids.to_numpy()[position], index=values.index)
    return found.where(position >= 0)


def _flag_unknown(checker: Checker, values: pd.Series, known: dict, column: str, what: str) -> pd.Series:
    ids = _lookup_ids(values, known)
    checker.flag(values.ne("") & ids.isna(), column, lambda v: f"找不到{what}「{v}」")
    return ids


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


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
        allowed = "、".join(r.label for r in Role)
        checker.flag(clean["roles"].ne("") & clean["role_set"].isna(), "身分",
                     lambda v: f"「{v}」有不認得的身分（可用：{allowed}）")
        checker.flag(clean["staff_no"].duplicated(keep=False) & clean["staff_no"].ne(""), "職員編號", "檔案中重複")
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
                     "身分證字號", lambda v: f"「{v}」不是有效的身分證字號或居留證號（檢查碼不符）")
        clean["id_number"] = clean["id_number"].str.upper()
        checker.flag(clean["grade"].notna() & ~clean["grade"].isin(GRADES), "年級",
                     f"須為 {'、'.join(map(str, GRADES[:-1]))} 或 {GRADES[-1]}")
        key = clean["student_no"] + "|" + clean["year"].astype(str)
        checker.flag(key.duplicated(keep=False) & clean["student_no"].ne(""), "學號", "同一學年度在檔案中重複")
        clean["homeroom_id"] = _flag_unknown(checker, clean["homeroom_no"], self.staff_ids(), "導師職員編號", "教職員")
        per_class = clean.groupby(["year", "class_name"])["grade"].nunique()
        for (year, name) in per_class[per_class > 1].index:
            mask = (clean["year"] == year) & (clean["class_name"] == name)
            checker.flag(mask, "年級", f"{year} 學年度 {name} 班的年級不一致")
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
            self.executemany("INSERT INTO students (school_id, student_no, name, id_number, birth_date, entry_year, "
                             f"login) VALUES ({_placeholders(7)})",
                             [r[:4] + (r[4].isoformat(),) + r[5:] for r in new_rows])
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
        self.executemany("INSERT INTO enrolments (student_id, academic_year, class_id, seat_no) "
                         f"VALUES ({_placeholders(4)})", inserts)
        self.executemany("UPDATE enrolments SET class_id = ?, seat_no = ? "
                         "WHERE student_id = ? AND academic_year = ?", updates)
        result.inserted += len(inserts)
        result.updated += len(updates)
        return result


# --- teaching assignments -------------------------------------------------------------

class TeachingImporter(Importer):
    kind, label = "teaching", "授課安排"
    columns = (Col("學年度", "year", "int"), Col("學期", "semester", "int"), Col("課程代碼", "course_code", max_len=30),
               Col("科目名稱", "subject"), Col("學分數", "credits", "float"), Col("開課班級", "section", max_len=20),
               Col("授課教師職員編號", "teacher_no", max_len=20),
               Col("代理教師職員編號", "proxy_no", required=False, max_len=20))

    def check(self, clean, checker):
        checker.flag(clean["semester"].notna() & ~clean["semester"].isin([1, 2]), "學期", "須為 1 或 2")
        ok_terms = clean["year"].notna() & clean["semester"].isin([1, 2])
        for idx in clean.index[ok_terms & clean["course_code"].ne("")]:
            rules = self.policy.rules(Term(int(clean.at[idx, "year"]), int(clean.at[idx, "semester"])))
            try:
                clean.at[idx, "course_code"] = parse_course_code(clean.at[idx, "course_code"], rules).code
            except PortfolioError as err:
                checker.problems.append(Problem(int(idx) + 2, "課程代碼", err.message))
        checker.flag(clean["credits"].notna() & ((clean["credits"] < 0) | (clean["credits"] > 30)),
                     "學分數", "須在 0–30 之間")
        staff = self.staff_ids()
        clean["teacher_id"] = _flag_unknown(checker, clean["teacher_no"], staff, "授課教師職員編號", "教職員")
        clean["proxy_id"] = _flag_unknown(checker, clean["proxy_no"], staff, "代理教師職員編號", "教職員")
        key = clean[["year", "semester", "course_code", "section"]].astype(str).agg("|".join, axis=1)
        checker.flag(key.duplicated(keep=False), "課程代碼", "同一學期、同一開課班級重複")
        return clean

    def write(self, clean):
        result = ImportResult(self.kind, len(clean))
        cols = t.course_sections.c
        existing = {(r.academic_year, r.semester, r.course_code, r.section): r for r in self.conn.execute(
            select(t.course_sections).where(cols.school_id == self.school_id))}
        inserts = []
        for row in clean.itertuples():
            key = (int(row.year), int(row.semester), row.course_code, row.section)
            old = existing.get(key)
            proxy = None if pd.isna(row.proxy_id) else int(row.proxy_id)
            if old is not None and "proxy_no" in self.absent:
                proxy = old.proxy_teacher_id
            want = (row.subject, float(row.credits), int(row.teacher_id), proxy)
            if old is None:
                inserts.append((self.school_id,) + key + want)
            elif (old.subject, old.credits, old.teacher_id, old.proxy_teacher_id) != want:
                self.conn.execute(t.course_sections.update().where(cols.id == old.id).values(
                    subject=want[0], credits=want[1], teacher_id=want[2], proxy_teacher_id=want[3]))
                result.updated += 1
        self.executemany("INSERT INTO course_sections (school_id, academic_year, semester, course_code, section, "
                         f"subject, credits, teacher_id, proxy_teacher_id) VALUES ({_placeholders(9)})", inserts)
        result.inserted += len(inserts)
        return result


# --- course records -------------------------------------------------------------------

MODES = ("", "重修", "補修", "重讀", "轉學轉科")


class CourseRecordImporter(Importer):
    kind, label = "course_records", "修課紀錄"
    columns = (Col("學號", "student_no", max_len=20), Col("學年度", "year", "int"), Col("學期", "semester", "int"),
               Col("課程代碼", "course_code", max_len=30), Col("開課班級", "section", max_len=20),
               Col("成績", "score", "float", required=False), Col("修課別", "mode", required=False, max_len=4))

    def check(self, clean, checker):
        clean["student_id"] = _flag_unknown(checker, clean["student_no"], self.student_ids(), "學號", "學生")
        checker.flag(clean["score"].notna() & ((clean["score"] < 0) | (clean["score"] > 100)),
                     "成績", "須在 0–100 之間")
        checker.flag(~clean["mode"].isin(MODES), "修課別", f"須為空白或 {'、'.join(MODES[1:])}")
        cols = t.course_sections.c
        sections = pd.DataFrame(self.conn.execute(
            select(cols.id.label("section_id"), cols.academic_year.label("year"), cols.semester,
                   cols.course_code, cols.section).where(cols.school_id == self.school_id)).all(),
            columns=["section_id", "year", "semester", "course_code", "section"])
        keys = ["year", "semester", "course_code", "section"]
        wanted = clean[keys].assign(course_code=clean["course_code"].str.upper(),
                                    year=clean["year"].astype("float64"), semester=clean["semester"].astype("float64"))
        sections = sections.astype({"year": "float64", "semester": "float64",
                                    "course_code": wanted["course_code"].dtype, "section": wanted["section"].dtype})
        clean["section_id"] = wanted.merge(sections, on=keys, how="left")["section_id"].to_numpy()
        key = clean["student_no"] + "|" + wanted["course_code"] + "|" + clean["section"]
        checker.flag(clean["section_id"].isna() & clean["course_code"].ne("") & clean["year"].notna()
                     & clean["semester"].notna(), "課程代碼",
                     "找不到這個學期、開課班級的這門課（請先匯入授課安排）")
        pair = clean[["student_no", "year", "semester"]].assign(key=key)
        checker.flag(pair.duplicated(keep=False), "學號", "同一學生同一門課在檔案中重複")
        return clean

    def write(self, clean):
        result = ImportResult(self.kind, len(clean))
        rows = pd.DataFrame({"student_id": clean["student_id"].astype("int64"),
                             "section_id": clean["section_id"].astype("int64"),
                             "score": clean["score"].astype("float64"), "mode": clean["mode"]})
        existing = pd.read_sql_query(
            select(t.course_records.c.id, t.course_records.c.student_id, t.course_records.c.section_id,
                   t.course_records.c.score.label("old_score"), t.course_records.c.mode.label("old_mode"))
            .join(t.students).where(t.students.c.school_id == self.school_id), self.conn)
        merged = rows.merge(existing, on=["student_id", "section_id"], how="left")
        known = merged["id"].notna()
        for column in ("score", "mode"):
            if column in self.absent:
                merged.loc[known, column] = merged.loc[known, f"old_{column}"]
        new = merged[~known]
        old = merged[known]
        same_score = (old["score"] == old["old_score"]) | (old["score"].isna() & old["old_score"].isna())
        changed = old[~same_score | (old["mode"] != old["old_mode"])]
        def score(values: pd.Series) -> list:
            return values.astype(object).where(values.notna(), None).tolist()
        self.executemany(f"INSERT INTO course_records (student_id, section_id, score, mode) "
                         f"VALUES ({_placeholders(4)})",
                         list(zip(new["student_id"].tolist(), new["section_id"].tolist(), score(new["score"]),
                                  new["mode"].tolist())))
        self.executemany("UPDATE course_records SET score = ?, mode = ? WHERE id = ?",
                         list(zip(score(changed["score"]), changed["mode"].tolist(),
                                  changed["id"].astype(int).tolist())))
        result.inserted, result.updated = len(new), len(changed)
        return result


# --- cadre records --------------------------------------------------------------------

class CadreImporter(Importer):
    kind, label = "cadre", "幹部紀錄"
    columns = (Col("學號", "student_no", max_len=20), Col("學年度", "year", "int"), Col("學期", "semester", "int"),
               Col("單位名稱", "unit"), Col("擔任職務", "position"), Col("幹部等級", "level", max_len=20),
               Col("開始日期", "start_date", "rocdate"), Col("結束日期", "end_date", "rocdate"))

    def check(self, clean, checker):
        clean["student_id"] = _flag_unknown(checker, clean["student_no"], self.student_ids(), "學號", "學生")
        checker.flag(clean["semester"].notna() & ~clean["semester"].isin([1, 2]), "學期", "須為 1 或 2")
        fields = []
        for idx, row in clean.iterrows():
            if (pd.isna(row["year"]) or row["semester"] not in (1, 2) or row["start_date"] is None
                    or row["end_date"] is None):
                fields.append(None)
                continue
            rules = self.policy.rules(Term(int(row["year"]), int(row["semester"])))
            try:
                fields.append(validate_fields("cadre", {k: row[k] for k in ("unit", "position", "level", "start_date",
                                                                            "end_date")}, rules))
            except PortfolioError as err:
                column = {"EndBeforeStart": "結束日期", "InvalidCode": "幹部等級"}.get(type(err).__name__, "單位名稱")
                checker.problems.append(Problem(int(idx) + 2, column, err.message))
                fields.append(None)
        clean["fields"] = fields
        clean["source_key"] = [_source_key(self.school_id, r) for r in clean.itertuples()]
        checker.flag(clean["source_key"].duplicated(keep=False), "學號", "同一筆幹部紀錄在檔案中重複")
        return clean

    def write(self, clean):
        result = ImportResult(self.kind, len(clean))
        existing = {r.source_key: r for r in self.conn.execute(
            select(t.performances.c.id, t.performances.c.source_key, t.performances.c.fields)
            .where(t.performances.c.source_key.in_(clean["source_key"].tolist())))}
        now = self.now
        for row in clean.itertuples():
            fields = json.dumps(row.fields, ensure_ascii=False, sort_keys=True)
            old = existing.get(row.source_key)
            if old is None:
                self.conn.execute(t.performances.insert().values(
                    student_id=int(row.student_id), academic_year=int(row.year), semester=int(row.semester),
                    category="cadre", fields=fields, description="", synced=True, source_key=row.source_key,
                    uploaded_at=now, updated_at=now))
                result.inserted += 1
            elif old.fields != fields:
                self.conn.execute(t.performances.update().where(t.performances.c.id == old.id).values(
                    fields=fields, updated_at=now))
                result.updated += 1
        return result


def _source_key(school_id: int, row) -> str:
    basis = f"{school_id}|{row.student_no}|{row.year}|{row.semester}|{row.unit}|{row.position}|{row.start_date}"
    return "cadre:" + hashlib.sha256(basis.encode()).hexdigest()[:40]


# --- guardians --------------------------------------------------------------------------

class GuardianImporter(Importer):
    kind, label = "guardians", "家長帳號"
    columns = (Col("學號", "student_no", max_len=20), Col("家長姓名", "name"),
               Col("家長登入帳號", "login", max_len=64))

    def check(self, clean, checker):
        clean["student_id"] = _flag_unknown(checker, clean["student_no"], self.student_ids(), "學號", "學生")
        pair = clean[["student_no", "login"]]
        checker.flag(pair.duplicated(keep=False), "家長登入帳號", "同一學生的同一個帳號在檔案中重複")
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


IMPORTERS: dict[str, type[Importer]] = {cls.kind: cls for cls in (
    StaffImporter, StudentImporter, TeachingImporter, CourseRecordImporter, CadreImporter, GuardianImporter)}
