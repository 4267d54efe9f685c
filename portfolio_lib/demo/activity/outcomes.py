"""Course outcomes: uploads crowding before the deadlines, certification (some late, some failed and replaced)."""

from __future__ import annotations

from datetime import timedelta

from ...domain.admission import OutcomeKind, infer_outcome_kind
from ...domain.calendar import Term
from ...domain.model import ItemKind, OutcomeStatus, WindowKind, certification_notice, clean_description
from .. import catalogue as cat
from ..schedule import term_windows


class OutcomeActivity:
    """Part of ActivityWriter (`writer.py`)."""

    def outcomes_of(self, sid: int, person: dict, term: Term, records: list):
        rules = self.rules(term)
        win = term_windows(term)
        d = person["diligence"]
        if self.plan.stopped(person, term) or self.rng.random() < 0.01 + 0.04 * (1 - d):
            return
        wanted = round(1.5 + 4.5 * d + self.rng.gauss(0, 1))
        n = max(1, min(rules.outcome_upload_cap_per_semester, len(records), wanted))
        # a student who will stop is fading: they leave everything to the second stage
        second = 1.0 if person["habit"] == "stops" else (
            {"early": 0.02, "steady": 0.1}.get(person["habit"], 0.25))
        for record in self.rng.sample(records, n):
            self._outcome(sid, person, term, record, rules, win, second)

    def _outcome(self, sid, person, term, record, rules, win, second):
        stage = WindowKind.UPLOAD_2 if self.rng.random() < second else WindowKind.UPLOAD_1
        uploaded = self._habitual(person, *win[stage], scale_days=8 if stage is WindowKind.UPLOAD_1 else 3)
        if uploaded > self.as_of:
            return
        outcome_id = self.first_ids["outcomes"] + len(self.rows.outcomes)
        kind, topic = self.rng.choice(cat.OUTCOME_KINDS), self.rng.choice(cat.OUTCOME_TOPICS)
        description = clean_description(f"{record.subject}{kind}：{topic}", rules)
        doc, doc_name, vid, vid_name = self._files_for_item()
        row = {"id": outcome_id, "student_id": sid, "course_record_id": record.id, "academic_year": term.year,
               "semester": term.semester, "description": description, "document_sha256": doc,
               "document_name": doc_name, "video_sha256": vid, "video_name": vid_name,
               "status": OutcomeStatus.UPLOADED.value, "uploaded_at": uploaded, "updated_at": uploaded,
               "sent_at": None, "submitted_at": None,
               "outcome_kind": _marked_kind(outcome_id, kind, record.subject, record.course_code)}
        self.rows.outcomes.append(row)
        cert_open, cert_close = win[WindowKind.CERTIFICATION]
        deadline = win[stage][1]
        if self.rng.random() > 0.93:
            return                                          # never sent for certification
        sent = max(cert_open, uploaded + timedelta(hours=self.rng.expovariate(1 / 20)))
        if sent > min(self.as_of, cert_close):
            return
        row.update(status=OutcomeStatus.PENDING.value, sent_at=sent, updated_at=sent)
        by_proxy = record.proxy_teacher_id and self.rng.random() < 0.3
        certifier = record.proxy_teacher_id if by_proxy else record.teacher_id
        if record.teacher_id in self.late_teachers:
            certified = max(sent, deadline) + timedelta(days=self.rng.uniform(8, 25))
        elif self.rng.random() < 0.55:                      # certifies as outcomes arrive
            certified = min(sent + timedelta(days=self.rng.uniform(0.5, 12)), deadline + timedelta(days=6))
        else:                                               # certifies in the week after the deadline
            certified = max(sent, deadline) + timedelta(days=self.rng.uniform(0.2, 6.5))
        if certified > min(self.as_of, cert_close):
            return
        passed = self.rng.random() < 0.94
        self._certify(row, certifier, certifier != record.teacher_id, passed, certified, record.subject, term)
        if passed or self.rng.random() < 0.4:
            return
        replaced = certified + timedelta(days=self.rng.uniform(0.5, 4))
        if replaced > min(self.as_of, win[WindowKind.UPLOAD_2][1]):
            return
        doc, doc_name, vid, vid_name = self._files_for_item()
        row.update(document_sha256=doc, document_name=doc_name, video_sha256=vid, video_name=vid_name,
                   status=OutcomeStatus.UPLOADED.value, sent_at=None, updated_at=replaced)
        resent = replaced + timedelta(hours=self.rng.uniform(1, 30))
        if resent > min(self.as_of, cert_close):
            return
        row.update(status=OutcomeStatus.PENDING.value, sent_at=resent, updated_at=resent)
        recertified = resent + timedelta(days=self.rng.uniform(0.5, 6))
        if recertified > min(self.as_of, cert_close):
            return
        self._certify(row, certifier, certifier != record.teacher_id, self.rng.random() < 0.95, recertified,
                      record.subject, term)

    def _certify(self, row, teacher_id, as_proxy, passed, at, subject, term):
        reason = None if passed else self.rng.choice(cat.FAIL_REASONS)
        row.update(status=(OutcomeStatus.PASSED if passed else OutcomeStatus.FAILED).value, updated_at=at)
        self.rows.certifications.append({"outcome_id": row["id"], "teacher_id": teacher_id, "as_proxy": as_proxy,
                                         "passed": passed, "reason": reason, "certified_at": at})
        self.rows.notifications.append({
            "student_id": row["student_id"], "kind": "certification",
            "message": certification_notice(subject, term, passed, reason), "item_kind": ItemKind.OUTCOME.value,
            "item_id": row["id"], "created_at": at,
            "read_at": at + timedelta(days=self.rng.uniform(0.1, 5)) if self.rng.random() < 0.7 else None})


# what a demo student says an outcome is, from the kind its description names; one in seven is left unmarked
# (decided by its number, so the demo's random sequence stays as it was)
_KIND_OF = {"書面報告": OutcomeKind.REPORT, "閱讀心得": OutcomeKind.REPORT, "學習單": OutcomeKind.REPORT,
            "實作作品": OutcomeKind.WORK, "專題簡報": OutcomeKind.WORK, "口頭報告錄影": OutcomeKind.WORK}


def _marked_kind(outcome_id: int, kind: str, subject: str, course_code: str) -> str | None:
    inferred = infer_outcome_kind(subject, course_code)
    if inferred is not None:
        return inferred.value
    if outcome_id % 7 == 0:
        return None
    return _KIND_OF.get(kind, OutcomeKind.REPORT).value
