"""Individual monthly figures and annual assessment (RULES §4, §5; R-SCO-5, R-SCO-6, R-SCO-7, R-SCO-8,
R-SCP-2, R-SCP-3, R-RUN-7)."""

from datetime import date
from decimal import Decimal

import pytest

from scoring.individual import (
    Candidate,
    MonthDays,
    Scope,
    absence_days,
    excellence_quota,
    grades,
    month_figures,
    not_assessed_reason,
    performance_hours,
    rank_in_division,
)
from scoring.jsonio import money_str
from scoring.model import Absence, AbsenceKind, Grade, Position, Rules, Tier, YearMonth
from scoring.workcalendar import WorkCalendar
from tests.unit.scoring_cases import person, score, small_year

NOV = YearMonth(2023, 11)
D = Decimal


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("position", "days", "hours", "division_score", "expected"),
    [
        ("staff", 22, "150", "100", ("176.00", "123.20", "26.80", "121.75", "121.75")),
        ("staff", 22, "100", "100", ("176.00", "123.20", "0.00", "81.17", "81.17")),
        ("head", 22, "130", "90", ("176.00", "123.20", "6.80", "105.52", "93.10")),
        ("deputy", 22, "140", "90", ("176.00", "123.20", "16.80", "113.64", "108.91")),
        ("head", 19, "127", "100", ("152.00", "106.40", "20.60", "119.36", "103.87")),
        ("staff", 11, "159", "100", ("88.00", "61.60", "97.40", "258.12", "258.12")),
        ("staff", 0, "0", "100", ("0.00", "0.00", "0.00", None, None)),
        ("deputy", 0, "8", "100", ("0.00", "0.00", "8.00", None, None)),
    ],
)
def test_monthly_figures_follow_legal_qualifying_and_competitive_time(position, days, hours, division_score, expected):
    """R-SCO-5, R-SCO-6, RULES §4: L = days × 8, Q = 0.7 × L, C = max(0, P − Q), personal = 100 × P ÷ Q
    (uncapped, null when Q = 0); head 0.8 × S + 0.2 × personal, deputy 0.2 × S + 0.8 × personal."""
    f = month_figures(Position(position), days, D(hours), D(division_score), Rules())
    got = tuple(money_str(x) for x in (f.legal, f.qualifying, f.competitive, f.personal, f.composite))
    assert got == expected


def november() -> MonthDays:
    return MonthDays(NOV, NOV.first_day, NOV.last_day, WorkCalendar().workdays_in(NOV))


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope(), 22),
        (Scope(joined=d("2023-11-13")), 14),
        (Scope(left=d("2023-11-10")), 8),
        (Scope(absences=((d("2023-11-06"), d("2023-11-10")),)), 17),
        (Scope(exempt_from=d("2023-11-15")), 10),
        (Scope(exempt_from=d("2023-11-01")), 0),
        (Scope(joined=d("2023-12-01")), 0),
        (Scope(left=d("2023-10-31")), 0),
        (Scope(joined=d("2023-11-13"), absences=((d("2023-11-20"), d("2023-11-24")),)), 9),
        (Scope(absences=((d("2023-10-25"), d("2023-11-03")),)), 19),
        (Scope(joined=d("2023-11-01"), left=d("2023-11-30"), exempt_from=d("2023-12-01")), 22),
    ],
)
def test_in_scope_working_days_respect_joined_left_absences_and_exemptions(scope, expected):
    """R-SCO-5, R-SCP-2, R-SCP-3, RULES §4: in scope on or after joined, on or before left, outside absences,
    before the exemption; November 2023 has 22 working days."""
    assert scope.workdays_in(november()) == expected


def test_person_joining_mid_month_is_paid_on_the_days_in_scope():
    """R-SCO-5, R-PAY-2, RULES §4/§6: joined 2023-11-13 → 14 working days, L = 112; a month with L = 0 has
    null score and null money."""
    data = small_year()
    data["period"] = {"start": "2023-10", "end": "2023-11"}
    data["plan_items"].append({"division": "GH", "month": "2023-10", "weight": 100, "status": "done"})
    data["people"][-1]["joined"] = "2023-11-13"
    s2 = person(score(data), "S2")
    oct_, nov = s2["monthly"]["2023-10"], s2["monthly"]["2023-11"]
    assert (oct_["legal_hours"], oct_["personal_score"], oct_["composite"]) == ("0.00", None, None)
    assert (oct_["qualifying_bonus"], oct_["competitive_bonus"], oct_["org_bonus"]) == (None, None, None)
    assert (nov["legal_hours"], nov["qualifying_hours"], nov["personal_score"]) == (
        "112.00",
        "78.40",
        "127.55",
    )


def test_hours_and_extra_time_both_count_in_their_month():
    """R-SCO-5, R-RUN-7, RULES §4: P = confirmed log hours + approved extra time dated in the month."""
    data = small_year()
    data["extra_time"] = [{"person": "S1", "date": "2023-11-20", "hours": "6", "reason": "办实事"}]
    assert person(score(data), "S1")["monthly"]["2023-11"]["performance_hours"] == "156.00"


def test_extra_time_outside_the_year_is_ignored_with_a_warning():
    """R-RUN-7, RULES §4: extra time counts only within its own year; entries outside it are ignored."""
    data = small_year()
    data["extra_time"] = [{"person": "S1", "date": "2024-01-05", "hours": "4"}]
    data["hours"].append({"person": "S2", "date": "2022-12-30", "hours": "8"})
    out = score(data)
    assert person(out, "S1")["monthly"]["2023-11"]["performance_hours"] == "150.00"
    assert "extra_time of S1 on 2024-01-05 outside 2023" in out["warnings"]
    assert "hours of S2 on 2022-12-30 outside 2023" in out["warnings"]


def test_entries_of_the_year_outside_the_period_belong_to_no_month():
    """R-SCO-5, RULES §0/§4: a period of November ignores October's hours, without a warning."""
    warnings: list[str] = []
    sums = performance_hours(
        [("hours", [("S1", d("2023-10-31"), D(8)), ("S1", d("2023-11-01"), D("7.5"))])], 2023, [NOV], warnings
    )
    assert sums == {NOV: {"S1": D("7.5")}}
    assert warnings == []


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([("2023-03-01", "2023-03-10")], 10),
        ([("2023-03-01", "2023-03-10"), ("2023-03-05", "2023-03-15")], 15),
        ([("2023-01-01", "2023-01-31"), ("2023-01-10", "2023-01-12")], 31),
        ([("2023-03-01", "2023-03-10"), ("2023-03-11", "2023-03-20")], 20),
        ([("2022-12-20", "2023-01-05")], 5),
        ([("2023-12-25", "2024-02-01")], 7),
        ([("2023-01-01", "2023-03-31")], 90),
        ([("2023-01-01", "2023-04-01")], 91),
    ],
)
def test_absence_days_count_calendar_days_inside_the_year_once(spans, expected):
    """R-SCP-2, RULES §5: calendar days of absences inside the year; overlaps count once."""
    absences = [Absence("S1", AbsenceKind.SICK, d(a), d(b)) for a, b in spans]
    assert absence_days(absences, 2023) == expected


@pytest.mark.parametrize(
    ("absence_end", "exempt_from", "limit", "assessed"),
    [
        ("2023-03-31", None, 90, True),
        ("2023-04-01", None, 90, False),
        ("2023-01-31", None, 30, False),
        ("2023-01-30", None, 30, True),
        (None, "2023-12-31", 90, False),
        (None, "2024-01-01", 90, True),
    ],
)
def test_long_absence_or_exemption_means_not_assessed(absence_end, exempt_from, limit, assessed):
    """R-SCP-2, R-SCP-3, RULES §5 and §8 (absence_limit_days): more than the limit of absence days, or an
    exemption dated on or before the end of the year, means not assessed, with the reason."""
    absences = [Absence("S1", AbsenceKind.TRAINING, d("2023-01-01"), d(absence_end))] if absence_end else []
    exempt = d(exempt_from) if exempt_from else None
    reason = not_assessed_reason(absences, exempt, 2023, Rules(absence_limit_days=limit))
    assert (reason is None) == assessed


def test_not_assessed_person_has_no_rank_grade_or_annual_bonus_but_keeps_monthly_money():
    """R-SCP-2, RULES §5/§6: sick leave of 120 days → not assessed, with the reason; monthly money stays."""
    data = small_year()
    data["absences"] = [{"person": "S2", "kind": "sick", "start": "2023-01-01", "end": "2023-04-30"}]
    s2 = person(score(data), "S2")
    assert s2["assessed"] is False
    assert "120 天" in s2["not_assessed_reason"]
    assert (s2["rank_in_division"], s2["grade"], s2["annual_bonus"]) == (None, None, None)
    assert s2["annual"]["personal"] is None and s2["annual"]["performance_hours"] == "100.00"
    assert s2["monthly"]["2023-11"]["qualifying_bonus"] == "487.01"  # 600 × 100 ÷ 123.2


def test_exempted_person_counts_until_the_exemption_and_is_not_assessed():
    """R-SCP-3, RULES §4/§5: from 2023-11-15 on, out of scope (10 working days before it) and not assessed."""
    data = small_year()
    data["exemptions"] = [{"person": "S2", "from": "2023-11-15"}]
    s2 = person(score(data), "S2")
    assert (s2["assessed"], s2["not_assessed_reason"]) == (False, "自 2023-11-15 起免予考核")
    assert s2["monthly"]["2023-11"]["legal_hours"] == "80.00"


def test_missing_democratic_evaluation_counts_zero_with_a_warning():
    """R-SCO-7, RULES §5: personal_annual = 0.8 × time score + 0.2 × democratic (missing: 0, warned)."""
    data = small_year()
    del data["democratic_evaluation"]["S1"]
    out = score(data)
    assert person(out, "S1")["annual"]["personal"] == "97.40"  # 0.8 × 121.75…
    assert "S1 has no democratic evaluation: counted 0" in out["warnings"]


def test_annual_composite_mixes_division_annual_for_heads_and_deputies():
    """R-SCO-6, R-SCO-7, RULES §5: head 0.8 × annual(d) + 0.2 × personal; deputy 0.2 / 0.8; staff personal.
    GH annual = 0.8 × 100 + 0.2 × 90 = 98."""
    out = score(small_year())
    # H1: time 105.519…, personal 0.8 × 105.519… + 16 = 100.4156; composite 78.4 + 20.0831 = 98.4831
    assert person(out, "H1")["annual"]["composite"] == "98.48"
    # V1: time 113.636…, personal 106.909…; composite 19.6 + 85.527… = 105.13
    assert person(out, "V1")["annual"]["composite"] == "105.13"
    assert person(out, "S1")["annual"]["composite"] == person(out, "S1")["annual"]["personal"] == "113.40"


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ([("A", "90", "100"), ("B", "95", "10")], ["B", "A"]),
        ([("A", "90", "100"), ("B", "90", "120")], ["B", "A"]),
        ([("B", "90", "100"), ("A", "90", "100")], ["A", "B"]),
        ([("C", "80", "1"), ("B", "80", "2"), ("A", "80", "1")], ["B", "A", "C"]),
    ],
)
def test_individual_ranking_breaks_ties_by_performance_hours_then_id(people, expected):
    """R-SCO-7, RULES §5: composite_annual desc, then P_y desc, then person id asc."""
    ranked = rank_in_division(Candidate(p, D(c), D(h), True) for p, c, h in people)
    assert [c.id for c in ranked] == expected


@pytest.mark.parametrize(
    ("n", "tier", "rules", "expected"),
    [
        (5, Tier.A, Rules(), 4),
        (4, Tier.B, Rules(), 2),
        (3, Tier.B, Rules(), 2),
        (5, Tier.C, Rules(), 1),
        (2, Tier.C, Rules(), 0),
        (10, Tier.A, Rules(), 7),
        (10, Tier.A, Rules(quota_a=D("0.9")), 9),
        (10, Tier.B, Rules(quota_b=D("0.25")), 3),
        (10, Tier.C, Rules(quota_c=D("0.45")), 5),
    ],
)
def test_excellence_quota_follows_the_division_tier(n, tier, rules, expected):
    """R-SCO-8, RULES §5 and §8 (quota_a/b/c): q = round_half_up(n × 0.70 / 0.50 / 0.20)."""
    assert excellence_quota(n, tier, rules) == expected


@pytest.mark.parametrize(
    ("ineligible", "by_hand", "quota", "expected"),
    [
        (set(), {}, 2, "EECC"),
        ({"A"}, {}, 2, "CEEC"),
        ({"B"}, {"B": Grade.BASICALLY_COMPETENT}, 2, "EBEC"),
        (set(), {"D": Grade.INCOMPETENT}, 2, "EECI"),
        ({"D"}, {"D": Grade.INCOMPETENT}, 4, "EEEI"),
        (set(), {}, 0, "CCCC"),
    ],
)
def test_excellence_goes_to_the_first_eligible_people_in_rank_order(ineligible, by_hand, quota, expected):
    """R-SCO-4, R-SCO-8, RULES §5: first q eligible are excellent; hand-set basically_competent/incompetent
    stay; others competent."""
    ranked = [Candidate(p, D(100 - i), D(0), p not in ineligible) for i, p in enumerate("ABCD")]
    letters = {
        Grade.EXCELLENT: "E",
        Grade.COMPETENT: "C",
        Grade.BASICALLY_COMPETENT: "B",
        Grade.INCOMPETENT: "I",
    }
    got = grades(ranked, quota, by_hand)
    assert "".join(letters[got[p]] for p in "ABCD") == expected


@pytest.mark.parametrize(
    ("vetoes", "expected"),
    [
        ([], {"S1": "excellent", "H1": "excellent", "V1": "competent", "S2": "competent"}),
        (["GH"], {"S1": "excellent", "H1": "competent", "V1": "excellent", "S2": "competent"}),
    ],
)
def test_head_of_a_vetoed_division_cannot_be_excellent(vetoes, expected):
    """R-SCO-4, R-SCO-8, RULES §5: one division → tier B, quota round_half_up(4 × 0.5) = 2; ranking
    S1 > H1 > V1 > S2; with the veto H1 is passed over and V1 takes the place."""
    data = small_year()
    data["hours"][0]["hours"] = "200"  # H1
    data["vetoes"] = vetoes
    out = score(data)
    assert [person(out, p)["rank_in_division"] for p in ("S1", "H1", "V1", "S2")] == [1, 2, 3, 4]
    assert {p: person(out, p)["grade"] for p in expected} == expected


def test_hand_set_grade_blocks_excellence_and_is_kept():
    """R-SCO-8, RULES §5: a person graded basically_competent by hand is not eligible and keeps that grade;
    a hand-set excellent is ignored with a warning. Ranking S1 > V1 > H1 > S2, quota 2: V1 and H1."""
    data = small_year()
    data["grades"] = {"S1": "basically_competent", "S2": "excellent"}
    out = score(data)
    grades_ = {p: person(out, p)["grade"] for p in ("H1", "V1", "S1", "S2")}
    assert grades_ == {"H1": "excellent", "V1": "excellent", "S1": "basically_competent", "S2": "competent"}
    assert person(out, "S1")["annual_bonus"]["amount"] == "0.00"
    assert "grade excellent set by hand for S2 ignored: excellence follows the quota" in out["warnings"]
