"""Descriptions, category fields, course codes and ID numbers at their boundaries."""

import pytest

from portfolio_lib.domain.calendar import Term
from portfolio_lib.domain.categories import CATEGORIES, validate_fields
from portfolio_lib.domain.course_code import parse_course_code
from portfolio_lib.domain.errors import (
    DescriptionRequired,
    DescriptionTooLong,
    EndBeforeStart,
    ExternalLinkWithoutVideo,
    FileRequired,
    HoursOutOfRange,
    InvalidCode,
    InvalidCourseCode,
    InvalidExternalLink,
    InvalidField,
    MissingField,
    NotWholeNumber,
    UnknownCategory,
    WeeksOutOfRange,
)
from portfolio_lib.domain.identity import is_valid_id_number
from portfolio_lib.domain.model import check_item_files, clean_description
from portfolio_lib.domain.policy import Policy

RULES = Policy.default().rules(Term(113, 1))

VALID = {
    "cadre": {"unit": "吉他社", "start_date": "113/08/01", "end_date": "113/12/31", "position": "社長", "level": "3"},
    "competition": {"name": "科展", "level": "縣市級", "award": "佳作", "result_date": "113/11/01", "team": "1"},
    "certificate": {"name": "全民英檢中級", "type": "1", "obtained_date": "1131015"},
    "service": {"name": "淨灘", "organisation": "協會", "start_date": "113/09/01", "end_date": "113/09/02",
                "hours": 48},
    "flexible": {"type": "1", "name": "自主學習", "periods_per_week": 2, "weeks": 18},
    "group_activity": {"type": "2", "content": "社團活動", "periods": 18},
    "workplace": {"type": "1", "organisation": "公司", "start_date": "113/09/01", "end_date": "113/09/01", "hours": 8},
    "work": {"name": "微電影", "date": "113/10/10"},
    "advanced_course": {"programme": "1", "organiser": "臺灣大學", "course_name": "微積分",
                        "start_date": "113/09/01", "end_date": "113/12/31", "hours": 36, "credits": 2},
    "other": {"name": "科學營", "start_date": "113/07/01", "end_date": "113/07/03"},
}


def test_description_counts_characters_not_bytes():
    assert clean_description("字" * 100, RULES) == "字" * 100
    with pytest.raises(DescriptionTooLong) as err:
        clean_description("字" * 101, RULES)
    assert err.value.facts == {"length": 101, "limit": 100}
    assert "刪減 1 字" in err.value.message


def test_description_is_required():
    for text in ("", "   ", None):
        with pytest.raises(DescriptionRequired):
            clean_description(text, RULES)


def test_every_item_needs_a_file_and_a_link_needs_a_video():
    with pytest.raises(FileRequired):
        check_item_files(False, False, None)
    with pytest.raises(ExternalLinkWithoutVideo):
        check_item_files(True, False, "https://youtu.be/x")
    assert check_item_files(False, True, " https://youtu.be/x ") == "https://youtu.be/x"
    with pytest.raises(InvalidExternalLink):
        check_item_files(False, True, "javascript:alert(1)")


@pytest.mark.parametrize("key", list(CATEGORIES))
def test_each_category_accepts_a_valid_record(key):
    clean = validate_fields(key, VALID[key], RULES)
    assert set(clean) <= {f.name for f in CATEGORIES[key].fields}


def test_dates_are_stored_as_iso_and_codes_by_code():
    clean = validate_fields("competition", VALID["competition"], RULES)
    assert clean["result_date"] == "2024-11-01" and clean["level"] == "2"


def test_end_before_start_is_refused_and_the_same_day_is_one_day():
    with pytest.raises(EndBeforeStart):
        validate_fields("other", {**VALID["other"], "end_date": "113/06/30"}, RULES)
    validate_fields("other", {**VALID["other"], "end_date": "113/07/01"}, RULES)


def test_hours_must_fit_the_dates():
    two_days = {**VALID["service"], "start_date": "113/09/01", "end_date": "113/09/02"}
    assert validate_fields("service", {**two_days, "hours": 48}, RULES)["hours"] == 48
    with pytest.raises(HoursOutOfRange) as err:
        validate_fields("service", {**two_days, "hours": 48.5}, RULES)
    assert err.value.facts["max_hours"] == 48


def test_flexible_learning_weeks_run_1_to_18():
    for weeks in (1, 18):
        validate_fields("flexible", {**VALID["flexible"], "weeks": weeks}, RULES)
    with pytest.raises(WeeksOutOfRange):
        validate_fields("flexible", {**VALID["flexible"], "weeks": 19}, RULES)
    with pytest.raises(NotWholeNumber):
        validate_fields("flexible", {**VALID["flexible"], "weeks": 0}, RULES)


def test_periods_per_week_are_whole():
    with pytest.raises(NotWholeNumber):
        validate_fields("flexible", {**VALID["flexible"], "periods_per_week": "2.5"}, RULES)
    assert validate_fields("flexible", {**VALID["flexible"], "periods_per_week": "3"}, RULES)["periods_per_week"] == 3


def test_codes_come_from_the_code_table():
    with pytest.raises(InvalidCode) as err:
        validate_fields("cadre", {**VALID["cadre"], "level": "7"}, RULES)
    assert "1 校級幹部" in err.value.message


def test_missing_unknown_and_overlong_fields():
    with pytest.raises(MissingField):
        validate_fields("work", {"name": "作品"}, RULES)
    with pytest.raises(InvalidField):
        validate_fields("work", {**VALID["work"], "colour": "red"}, RULES)
    with pytest.raises(InvalidField):
        validate_fields("work", {**VALID["work"], "name": "作" * 101}, RULES)
    with pytest.raises(UnknownCategory):
        validate_fields("sports", {}, RULES)


def test_course_code_is_23_characters():
    code = "113330301H1101011000101"
    assert parse_course_code(code, RULES).domain == "01"
    for bad in (code[:-1], code + "1"):
        with pytest.raises(InvalidCourseCode) as err:
            parse_course_code(bad, RULES)
        assert "23 碼" in err.value.message


def test_course_code_type_and_domain():
    code = "113330301H1101011000101"
    assert parse_course_code(code[:16] + "F" + code[17:], RULES).course_type == "F"
    with pytest.raises(InvalidCourseCode):
        parse_course_code(code[:16] + "G" + code[17:], RULES)
    with pytest.raises(InvalidCourseCode):
        parse_course_code(code[:19] + "X1" + code[21:], RULES)
    assert parse_course_code(code, RULES).domain_label(RULES) == "語文"


def test_id_numbers_carry_a_check_digit():
    assert is_valid_id_number("A123456789")
    assert not is_valid_id_number("A123456788")
    assert not is_valid_id_number("A323456789")
    assert is_valid_id_number("a123456789")


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "inf", "NaN", "sNaN", "1e999999", "1000000000"])
def test_infinite_huge_or_not_a_number_is_refused_with_the_fields_message(value):
    with pytest.raises((NotWholeNumber, InvalidField)) as weeks:
        validate_fields("flexible", {**VALID["flexible"], "weeks": value}, RULES)
    assert weeks.value.facts["label"] == CATEGORIES["flexible"].field("weeks").label
    with pytest.raises(InvalidField) as hours:
        validate_fields("service", {**VALID["service"], "hours": value}, RULES)
    assert hours.value.facts["label"] == CATEGORIES["service"].field("hours").label
    assert validate_fields("flexible", {**VALID["flexible"], "weeks": "18"}, RULES)["weeks"] == 18
