import pytest

from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.errors import InvalidPolicy
from portfolio_lib.domain.policy import Policy

MB = 1024 * 1024


def test_file_limits_rise_from_109_1():
    policy = Policy.default()
    assert policy.rules(Term(108, 2)).file_max_bytes == {"document": 2 * MB, "video": 5 * MB}
    assert policy.rules(Term(109, 1)).file_max_bytes == {"document": 4 * MB, "video": 10 * MB}


def test_the_numbers_of_the_guide():
    rules = Policy.default().rules(Term(113, 1))
    assert rules.description_max_chars == 100
    assert rules.outcome_upload_cap_per_semester == 6
    assert rules.performance_upload_cap_per_year == 20
    assert (rules.outcome_selection_cap_per_year, rules.performance_selection_cap_per_year) == (6, 10)
    assert (rules.application_outcome_picks, rules.application_outcome_pool) == (3, 18)
    assert (rules.application_performance_picks, rules.application_performance_pool) == (10, 30)
    assert rules.quota_bytes == 200 * MB
    assert rules.receipt_check_days == 3
    assert rules.file_types["document"] == ("pdf", "jpg", "png")
    assert rules.file_types["video"] == ("mp3", "mp4")
    assert rules.codes["cadre_level"]["5"] == "校外自治組織團體幹部"
    assert set(rules.codes["flexible_type"]) == {"1", "2", "3", "4", "5"}


def test_a_school_override_holds_from_its_own_term():
    policy = Policy.default().with_overrides({"outcomes": {"upload_cap_per_semester": {"110-1": 9}}})
    assert policy.rules(Term(109, 2)).outcome_upload_cap_per_semester == 6
    assert policy.rules(Term(110, 1)).outcome_upload_cap_per_semester == 9
    assert Policy.default().rules(Term(110, 1)).outcome_upload_cap_per_semester == 6


def test_overrides_arrive_as_json_text_too():
    policy = Policy.default().with_overrides('{"storage": {"quota_bytes": {"112-1": 1000}}}')
    assert policy.rules(Term(112, 1)).quota_bytes == 1000


@pytest.mark.parametrize("overrides", [
    {"outcomes": {"no_such_rule": {"110-1": 1}}},
    {"outcomes": {"upload_cap_per_semester": 9}},
    "{not json",
])
def test_refuses_an_override_it_does_not_understand(overrides):
    with pytest.raises(InvalidPolicy):
        Policy.default().with_overrides(overrides)


def test_a_value_before_its_first_term_is_an_error():
    with pytest.raises(InvalidPolicy):
        Policy.default().rules(Term(100, 1))
