"""The school's schedule: its windows with what is left of each, and the one-week certification rule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from ..domain.calendar import Term, format_roc_datetime
from ..domain.model import WindowKind
from ..domain.policy import Policy
from .rules import school_rules
from .scope import windows
from .viewer import Viewer


def schedule(engine: Engine, viewer: Viewer, year: int, now: datetime) -> pd.DataFrame:
    """The windows of a year with what is left of each."""
    rows = []
    for (semester, kind), (opens, closes) in sorted(windows(engine, viewer.school_id, year).items(),
                                                    key=lambda item: item[1][0]):
        if now < opens:
            state = f"{(opens.date() - now.date()).days} 天後開始"
        elif now <= closes:
            state = f"進行中，剩 {(closes.date() - now.date()).days} 天"
        else:
            state = "已結束"
        rows.append({"項目": kind.label, "學期": "全學年" if semester == 0 else f"第{semester}學期",
                     "開始": format_roc_datetime(opens), "結束": format_roc_datetime(closes), "狀態": state})
    return pd.DataFrame(rows, columns=["項目", "學期", "開始", "結束", "狀態"])


def certification_due(engine: Engine, school_id: int, term: Term, stage: int, policy: Policy) -> datetime | None:
    """The one-week rule: certification due a week after the stage's upload deadline."""
    kind = WindowKind.UPLOAD_1 if stage == 1 else WindowKind.UPLOAD_2
    window = windows(engine, school_id, term.year).get((term.semester, kind))
    if window is None:
        return None
    return window[1] + timedelta(days=school_rules(engine, school_id, term, policy).certification_days_after_deadline)
