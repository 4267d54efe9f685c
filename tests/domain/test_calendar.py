from datetime import date

import pytest

from portfolio_lib.domain.calendar import Term, academic_year_bounds, academic_year_of, format_roc_date, parse_roc_date
from portfolio_lib.domain.errors import InvalidRocDate, InvalidTerm


@pytest.mark.parametrize("text", ["108/08/01", "1080801", "108.08.01", "108-08-01", " 108 / 8 / 1 "])
def test_parses_every_roc_date_form(text):
    assert parse_roc_date(text) == date(2019, 8, 1)


def test_parses_two_digit_years():
    assert parse_roc_date("99/12/31") == date(2010, 12, 31)
    assert parse_roc_date("991231") == date(2010, 12, 31)


@pytest.mark.parametrize("text", ["108/02/30", "2019-08-01", "108/13/01", "abc", "", "10808011"])
def test_refuses_what_is_not_an_roc_date(text):
    with pytest.raises(InvalidRocDate) as err:
        parse_roc_date(text)
    assert "民國日期" in err.value.message


def test_formats_roc_dates_with_three_digit_years():
    assert format_roc_date(date(2019, 8, 1)) == "108/08/01"
    assert format_roc_date(date(2010, 1, 2)) == "099/01/02"


def test_academic_year_turns_on_the_first_of_august():
    assert academic_year_of(date(2020, 7, 31)) == 108
    assert academic_year_of(date(2020, 8, 1)) == 109
    assert academic_year_bounds(108) == (date(2019, 8, 1), date(2020, 7, 31))


def test_semester_one_runs_august_to_january():
    assert Term.of(date(2020, 1, 31)) == Term(108, 1)
    assert Term.of(date(2020, 2, 1)) == Term(108, 2)
    assert Term.of(date(2020, 7, 31)) == Term(108, 2)
    assert Term.of(date(2020, 8, 1)) == Term(109, 1)


def test_terms_order_and_step():
    assert Term(108, 2) < Term(109, 1)
    assert Term(108, 2).next() == Term(109, 1)
    assert Term(109, 1).previous() == Term(108, 2)
    assert Term.parse("1091") == Term.parse("109-1") == Term(109, 1)
    assert Term(109, 1).label == "109學年度第1學期"


def test_refuses_a_third_semester():
    with pytest.raises(InvalidTerm):
        Term(109, 3)
    with pytest.raises(InvalidTerm):
        Term.parse("109-3")


def test_a_moment_is_a_date_with_an_optional_time_and_a_closing_date_alone_lasts_the_whole_day():
    from datetime import datetime

    from portfolio_lib.domain.calendar import parse_roc_moment
    from portfolio_lib.domain.errors import InvalidRocTime
    assert parse_roc_moment("115/01/25") == datetime(2026, 1, 25, 0, 0)
    assert parse_roc_moment("115/01/25 08:30") == datetime(2026, 1, 25, 8, 30)
    assert parse_roc_moment("1150125 23:59:30") == datetime(2026, 1, 25, 23, 59, 30)
    closes = parse_roc_moment("115/01/25", end_of_day_if_no_time=True)
    assert closes == datetime(2026, 1, 25, 23, 59, 59, 999999)
    assert datetime(2026, 1, 25, 23, 59, 59, 900000) <= closes < datetime(2026, 1, 26)
    with pytest.raises(InvalidRocTime, match="25:00"):
        parse_roc_moment("115/01/25 25:00")
