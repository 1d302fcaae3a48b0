"""Division scores: monthly score, annual score, ranking and tiers (RULES §2, §3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .model import Adjustment, AdjustmentKind, DivisionResult, ItemStatus, PlanItem, Rules, Tier, YearMonth

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def round_half_up(x: Decimal) -> int:
    """Nearest integer, .5 up (RULES §0)."""
    return int(x.to_integral_value(rounding=ROUND_HALF_UP))


def exact(x: Decimal) -> Fraction:
    return Fraction(x)


def to_decimal(x: Fraction) -> Decimal:
    """The Decimal nearest to an exact fraction, at the context's precision."""
    return Decimal(x.numerator) / Decimal(x.denominator)


def monthly_score(items: Iterable[PlanItem], rules: Rules) -> Decimal:
    """Monthly score S(d, m) of one division (RULES §2, R-SCO-1).

    100 standard points; every item left ``unfinished`` without the director's acknowledgement loses
    ``unack_deduction_ratio`` (default 0.5) of its weight. Done and acknowledged items lose nothing.
    """
    unacknowledged = sum((i.weight for i in items if i.status is ItemStatus.UNFINISHED), ZERO)
    return HUNDRED - rules.unack_deduction_ratio * unacknowledged


def monthly_scores(
    plan_items: Iterable[PlanItem],
    division_ids: Sequence[str],
    months: Sequence[YearMonth],
    rules: Rules,
    warnings: list[str],
) -> dict[str, dict[YearMonth, Decimal]]:
    """S(d, m) for every division and period month (RULES §2).

    A period month with no plan for a division scores 0, with a warning naming division and month.
    """
    by_key: dict[tuple[str, YearMonth], list[PlanItem]] = defaultdict(list)
    for item in plan_items:
        by_key[item.division, item.month].append(item)
    out: dict[str, dict[YearMonth, Decimal]] = {}
    for d in division_ids:
        row = out[d] = {}
        for m in months:
            items = by_key.get((d, m))
            if items is None:
                warnings.append(f"division {d} has no plan for {m}: monthly score 0")
                row[m] = ZERO
            else:
                row[m] = monthly_score(items, rules)
    return out


def bonus_and_deduction(adjustments: Iterable[Adjustment], rules: Rules) -> tuple[Decimal, Decimal]:
    """Year-end points of one division (RULES §3, R-SCO-2).

    bonus = min(Σ approved bonus points, ``bonus_cap``) (no cap when the cap is null);
    deduction = Σ approved deduction points.
    """
    bonus = sum((a.points for a in adjustments if a.kind is AdjustmentKind.BONUS), ZERO)
    deduction = sum((a.points for a in adjustments if a.kind is AdjustmentKind.DEDUCTION), ZERO)
    if rules.bonus_cap is not None:
        bonus = min(bonus, rules.bonus_cap)
    return bonus, deduction


def annual_score(
    monthly: Sequence[Decimal], mass: Decimal, bonus: Decimal, deduction: Decimal, rules: Rules
) -> Fraction:
    """Annual score of a division, exact (RULES §3, R-SCO-3).

    annual = w_monthly × mean of S(d, m) over the period months + w_mass × mass evaluation
    + bonus − deduction.
    Kept as an exact fraction so that ranking never turns on the last digit of a repeating decimal.
    """
    avg = exact(sum(monthly, ZERO)) / len(monthly) if monthly else Fraction(0)
    return exact(rules.w_monthly) * avg + exact(rules.w_mass) * exact(mass) + exact(bonus) - exact(deduction)


def tier_counts(n: int, rules: Rules) -> tuple[int, int, int]:
    """Slots of the forced distribution (RULES §3, R-SCO-8).

    nA = round_half_up(n × tier_a), nB = round_half_up(n × tier_b), nC = n − nA − nB; when nC would be
    negative, nB shrinks (and nA never exceeds n). 8 divisions → 2 / 4 / 2.
    """
    n_a = min(n, round_half_up(n * rules.tier_a))
    n_b = min(n - n_a, round_half_up(n * rules.tier_b))
    return n_a, n_b, n - n_a - n_b


def assign_tiers(ranked: Sequence[str], vetoed: frozenset[str] | set[str], rules: Rules) -> dict[str, Tier]:
    """Tiers by rank with the one-vote veto (RULES §3, R-SCO-4, R-SCO-8).

    Walking the ranking, the first nA divisions that are not vetoed get A; all remaining divisions, in rank
    order, fill the nB slots of B, then C. A vetoed division is therefore never A; it takes B or C by its
    rank.
    """
    n_a, n_b, _ = tier_counts(len(ranked), rules)
    tiers: dict[str, Tier] = {}
    for d in ranked:
        if len(tiers) < n_a and d not in vetoed:
            tiers[d] = Tier.A
    b_left = n_b
    for d in ranked:
        if d in tiers:
            continue
        if b_left > 0:
            tiers[d] = Tier.B
            b_left -= 1
        else:
            tiers[d] = Tier.C
    return tiers


@dataclass(frozen=True, slots=True)
class Standing:
    """What the division ranking looks at (RULES §3)."""

    id: str
    annual: Fraction
    per_capita_hours: Fraction


def rank_divisions(standings: Iterable[Standing]) -> list[str]:
    """Division ranking (RULES §3, R-SCO-3): annual desc, then per-capita hours desc, then id asc; no ties."""
    return [s.id for s in sorted(standings, key=lambda s: (-s.annual, -s.per_capita_hours, s.id))]


def division_results(
    division_ids: Sequence[str],
    monthly: Mapping[str, Mapping[YearMonth, Decimal]],
    mass_evaluation: Mapping[str, Decimal],
    adjustments: Iterable[Adjustment],
    hours_of_assessed: Mapping[str, Sequence[Decimal]],
    vetoes: frozenset[str],
    rules: Rules,
    warnings: list[str],
) -> dict[str, DivisionResult]:
    """Annual scores, ranks and tiers of all divisions (RULES §3).

    ``hours_of_assessed[d]`` lists the annual performance hours P_y of the division's assessed people;
    per-capita hours is their mean (0 if none). A missing mass evaluation counts 0, with a warning.
    """
    by_division: dict[str, list[Adjustment]] = defaultdict(list)
    for a in adjustments:
        by_division[a.division].append(a)
    standings = []
    parts: dict[str, tuple[Decimal, Decimal | None, Decimal, Decimal, Fraction, Fraction]] = {}
    for d in division_ids:
        scores = list(monthly[d].values())
        mass = mass_evaluation.get(d)
        if mass is None:
            warnings.append(f"division {d} has no mass evaluation: counted 0")
        bonus, deduction = bonus_and_deduction(by_division.get(d, ()), rules)
        annual = annual_score(scores, mass if mass is not None else ZERO, bonus, deduction, rules)
        hours = hours_of_assessed.get(d, ())
        per_capita = exact(sum(hours, ZERO)) / len(hours) if hours else Fraction(0)
        avg = sum(scores, ZERO) / len(scores) if scores else ZERO
        parts[d] = (avg, mass, bonus, deduction, annual, per_capita)
        standings.append(Standing(d, annual, per_capita))
    ranked = rank_divisions(standings)
    tiers = assign_tiers(ranked, vetoes, rules)
    out = {}
    for rank, d in enumerate(ranked, start=1):
        avg, mass, bonus, deduction, annual, per_capita = parts[d]
        out[d] = DivisionResult(
            id=d,
            monthly=dict(monthly[d]),
            monthly_avg=avg,
            mass_evaluation=mass,
            bonus=bonus,
            deduction=deduction,
            annual=to_decimal(annual),
            per_capita_hours=to_decimal(per_capita),
            rank=rank,
            tier=tiers[d],
            vetoed=d in vetoes,
        )
    return out
