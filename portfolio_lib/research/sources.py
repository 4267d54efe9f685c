"""Research data from one or more schools: databases read through the de-identified view, or earlier exports."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ..domain.errors import NoResearchData, ResearchSourceInvalid, SchoolInTwoSources
from ..services import config
from .deidentify import DATA_DICTIONARY, deidentified_tables

TABLES = tuple(DATA_DICTIONARY)


@dataclass(frozen=True)
class ResearchData:
    """The de-identified tables of one or more schools, and where each school came from."""

    students: pd.DataFrame
    enrolments: pd.DataFrame
    outcomes: pd.DataFrame
    performances: pd.DataFrame
    deadlines: pd.DataFrame
    selection_caps: pd.DataFrame
    origins: tuple[tuple[str, str], ...] = ()      # (school code, source)

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], source: str) -> "ResearchData":
        missing = [name for name in TABLES if name not in tables]
        if missing:
            raise ResearchSourceInvalid(source=source, reason="缺少資料表 " + "、".join(missing))
        for name in TABLES:
            absent = set(DATA_DICTIONARY[name]) - set(tables[name].columns)
            if absent:
                raise ResearchSourceInvalid(source=source,
                                            reason=f"資料表 {name} 缺少欄位 " + "、".join(sorted(absent)))
        schools = tuple((code, source) for code in sorted(tables["students"]["school_code"].astype(str).unique()))
        return cls(**{name: tables[name][list(DATA_DICTIONARY[name])].reset_index(drop=True) for name in TABLES},
                   origins=schools)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    @property
    def schools(self) -> list[str]:
        return sorted(self.students["school_code"].astype(str).unique())

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.enrolments["academic_year"].unique())

    def selection_cap(self, frame: pd.DataFrame, items: str) -> pd.Series:
        """The yearly selection cap (`items`: outcomes or performances) of each row's school and year."""
        caps = self.selection_caps.assign(school_code=self.selection_caps["school_code"].astype(str))
        cap = caps.set_index(["school_code", "academic_year"])[items].to_dict()
        return pd.Series([cap.get((s, int(y))) for s, y in zip(self.school_of(frame), frame["academic_year"])],
                         index=frame.index, dtype="float64")

    def school_of(self, frame: pd.DataFrame) -> pd.Series:
        """The school code of each row of a table keyed by pseudonym."""
        return frame["pid"].map(self.students.set_index("pid")["school_code"]).astype(str)

    def where(self, schools=(), years=()) -> "ResearchData":
        """Only the given schools and academic years (empty: all)."""
        schools = [str(s) for s in schools or ()]
        years = [int(y) for y in years or ()]
        unknown = sorted(set(schools) - set(self.schools))
        if unknown:
            raise NoResearchData(reason="資料來源中沒有學校 " + "、".join(unknown))
        data = self
        if schools:
            students = data.students[data.students["school_code"].astype(str).isin(schools)]
            keep = set(students["pid"])
            data = replace(data, students=students.reset_index(drop=True),
                           **{name: _rows(getattr(data, name), getattr(data, name)["pid"].isin(keep))
                              for name in ("enrolments", "outcomes", "performances")},
                           deadlines=_rows(data.deadlines, data.deadlines["school_code"].astype(str).isin(schools)),
                           selection_caps=_rows(data.selection_caps,
                                                data.selection_caps["school_code"].astype(str).isin(schools)),
                           origins=tuple(o for o in data.origins if o[0] in schools))
        if years:
            missing = sorted(set(years) - set(data.years))
            if missing:
                raise NoResearchData(reason="資料來源中沒有學年度 " + "、".join(map(str, missing)))
            data = replace(data, **{name: _rows(getattr(data, name), getattr(data, name)["academic_year"].isin(years))
                                    for name in ("enrolments", "outcomes", "performances", "deadlines",
                                                 "selection_caps")})
        return data


def _rows(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    return frame[mask].reset_index(drop=True)


def combine(parts: list[ResearchData]) -> ResearchData:
    """Several sources as one; a school may come from one source only, or it would be counted twice."""
    if not parts:
        raise NoResearchData(reason="沒有指定任何資料庫或匯出資料夾")
    seen: dict[str, str] = {}
    for part in parts:
        for code, source in part.origins:
            if code in seen:
                raise SchoolInTwoSources(school=code, first=seen[code], second=source)
            seen[code] = source
    frames = {name: pd.concat([getattr(p, name) for p in parts], ignore_index=True) for name in TABLES}
    return ResearchData(**frames, origins=tuple(o for p in parts for o in p.origins))


def from_database(path: str | os.PathLike, key: bytes) -> ResearchData:
    """A school database read through the de-identified view (never its names, ID numbers or birth dates)."""
    from ..adapters.db import make_engine
    if not str(path).startswith(("sqlite:", "postgresql")) and not Path(path).is_file():
        raise ResearchSourceInvalid(source=str(path), reason="找不到這個資料庫檔案")
    from sqlalchemy.exc import DatabaseError

    from ..adapters.db import schema_status
    engine = make_engine(path)
    try:
        try:
            current, newest = schema_status(engine)
        except DatabaseError:
            raise ResearchSourceInvalid(source=str(path), reason="不是學習歷程工作台的資料庫") from None
        if current is None:
            raise ResearchSourceInvalid(source=str(path), reason="不是學習歷程工作台的資料庫")
        if current != newest:
            raise ResearchSourceInvalid(source=str(path), reason="資料庫版本較舊，請先以 portfolio init 更新")
        return ResearchData.from_tables(deidentified_tables(engine, key), source=str(path))
    finally:
        engine.dispose()


def from_export(folder: str | os.PathLike) -> ResearchData:
    """A folder written by `export_deidentified` (its Parquet files)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResearchSourceInvalid(source=str(folder), reason="找不到這個資料夾")
    missing = [f"{name}.parquet" for name in TABLES if not (folder / f"{name}.parquet").is_file()]
    if missing:
        raise ResearchSourceInvalid(source=str(folder), reason="不是去識別化匯出資料夾，缺少 " + "、".join(missing))
    return ResearchData.from_tables({name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES},
                                    source=str(folder))


EXPORT_VARIABLE = "PORTFOLIO_RESEARCH_EXPORT"


def load_research_data(databases=(), exports=(), key: bytes | None = None, schools=(), years=()) -> ResearchData:
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
    parts = [from_database(db, key) for db in databases or ()] + [from_export(f) for f in exports or ()]
    data = combine(parts).where(schools=schools, years=years)
    if data.enrolments.empty:
        raise NoResearchData(reason="所選的學校與學年度沒有任何學生")
    return data


__all__ = ["ResearchData", "combine", "from_database", "from_export", "load_research_data", "TABLES"]
