"""Selections, submissions of past terms, and grade 12's application picks."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...domain.calendar import ROC_OFFSET, Term
from ...domain.grades import FINAL_GRADE
from ...domain.model import ItemKind, OutcomeStatus, WindowKind
from ..schedule import term_windows


class SelectionActivity:
    """Part of ActivityWriter (`writer.py`)."""

    def selections(self, people: dict):
        passed: dict[tuple, list] = {}
        for row in self.rows.outcomes:
            if row["status"] == OutcomeStatus.PASSED.value:
                passed.setdefault((row["student_id"], row["academic_year"]), []).append(row)
        records: dict[tuple, list] = {}
        for pid, state in sorted(self.performance_state.items()):
            if state["selectable"]:
                records.setdefault((state["student_id"], state["year"]), []).append(pid)
        for (sid, year) in sorted(set(passed) | set(records)):
            opens, closes = term_windows(Term(year, 2))[WindowKind.SELECTION]
            rules = self.rules(Term(year, 2))
            person = people[sid]
            if (opens > self.as_of or self.plan.stopped(person, Term(year, 2))
                    or self.rng.random() > 0.93 + 0.06 * person["diligence"]):
                continue
            at = self._habitual(person, opens, closes, scale_days=10, early=0.1)
            if at > self.as_of:
                continue
            outcomes = passed.get((sid, year), [])
            for row in self.rng.sample(outcomes, min(len(outcomes), rules.outcome_selection_cap_per_year)):
                self._select(sid, year, ItemKind.OUTCOME, row["id"], at)
            chosen = records.get((sid, year), [])
            for pid in self.rng.sample(chosen, min(len(chosen), rules.performance_selection_cap_per_year)):
                self._select(sid, year, ItemKind.PERFORMANCE, pid, at)

    def _select(self, sid, year, kind, item_id, at):
        self.rows.selections.append({"student_id": sid, "academic_year": year, "item_kind": kind.value,
                                     "item_id": item_id, "selected_at": at, "selected_by": "student:demo"})

    def submissions(self):
        outcome_term = {r["id"]: (r["academic_year"], r["semester"]) for r in self.rows.outcomes}
        grouped: dict[tuple, list] = {}
        for s in self.rows.selections:
            kind = ItemKind(s["item_kind"])
            term = outcome_term[s["item_id"]] if kind is ItemKind.OUTCOME else (
                s["academic_year"], self.performance_state[s["item_id"]]["semester"])
            grouped.setdefault(term, []).append((kind.value, s["item_id"]))
        outcomes = {r["id"]: r for r in self.rows.outcomes}
        performances = {r["id"]: r for r in self.rows.performances}
        synced_submitted = []
        for (year, semester), items in sorted(grouped.items()):
            at = term_windows(Term(year, 2))[WindowKind.SELECTION][1] + timedelta(days=5)
            if at > self.as_of:
                continue
            batch_id = self.first_ids["submission_batches"] + len(self.rows.batches)
            items.sort()
            digest = ""                                     # the package's digest, set when it is built
            self.rows.batches.append({"id": batch_id, "school_id": self.school_id, "academic_year": year,
                                      "semester": semester,
                                      "created_by": "staff:T0005", "created_at": at, "digest": digest,
                                      "item_count": len(items)})
            for kind, item_id in items:
                self.rows.batch_items.append({"batch_id": batch_id, "item_kind": kind, "item_id": item_id})
                if kind == ItemKind.OUTCOME.value:
                    outcomes[item_id]["submitted_at"] = at
                elif item_id in performances:
                    performances[item_id]["submitted_at"] = at
                else:
                    synced_submitted.append((item_id, at))
        updates = {u["id"]: u for u in self.synced_updates}
        for item_id, at in synced_submitted:
            updates[item_id]["submitted_at"] = at

    def picks(self, people: dict):
        for sid, person in sorted(people.items()):
            for year in self.plan.years:
                if self.plan.grade(person["entry"], year) != FINAL_GRADE:
                    continue
                at = datetime(year + ROC_OFFSET + 1, 3, 20, 20, 0)
                if at > self.as_of:
                    continue
                rules = self.rules(Term(year, 2))
                mine = [s for s in self.rows.selections if s["student_id"] == sid and s["academic_year"] < year]
                for kind, limit in ((ItemKind.OUTCOME, rules.application_outcome_picks),
                                    (ItemKind.PERFORMANCE, rules.application_performance_picks)):
                    pool = [s["item_id"] for s in mine if s["item_kind"] == kind.value]
                    for item_id in self.rng.sample(pool, min(limit, len(pool))):
                        self.rows.picks.append({"student_id": sid, "item_kind": kind.value, "item_id": item_id,
                                                "picked_at": at})
