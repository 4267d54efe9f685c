"""Research data from one or more schools: databases read through the de-identified view, or earlier exports.

A city's database or a folder of many schools' exports is never read whole into memory: `load_research_data` gives
a `ResearchSet` that knows its schools and years, and hands the analyses one school's tables at a time
(`parts()`); the analyses count each school and add the counts up before anything is published."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..domain.errors import NoResearchData, ResearchSourceInvalid, SchoolInTwoSources
from ..services import config
from .deidentify import DATA_DICTIONARY, deidentified_tables

TABLES = tuple(DATA_DICTIONARY)
# tables an older export may not have: read as empty (an export made before programme targets existed)
OPTIONAL = ("target_codes",)
SUMMARY = ["school_code", "source", "years", "enrolments", "outcomes", "performances"]


@dataclass(frozen=True)
class ResearchData:
    """The de-identified tables of one or more schools, in memory, and where each school came from."""

    students: pd.DataFrame
    enrolments: pd.DataFrame
    outcomes: pd.DataFrame
    performances: pd.DataFrame
    deadlines: pd.DataFrame
    target_codes: pd.DataFrame
    selection_caps: pd.DataFrame
    origins: tuple[tuple[str, str], ...] = ()      # (school code, source)

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], source: str) -> "ResearchData":
        missing = [name for name in TABLES if name not in tables and name not in OPTIONAL]
        if missing:
            raise ResearchSourceInvalid(source=source, reason="缺少資料表 " + "、".join(missing))
        tables = {name: pd.DataFrame(columns=list(DATA_DICTIONARY[name])) for name in OPTIONAL} | dict(tables)
        people = tables["students"]
        codes = (people.set_index("pid")["school_code"].astype(str)
                 if {"pid", "school_code"} <= set(people.columns) else None)
        for name in ("enrolments", "outcomes", "performances"):        # a row's school, where a table lacks it
            frame = tables[name]
            unknown = "school_code" not in frame or frame["school_code"].isna().any()
            if codes is not None and "pid" in frame and unknown:
                known = frame["school_code"] if "school_code" in frame else pd.Series(None, index=frame.index)
                tables[name] = frame.assign(school_code=known.astype(object).fillna(frame["pid"].map(codes)))
        for name in TABLES:
            absent = set(DATA_DICTIONARY[name]) - set(tables[name].columns)
            if absent:
                raise ResearchSourceInvalid(source=source,
                                            reason=f"資料表 {name} 缺少欄位 " + "、".join(sorted(absent)))
        schools = tuple((code, source) for code in sorted(tables["students"]["school_code"].astype(str).unique()))
        frames = {name: tables[name][list(DATA_DICTIONARY[name])].reset_index(drop=True) for name in TABLES}
        for name in ("students", "enrolments", "outcomes", "performances", "deadlines", "target_codes",
                     "selection_caps"):
            frames[name]["school_code"] = frames[name]["school_code"].astype(str)
        frames["outcomes"]["first_passed"] = frames["outcomes"]["first_passed"].astype("boolean")    # True, False, NA
        return cls(**frames, origins=schools)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    @property
    def schools(self) -> list[str]:
        return sorted(self.students["school_code"].unique())

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.enrolments["academic_year"].unique())

    def selection_cap(self, frame: pd.DataFrame, items: str) -> pd.Series:
        """The yearly selection cap (`items`: outcomes or performances) of each row's school and year."""
        cap = self.selection_caps.set_index(["school_code", "academic_year"])[items].to_dict()
        return pd.Series([cap.get((s, int(y))) for s, y in zip(frame["school_code"], frame["academic_year"])],
                         index=frame.index, dtype="float64")

    def school_of(self, frame: pd.DataFrame) -> pd.Series:
        """The school code of each row of a table keyed by pseudonym."""
        if "school_code" in frame:
            return frame["school_code"].astype(str)
        return frame["pid"].map(self.students.set_index("pid")["school_code"]).astype(str)

    def where(self, schools=(), years=()) -> "ResearchData":
        """Only the given schools and academic years (empty: all)."""
        schools, years = _narrowing(schools, years, self.schools)
        data = self
        if schools:
            data = replace(data, **{name: _rows(getattr(data, name), getattr(data, name)["school_code"].isin(schools))
                                    for name in TABLES},
                           origins=tuple(o for o in data.origins if o[0] in schools))
        if years:
            _refuse_missing_years(years, data.years)
            data = replace(data, **{name: _rows(getattr(data, name), getattr(data, name)["academic_year"].isin(years))
                                    for name in ("enrolments", "outcomes", "performances", "deadlines",
                                                 "target_codes", "selection_caps")})
        return data

    def parts(self) -> Iterator["ResearchData"]:
        """Its schools one at a time (the analyses count school by school)."""
        if len(self.schools) <= 1:
            yield self
            return
        for code in self.schools:
            yield self.where(schools=[code])

    def summary(self) -> pd.DataFrame:
        """Per school: its source, its academic years and how many enrolments, outcomes and 多元表現 it has."""
        rows = []
        for code, source in self.origins:
            enrolled = self.enrolments[self.enrolments["school_code"] == code]
            rows.append((code, source, sorted(int(y) for y in enrolled["academic_year"].unique()), len(enrolled),
                         int((self.outcomes["school_code"] == code).sum()),
                         int((self.performances["school_code"] == code).sum())))
        return pd.DataFrame(rows, columns=SUMMARY)


def _narrowing(schools, years, known: list[str]) -> tuple[list[str], list[int]]:
    """The schools and years a narrowing asks for; a school the data does not have is refused."""
    schools, years = [str(s) for s in schools or ()], [int(y) for y in years or ()]
    unknown = sorted(set(schools) - set(known))
    if unknown:
        raise NoResearchData(reason="資料來源中沒有學校 " + "、".join(unknown))
    return schools, years


def _refuse_missing_years(years: list[int], known: list[int]):
    missing = sorted(set(years) - set(known))
    if missing:
        raise NoResearchData(reason="資料來源中沒有學年度 " + "、".join(map(str, missing)))


def _rows(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    return frame[mask].reset_index(drop=True)


# --- sources read one school at a time -------------------------------------------------------------

class DatabaseSource:
    """A database (one school's, or a city's) read through the de-identified view, one school at a time."""

    def __init__(self, url: str, key: bytes):
        self.origin, self.key = str(url), key

    def _engine(self):
        from ..adapters.db import make_engine
        return make_engine(self.origin)

    def check(self) -> "DatabaseSource":
        """Refuse what is not a workbench database at the newest revision, before anything is read."""
        from sqlalchemy.exc import DatabaseError

        from ..adapters.db import schema_status
        if not self.origin.startswith(("sqlite:", "postgresql")) and not Path(self.origin).is_file():
            raise ResearchSourceInvalid(source=self.origin, reason="找不到這個資料庫檔案")
        engine = self._engine()
        try:
            try:
                current, newest = schema_status(engine)
            except DatabaseError:
                raise ResearchSourceInvalid(source=self.origin, reason="不是學習歷程工作台的資料庫") from None
            if current is None:
                raise ResearchSourceInvalid(source=self.origin, reason="不是學習歷程工作台的資料庫")
            if current != newest:
                raise ResearchSourceInvalid(source=self.origin, reason="資料庫版本較舊，請先以 portfolio init 更新")
        finally:
            engine.dispose()
        return self

    def catalogue(self) -> pd.DataFrame:
        """Its schools, their academic years and how many rows each has (`SUMMARY`), counted in the database."""
        from sqlalchemy import text
        engine = self._engine()
        try:
            with engine.connect() as conn:
                counts = {}
                for name, sql in (("enrolments", "SELECT s.code, e.academic_year, count(*) FROM enrolments e "
                                                 "JOIN students st ON st.id = e.student_id "
                                                 "JOIN schools s ON s.id = st.school_id GROUP BY s.code, "
                                                 "e.academic_year"),
                                  ("outcomes", "SELECT s.code, 0, count(*) FROM outcomes o JOIN students st "
                                               "ON st.id = o.student_id JOIN schools s ON s.id = st.school_id "
                                               "GROUP BY s.code"),
                                  ("performances", "SELECT s.code, 0, count(*) FROM performances p JOIN students st "
                                                   "ON st.id = p.student_id JOIN schools s ON s.id = st.school_id "
                                                   "GROUP BY s.code")):
                    counts[name] = conn.execute(text(sql)).all()
        finally:
            engine.dispose()
        return _catalogue(self.origin, counts)

    def load(self, code: str) -> ResearchData:
        engine = self._engine()
        try:
            return ResearchData.from_tables(deidentified_tables(engine, self.key, school_code=code), self.origin)
        finally:
            engine.dispose()


class ExportSource:
    """A folder written by `export_deidentified`: its Parquet files, one school's rows read at a time."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.origin = str(folder)

    def check(self) -> "ExportSource":
        if not self.folder.is_dir():
            raise ResearchSourceInvalid(source=self.origin, reason="找不到這個資料夾")
        missing = [f"{name}.parquet" for name in TABLES
                   if name not in OPTIONAL and not (self.folder / f"{name}.parquet").is_file()]
        if missing:
            raise ResearchSourceInvalid(source=self.origin,
                                        reason="不是去識別化匯出資料夾，缺少 " + "、".join(missing))
        return self

    def _columns(self, name: str) -> list[str]:
        import pyarrow.parquet as pq
        return pq.read_schema(self.folder / f"{name}.parquet").names

    def catalogue(self) -> pd.DataFrame:
        """Its schools, years and row counts, read from the school and year columns only."""
        import pyarrow.parquet as pq
        counts = {}
        codes = pq.read_table(self.folder / "students.parquet", columns=["school_code", "pid"]).to_pandas()
        for name in ("enrolments", "outcomes", "performances"):
            columns = self._columns(name)
            wanted = [c for c in ("school_code", "academic_year", "pid") if c in columns]
            frame = pq.read_table(self.folder / f"{name}.parquet", columns=wanted).to_pandas()
            if "school_code" not in frame:         # an export of one school's rows keyed by pseudonym only
                frame["school_code"] = frame["pid"].map(codes.set_index("pid")["school_code"])
            year = frame["academic_year"] if name == "enrolments" else 0
            grouped = frame.assign(year=year).groupby(["school_code", "year"]).size()
            counts[name] = [(str(code), int(y), int(n)) for (code, y), n in grouped.items()]
        if not counts["enrolments"]:
            counts["enrolments"] = [(str(code), None, 0) for code in codes["school_code"].unique()]
        return _catalogue(self.origin, counts)

    def load(self, code: str) -> ResearchData:
        import pyarrow.parquet as pq
        tables = {}
        pids = None
        for name in TABLES:
            path = self.folder / f"{name}.parquet"
            if name in OPTIONAL and not path.is_file():
                continue
            if "school_code" in self._columns(name):
                tables[name] = pq.read_table(path, filters=[("school_code", "=", code)]).to_pandas()
            else:
                pids = pids if pids is not None else list(tables["students"]["pid"])
                tables[name] = pq.read_table(path, filters=[("pid", "in", pids)]).to_pandas()
        return ResearchData.from_tables(tables, self.origin)


def _catalogue(origin: str, counts: dict[str, list]) -> pd.DataFrame:
    """SUMMARY rows from (code, year, n) counts of enrolments, outcomes and 多元表現."""
    schools: dict[str, dict] = {}
    for code, year, n in counts["enrolments"]:
        entry = schools.setdefault(str(code), {"years": set(), "enrolments": 0, "outcomes": 0, "performances": 0})
        if year is not None and n:
            entry["years"].add(int(year))
            entry["enrolments"] += int(n)
    for name in ("outcomes", "performances"):
        for code, _, n in counts[name]:
            if str(code) in schools:
                schools[str(code)][name] += int(n)
    return pd.DataFrame([(code, origin, sorted(v["years"]), v["enrolments"], v["outcomes"], v["performances"])
                         for code, v in sorted(schools.items())], columns=SUMMARY)


@dataclass(frozen=True)
class ResearchSet:
    """Many schools from many sources, read one school at a time: the schools and years are known from the sources'
    catalogues; each school's tables are loaded only when an analysis counts that school (`parts()`)."""

    sources: tuple = ()                    # DatabaseSource or ExportSource, each checked
    catalogue: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SUMMARY))
    chosen_years: tuple[int, ...] = ()     # () : every year

    @property
    def schools(self) -> list[str]:
        return sorted(self.catalogue["school_code"])

    @property
    def years(self) -> list[int]:
        years = sorted({y for ys in self.catalogue["years"] for y in ys})
        return [y for y in years if y in self.chosen_years] if self.chosen_years else years

    @property
    def origins(self) -> tuple[tuple[str, str], ...]:
        return tuple(zip(self.catalogue["school_code"], self.catalogue["source"]))

    def where(self, schools=(), years=()) -> "ResearchSet":
        """Only the given schools and academic years (empty: all)."""
        schools, years = _narrowing(schools, years, self.schools)
        data = self
        if schools:
            data = replace(data, catalogue=data.catalogue[data.catalogue["school_code"].isin(schools)]
                           .reset_index(drop=True))
        if years:
            _refuse_missing_years(years, data.years)
            data = replace(data, chosen_years=tuple(years))
        return data

    def parts(self) -> Iterator[ResearchData]:
        """Each school's tables, loaded from its source, one school at a time."""
        by_origin = {source.origin: source for source in self.sources}
        for code, origin in self.origins:
            part = by_origin[origin].load(code)
            if self.chosen_years:
                years = [y for y in self.chosen_years if y in part.years]
                if not years:
                    continue
                part = part.where(years=years)
            yield part

    def summary(self) -> pd.DataFrame:
        return self.catalogue


def combine(sources: list) -> ResearchSet:
    """Several sources as one; a school may come from one source only, or it would be counted twice."""
    if not sources:
        raise NoResearchData(reason="沒有指定任何資料庫或匯出資料夾")
    seen: dict[str, str] = {}
    catalogues = []
    for source in sources:
        catalogue = source.catalogue()
        for code in catalogue["school_code"]:
            if code in seen:
                raise SchoolInTwoSources(school=code, first=seen[code], second=source.origin)
            seen[code] = source.origin
        catalogues.append(catalogue)
    return ResearchSet(tuple(sources), pd.concat(catalogues, ignore_index=True)
                       .sort_values("school_code").reset_index(drop=True))


def from_database(path: str | os.PathLike, key: bytes) -> DatabaseSource:
    """A school's or a city's database, read through the de-identified view (never its names, ID numbers or birth
    dates), one school at a time."""
    return DatabaseSource(str(path), key).check()


def from_export(folder: str | os.PathLike) -> ExportSource:
    """A folder written by `export_deidentified` (its Parquet files), one school at a time."""
    return ExportSource(folder).check()


EXPORT_VARIABLE = "PORTFOLIO_RESEARCH_EXPORT"


def load_research_data(databases=(), exports=(), key: bytes | None = None, schools=(), years=()) -> ResearchSet:
    """Every source combined, then narrowed to the given schools and years.

    Databases are read with one pseudonym key (a fresh random one unless given), so their
    pseudonyms cannot be linked to any other export. With no source at all, the export named by
    `PORTFOLIO_RESEARCH_EXPORT` is read (a researcher's JupyterLab in the deployment has one, made
    for it), else the database named by `PORTFOLIO_DB`."""
    key = key or secrets.token_bytes(32)
    if not databases and not exports:
        if os.environ.get(EXPORT_VARIABLE):
            exports = [os.environ[EXPORT_VARIABLE]]
        elif config.database():
            databases = [config.database()]
    sources = [from_database(db, key) for db in databases or ()] + [from_export(f) for f in exports or ()]
    data = combine(sources).where(schools=schools, years=years)
    if not data.years or not data.catalogue["enrolments"].sum():
        raise NoResearchData(reason="所選的學校與學年度沒有任何學生")
    return data


__all__ = ["ResearchData", "ResearchSet", "combine", "from_database", "from_export", "load_research_data", "TABLES"]
