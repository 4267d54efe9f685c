"""The writer of a demo school's activity, composed of one part per kind of item."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...domain.calendar import Term
from .outcomes import OutcomeActivity
from .performances import PerformanceActivity
from .school_items import SchoolItemActivity
from .selections import SelectionActivity


class ActivityWriter(OutcomeActivity, PerformanceActivity, SelectionActivity, SchoolItemActivity):
    """Makes the rows of three years of portfolio activity, obeying the policy at every step."""

    def __init__(self, wb, plan, files, rng, as_of, rows, late_teachers, school_id: int, first_ids: dict):
        self.wb, self.plan, self.files, self.rng, self.as_of, self.rows = wb, plan, files, rng, as_of, rows
        self.late_teachers = late_teachers
        self.school_id = school_id
        self.first_ids = first_ids          # table → the id its first new row gets (after the other schools' rows)
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

    def _habitual(self, person: dict, opens: datetime, closes: datetime, scale_days: float,
                  early: float = 0.3) -> datetime:
        """A moment in a window as a student's habit has it: early ones spread over the window, late ones (and those
        who will stop) in its last two and a half days, the steady crowding toward its close."""
        if person["habit"] == "early":
            return self._crowded(opens, closes, scale_days * 4, early=0.8)
        if person["habit"] in ("late", "stops"):
            moment = closes - timedelta(hours=self.rng.uniform(0.5, 60))
            return max(opens, moment).replace(second=0, microsecond=0)
        return self._crowded(opens, closes, scale_days, early)

    def _crowded(self, opens: datetime, closes: datetime, scale_days: float, early: float = 0.3) -> datetime:
        """A moment in a window: a share `early` spread over it, the rest crowding toward its close."""
        if self.rng.random() < early:
            return (opens + (closes - opens) * self.rng.random()).replace(second=0, microsecond=0)
        moment = closes - timedelta(days=self.rng.expovariate(1 / scale_days), minutes=self.rng.randrange(600))
        return max(opens, moment).replace(second=0, microsecond=0)
