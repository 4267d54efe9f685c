"""The ROC (民國) calendar and the academic year: years, semesters, terms, ROC dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from .errors import InvalidRocDate, InvalidRocTime, InvalidTerm

ROC_OFFSET = 1911
TAIPEI = ZoneInfo("Asia/Taipei")

_ROC_SEPARATED = re.compile(r"^\s*(\d{2,3})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*$")
_ROC_COMPACT = re.compile(r"^\s*(\d{2,3})(\d{2})(\d{2})\s*$")


def taipei_now() -> datetime:
    """Now, as a naive datetime in Taiwan time (how every timestamp is stored)."""
    return datetime.now(TAIPEI).replace(tzinfo=None, microsecond=0)


def roc_year(d: date) -> int:
    """The ROC calendar year of a date (2019 → 108)."""
    return d.year - ROC_OFFSET


def parse_roc_date(text: str) -> date:
    """Parse 108/08/01, 108.08.01, 108-08-01, 1080801 or 990801 into a date."""
    if isinstance(text, date):
        return text
    raw = str(text)
    match = _ROC_SEPARATED.match(raw) or _ROC_COMPACT.match(raw)
    if not match:
        raise InvalidRocDate(text=raw)
    year, month, day = (int(part) for part in match.groups())
    if year < 1:
        raise InvalidRocDate(text=raw)
    try:
        return date(year + ROC_OFFSET, month, day)
    except ValueError:
        raise InvalidRocDate(text=raw) from None


def format_roc_date(d: date | datetime | None, sep: str = "/") -> str:
    """Format a date as an ROC date: 2019-08-01 → 108/08/01 ('' for none, including a missing timestamp)."""
    if d is None or d != d:
        return ""
    return f"{roc_year(d):03d}{sep}{d.month:02d}{sep}{d.day:02d}"


def format_roc_datetime(d: datetime | None) -> str:
    """Format a timestamp as 108/08/01 13:42."""
    if d is None or d != d:
        return ""
    return f"{format_roc_date(d)} {d.hour:02d}:{d.minute:02d}"


@dataclass(frozen=True, order=True)
class Term:
    """One semester of one academic year (學年度, 學期): Term(108, 1) is 108-1."""

    year: int
    semester: int

    def __post_init__(self):
        if self.semester not in (1, 2) or self.year < 1:
            raise InvalidTerm(year=self.year, semester=self.semester)

    @classmethod
    def parse(cls, text: str) -> "Term":
        """Parse '108-1', '1081' or '108/1'."""
        raw = str(text).strip()
        match = re.fullmatch(r"(\d{2,3})\s*[-/ ]?\s*([12])", raw)
        if not match:
            raise InvalidTerm(year=raw, semester="?")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, d: date) -> "Term":
        """The term a date falls in: semester 1 runs August–January, semester 2 February–July."""
        year = academic_year_of(d)
        semester = 1 if d.month >= 8 or d.month == 1 else 2
        return cls(year, semester)

    @property
    def starts(self) -> date:
        if self.semester == 1:
            return date(self.year + ROC_OFFSET, 8, 1)
        return date(self.year + ROC_OFFSET + 1, 2, 1)

    @property
    def ends(self) -> date:
        if self.semester == 1:
            return date(self.year + ROC_OFFSET + 1, 1, 31)
        return date(self.year + ROC_OFFSET + 1, 7, 31)

    def next(self) -> "Term":
        return Term(self.year, 2) if self.semester == 1 else Term(self.year + 1, 1)

    def previous(self) -> "Term":
        return Term(self.year - 1, 2) if self.semester == 1 else Term(self.year, 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.semester}"

    @property
    def label(self) -> str:
        return f"{self.year}學年度第{self.semester}學期"


def academic_year_of(d: date) -> int:
    """The academic year (學年度) a date falls in: year Y runs (Y+1911)-08-01 to (Y+1912)-07-31."""
    return d.year - ROC_OFFSET - (0 if d.month >= 8 else 1)


def academic_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of an academic year."""
    return date(year + ROC_OFFSET, 8, 1), date(year + ROC_OFFSET + 1, 7, 31)


def days_inclusive(start: date, end: date) -> int:
    """Number of calendar days from start to end, both counted."""
    return (end - start).days + 1


def end_of_day(d: date) -> datetime:
    """The last instant of a day: a window that closes on a date is open all of that day."""
    return datetime.combine(d, time.max)


def parse_roc_moment(text: str, end_of_day_if_no_time: bool = False) -> datetime:
    """An ROC date with an optional time: '115/09/01', '115/09/01 08:00' or '115/09/01 08:00:30'.

    A date alone is its first moment, or (for a closing moment) its last."""
    date_part, _, time_part = str(text).strip().partition(" ")
    day = parse_roc_date(date_part)
    if not time_part.strip():
        return end_of_day(day) if end_of_day_if_no_time else datetime.combine(day, time.min)
    try:
        return datetime.combine(day, time.fromisoformat(time_part.strip()))
    except ValueError:
        raise InvalidRocTime(text=time_part.strip()) from None
