"""Bonuses in yuan (RULES §6, R-PAY-1..3)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .model import AnnualBonus, Grade, Position, Rules, Standard

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
HEAD = Position.HEAD  # enum member lookup is slow on Python 3.11, and this runs once per person-month

PERSONAL_COEFFICIENT = {
    Grade.EXCELLENT: Decimal("1.2"),
    Grade.COMPETENT: Decimal("1.0"),
    Grade.BASICALLY_COMPETENT: ZERO,
    Grade.INCOMPETENT: ZERO,
}
"""Personal coefficient by grade (RULES §6, R-PAY-3); basically competent and incompetent: no annual bonus."""


def mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values)


def org_bonus(standard: Standard, division_score: Decimal) -> Decimal:
    """Monthly division bonus (组织绩效考核兑现奖, RULES §6, R-PAY-1) = org_monthly × S ÷ 100:
    paid in full at 100 points, in proportion otherwise. A leader in charge passes the mean S of their
    divisions."""
    return standard.org_monthly * division_score / HUNDRED


def qualifying_bonus(standard: Standard, performance: Decimal, qualifying: Decimal) -> Decimal:
    """Qualifying part of the monthly personal bonus (RULES §6, R-PAY-2) = personal_monthly × min(1, P ÷ Q),
    for months with Q > 0."""
    return standard.personal_monthly * min(ONE, performance / qualifying)


def competitive_bonus(standard: Standard, position: Position, competitive: Decimal, rules: Rules) -> Decimal:
    """Competitive part of the monthly personal bonus (RULES §6, R-PAY-2) = competitive_rate ×
    min(C, competitive_cap_hours) for deputies and staff (no cap by default); heads take no competitive
    part."""
    if position is HEAD:
        return ZERO
    hours = competitive if rules.competitive_cap_hours is None else min(competitive, rules.competitive_cap_hours)
    return standard.competitive_rate * hours


def annual_bonus(standard: Standard, division_coefficient: Decimal | None, grade: Grade) -> AnnualBonus:
    """Annual bonus = annual_base × division coefficient × personal coefficient (RULES §6, R-PAY-3).

    The division coefficient comes from the tier (A coef_a 1.2, B coef_b 1.0, C coef_c 0.8); a leader in
    charge takes the mean over their divisions. ``None`` (a leader who leads no division) gives no amount.
    """
    personal = PERSONAL_COEFFICIENT[grade]
    amount = None if division_coefficient is None else standard.annual_base * division_coefficient * personal
    return AnnualBonus(division_coefficient, personal, amount)
