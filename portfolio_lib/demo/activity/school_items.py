"""School-only items: consultation records, learning plans and their reviews, autobiographies."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...adapters import tables as t
from ...domain.calendar import ROC_OFFSET, Term
from ...domain.grades import FINAL_GRADE
from ...domain.model import plan_review_notice
from .. import catalogue as cat
from ..schedule import at


class SchoolItemActivity:
    """Part of ActivityWriter (`writer.py`)."""

    def school_items(self, people: dict, homerooms: dict, consultants: list[int]) -> dict:
        """Consultation records (grade 10), self-directed learning plans and their review, autobiographies."""
        consultations, plans, documents = [], [], []
        for sid, person in sorted(people.items()):
            for year in self.plan.years:
                grade = self.plan.grade(person["entry"], year)
                if not grade:
                    continue
                first = Term(year, 1)
                if grade == 10 and consultants and self.rng.random() < 0.3:
                    day = first.starts + timedelta(days=30 + self.rng.randrange(120))
                    if at(day) <= self.as_of:
                        doc = self._document() if self.rng.random() < 0.5 else None
                        consultations.append({
                            "student_id": sid, "consultant_id": self.rng.choice(consultants), "academic_year": year,
                            "semester": Term.of(day).semester, "consulted_on": day,
                            "description": self.rng.choice(cat.CONSULTATIONS),
                            "document_sha256": doc[0] if doc else None,
                            "document_name": f"諮詢紀錄.{doc[1]}" if doc else None, "created_at": at(day, 16)})
                if self.rng.random() < 0.25 + 0.2 * person["diligence"]:
                    uploaded = at(first.starts + timedelta(days=20 + self.rng.randrange(60)), 20)
                    if uploaded <= self.as_of:
                        topic = self.rng.choice(cat.SELF_STUDY)
                        doc = self._document()
                        row = {"student_id": sid, "academic_year": year, "semester": 1, "title": f"{topic}自主學習計畫",
                               "description": f"{topic}：每週兩節，學期末發表成果", "document_sha256": doc[0],
                               "document_name": f"自主學習計畫.{doc[1]}", "status": "submitted", "reviewer_id": None,
                               "review_comment": None, "reviewed_at": None, "uploaded_at": uploaded,
                               "updated_at": uploaded}
                        lag = self.rng.uniform(1, 14) if self.rng.random() < 0.8 else self.rng.uniform(40, 150)
                        reviewed = uploaded + timedelta(days=lag)
                        if reviewed <= self.as_of and homerooms.get((sid, year)):
                            approved = self.rng.random() < 0.85
                            comment = None if approved else "請寫出每週的進度與預期成果"
                            row.update(status="approved" if approved else "revise",
                                       reviewer_id=homerooms[(sid, year)], review_comment=comment,
                                       reviewed_at=reviewed, updated_at=reviewed)
                            self.rows.notifications.append({
                                "student_id": sid, "kind": "learning_plan", "item_kind": None, "item_id": None,
                                "message": plan_review_notice(row["title"], row["status"], comment),
                                "created_at": reviewed, "read_at": None})
                        plans.append(row)
                if grade == FINAL_GRADE and self.rng.random() < 0.4:
                    uploaded = datetime(year + ROC_OFFSET + 1, 3, 5, 21, 0)
                    if uploaded <= self.as_of:
                        doc = self._document()
                        documents.append({"student_id": sid, "kind": "autobiography", "description": "我的自傳",
                                          "document_sha256": doc[0], "document_name": f"自傳.{doc[1]}",
                                          "uploaded_at": uploaded})
        return {t.consultation_records: consultations, t.learning_plans: plans, t.school_documents: documents}
