"""Early warning (預警): the deadlines a student can miss, how past timing is scored, how a warning model is judged
(precision, recall, F1 and the gate it must pass to be shown), and every reason in the words staff read.

The design follows Moodle's analytics (../shared/beyond.md §1): rules that need no history first; a model only where
a school's own past terms train it and a later term shows it beats the rules and meets thresholds kept in policy."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .model import WindowKind
from .policy import EarlyWarning


class Deadline(StrEnum):
    """A deadline a student can miss: an upload stage of a term, the year's 多元表現 window, the selection window."""

    STAGE_1 = "1"
    STAGE_2 = "2"
    PERFORMANCE = "performance"
    SELECTION = "selection"

    @property
    def window(self) -> WindowKind:
        return {Deadline.STAGE_1: WindowKind.UPLOAD_1, Deadline.STAGE_2: WindowKind.UPLOAD_2,
                Deadline.PERFORMANCE: WindowKind.PERFORMANCE_UPLOAD, Deadline.SELECTION: WindowKind.SELECTION}[self]

    @property
    def yearly(self) -> bool:
        return self in (Deadline.PERFORMANCE, Deadline.SELECTION)

    @property
    def label(self) -> str:
        return {Deadline.STAGE_1: "學習成果第一階段上傳", Deadline.STAGE_2: "學習成果第二階段上傳",
                Deadline.PERFORMANCE: "多元表現上傳", Deadline.SELECTION: "勾選"}[self]

    @property
    def done(self) -> str:
        """What a student does to meet it, as a verb phrase (班上已有 60% {done})."""
        return {Deadline.STAGE_1: "上傳學習成果", Deadline.STAGE_2: "上傳學習成果",
                Deadline.PERFORMANCE: "上傳多元表現", Deadline.SELECTION: "勾選"}[self]

    @property
    def nothing(self) -> str:
        """The rule's words for a student who has done nothing toward it yet."""
        return {Deadline.STAGE_1: "本學期尚未上傳學習成果", Deadline.STAGE_2: "本學期尚未上傳學習成果",
                Deadline.PERFORMANCE: "本學年尚未上傳多元表現", Deadline.SELECTION: "尚未勾選任何項目"}[self]

    @classmethod
    def parse(cls, text: str) -> "Deadline":
        return cls(str(text).strip().lower())


# Moodle's `submit_close_to_due`: each past deadline scores the student's first action against its close
TIMING_SCORES = {"none": -1.0, "late": -0.66, "last_day": -0.33, "two_days": 0.5, "early": 1.0}
TIMING_WORDS = {"none": "未{verb}", "late": "截止後才{verb}", "last_day": "在截止前一日內才{verb}",
                "two_days": "在截止前兩日內{verb}", "early": "提早{verb}"}


def timing_class(first: datetime | None, close: datetime) -> str:
    """How a first action stood against a close: none, late, last_day (within 24 h), two_days (24–48 h), early."""
    if first is None:
        return "none"
    if first > close:
        return "late"
    if first > close - timedelta(hours=24):
        return "last_day"
    if first > close - timedelta(hours=48):
        return "two_days"
    return "early"


def timing_score(first: datetime | None, close: datetime) -> float:
    return TIMING_SCORES[timing_class(first, close)]


# The model's features, few and explainable; no name or national ID is ever one of them.
FEATURES = ("days_quiet", "timing", "failed_share", "missed_selection", "class_done")
FEATURE_LABELS = {"days_quiet": "距上次上傳天數", "timing": "過去截止前的時間（Moodle 計分）",
                  "failed_share": "過去認證不通過比率", "missed_selection": "上次勾選期間未勾選",
                  "class_done": "班上已完成比率"}
QUIET_CAP_DAYS = 365          # a student who never uploaded counts as this many days quiet


def feature_reason(feature: str, facts: dict, deadline: Deadline) -> str | None:
    """One feature's reason in plain Chinese from the student's own facts, or None when it says nothing."""
    if feature == "days_quiet":
        days = facts.get("days_quiet")
        if facts.get("never_uploaded"):
            return "從未上傳任何項目"
        return f"已 {int(days)} 天沒有上傳任何項目" if days is not None else None
    if feature == "timing":
        counts = facts.get("timing_counts") or {}
        total = sum(counts.values())
        if not total:
            return None
        verb = "勾選" if deadline is Deadline.SELECTION else "上傳"
        parts = [f"{n} 次" + TIMING_WORDS[kind].format(verb=verb)
                 for kind in ("none", "late", "last_day", "two_days") if (n := counts.get(kind, 0))]
        if not parts:
            return None
        return f"過去 {total} 次{deadline.label}截止：" + "、".join(parts)
    if feature == "failed_share":
        failed, certified = facts.get("failed", 0), facts.get("certified", 0)
        return f"過去認證不通過 {failed}/{certified} 件" if failed else None
    if feature == "missed_selection":
        year = facts.get("missed_selection_year")
        return f"{year} 學年度勾選期間未勾選任何項目" if year is not None else None
    if feature == "class_done":
        share = facts.get("class_done")
        return f"班上已有 {share:.0%} {deadline.done}" if share is not None else None
    raise ValueError(feature)


@dataclass(frozen=True)
class Scores:
    """How a warning did against what happened: of `flagged` students, `hits` missed; `missed` missed in all."""

    flagged: int
    hits: int
    missed: int
    students: int

    @property
    def precision(self) -> float:
        return self.hits / self.flagged if self.flagged else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.missed if self.missed else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def scores(flagged, missed) -> Scores:
    """Scores of a warning from two equal-length sequences of booleans (flagged, actually missed)."""
    pairs = list(zip(flagged, missed, strict=True))
    return Scores(flagged=sum(bool(f) for f, _ in pairs), hits=sum(bool(f) and bool(m) for f, m in pairs),
                  missed=sum(bool(m) for _, m in pairs), students=len(pairs))


@dataclass(frozen=True)
class Evidence:
    """What a model showed before it may be used: on the last finished deadline (trained on earlier ones) against the
    rules on the same students, the spread of F1 over repeated splits, and how much history it learned from."""

    finished: int               # finished deadlines of its kind with data
    positives: int              # students who missed, in the deadlines it trained on
    model: Scores | None
    rules: Scores | None
    spread: float | None        # standard deviation of F1 over the repeated splits


def gate(evidence: Evidence, policy: EarlyWarning) -> list[str]:
    """Why the model may not be shown, in words counselors read; an empty list lets it be shown (with no scores yet:
    lets it be trained)."""
    if evidence.finished < 2:
        return [f"歷史資料不足：需要至少兩個已結束的同類截止（訓練一個、檢驗一個），目前 {evidence.finished} 個"]
    if evidence.positives < policy.min_positives:
        return [f"過去錯過截止的學生太少（{evidence.positives} 位，至少 {policy.min_positives} 位），無法訓練模型"]
    reasons = []
    model, rules = evidence.model, evidence.rules
    if model is None or rules is None:
        return reasons                        # enough history: the model may now be trained and judged
    if model.f1 < policy.min_f1:
        reasons.append(f"模型的 F1 為 {model.f1:.2f}，未達門檻 {policy.min_f1:.2f}")
    if model.f1 <= rules.f1:
        reasons.append(f"模型的 F1（{model.f1:.2f}）未勝過規則（{rules.f1:.2f}）")
    if evidence.spread is None or math.isnan(evidence.spread) or evidence.spread > policy.max_spread:
        spread = "無法計算" if evidence.spread is None or math.isnan(evidence.spread) else f"{evidence.spread:.3f}"
        reasons.append(f"重複切分的 F1 標準差 {spread}，超過 {policy.max_spread:.2f}（資料不夠穩定）")
    return reasons


def horizon_for(days_left: float, horizons: tuple[int, ...]) -> int | None:
    """The model's horizon for a moment `days_left` days before a close: the nearest horizon at or beyond it (a model
    trained at 7 days serves from 7 days out until the next, 3); None further out than the largest."""
    fitting = [h for h in sorted(horizons) if h >= days_left]
    return fitting[0] if fitting and days_left >= 0 else None
