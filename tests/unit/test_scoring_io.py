"""Input parsing and output format (RULES §0, §7, §8)."""

import json
from decimal import Decimal

import pytest

from scoring import parse_input
from scoring.jsonio import money_str
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
