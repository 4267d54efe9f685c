"""The demo school's schedule: the windows of each semester and year."""

from __future__ import annotations

from datetime import date, datetime, time

from ..domain.calendar import ROC_OFFSET, Term, end_of_day
from ..domain.model import WindowKind


def at(d: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute))


def term_windows(term: Term) -> dict[WindowKind, tuple[datetime, datetime]]:
    """The demo school's schedule of a semester (and of its year, for yearly windows)."""
    y = term.year + ROC_OFFSET
    if term.semester == 1:
        windows = {
            WindowKind.UPLOAD_1: (at(date(y, 9, 1)), end_of_day(date(y + 1, 1, 25))),
            WindowKind.UPLOAD_2: (at(date(y + 1, 1, 26)), end_of_day(date(y + 1, 2, 5))),
            WindowKind.CERTIFICATION: (at(date(y, 9, 1)), end_of_day(date(y + 1, 2, 28))),
        }
    else:
        windows = {
            WindowKind.UPLOAD_1: (at(date(y + 1, 2, 15)), end_of_day(date(y + 1, 7, 5))),
            WindowKind.UPLOAD_2: (at(date(y + 1, 7, 6)), end_of_day(date(y + 1, 7, 15))),
            WindowKind.CERTIFICATION: (at(date(y + 1, 2, 15)), end_of_day(date(y + 1, 8, 10))),
        }
    windows[WindowKind.PERFORMANCE_UPLOAD] = (at(date(y, 8, 1)), end_of_day(date(y + 1, 7, 31)))
    windows[WindowKind.SELECTION] = (at(date(y + 1, 7, 1)), end_of_day(date(y + 1, 8, 30)))
    return windows
