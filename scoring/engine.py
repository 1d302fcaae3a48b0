"""One year's scoring from a ScoringInput (RULES §2–§6): the order of the rulebook, one pass per stage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from . import individual, money
from .division import division_results, monthly_scores
from .individual import Candidate, MonthDays, MonthFigures, Scope
from .model import (
    ASSESSABLE,
    Absence,
    AnnualBonus,
    DivisionResult,
    Grade,
    Person,
    PersonAnnual,
    PersonMonth,
    PersonResult,
    Position,
    Rules,
    ScoringInput,
    ScoringResult,
    Standard,
    YearMonth,
)
from .workcalendar import WorkCalendar

ZERO = Decimal(0)
STAFF = Position.STAFF  # enum member lookup is slow on Python 3.11, and this runs once per person-month

CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
"""Arithmetic for every intermediate value; results are rounded half-up only when written (RULES §0)."""


def compute(inp: ScoringInput) -> ScoringResult:
    """Score one year (RULES §2–§6). Pure: the same input always gives the same result.

    The input is expected to have passed ``check_input`` (``parse_input`` does this); a period day without
    calendar data raises ``CalendarDataMissing``.
    """
    with localcontext(CONTEXT):
        return _compute(inp)


def _compute(inp: ScoringInput) -> ScoringResult:
    rules = inp.rules
    months = inp.months
    warnings: list[str] = []
    calendar = WorkCalendar(inp.calendar)
    month_days = [MonthDays(m, m.first_day, m.last_day, calendar.workdays_in(m)) for m in months]
    division_ids = [d.id for d in inp.divisions]

    scores = monthly_scores(inp.plan_items, division_ids, months, rules, warnings)
    performance = individual.performance_hours(
        (("hours", inp.hours), ("extra_time", inp.extra_time)), inp.year, months, warnings
    )
    absences: dict[str, list[Absence]] = defaultdict(list)
    for a in inp.absences:
        absences[a.person].append(a)
    exempt_from: dict[str, date] = {}
    for e in inp.exemptions:
        if e.person not in exempt_from or e.start < exempt_from[e.person]:
            exempt_from[e.person] = e.start

    members: dict[str, _Member] = {}
    hours_of_assessed: dict[str, list[Decimal]] = defaultdict(list)
    for p in inp.people:
        if p.position not in ASSESSABLE:
            continue
        division = _division_of(p)
        standard = _standard(inp.standards, p, warnings)
        own_absences = absences.get(p.id, [])
        scope = Scope(p.joined, p.left, tuple((a.start, a.end) for a in own_absences), exempt_from.get(p.id))
        s = _score_months(p, scope, month_days, performance, scores[division], standard, rules)
        s.reason = individual.not_assessed_reason(own_absences, scope.exempt_from, inp.year, rules)
        members[p.id] = s
        if s.reason is None:
            hours_of_assessed[division].append(s.performance)

    divisions = division_results(
        division_ids,
        scores,
        inp.mass_evaluation,
        inp.adjustments,
        hours_of_assessed,
        inp.vetoes,
        rules,
        warnings,
    )
    _assess(inp, members, divisions, warnings)
    led_by: dict[str, list[str]] = defaultdict(list)
    for d in inp.divisions:
        if d.leader is not None:
            led_by[d.leader].append(d.id)

    people = []
    for p in inp.people:
        if p.position is Position.DIRECTOR:
            people.append(PersonResult(p.id, p.division, p.position))
        elif p.position is Position.LEADER:
            people.append(_leader(inp, p, led_by.get(p.id, []), months, scores, divisions, warnings))
        else:
            people.append(members[p.id].result(p))
    return ScoringResult(
        year=inp.year,
        months=tuple(months),
        divisions=tuple(divisions[d] for d in division_ids),
        people=tuple(people),
        warnings=tuple(warnings),
    )


class _Member:
    """Working state of one head, deputy or staff member while the stages fill it in."""

    __slots__ = (
        "monthly",
        "performance",
        "qualifying",
        "standard",
        "reason",
        "annual",
        "rank",
        "grade",
        "bonus",
    )

    def __init__(
        self,
        monthly: dict[YearMonth, PersonMonth],
        performance: Decimal,
        qualifying: Decimal,
        standard: Standard | None,
    ) -> None:
        self.monthly = monthly
        self.performance = performance
        self.qualifying = qualifying
        self.standard = standard
        self.reason: str | None = None
        self.annual: PersonAnnual | None = None
        self.rank: int | None = None
        self.grade: Grade | None = None
        self.bonus: AnnualBonus | None = None

    def result(self, p: Person) -> PersonResult:
        return PersonResult(
            id=p.id,
            division=p.division,
            position=p.position,
            monthly=self.monthly,
            assessed=self.reason is None,
            not_assessed_reason=self.reason,
            annual=self.annual,
            rank_in_division=self.rank,
            grade=self.grade,
            annual_bonus=self.bonus,
        )


def _division_of(p: Person) -> str:
    if p.division is None:
        raise ValueError(f"{p.position} {p.id} has no division")
    return p.division


def _standard(standards: Mapping[str, Standard], p: Person, warnings: list[str]) -> Standard | None:
    standard = standards.get(p.level)
    if standard is None:
        warnings.append(f"no pay standard for level {p.level!r} of {p.id}: no money computed")
    return standard


def _score_months(
    p: Person,
    scope: Scope,
    month_days: Sequence[MonthDays],
    performance: Mapping[YearMonth, Mapping[str, Decimal]],
    division_scores: Mapping[YearMonth, Decimal],
    standard: Standard | None,
    rules: Rules,
) -> _Member:
    """RULES §4 figures and §6 monthly money of one person for every period month."""
    monthly = {}
    total_p = total_q = ZERO
    position = p.position
    whole = bool(month_days) and scope.covers(month_days[0].first, month_days[-1].last)
    for md in month_days:
        m = md.month
        n = len(md.workdays) if whole else scope.workdays_in(md)
        s = division_scores[m]
        f = individual.month_figures(position, n, performance[m].get(p.id, ZERO), s, rules)
        total_p += f.performance
        total_q += f.qualifying
        monthly[m] = _with_money(f, position, s, standard, rules)
    return _Member(monthly, total_p, total_q, standard)


def _with_money(
    f: MonthFigures, position: Position, division_score: Decimal, standard: Standard | None, rules: Rules
) -> PersonMonth:
    """Monthly money (RULES §6): paid only for months with L > 0; personal parts only when Q > 0; staff get no
    division bonus."""
    org = qual = comp = None
    if standard is not None and f.legal:
        if position is not STAFF:
            org = money.org_bonus(standard, division_score)
        if f.qualifying:
            qual = money.qualifying_bonus(standard, f.performance, f.qualifying)
            comp = money.competitive_bonus(standard, position, f.competitive, rules)
    return PersonMonth(f.legal, f.qualifying, f.performance, f.competitive, f.personal, f.composite, org, qual, comp)


def _assess(
    inp: ScoringInput,
    members: dict[str, _Member],
    divisions: Mapping[str, DivisionResult],
    warnings: list[str],
) -> None:
    """Annual individual assessment, ranking, grades and annual bonus (RULES §5, §6)."""
    rules = inp.rules
    candidates: dict[str, list[Candidate]] = defaultdict(list)
    for p in inp.people:
        s = members.get(p.id)
        if s is None:
            continue
        time = individual.time_score(s.performance, s.qualifying)
        if s.reason is not None:
            s.annual = PersonAnnual(s.performance, s.qualifying, time, None, None)
            continue
        if not s.qualifying:
            warnings.append(f"{p.id} has no working day in scope during the period: time score 0")
        democratic = inp.democratic_evaluation.get(p.id)
        if democratic is None:
            warnings.append(f"{p.id} has no democratic evaluation: counted 0")
            democratic = ZERO
        division = divisions[_division_of(p)]
        personal = individual.personal_annual(time, democratic, rules)
        composite = individual.composite_score(p.position, division.annual, personal, rules)
        s.annual = PersonAnnual(s.performance, s.qualifying, time, personal, composite)
        hand = inp.grades.get(p.id)
        if hand in (Grade.EXCELLENT, Grade.COMPETENT):
            warnings.append(f"grade {hand} set by hand for {p.id} ignored: excellence follows the quota")
        eligible = hand not in (Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT) and not (
            p.position is Position.HEAD and division.vetoed
        )
        candidates[division.id].append(Candidate(p.id, composite, s.performance, eligible))

    for d, people in candidates.items():
        division = divisions[d]
        ranked = individual.rank_in_division(people)
        quota = individual.excellence_quota(len(ranked), division.tier, rules)
        chosen = individual.grades(ranked, quota, inp.grades)
        coefficient = rules.coefficient(division.tier)
        for rank, c in enumerate(ranked, start=1):
            s = members[c.id]
            s.rank = rank
            s.grade = chosen[c.id]
            if s.standard is not None:
                s.bonus = money.annual_bonus(s.standard, coefficient, s.grade)


def _leader(
    inp: ScoringInput,
    p: Person,
    led: Sequence[str],
    months: Sequence[YearMonth],
    scores: Mapping[str, Mapping[YearMonth, Decimal]],
    divisions: Mapping[str, DivisionResult],
    warnings: list[str],
) -> PersonResult:
    """A leader in charge (RULES §6, R-PAY-1, R-PAY-3): every period month the division bonus on the mean S
    of the divisions they lead; the annual bonus on the mean tier coefficient of those divisions and the grade
    given in ``grades`` (default competent)."""
    grade = inp.grades.get(p.id, Grade.COMPETENT)
    standard = _standard(inp.standards, p, warnings)
    if not led:
        warnings.append(f"leader {p.id} leads no division: no division bonus")
    monthly = {}
    for m in months:
        org = None
        if led and standard is not None:
            org = money.org_bonus(standard, money.mean([scores[d][m] for d in led]))
        monthly[m] = PersonMonth(org_bonus=org)
    coefficient = money.mean([inp.rules.coefficient(divisions[d].tier) for d in led]) if led else None
    bonus = money.annual_bonus(standard, coefficient, grade) if standard is not None else None
    return PersonResult(p.id, p.division, p.position, monthly=monthly, grade=grade, annual_bonus=bonus)
