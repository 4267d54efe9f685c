"""多元表現: each category's fields, uploads across the year, proof for synced cadre records."""

from __future__ import annotations

import json
from datetime import timedelta

from ...domain.calendar import Term, format_roc_date
from ...domain.categories import validate_fields
from ...domain.model import WindowKind, clean_description
from .. import catalogue as cat
from ..schedule import at, term_windows


class PerformanceActivity:
    """Part of ActivityWriter (`writer.py`)."""

    def performances_of(self, sid: int, person: dict, year: int, next_id: int) -> int:
        d = person["diligence"]
        if self.plan.stopped(person, Term(year, 1)) or self.rng.random() < 0.03 + 0.07 * (1 - d):
            return next_id
        rules = self.rules(Term(year, 1))
        n = max(1, min(rules.performance_upload_cap_per_year, round(2 + 9 * d + self.rng.gauss(0, 2))))
        categories, weights = zip(*cat.CATEGORY_WEIGHTS.items())
        opens, closes = term_windows(Term(year, 1))[WindowKind.PERFORMANCE_UPLOAD]
        for category in self.rng.choices(categories, weights, k=n):
            uploaded = self._habitual(person, opens, closes, scale_days=45)
            if self.plan.stopped(person, Term.of(uploaded.date())):
                continue
            if uploaded > self.as_of:
                continue
            term = Term.of(uploaded.date()) if Term.of(uploaded.date()).year == year else Term(year, 2)
            rules = self.rules(term)
            fields, description = self._fields(category, term)
            clean = validate_fields(category, fields, rules)
            doc, doc_name, vid, vid_name = self._files_for_item()
            link = f"https://video.example.edu.tw/{sid}/{next_id}" if vid and self.rng.random() < 0.5 else None
            self.rows.performances.append({
                "id": next_id, "student_id": sid, "academic_year": year, "semester": term.semester,
                "category": category, "fields": json.dumps(clean, ensure_ascii=False, sort_keys=True),
                "description": clean_description(description, rules), "document_sha256": doc,
                "document_name": doc_name, "video_sha256": vid, "video_name": vid_name, "external_link": link,
                "synced": False, "source_key": None, "uploaded_at": uploaded, "updated_at": uploaded,
                "submitted_at": None})
            self.performance_state[next_id] = {"student_id": sid, "year": year, "semester": term.semester,
                                               "selectable": True}
            next_id += 1
        return next_id

    def proof_for_synced(self, cadres):
        for c in cadres:
            self.performance_state[c.id] = {"student_id": c.student_id, "year": c.academic_year,
                                             "semester": c.semester, "selectable": False}
            if self.rng.random() < 0.45:
                doc = self._document()
                moment = at(Term(c.academic_year, c.semester).ends) - timedelta(days=self.rng.randrange(60))
                if moment > self.as_of:
                    continue
                self.synced_updates.append({"id": c.id, "document_sha256": doc[0],
                                            "document_name": f"幹部證明.{doc[1]}",
                                            "description": "擔任班級幹部，協助班級事務與活動", "updated_at": moment})
                self.performance_state[c.id]["selectable"] = True

    def _fields(self, category: str, term: Term) -> tuple[dict, str]:
        """A record's fields and description for a category, on dates within the term."""
        start = term.starts + timedelta(days=self.rng.randrange(120))
        end = start + timedelta(days=self.rng.randrange(0, 40))
        return FIELD_MAKERS[category](self.rng, term, start, end)


# --- one field maker per category: (rng, term, a start and an end within the term) → (fields, description) ---

roc = format_roc_date


def _cadre(rng, term, start, end):
    club = rng.choice(cat.CLUBS)
    position = rng.choice(cat.POSITIONS["3"])
    return ({"unit": club, "start_date": roc(term.starts), "end_date": roc(term.ends), "position": position,
             "level": "3"}, f"擔任{club}{position}，規劃社團活動")


def _competition(rng, term, start, end):
    name = rng.choice(cat.COMPETITIONS)
    return ({"name": name, "level": rng.choice("1123"), "award": rng.choice(cat.AWARDS),
             "result_date": roc(end), "team": rng.choice("12")}, f"參加{name}的準備過程與收穫")


def _certificate(rng, term, start, end):
    name, kind = rng.choice(cat.CERTIFICATES)
    return ({"name": name, "type": kind, "score": str(rng.randrange(60, 100)), "obtained_date": roc(end),
             "number": f"C{rng.randrange(10 ** 7):07d}"}, f"通過{name}")


def _service(rng, term, start, end):
    name, organisation = rng.choice(cat.SERVICES)
    days = (end - start).days + 1
    return ({"name": name, "organisation": organisation, "start_date": roc(start), "end_date": roc(end),
             "hours": min(days * 8, rng.choice([2, 4, 6, 8, 12, 16]))}, f"在{organisation}參與{name}")


def _flexible(rng, term, start, end):
    kind, pattern = rng.choice(cat.FLEXIBLE)
    name = pattern.format(t=rng.choice(cat.SELF_STUDY))
    return ({"type": kind, "name": name, "organiser": "教務處", "periods_per_week": rng.choice([1, 2, 3]),
             "weeks": rng.randrange(4, 19)}, f"{name}的計畫、執行與反思")


def _group_activity(rng, term, start, end):
    kind, label = rng.choice(cat.GROUP)
    club = rng.choice(cat.CLUBS)
    return ({"type": kind, "organiser": club if kind == "2" else "學務處", "content": f"{label}：{club}",
             "periods": rng.randrange(4, 37)}, f"參與{label}的經驗")


def _workplace(rng, term, start, end):
    kind, organisation, title = rng.choice(cat.WORKPLACES)
    days = (end - start).days + 1
    return ({"type": kind, "organisation": organisation, "job_title": title, "start_date": roc(start),
             "end_date": roc(end), "hours": min(days * 8, rng.choice([4, 8, 16, 24]))},
            f"{organisation}的職場學習心得")


def _advanced_course(rng, term, start, end):
    kind, organiser, course = rng.choice(cat.ADVANCED)
    end = start + timedelta(days=rng.randrange(30, 100))
    return ({"programme": kind, "organiser": organiser, "course_name": course, "start_date": roc(start),
             "end_date": roc(end), "credits": rng.choice([1, 2, 3]), "hours": rng.choice([18, 36, 54])},
            f"修習{organiser}{course}")


def _work(rng, term, start, end):
    name = rng.choice(cat.WORKS)
    return {"name": name, "date": roc(end)}, f"{name}的創作歷程"


def _other(rng, term, start, end):
    name, organiser = rng.choice(cat.OTHERS)
    return ({"name": name, "organiser": organiser, "start_date": roc(start), "end_date": roc(end)},
            f"參加{name}的收穫")


FIELD_MAKERS = {"cadre": _cadre, "competition": _competition, "certificate": _certificate, "service": _service,
                "flexible": _flexible, "group_activity": _group_activity, "workplace": _workplace,
                "advanced_course": _advanced_course, "work": _work, "other": _other}
