"""Properties that hold for every year (RULES §2, §3, §5, §6; R-SCO-1, R-SCO-4, R-SCO-8, R-PAY-1..3)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import compute, parse_input, result_to_dict
from scoring.division import tier_counts
from scoring.individual import excellence_quota
from scoring.model import Grade, Position, ScoringResult, Tier
from tests.unit.scoring_cases import LEVEL, STANDARDS

MONTHS = ["2023-10", "2023-11", "2023-12"]
STATUSES = ["done", "done", "unfinished_ack", "unfinished"]


def decimals(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.decimals(lo, hi, places=2, allow_nan=False, allow_infinity=False).map(str)


@st.composite
def plans(draw, division: str, month: str) -> list[dict]:
    """Items whose integer weights sum to exactly 100."""
    cuts = sorted(draw(st.sets(st.integers(1, 99), max_size=5)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return [
        {"division": division, "month": month, "weight": w, "status": draw(st.sampled_from(STATUSES))} for w in weights
    ]


@st.composite
def years(draw) -> dict:
    """A random small bureau over October–December 2023 (or part of it)."""
    start = draw(st.integers(0, 2))
    end = draw(st.integers(start, 2))
    months = MONTHS[start : end + 1]
    n_div = draw(st.integers(1, 7))
    division_ids = [f"D{i}" for i in range(n_div)]
    people: list[dict] = [{"id": "L1", "division": None, "position": "leader", "level": "副局级"}]
    hours, absences, exemptions = [], [], []
    grades: dict[str, str] = {}
    for d in division_ids:
        positions = ["head", *draw(st.lists(st.sampled_from(["deputy", "staff"]), max_size=4))]
        for k, position in enumerate(positions):
            pid = f"{d}P{k}"
            joined = draw(st.sampled_from(["2015-01-01", "2023-10-16", "2023-11-20"]))
            people.append({"id": pid, "division": d, "position": position, "level": LEVEL[position], "joined": joined})
            for month in months:
                hours.append({"person": pid, "date": f"{month}-09", "hours": draw(decimals(0, 250))})
            if draw(st.integers(0, 5)) == 0:
                absences.append(
                    {
                        "person": pid,
                        "kind": "sick",
                        "start": "2023-03-01",
                        "end": draw(st.sampled_from(["2023-03-20", "2023-06-30", "2023-11-10"])),
                    }
                )
            if draw(st.integers(0, 8)) == 0:
                exemptions.append({"person": pid, "from": "2023-11-15"})
            if draw(st.integers(0, 6)) == 0:
                grades[pid] = draw(st.sampled_from(["basically_competent", "incompetent"]))
    plan_items = [item for d in division_ids for m in months if draw(st.integers(0, 9)) for item in draw(plans(d, m))]
    tier_a = draw(st.sampled_from(["0.30", "0", "0.5", "0.7"]))
    # the tier shares leave C a share that is not negative (RULES §8, scoring.check_rules)
    tier_b = draw(st.sampled_from([b for b in ("0.50", "0", "0.4", "0.3") if Decimal(tier_a) + Decimal(b) <= 1]))
    return {
        "year": 2023,
        "period": {"start": months[0], "end": months[-1]},
        "rules": {
            "tier_a": tier_a,
            "tier_b": tier_b,
            "competitive_cap_hours": draw(st.sampled_from([None, "10"])),
        },
        "standards": STANDARDS,
        "divisions": [{"id": d, "leader": "L1"} for d in division_ids],
        "people": people,
        "plan_items": plan_items,
        "hours": hours,
        "absences": absences,
        "exemptions": exemptions,
        "mass_evaluation": {d: draw(decimals(0, 100)) for d in division_ids},
        "democratic_evaluation": {p["id"]: draw(decimals(0, 100)) for p in people[1:]},
        "adjustments": [
            {
                "division": d,
                "kind": draw(st.sampled_from(["bonus", "deduction"])),
                "points": draw(decimals(0, 6)),
            }
            for d in division_ids
            if draw(st.booleans())
        ],
        "vetoes": draw(st.lists(st.sampled_from(division_ids), unique=True, max_size=n_div)),
        "grades": grades,
    }


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def scored(data: dict) -> ScoringResult:
    return compute(parse_input(data))


@PROPERTY
@given(years())
def test_division_score_never_exceeds_100_before_bonuses(data):
    """R-SCO-1, R-SCO-3, RULES §2/§3: 0 ≤ S ≤ 100, and annual − bonus + deduction ≤ 100 (mass ≤ 100)."""
    for d in scored(data).divisions:
        assert all(Decimal(0) <= s <= 100 for s in d.monthly.values())
        assert d.monthly_avg <= 100
        assert d.annual - d.bonus + d.deduction <= 100 + Decimal("1e-20")


@PROPERTY
@given(years())
def test_tier_counts_follow_the_quotas_and_a_vetoed_division_is_never_a(data):
    """R-SCO-4, R-SCO-8, RULES §3: #A = min(nA, non-vetoed), #B = min(nB, rest), the others C; ranks 1..n."""
    result = scored(data)
    inp = parse_input(data)
    n = len(result.divisions)
    n_a, n_b, _ = tier_counts(n, inp.rules)
    tiers = [d.tier for d in result.divisions]
    free = sum(1 for d in result.divisions if not d.vetoed)
    assert tiers.count(Tier.A) == min(n_a, free)
    assert tiers.count(Tier.B) == min(n_b, n - tiers.count(Tier.A))
    assert not any(d.vetoed and d.tier is Tier.A for d in result.divisions)
    assert sorted(d.rank for d in result.divisions) == list(range(1, n + 1))


@PROPERTY
@given(years())
def test_excellence_never_exceeds_the_quota_nor_reaches_the_ineligible(data):
    """R-SCO-4, R-SCO-8, RULES §5: excellent ≤ q per division; never a hand-graded person or a vetoed head."""
    result = scored(data)
    inp = parse_input(data)
    tier = {d.id: d.tier for d in result.divisions}
    vetoed = {d.id for d in result.divisions if d.vetoed}
    for d in tier:
        members = [p for p in result.people if p.division == d and p.assessed]
        excellent = [p for p in members if p.grade is Grade.EXCELLENT]
        assert len(excellent) <= excellence_quota(len(members), tier[d], inp.rules)
        for p in excellent:
            assert p.id not in inp.grades
            assert not (p.position is Position.HEAD and d in vetoed)


@PROPERTY
@given(years())
def test_money_is_never_negative(data):
    """R-PAY-1, R-PAY-2, R-PAY-3, RULES §6: every bonus is ≥ 0 (or absent)."""
    for p in scored(data).people:
        amounts = [p.annual_bonus.amount if p.annual_bonus else None]
        for m in (p.monthly or {}).values():
            amounts += [m.org_bonus, m.qualifying_bonus, m.competitive_bonus]
        assert all(a is None or a >= 0 for a in amounts)


@PROPERTY
@given(years())
def test_recomputing_is_stable(data):
    """RULES §7: pure — the same input gives the identical result and the identical JSON."""
    first, second = scored(data), scored(data)
    assert first == second
    assert result_to_dict(first) == result_to_dict(second)
