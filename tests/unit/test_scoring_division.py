"""Division monthly score, annual score, ranking and tiers (RULES §2, §3; R-SCO-1, R-SCO-3, R-SCO-4,
R-SCO-8)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from scoring.division import (
    Standing,
    annual_score,
    assign_tiers,
    bonus_and_deduction,
    monthly_score,
    rank_divisions,
    tier_counts,
    to_decimal,
)
from scoring.jsonio import money_str
from scoring.model import Adjustment, AdjustmentKind, ItemStatus, PlanItem, Rules, Tier, YearMonth
from tests.unit.scoring_cases import division, score, small_year

NOV = YearMonth(2023, 11)


def items(*pairs: tuple[str, int]) -> list[PlanItem]:
    return [PlanItem("GH", NOV, Decimal(w), ItemStatus(s)) for s, w in pairs]


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ([("done", 100)], "100"),
        ([("unfinished", 20), ("done", 80)], "90"),
        ([("unfinished_ack", 20), ("done", 80)], "100"),
        ([("unfinished", 30), ("unfinished_ack", 25), ("done", 45)], "85"),
        ([("unfinished", 60), ("unfinished", 40)], "50"),
        ([("unfinished", 15), ("unfinished", 10), ("done", 75)], "87.5"),
    ],
)
def test_unacknowledged_item_loses_half_its_weight(plan, expected):
    """R-SCO-1, RULES §2: S = 100 − 0.5 × Σ weight of unfinished, unacknowledged items."""
    assert monthly_score(items(*plan), Rules()) == Decimal(expected)


@pytest.mark.parametrize(("ratio", "expected"), [("0.5", "90"), ("1", "80"), ("0", "100"), ("0.25", "95")])
def test_unack_deduction_ratio_sets_the_share_of_weight_lost(ratio, expected):
    """R-SCO-1, RULES §2 and §8 (unack_deduction_ratio)."""
    rules = Rules(unack_deduction_ratio=Decimal(ratio))
    assert monthly_score(items(("unfinished", 20), ("done", 80)), rules) == Decimal(expected)


def test_month_without_plan_scores_zero_with_a_warning():
    """R-SCO-1, RULES §2: a period month with no plan scores 0, and a warning names division and month."""
    data = small_year()
    data["plan_items"] = []
    out = score(data)
    assert division(out, "GH")["monthly"] == {"2023-11": "0.00"}
    assert "division GH has no plan for 2023-11: monthly score 0" in out["warnings"]


@pytest.mark.parametrize(
    ("adjustments", "cap", "expected"),
    [
        ([("bonus", "3"), ("bonus", "4")], Decimal(5), ("5", "0")),
        ([("bonus", "3"), ("bonus", "4")], None, ("7", "0")),
        ([("bonus", "3"), ("bonus", "4")], Decimal(10), ("7", "0")),
        ([("bonus", "2"), ("deduction", "1.5"), ("deduction", "1")], Decimal(5), ("2", "2.5")),
        ([("deduction", "8")], Decimal(5), ("0", "8")),
        ([], Decimal(5), ("0", "0")),
    ],
)
def test_bonus_is_capped_and_deductions_are_not(adjustments, cap, expected):
    """R-SCO-2, R-SCO-3, RULES §3 and §8 (bonus_cap): bonus = min(Σ bonus, bonus_cap), null: no cap;
    deduction = Σ deductions."""
    adj = [Adjustment("GH", AdjustmentKind(k), Decimal(p)) for k, p in adjustments]
    bonus, deduction = bonus_and_deduction(adj, Rules(bonus_cap=cap))
    assert (bonus, deduction) == (Decimal(expected[0]), Decimal(expected[1]))


@pytest.mark.parametrize(
    ("monthly", "mass", "bonus", "deduction", "rules", "expected"),
    [
        (["100", "90", "100"], "91.5", "5", "0", Rules(), "100.63"),
        (["85", "100", "100"], "88", "0", "1.5", Rules(), "92.10"),
        (["100", "100", "95"], "93.25", "0", "0", Rules(), "97.32"),
        (["100"], "0", "0", "0", Rules(), "80.00"),
        (["100", "90"], "80", "0", "0", Rules(w_monthly=Decimal("0.5"), w_mass=Decimal("0.5")), "87.50"),
        (["50"], "50", "0", "60", Rules(), "-10.00"),
    ],
)
def test_annual_score_mixes_monthly_mean_and_mass_evaluation(monthly, mass, bonus, deduction, rules, expected):
    """R-SCO-3, RULES §3: annual = w_monthly × mean S + w_mass × mass + bonus − deduction (0.8 / 0.2)."""
    annual = annual_score([Decimal(m) for m in monthly], Decimal(mass), Decimal(bonus), Decimal(deduction), rules)
    assert money_str(to_decimal(annual)) == expected


def test_annual_scores_equal_in_exact_arithmetic_tie_exactly():
    """R-SCO-3, RULES §0/§3: repeating means (290/3 vs 275/3) that give the same annual are a true tie."""
    a = annual_score([Decimal(100), Decimal(90), Decimal(100)], Decimal(70), Decimal(0), Decimal(0), Rules())
    b = annual_score([Decimal(100), Decimal(75), Decimal(100)], Decimal(90), Decimal(0), Decimal(0), Rules())
    assert a == b == Fraction(274, 3)
    assert rank_divisions([Standing("GH", a, Fraction(100)), Standing("YD", b, Fraction(101))]) == [
        "YD",
        "GH",
    ]


@pytest.mark.parametrize(
    ("standings", "expected"),
    [
        ([("GH", 90, 100), ("YD", 91, 50)], ["YD", "GH"]),
        ([("GH", 90, 100), ("YD", 90, 120)], ["YD", "GH"]),
        ([("YD", 90, 100), ("GH", 90, 100)], ["GH", "YD"]),
        ([("C", 80, 1), ("B", 80, 1), ("A", 95, 0)], ["A", "B", "C"]),
    ],
)
def test_ranking_breaks_ties_by_per_capita_hours_then_id(standings, expected):
    """R-SCO-3, RULES §3: annual desc, then per-capita hours desc, then division id asc; no ties."""
    ranked = rank_divisions(Standing(d, Fraction(a), Fraction(h)) for d, a, h in standings)
    assert ranked == expected


@pytest.mark.parametrize(
    ("n", "tier_a", "tier_b", "expected"),
    [
        (8, "0.30", "0.50", (2, 4, 2)),
        (3, "0.30", "0.50", (1, 2, 0)),
        (10, "0.30", "0.50", (3, 5, 2)),
        (5, "0.30", "0.50", (2, 3, 0)),
        (7, "0.30", "0.50", (2, 4, 1)),
        (1, "0.30", "0.50", (0, 1, 0)),
        (0, "0.30", "0.50", (0, 0, 0)),
        (10, "0.50", "0.70", (5, 5, 0)),
        (8, "0.50", "0.25", (4, 2, 2)),
    ],
)
def test_tier_counts_round_half_up_and_shrink_b(n, tier_a, tier_b, expected):
    """R-SCO-8, RULES §3 and §8 (tier_a, tier_b): nA, nB by round_half_up, nC = n − nA − nB, nB shrinks."""
    assert tier_counts(n, Rules(tier_a=Decimal(tier_a), tier_b=Decimal(tier_b))) == expected


RANKED = ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"]


@pytest.mark.parametrize(
    ("vetoed", "expected"),
    [
        (set(), "AABBBBCC"),
        ({"R1"}, "BAABBBCC"),
        ({"R2"}, "ABABBBCC"),
        ({"R8"}, "AABBBBCC"),
        ({"R1", "R2"}, "BBAABBCC"),
        ({"R1", "R2", "R3", "R4", "R5", "R6", "R7"}, "BBBBCCCA"),
        (set(RANKED), "BBBBCCCC"),
    ],
)
def test_vetoed_division_is_never_a_and_slides_to_b_or_c_by_rank(vetoed, expected):
    """R-SCO-4, R-SCO-8, RULES §3: 8 divisions → 2 A / 4 B / 2 C; the first nA non-vetoed are A, the rest
    fill B then C in rank order."""
    tiers = assign_tiers(RANKED, vetoed, Rules())
    assert "".join(tiers[d] for d in RANKED) == expected
    assert not any(tiers[d] is Tier.A for d in vetoed)


def three_divisions() -> dict:
    """GH, YD, BGS with one staff member each; equal annual scores, so per-capita hours orders them."""
    return small_year(
        {"G1": ("GH", "staff", "150"), "Y1": ("YD", "staff", "140"), "B1": ("BGS", "staff", "130")},
        divisions=("GH", "YD", "BGS"),
    )


@pytest.mark.parametrize(
    ("vetoes", "expected"),
    [([], {"GH": "A", "YD": "B", "BGS": "B"}), (["GH"], {"GH": "B", "YD": "A", "BGS": "B"})],
)
def test_veto_moves_the_a_tier_to_the_next_division(vetoes, expected):
    """R-SCO-4, R-SCO-3, RULES §3: equal annual scores rank by per-capita hours; a vetoed division loses A."""
    data = three_divisions()
    data["vetoes"] = vetoes
    out = score(data)
    assert [d["rank"] for d in out["divisions"]] == [1, 2, 3]
    assert {d["id"]: d["tier"] for d in out["divisions"]} == expected
    assert {d["id"]: d["vetoed"] for d in out["divisions"]} == {d: d in vetoes for d in expected}


def test_per_capita_hours_counts_only_assessed_people():
    """R-SCO-3, RULES §3: Σ annual performance hours of the assessed ÷ their number; 0 with nobody
    assessed."""
    data = small_year()
    assert division(score(data), "GH")["per_capita_hours"] == "130.00"  # (130 + 140 + 150 + 100) / 4
    data["exemptions"] = [{"person": "S2", "from": "2023-11-20"}]
    assert division(score(data), "GH")["per_capita_hours"] == "140.00"  # S2 exempted
    data["exemptions"] = [{"person": p, "from": "2023-01-01"} for p in ("H1", "V1", "S1", "S2")]
    assert division(score(data), "GH")["per_capita_hours"] == "0.00"


def test_missing_mass_evaluation_counts_zero_with_a_warning():
    """R-SCO-3, RULES §3: a missing mass evaluation counts 0 (and is written null), with a warning."""
    data = small_year()
    data["mass_evaluation"] = {}
    out = score(data)
    gh = division(out, "GH")
    assert (gh["mass_evaluation"], gh["annual"]) == (None, "80.00")
    assert "division GH has no mass evaluation: counted 0" in out["warnings"]
