"""The school's schedule: its windows with what is left of each, and the one-week certification rule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from ..domain.calendar import Term
from ..domain.model import WindowKind
from ..domain.policy import Policy
from .frames import Readable, question
from .rules import school_rules
from .scope import windows
from .viewer import Viewer


@question
def schedule(engine: Readable, viewer: Viewer, year: int, now: datetime) -> pd.DataFrame:
    """The windows of a year in the order they open, as data: kind, semester (0: the whole year), opens,
    closes, and where `now` stands (`state`: upcoming, open or closed; `days`: to its opening, or left)."""
    rows = []
    for (semester, kind), (opens, closes) in sorted(windows(engine, viewer.school_id, year).items(),
                                                    key=lambda item: item[1][0]):
        if now < opens:
            state, days = "upcoming", (opens.date() - now.date()).days
        elif now <= closes:
            state, days = "open", (closes.date() - now.date()).days
        else:
            state, days = "closed", None
        rows.append({"kind": kind.value, "semester": semester, "opens": opens, "closes": closes, "state": state,
                     "days": days})
    return pd.DataFrame(rows, columns=["kind", "semester", "opens", "closes", "state", "days"])


def certification_due(engine: Readable, school_id: int, term: Term, stage: int, policy: Policy) -> datetime | None:
    """The one-week rule: certification due a week after the stage's upload deadline."""
    kind = WindowKind.UPLOAD_1 if stage == 1 else WindowKind.UPLOAD_2
    window = windows(engine, school_id, term.year).get((term.semester, kind))
    if window is None:
        return None
    return window[1] + timedelta(days=school_rules(engine, school_id, term, policy).certification_days_after_deadline)
