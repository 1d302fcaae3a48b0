"""The working-day calendar (RULES §1; R-CAL-1, R-SCO-5)."""

from datetime import date

import pytest

from scoring import CalendarDataMissing, InputError, WorkCalendar, parse_input
from scoring.model import CalendarOverrides, YearMonth
from tests.unit.scoring_cases import person, score, small_year


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2023-10-02", False),  # National Day
        ("2023-10-07", True),  # Saturday, adjusted working day (调休上班)
        ("2023-10-09", True),  # ordinary Monday
        ("2023-10-14", False),  # ordinary Saturday
        ("2023-09-29", False),  # Mid-Autumn Festival, a Friday
        ("2024-02-04", True),  # Sunday before the Spring Festival, adjusted working day
    ],
)
def test_built_in_schedule_knows_holidays_and_adjusted_working_days(day, working):
    """R-CAL-1, RULES §1: Monday–Friday minus statutory holidays, plus adjusted working weekend days."""
    assert WorkCalendar().is_workday(date.fromisoformat(day)) is working


@pytest.mark.parametrize(("month", "days"), [((2023, 10), 19), ((2023, 11), 22), ((2023, 12), 21), ((2023, 2), 20)])
def test_month_working_days(month, days):
    """R-CAL-1, R-SCO-5, RULES §1/§4: October 2023 has 19 working days (legal 152 h), November 22."""
    assert len(WorkCalendar().workdays_in(YearMonth(*month))) == days


def test_overrides_win_over_the_built_in_schedule():
    """R-CAL-1, RULES §1: calendar.workdays forces working, calendar.holidays forces non-working."""
    cal = WorkCalendar(
        CalendarOverrides(workdays=frozenset({date(2023, 10, 2)}), holidays=frozenset({date(2023, 10, 9)}))
    )
    assert cal.is_workday(date(2023, 10, 2)) is True
    assert cal.is_workday(date(2023, 10, 9)) is False


def test_a_day_outside_the_data_is_an_error_never_a_guess():
    """R-CAL-1, RULES §1: a day the package data does not cover raises, unless overridden."""
    with pytest.raises(CalendarDataMissing):
        WorkCalendar().is_workday(date(2099, 1, 5))
    cal = WorkCalendar(CalendarOverrides(workdays=frozenset({date(2099, 1, 5)}), holidays=frozenset()))
    assert cal.is_workday(date(2099, 1, 5)) is True


def year_2099(overridden: int) -> dict:
    """small_year moved to November 2099, with the first ``overridden`` days given by the office."""
    data = small_year()
    data["year"] = 2099
    data["period"] = {"start": "2099-11", "end": "2099-11"}
    for item in data["plan_items"]:
        item["month"] = "2099-11"
    for entry in data["hours"]:
        entry["date"] = "2099-11-02"
    days = [date(2099, 11, d) for d in range(1, 31)][:overridden]
    data["calendar"] = {
        "workdays": [d.isoformat() for d in days if d.weekday() < 5],
        "holidays": [d.isoformat() for d in days if d.weekday() >= 5],
    }
    return data


def test_period_outside_the_data_must_be_overridden_day_by_day():
    """R-CAL-1, RULES §1: a period in a year without data is an input error, one line for the year."""
    with pytest.raises(InputError) as err:
        parse_input(year_2099(overridden=10))
    assert err.value.problems == [
        "calendar：2099 年不在内置节假日数据范围内，考核期内有 20 天（2099-11-11..2099-11-30）"
        "未在 calendar.workdays / calendar.holidays 中给出"
    ]


def test_period_fully_overridden_scores_normally():
    """R-CAL-1, RULES §1: with every day given by the office, a year beyond the data scores (21 weekdays)."""
    out = score(year_2099(overridden=30))
    assert person(out, "S1")["monthly"]["2099-11"]["legal_hours"] == "168.00"


def test_a_day_both_working_and_non_working_is_an_input_error():
    """R-CAL-1, RULES §1: contradictory overrides are rejected."""
    data = small_year()
    data["calendar"] = {"workdays": ["2023-11-04"], "holidays": ["2023-11-04"]}
    with pytest.raises(InputError) as err:
        parse_input(data)
    assert err.value.problems == ["calendar：2023-11-04 同时出现在 workdays 和 holidays 中"]
