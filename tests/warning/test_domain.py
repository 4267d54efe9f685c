"""The early warning's rules at their boundaries: Moodle's timing score, the model's horizon, the gate, the scores."""

from datetime import datetime, timedelta

import pytest

from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.policy import Policy
from portfolio_lib.domain.warning import (
    FEATURES,
    Deadline,
    Evidence,
    Scores,
    feature_reason,
    gate,
    horizon_for,
    scores,
    timing_class,
    timing_score,
)

CLOSE = datetime(2027, 1, 25, 23, 59, 59)
POLICY = Policy.default().rules(Term(115, 1)).early_warning


@pytest.mark.parametrize("first, expected", [
    (None, "none"),
    (CLOSE + timedelta(seconds=1), "late"),
    (CLOSE, "last_day"),
    (CLOSE - timedelta(hours=24) + timedelta(seconds=1), "last_day"),
    (CLOSE - timedelta(hours=24), "two_days"),
    (CLOSE - timedelta(hours=48) + timedelta(seconds=1), "two_days"),
    (CLOSE - timedelta(hours=48), "early"),
])
def test_timing_is_scored_like_moodles_submit_close_to_due(first, expected):
    assert timing_class(first, CLOSE) == expected
    assert timing_score(first, CLOSE) == {"none": -1, "late": -0.66, "last_day": -0.33, "two_days": 0.5,
                                          "early": 1}[expected]


@pytest.mark.parametrize("days_left, horizon", [(0, 3), (3, 3), (3.01, 7), (7, 7), (7.5, 14), (14, 14),
                                                (14.01, None), (-0.1, None)])
def test_the_model_of_the_nearest_horizon_at_or_beyond_the_days_left_serves(days_left, horizon):
    assert horizon_for(days_left, POLICY.horizons_days) == horizon


def test_the_policy_keeps_moodles_thresholds():
    assert (POLICY.min_f1, POLICY.max_spread, POLICY.min_confidence, POLICY.splits) == (0.7, 0.05, 0.6, 10)
    assert POLICY.horizons_days == (3, 7, 14) and POLICY.no_upload_days == 14 and POLICY.student_nudge is False


def test_a_school_turns_the_nudge_on_from_a_term():
    policy = Policy.default().with_overrides({"early_warning": {"student_nudge": {"115-2": True}}})
    assert policy.rules(Term(115, 1)).early_warning.student_nudge is False
    assert policy.rules(Term(115, 2)).early_warning.student_nudge is True


def test_scores_count_hits_among_the_flagged_and_the_missed():
    s = scores([True, True, False, False, True], [True, False, True, False, True])
    assert (s.flagged, s.hits, s.missed, s.students) == (3, 2, 3, 5)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(2 / 3) and s.f1 == pytest.approx(2 / 3)
    assert scores([False, False], [True, False]).f1 == 0.0


def _scores(f1_hits: int) -> Scores:
    """Scores with `f1_hits` hits of 100 flagged and 100 missed: F1 = hits / 100."""
    return Scores(flagged=100, hits=f1_hits, missed=100, students=400)


@pytest.mark.parametrize("model_hits, spread, passes", [
    (70, 0.05, True),        # F1 exactly 0.70 and spread exactly 0.05: shown
    (69, 0.05, False),       # F1 0.69
    (70, 0.0501, False),     # spread over 0.05
])
def test_the_gate_at_its_thresholds(model_hits, spread, passes):
    evidence = Evidence(finished=3, positives=50, model=_scores(model_hits), rules=_scores(50), spread=spread)
    assert (gate(evidence, POLICY) == []) is passes


def test_a_model_that_only_ties_the_rules_is_not_shown():
    reasons = gate(Evidence(finished=3, positives=50, model=_scores(80), rules=_scores(80), spread=0.01), POLICY)
    assert reasons == ["模型的 F1（0.80）未勝過規則（0.80）"]


def test_no_history_or_too_few_who_missed_means_rules_only():
    assert "歷史資料不足" in gate(Evidence(finished=1, positives=0, model=None, rules=None, spread=None), POLICY)[0]
    assert "太少（9 位" in gate(Evidence(finished=2, positives=9, model=None, rules=None, spread=None), POLICY)[0]
    assert gate(Evidence(finished=2, positives=10, model=None, rules=None, spread=None), POLICY) == []


def test_reasons_read_as_plain_chinese():
    deadline = Deadline.STAGE_1
    facts = {"days_quiet": 45.2, "never_uploaded": False,
             "timing_counts": {"none": 1, "late": 0, "last_day": 2, "two_days": 0, "early": 1},
             "failed": 2, "certified": 5, "missed_selection_year": 114, "class_done": 0.6}
    assert [feature_reason(f, facts, deadline) for f in FEATURES] == [
        "已 45 天沒有上傳任何項目", "過去 4 次學習成果第一階段上傳截止：1 次未上傳、2 次在截止前一日內才上傳",
        "過去認證不通過 2/5 件", "114 學年度勾選期間未勾選任何項目", "班上已有 60% 上傳學習成果"]
    assert feature_reason("days_quiet", {"never_uploaded": True}, deadline) == "從未上傳任何項目"
    quiet = {"timing_counts": {"early": 3}, "failed": 0, "certified": 4, "missed_selection_year": None}
    assert [feature_reason(f, quiet, deadline) for f in FEATURES[1:4]] == [None, None, None]


def test_no_name_or_id_is_a_feature():
    assert set(FEATURES) == {"days_quiet", "timing", "failed_share", "missed_selection", "class_done"}
