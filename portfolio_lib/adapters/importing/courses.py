"""Teaching assignments (開課) and course records (修課紀錄)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ...domain import row_reasons as why
from ...domain.calendar import Term
from ...domain.course_code import parse_course_code
from ...domain.errors import PortfolioError
from .. import tables as t
from .base import Importer, flag_unknown
from .checks import Col, ImportResult, Problem

# --- teaching assignments -------------------------------------------------------------

class TeachingImporter(Importer):
    kind, label = "teaching", "授課安排"
    columns = (Col("學年度", "year", "int"), Col("學期", "semester", "int"), Col("課程代碼", "course_code", max_len=30),
               Col("科目名稱", "subject"), Col("學分數", "credits", "float"), Col("開課班級", "section", max_len=20),
               Col("授課教師職員編號", "teacher_no", max_len=20),
               Col("代理教師職員編號", "proxy_no", required=False, max_len=20))

    def check(self, clean, checker):
        checker.flag(clean["semester"].notna() & ~clean["semester"].isin([1, 2]), "學期", why.SEMESTER)
        ok_terms = clean["year"].notna() & clean["semester"].isin([1, 2])
        for idx in clean.index[ok_terms & clean["course_code"].ne("")]:
            rules = self.policy.rules(Term(int(clean.at[idx, "year"]), int(clean.at[idx, "semester"])))
            try:
                clean.at[idx, "course_code"] = parse_course_code(clean.at[idx, "course_code"], rules).code
            except PortfolioError as err:
                checker.problems.append(Problem(int(idx) + 2, "課程代碼", err.message))
        checker.flag(clean["credits"].notna() & ((clean["credits"] < 0) | (clean["credits"] > 30)),
                     "學分數", why.BETWEEN.format(low=0, high=30))
        staff = self.staff_ids()
        clean["teacher_id"] = flag_unknown(checker, clean["teacher_no"], staff, "授課教師職員編號", "教職員")
        clean["proxy_id"] = flag_unknown(checker, clean["proxy_no"], staff, "代理教師職員編號", "教職員")
        key = clean[["year", "semester", "course_code", "section"]].astype(str).agg("|".join, axis=1)
        checker.flag(key.duplicated(keep=False), "課程代碼", why.DUPLICATE_SECTION)
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
        self.insert_many("course_sections", ("school_id", "academic_year", "semester", "course_code", "section",
                                             "subject", "credits", "teacher_id", "proxy_teacher_id"), inserts)
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
        clean["student_id"] = flag_unknown(checker, clean["student_no"], self.student_ids(), "學號", "學生")
        checker.flag(clean["score"].notna() & ((clean["score"] < 0) | (clean["score"] > 100)),
                     "成績", why.BETWEEN.format(low=0, high=100))
        checker.flag(~clean["mode"].isin(MODES), "修課別", why.ONE_OF.format(allowed="空白或 " + "、".join(MODES[1:])))
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
                     why.NO_SECTION)
        pair = clean[["student_no", "year", "semester"]].assign(key=key)
        checker.flag(pair.duplicated(keep=False), "學號", why.DUPLICATE_COURSE_RECORD)
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
        self.insert_many("course_records", ("student_id", "section_id", "score", "mode"),
                         list(zip(new["student_id"].tolist(), new["section_id"].tolist(), score(new["score"]),
                                  new["mode"].tolist())))
        self.executemany("UPDATE course_records SET score = ?, mode = ? WHERE id = ?",
                         list(zip(score(changed["score"]), changed["mode"].tolist(),
                                  changed["id"].astype(int).tolist())))
        result.inserted, result.updated = len(new), len(changed)
        return result
