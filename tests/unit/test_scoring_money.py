"""Bonuses (RULES §6; R-PAY-1, R-PAY-2, R-PAY-3)."""

from decimal import Decimal

import pytest

from scoring.jsonio import money_str
from scoring.model import Grade, Position, Rules, Standard
from scoring.money import annual_bonus, competitive_bonus, org_bonus, qualifying_bonus
from tests.unit.scoring_cases import STANDARDS, person, score, small_year

D = Decimal


def standard(level: str) -> Standard:
    return Standard(*(D(STANDARDS[level][k]) for k in Standard.__dataclass_fields__))


@pytest.mark.parametrize(
    ("level", "s", "expected"),
    [
        ("处级", "100", "1000.00"),
        ("处级", "90", "900.00"),
        ("副处级", "85", "680.00"),
        ("副局级", "92.5", "1387.50"),
    ],
)
def test_division_bonus_is_paid_in_proportion_to_the_monthly_score(level, s, expected):
    """R-PAY-1, RULES §6: org_monthly × S ÷ 100, in full at 100 points."""
    assert money_str(org_bonus(standard(level), D(s))) == expected


@pytest.mark.parametrize(
    ("p", "q", "expected"),
    [
        ("150", "123.2", "600.00"),
        ("123.2", "123.2", "600.00"),
        ("100", "123.2", "487.01"),
        ("0", "123.2", "0.00"),
    ],
)
def test_qualifying_bonus_is_full_at_the_bar_and_proportional_below(p, q, expected):
    """R-PAY-2, RULES §6: personal_monthly × min(1, P ÷ Q)."""
    assert money_str(qualifying_bonus(standard("科级"), D(p), D(q))) == expected


@pytest.mark.parametrize(
    ("position", "level", "c", "cap", "expected"),
    [
        ("head", "处级", "20.6", None, "0.00"),
        ("deputy", "副处级", "16.8", None, "336.00"),
        ("staff", "科级", "26.8", None, "402.00"),
        ("staff", "科级", "26.8", "10", "150.00"),
        ("staff", "科级", "6", "10", "90.00"),
        ("deputy", "副处级", "0", "10", "0.00"),
    ],
)
def test_competitive_bonus_pays_hours_above_the_bar_except_for_heads(position, level, c, cap, expected):
    """R-PAY-2, RULES §6 and §8 (competitive_cap_hours): rate × min(C, cap); heads take no competitive
    part."""
    rules = Rules(competitive_cap_hours=D(cap) if cap else None)
    assert money_str(competitive_bonus(standard(level), Position(position), D(c), rules)) == expected


@pytest.mark.parametrize(
    ("level", "coefficient", "grade", "expected"),
    [
        ("科级", "1.2", Grade.EXCELLENT, "14400.00"),
        ("科级", "1.0", Grade.COMPETENT, "10000.00"),
        ("处级", "0.8", Grade.COMPETENT, "12000.00"),
        ("副处级", "1.2", Grade.EXCELLENT, "17280.00"),
        ("科级", "1.2", Grade.BASICALLY_COMPETENT, "0.00"),
        ("科级", "1.0", Grade.INCOMPETENT, "0.00"),
        ("副局级", "1.1", Grade.EXCELLENT, "26400.00"),
    ],
)
def test_annual_bonus_is_base_times_division_and_personal_coefficients(level, coefficient, grade, expected):
    """R-PAY-3, RULES §6: annual_base × division coefficient × personal coefficient (1.2 / 1.0 / 0 / 0)."""
    assert money_str(annual_bonus(standard(level), D(coefficient), grade).amount) == expected


def leaders_year() -> dict:
    """GH and YD led by L1, BGS by L2; YD left an unacknowledged item of weight 30 (S = 85)."""
    data = small_year(
        {"G1": ("GH", "staff", "150"), "Y1": ("YD", "staff", "140"), "B1": ("BGS", "staff", "130")},
        divisions=("GH", "YD", "BGS"),
    )
    data["people"].append({"id": "L2", "division": None, "position": "leader", "level": "副局级"})
    data["divisions"][2]["leader"] = "L2"
    data["plan_items"][1:2] = [
        {"division": "YD", "month": "2023-11", "weight": 70, "status": "done"},
        {"division": "YD", "month": "2023-11", "weight": 30, "status": "unfinished"},
    ]
    return data


@pytest.mark.parametrize(("grade", "amount"), [(None, "22000.00"), ("excellent", "26400.00")])
def test_leader_in_charge_of_several_divisions_takes_their_means(grade, amount):
    """R-PAY-1, R-PAY-3, RULES §6: a leader's monthly division bonus uses the mean S of their divisions
    (100, 85 → 92.5) and the annual bonus the mean tier coefficient (A 1.2, B 1.0 → 1.10); grade from
    input."""
    data = leaders_year()
    if grade:
        data["grades"] = {"L1": grade}
    out = score(data)
    l1 = person(out, "L1")
    assert l1["monthly"] == {"2023-11": {"org_bonus": "1387.50"}}
    assert l1["annual_bonus"] == {
        "division_coefficient": "1.10",
        "personal_coefficient": "1.20" if grade else "1.00",
        "amount": amount,
    }
    assert l1["grade"] == (grade or "competent")
    assert person(out, "L2")["annual_bonus"]["division_coefficient"] == "1.00"


def test_director_is_listed_but_not_paid():
    """R-PAY-1, RULES §6: every input person is listed; the director is not paid here."""
    assert person(score(small_year()), "D01") == {"id": "D01", "division": None, "position": "director"}


def test_staff_get_no_division_bonus_and_heads_no_competitive_part():
    """R-PAY-1, R-PAY-2, RULES §6: division bonus only for leaders, heads and deputies; heads C paid 0."""
    out = score(small_year())
    s1, h1, v1 = (person(out, p)["monthly"]["2023-11"] for p in ("S1", "H1", "V1"))
    assert (s1["org_bonus"], s1["qualifying_bonus"], s1["competitive_bonus"]) == (None, "600.00", "402.00")
    assert (h1["org_bonus"], h1["competitive_hours"], h1["competitive_bonus"]) == ("1000.00", "6.80", "0.00")
    assert (v1["org_bonus"], v1["competitive_bonus"]) == ("800.00", "336.00")
