"""Input parsing and output format (RULES §0, §7, §8)."""

import json
from datetime import date
from decimal import Decimal

import pytest

from scoring import (
    Division,
    HoursEntry,
    Person,
    PlanItem,
    ScoringInput,
    Standard,
    YearMonth,
    check_input,
    compute,
    parse_input,
)
from scoring.jsonio import money_str
from scoring.model import ItemStatus, Position
from tests.unit.scoring_cases import score, small_year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("95.5", "95.50"),
        ("0.005", "0.01"),
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("-0.004", "0.00"),
        ("-1.005", "-1.01"),
        ("100", "100.00"),
        ("1E+2", "100.00"),
        ("328.125", "328.13"),
        (None, None),
    ],
)
def test_numbers_are_written_with_two_decimals_rounded_half_up(value, expected):
    """RULES §0/§7: exactly 2 decimals, ROUND_HALF_UP, never -0.00; null where no value exists."""
    assert money_str(None if value is None else Decimal(value)) == expected


def test_numbers_may_be_json_numbers_or_strings():
    """RULES §8: "Numbers may be JSON numbers or strings" — both give the same result, exactly."""
    as_strings = small_year()
    as_strings["rules"] = {"qualifying_ratio": "0.7", "bonus_cap": None}
    as_numbers = json.loads(json.dumps(as_strings))
    as_numbers["rules"] = {"qualifying_ratio": 0.7, "bonus_cap": None}
    for entry in as_numbers["hours"]:
        entry["hours"] = float(entry["hours"])
    as_numbers["mass_evaluation"] = {"GH": 90}
    assert parse_input(as_numbers).rules.qualifying_ratio == Decimal("0.7")
    assert parse_input(as_numbers).rules.bonus_cap is None
    assert score(as_numbers) == score(as_strings)


def test_period_defaults_to_the_whole_year():
    """RULES §0: period.start..period.end, default January..December."""
    data = small_year()
    del data["period"]
    assert [str(m) for m in parse_input(data).months] == [f"2023-{m:02d}" for m in range(1, 13)]


def test_output_lists_every_division_and_person_in_input_order():
    """RULES §6/§7: every input person is listed, in input order, with the division given in the input."""
    out = score(small_year())
    assert [p["id"] for p in out["people"]] == ["D01", "L1", "H1", "V1", "S1", "S2"]
    assert [p["division"] for p in out["people"]] == [None, None, "GH", "GH", "GH", "GH"]
    assert set(out) == {"year", "divisions", "people", "warnings"}


def test_input_built_from_model_types_scores_like_the_json():
    """RULES §7: the portal builds the same structure directly; HoursEntry and plain tuples are equivalent."""
    nov = YearMonth(2023, 11)
    inp = ScoringInput(
        year=2023,
        period_start=nov,
        period_end=nov,
        standards={"科级": Standard(Decimal(0), Decimal(600), Decimal(15), Decimal(10000))},
        divisions=(Division("GH"),),
        people=(Person("S1", Position.STAFF, "GH", "科级"),),
        plan_items=(PlanItem("GH", nov, Decimal(100), ItemStatus.DONE),),
        hours=(HoursEntry("S1", date(2023, 11, 1), Decimal(100)), ("S1", date(2023, 11, 2), Decimal(50))),
        mass_evaluation={"GH": Decimal(90)},
        democratic_evaluation={"S1": Decimal(80)},
    )
    assert check_input(inp) == []
    month = compute(inp).people[0].monthly[nov]
    assert (month.performance_hours, month.qualifying_bonus, month.competitive_bonus) == (
        150,
        600,
        Decimal("402.0"),
    )
