"""A de-identified view of the portfolio data: keyed pseudonyms, no names, ID numbers or birth dates."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy import Engine, and_, func, select

from ..adapters import answers
from ..adapters import tables as t
from ..domain.calendar import Term
from ..domain.errors import NoResearchData
from ..domain.model import ItemKind
from ..domain.policy import Policy
from ..queries.frames import frame as _frame

DATA_DICTIONARY = {
    "students": {
        "pid": "學生代號：以本次匯出的金鑰計算的假名，同一份匯出內一致，不同金鑰之間無法串連",
        "school_code": "學校代碼", "entry_year": "入學學年度", "birth_year": "出生年（西元）",
    },
    "enrolments": {"pid": "學生代號", "school_code": "學校代碼", "academic_year": "學年度", "grade": "年級（10–12）",
                   "class_name": "班級（學校自訂的班級代號，如 101）"},
    "outcomes": {
        "pid": "學生代號", "school_code": "學校代碼", "academic_year": "學年度", "semester": "學期",
        "course_domain": "課程領域代碼（課程代碼第 20–21 碼）", "course_type": "課程類型（課程代碼第 17 碼）",
        "status": "認證狀態（uploaded 未送認證、pending 待認證、passed 通過、failed 不通過）",
        "uploaded_on": "上傳日期", "sent_on": "送出認證日期", "first_certified_on": "第一次認證日期",
        "first_passed": "第一次認證結果（True 通過、False 不通過、空白未認證）", "certified_on": "最後認證日期",
        "certifications": "認證次數", "has_document": "有文件檔案", "has_video": "有影音檔案",
        "selected": "已勾選", "submitted": "已提交中央資料庫",
    },
    "performances": {
        "pid": "學生代號", "school_code": "學校代碼", "academic_year": "學年度", "semester": "學期",
        "category": "多元表現類別",
        "synced": "由校務系統同步（幹部）", "uploaded_on": "上傳日期", "has_document": "有證明文件",
        "has_video": "有影音檔案", "selected": "已勾選", "submitted": "已提交中央資料庫",
    },
    "deadlines": {
        "school_code": "學校代碼", "academic_year": "學年度", "semester": "學期（0：整學年的期程）",
        "kind": "期程（upload_1 第一階段上傳、upload_2 第二階段上傳、certification 認證、performance_upload "
                "多元表現上傳、selection 勾選）",
        "opens_on": "開始日期", "closes_on": "截止日期",
    },
    "target_codes": {
        "pid": "學生代號", "school_code": "學校代碼", "academic_year": "學年度（學生目標校系所在的最後一個學年度）",
        "system": "招生系統（university 大學申請入學、technical 科技校院四技）",
        "code": "目標校系要求的審查資料代碼（課程學習成果與多元表現：B–M、B-1…C-8）",
        "programmes": "學生的目標校系中要求此代碼的校系數",
        "lacking": "缺少：沒有任何已勾選的項目符合此代碼（True 缺少、False 已有）",
    },
    "selection_caps": {
        "school_code": "學校代碼", "academic_year": "學年度",
        "outcomes": "課程學習成果每學年可勾選件數（該校當年的規定，含學校自訂）",
        "performances": "多元表現每學年可勾選件數（該校當年的規定，含學校自訂）",
    },
}


def pseudonymiser(key: bytes) -> Callable[[str, str], str]:
    """A function (school code, student number) → pseudonym, keyed: the same key gives the same pseudonyms."""
    def pid(school_code: str, student_no: str) -> str:
        mac = hmac.new(key, f"{school_code}:{student_no}".encode(), hashlib.sha256).hexdigest()
        return "P" + mac[:15].upper()
    return pid


def deidentified_tables(engine: Engine, key: bytes, policy: Policy | None = None,
                        school_code: str | None = None) -> dict[str, pd.DataFrame]:
    """The research tables; every person appears only as a keyed pseudonym, dates of birth only as a year.
    The selection caps are each school's rules of each year under `policy` (the national one by default). With
    `school_code`, only that school's rows: a city's database is read one school at a time."""
    pid = pseudonymiser(key)
    s, sc = t.students, t.schools
    with engine.connect() as conn:
        school_id = None
        if school_code is not None:
            school_id = conn.execute(select(sc.c.id).where(sc.c.code == str(school_code))).scalar()
            if school_id is None:
                raise NoResearchData(reason=f"資料庫中沒有學校 {school_code}")

        def of_school(query, column):
            """Only the rows of the school asked for (every row without one)."""
            if school_id is None:
                return query
            return query.where(column.in_(select(s.c.id).where(s.c.school_id == school_id)))

        people = _frame(conn, of_school(select(s.c.id, s.c.student_no, sc.c.code.label("school_code"),
                                               s.c.entry_year, s.c.birth_date).join(sc, sc.c.id == s.c.school_id),
                                        s.c.id))
        people["pid"] = [pid(c, n) for c, n in zip(people["school_code"], people["student_no"])]
        people["birth_year"] = people["birth_date"].map(lambda d: d.year)
        ids = dict(zip(people["id"], people["pid"]))
        schools = dict(zip(people["id"], people["school_code"]))
        students = people[list(DATA_DICTIONARY["students"])]

        e, c = t.enrolments, t.classes
        enrolments = _frame(conn, of_school(select(e.c.student_id, e.c.academic_year, c.c.grade, c.c.name)
                                            .join(c, c.c.id == e.c.class_id), e.c.student_id))
        o, r, cs, cert, sel = t.outcomes, t.course_records, t.course_sections, t.certifications, t.selections
        certs = select(cert.c.outcome_id, func.count().label("certifications"),
                       func.min(cert.c.id).label("first_id"),
                       func.max(cert.c.certified_at).label("certified_at")).group_by(cert.c.outcome_id)
        certs = of_school(certs.join(o, o.c.id == cert.c.outcome_id), o.c.student_id).subquery()
        first = (select(cert.c.outcome_id, cert.c.certified_at.label("first_certified_at"),
                        cert.c.passed.label("first_passed"))
                 .join(certs, certs.c.first_id == cert.c.id).subquery())
        outcomes = _frame(conn, of_school(select(
            o.c.student_id, o.c.academic_year, o.c.semester, cs.c.course_code, o.c.status, o.c.uploaded_at,
            o.c.sent_at, first.c.first_certified_at, first.c.first_passed, certs.c.certified_at,
            certs.c.certifications, o.c.document_sha256, o.c.video_sha256, sel.c.id.label("selection_id"),
            o.c.submitted_at)
            .join(r, r.c.id == o.c.course_record_id).join(cs, cs.c.id == r.c.section_id)
            .outerjoin(certs, certs.c.outcome_id == o.c.id).outerjoin(first, first.c.outcome_id == o.c.id)
            .outerjoin(sel, and_(sel.c.item_kind == ItemKind.OUTCOME.value, sel.c.item_id == o.c.id)),
            o.c.student_id))
        p = t.performances
        performances = _frame(conn, of_school(select(
            p.c.student_id, p.c.academic_year, p.c.semester, p.c.category, p.c.synced, p.c.uploaded_at,
            p.c.document_sha256, p.c.video_sha256, sel.c.id.label("selection_id"), p.c.submitted_at)
            .outerjoin(sel, and_(sel.c.item_kind == ItemKind.PERFORMANCE.value, sel.c.item_id == p.c.id)),
            p.c.student_id))
        w = t.windows
        deadlines = select(sc.c.code.label("school_code"), w.c.academic_year, w.c.semester, w.c.kind, w.c.opens,
                           w.c.closes).join(sc, sc.c.id == w.c.school_id)
        deadlines = _frame(conn, deadlines if school_id is None else deadlines.where(w.c.school_id == school_id))
        caps = _selection_caps(conn, policy or Policy.default(), school_id)
        target_codes = _target_codes(conn, policy or Policy.default(), school_id, ids, schools)
    outcomes = pd.DataFrame({
        "pid": outcomes["student_id"].map(ids), "school_code": outcomes["student_id"].map(schools),
        "academic_year": outcomes["academic_year"],
        "semester": outcomes["semester"], "course_domain": outcomes["course_code"].str[19:21],
        "course_type": outcomes["course_code"].str[16], "status": outcomes["status"],
        "uploaded_on": _day(outcomes["uploaded_at"]), "sent_on": _day(outcomes["sent_at"]),
        "first_certified_on": _day(outcomes["first_certified_at"]),
        "first_passed": outcomes["first_passed"].astype("boolean"),
        "certified_on": _day(outcomes["certified_at"]),
        "certifications": outcomes["certifications"].fillna(0).astype(int),
        "has_document": outcomes["document_sha256"].notna(), "has_video": outcomes["video_sha256"].notna(),
        "selected": outcomes["selection_id"].notna(), "submitted": outcomes["submitted_at"].notna()})
    performances = pd.DataFrame({
        "pid": performances["student_id"].map(ids), "school_code": performances["student_id"].map(schools),
        "academic_year": performances["academic_year"],
        "semester": performances["semester"], "category": performances["category"],
        "synced": performances["synced"].astype(bool), "uploaded_on": _day(performances["uploaded_at"]),
        "has_document": performances["document_sha256"].notna(), "has_video": performances["video_sha256"].notna(),
        "selected": performances["selection_id"].notna(), "submitted": performances["submitted_at"].notna()})
    enrolments = pd.DataFrame({"pid": enrolments["student_id"].map(ids),
                               "school_code": enrolments["student_id"].map(schools),
                               "academic_year": enrolments["academic_year"],
                               "grade": enrolments["grade"], "class_name": enrolments["name"]})
    deadlines = pd.DataFrame({"school_code": deadlines["school_code"], "academic_year": deadlines["academic_year"],
                              "semester": deadlines["semester"], "kind": deadlines["kind"],
                              "opens_on": _day(deadlines["opens"]), "closes_on": _day(deadlines["closes"])})
    return {"students": students.reset_index(drop=True), "enrolments": enrolments, "outcomes": outcomes,
            "performances": performances, "deadlines": deadlines, "target_codes": target_codes,
            "selection_caps": caps}


def _target_codes(conn, policy: Policy, school_id: int | None, ids: dict, schools: dict) -> pd.DataFrame:
    """Per student and asked code of the programmes they aim at: how many of them ask it, and whether nothing the
    student selected fits it (`answers.programme_reports`, the cabinet's own answer). The programmes themselves are not
    named: a list of one student's targets could pick them out."""
    g, e, st = t.programme_targets, t.enrolments, t.students
    query = (select(st.c.school_id, g.c.student_id, func.max(e.c.academic_year).label("year"))
             .join(st, st.c.id == g.c.student_id).join(e, e.c.student_id == g.c.student_id)
             .group_by(st.c.school_id, g.c.student_id))
    if school_id is not None:
        query = query.where(st.c.school_id == school_id)
    rows = []
    for (school, year), group in pd.DataFrame(conn.execute(query).all(), columns=["school", "student", "year"]) \
            .groupby(["school", "year"]):
        students = [int(i) for i in group["student"]]
        asked: dict[tuple, list] = {}          # whether a code is covered does not depend on the grade
        for report in answers.programme_reports(conn, students, {}, policy, int(school), int(year)):
            for c in report.cover.codes:
                if c.code.item_kind is not None:
                    asked.setdefault((report.student_id, c.code.system.value, c.code.code), []).append(
                        c.state.value == "missing")
        rows += [{"pid": ids[sid], "school_code": schools[sid], "academic_year": int(year), "system": system,
                  "code": code, "programmes": len(flags), "lacking": any(flags)}
                 for (sid, system, code), flags in asked.items()]
    return pd.DataFrame(rows, columns=list(DATA_DICTIONARY["target_codes"]))


def _selection_caps(conn, policy: Policy, school_id: int | None = None) -> pd.DataFrame:
    """Each school's yearly selection caps (its overrides applied), for every year it has classes (of one school,
    or of all)."""
    query = (select(t.schools.c.id, t.schools.c.code, t.classes.c.academic_year).distinct()
             .join(t.classes, t.classes.c.school_id == t.schools.c.id)
             .order_by(t.schools.c.code, t.classes.c.academic_year))
    if school_id is not None:
        query = query.where(t.schools.c.id == school_id)
    rows = []
    for school, code, year in conn.execute(query).all():
        rules = answers.school_rules(conn, school, Term(int(year), 1), policy)
        rows.append({"school_code": code, "academic_year": int(year),
                     "outcomes": rules.outcome_selection_cap_per_year,
                     "performances": rules.performance_selection_cap_per_year})
    return pd.DataFrame(rows, columns=list(DATA_DICTIONARY["selection_caps"]))


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.normalize()


# each column's type in an export (a column of the same name means the same thing in every table)
_TEXT = ("pid", "school_code", "class_name", "course_domain", "course_type", "status", "category", "kind", "system",
         "code")
_FLAGS = ("first_passed", "synced", "has_document", "has_video", "selected", "submitted", "lacking")


def _arrow_schema(name: str):
    import pyarrow as pa

    def kind(column: str):
        if column in _TEXT:
            return pa.string()
        if column in _FLAGS:
            return pa.bool_()
        return pa.timestamp("us") if column.endswith("_on") else pa.int64()
    return pa.schema([(column, kind(column)) for column in DATA_DICTIONARY[name]])


def export_deidentified(engine: Engine, folder: str | os.PathLike, key: bytes,
                        policy: Policy | None = None) -> list[Path]:
    """Write each research table as Parquet and as CSV (UTF-8 with BOM), and the data dictionary. The schools are
    read and written one at a time, each school a row group of every Parquet file (so a reader can take one school
    without the rest), and a city's database is never whole in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        codes = list(conn.execute(select(t.schools.c.code).order_by(t.schools.c.code)).scalars())
    writers = {name: pq.ParquetWriter(folder / f"{name}.parquet", _arrow_schema(name)) for name in DATA_DICTIONARY}
    try:
        for name in DATA_DICTIONARY:                      # the CSV files' headers, once
            pd.DataFrame(columns=list(DATA_DICTIONARY[name])).to_csv(folder / f"{name}.csv", index=False,
                                                                     encoding="utf-8-sig")
        for code in codes:
            for name, table in deidentified_tables(engine, key, policy, school_code=code).items():
                writers[name].write_table(pa.Table.from_pandas(table, schema=_arrow_schema(name),
                                                               preserve_index=False))
                table.to_csv(folder / f"{name}.csv", mode="a", header=False, index=False, encoding="utf-8")
    finally:
        for writer in writers.values():
            writer.close()
    written = [folder / f"{name}.{ext}" for name in DATA_DICTIONARY for ext in ("parquet", "csv")]
    dictionary = pd.DataFrame([{"table": table, "column": column, "description": text}
                               for table, columns in DATA_DICTIONARY.items() for column, text in columns.items()])
    dictionary.to_csv(folder / "data_dictionary.csv", index=False, encoding="utf-8-sig")
    return written + [folder / "data_dictionary.csv"]
