"""Every rule parameter of RULES §8 is honoured when given, and its default applies when not
(R-SCO-1, R-SCO-3, R-SCO-5..8, R-PAY-1..3, R-SCP-2), on the worked example."""

from decimal import Decimal

import pytest

from scoring.model import Rules
from tests.unit.scoring_cases import at, score

PARAMETERS = [
    # base rules, parameter, new value, result path, value at the default, value with the parameter
    ({}, "daily_hours", "7", ("people", "P01", "monthly", "2023-10", "legal_hours"), "152.00", "133.00"),
    (
        {},
        "qualifying_ratio",
        "0.8",
        ("people", "P01", "monthly", "2023-10", "qualifying_hours"),
        "106.40",
        "121.60",
    ),
    ({}, "unack_deduction_ratio", "1", ("divisions", "GH", "monthly", "2023-11"), "90.00", "80.00"),
    ({}, "head_org", "0.5", ("people", "P01", "monthly", "2023-10", "composite"), "103.87", "109.68"),
    ({}, "deputy_org", "0.5", ("people", "P02", "monthly", "2023-10", "composite"), "109.47", "105.92"),
    ({}, "bonus_cap", None, ("divisions", "GH", "bonus"), "5.00", "7.00"),
    ({}, "bonus_cap", "6", ("divisions", "GH", "bonus"), "5.00", "6.00"),
    ({}, "w_monthly", "1", ("divisions", "GH", "annual"), "100.63", "119.97"),
    ({}, "w_mass", "0", ("divisions", "GH", "annual"), "100.63", "82.33"),
    ({}, "absence_limit_days", "5", ("people", "P05", "assessed"), True, False),
    ({}, "w_time", "1", ("people", "P05", "annual", "personal"), "127.54", "154.88"),
    ({}, "w_democratic", "0", ("people", "P05", "annual", "personal"), "127.54", "109.34"),
    ({}, "tier_a", "0", ("divisions", "GH", "tier"), "A", "B"),
    ({}, "tier_b", "0", ("divisions", "BGS", "tier"), "B", "C"),
    ({}, "quota_a", "1", ("people", "P01", "grade"), "competent", "excellent"),
    ({}, "quota_b", "0", ("people", "P08", "grade"), "excellent", "competent"),
    ({"tier_b": "0"}, "quota_c", "0", ("people", "P11", "grade"), "excellent", "competent"),
    ({}, "coef_a", "1.5", ("people", "P01", "annual_bonus", "amount"), "18000.00", "22500.00"),
    ({}, "coef_b", "2", ("people", "P06", "annual_bonus", "division_coefficient"), "1.00", "2.00"),
    (
        {"tier_b": "0"},
        "coef_c",
        "0.5",
        ("people", "P10", "annual_bonus", "division_coefficient"),
        "0.80",
        "0.50",
    ),
    (
        {},
        "competitive_cap_hours",
        "10",
        ("people", "P03", "monthly", "2023-12", "competitive_bonus"),
        "381.00",
        "150.00",
    ),
]


def test_every_rule_parameter_has_a_case():
    """RULES §8: the table below names every parameter."""
    assert {row[1] for row in PARAMETERS} == set(Rules.__dataclass_fields__)


@pytest.mark.parametrize(
    ("base", "name", "value", "path", "default", "changed"),
    PARAMETERS,
    ids=[f"{r[1]}={r[2]}" for r in PARAMETERS],
)
def test_rule_parameter_is_honoured_and_defaults_otherwise(basic_input, base, name, value, path, default, changed):
    """RULES §8: the default gives the rulebook's value; the parameter changes it as hand-computed."""
    basic_input["rules"] = dict(base)
    assert at(score(basic_input), path) == default
    basic_input["rules"][name] = value
    assert at(score(basic_input), path) == changed


def test_rules_default_to_the_rulebook():
    """RULES §8: the defaults of the table."""
    r = Rules()
    assert (r.daily_hours, r.qualifying_ratio, r.unack_deduction_ratio) == (
        8,
        Decimal("0.70"),
        Decimal("0.5"),
    )
    assert (r.head_org, r.deputy_org, r.bonus_cap, r.competitive_cap_hours) == (
        Decimal("0.8"),
        Decimal("0.2"),
        5,
        None,
    )
    assert (r.w_monthly, r.w_mass, r.w_time, r.w_democratic) == (
        Decimal("0.8"),
        Decimal("0.2"),
        Decimal("0.8"),
        Decimal("0.2"),
    )
    assert (r.tier_a, r.tier_b, r.absence_limit_days) == (Decimal("0.30"), Decimal("0.50"), 90)
    assert (r.quota_a, r.quota_b, r.quota_c) == (Decimal("0.70"), Decimal("0.50"), Decimal("0.20"))
    assert (r.coef_a, r.coef_b, r.coef_c) == (Decimal("1.2"), Decimal("1.0"), Decimal("0.8"))


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"qualifying_ratio": "1.5"}, "rules.qualifying_ratio"),
        ({"unack_deduction_ratio": "2"}, "rules.unack_deduction_ratio"),
        ({"quota_a": "1.01"}, "rules.quota_a"),
        ({"tier_a": "0.6", "tier_b": "0.5"}, "rules.tier_a、rules.tier_b"),
        ({"coef_a": "30"}, "rules.coef_a"),
        ({"daily_hours": "25"}, "rules.daily_hours"),
        ({"absence_limit_days": "400"}, "rules.absence_limit_days"),
        ({"bonus_cap": "1000"}, "rules.bonus_cap"),
    ],
)
def test_r_sco_8_rule_parameters_out_of_range_are_refused_naming_the_parameter(overrides, named):
    """RULES §8 (R-SCO-8, R-PAY-3): shares in 0..1 whose tiers add up, coefficients in 0..3, a day of at most 24 h;
    `parse_rules` is the one check the scoring input, the what-if form and the year's rules share."""
    from scoring import InputError, parse_rules

    with pytest.raises(InputError) as refused:
        parse_rules(overrides)
    assert any(problem.startswith(named + "：") for problem in refused.value.problems)


def test_r_sco_8_rule_parameters_at_their_bounds_are_accepted():
    from scoring import parse_rules

    rules = parse_rules({"tier_a": "0.5", "tier_b": "0.5", "quota_a": "1", "coef_a": "3", "daily_hours": "24"})
    assert (rules.tier_a, rules.coef_a) == (Decimal("0.5"), Decimal(3))
