"""Read models for the result screens and notices (issue 4 §4): plain rows out of a stored snapshot, filtered by
what the viewer may see (R-SEC-1). Each function runs a fixed number of queries, whatever the bureau's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN

from models import (
    Division,
    DivisionMonthScore,
    DivisionYearResult,
    Person,
    PersonMonthResult,
    PersonYearResult,
    ScoreSnapshot,
)
from services.access import Scope

GRADE_LABELS = {"excellent": "优秀", "competent": "称职", "basically_competent": "基本称职", "incompetent": "不称职"}
POSITION_LABELS = {
    "director": "局长",
    "leader": "分管领导",
    "head": "处室负责人",
    "deputy": "处室副职",
    "staff": "工作人员",
}


@dataclass(frozen=True)
class MonthScoreRow:
    division_id: int
    division: str
    month: int
    score: Decimal
    deductions: list[dict]


@dataclass(frozen=True)
class RankingRow:
    rank: int
    division_id: int
    division: str
    category: str
    monthly_avg: Decimal
    mass_evaluation: Decimal
    bonus: Decimal
    deduction: Decimal
    annual: Decimal
    per_capita_hours: Decimal
    tier: str
    vetoed: bool
    tie_break: str = ""


@dataclass(frozen=True)
class PersonYearRow:
    person_id: int
    code: str
    name: str
    division: str
    position: str
    assessed: bool | None
    not_assessed_reason: str | None
    performance_hours: Decimal | None
    time_score: Decimal | None
    composite: Decimal | None
    rank_in_division: int | None
    grade: str | None
    annual_bonus: Decimal | None


@dataclass(frozen=True)
class PersonDetail:
    year: PersonYearRow
    months: list[PersonMonthResult] = field(default_factory=list)


def _division_filter(query, column, scope: Scope):
    if scope.divisions is not None:
        query = query.where(column.in_(list(scope.divisions) or [0]))
    return query


def month_scores(snapshot: ScoreSnapshot, scope: Scope) -> list[MonthScoreRow]:
    """Every division's S(d, m) with the items that lost points (RULES §2)."""
    query = (
        DivisionMonthScore.select(DivisionMonthScore, Division)
        .join(Division)
        .where(DivisionMonthScore.snapshot == snapshot)
        .order_by(DivisionMonthScore.month, Division.sort_order, Division.id)
    )
    query = _division_filter(query, DivisionMonthScore.division, scope)
    return [MonthScoreRow(r.division_id, r.division.name, r.month, r.score, r.deductions or []) for r in query]


def ranking(snapshot: ScoreSnapshot, scope: Scope) -> list[RankingRow]:
    """The annual ranking (RULES §3) with the tie-break that decided each tied pair spelled out."""
    query = (
        DivisionYearResult.select(DivisionYearResult, Division)
        .join(Division)
        .where(DivisionYearResult.snapshot == snapshot)
        .order_by(DivisionYearResult.rank)
    )
    rows = list(query)
    result = []
    for i, r in enumerate(rows):
        note = ""
        neighbours = [rows[j] for j in (i - 1, i + 1) if 0 <= j < len(rows)]
        if any(n.annual == r.annual for n in neighbours):
            same_hours = any(n.annual == r.annual and n.per_capita_hours == r.per_capita_hours for n in neighbours)
            note = "同分，按处室编号" if same_hours else "同分，按人均绩效时间"
        if scope.allows_division(r.division_id):
            result.append(
                RankingRow(
                    r.rank,
                    r.division_id,
                    r.division.name,
                    r.division.category,
                    r.monthly_avg,
                    r.mass_evaluation,
                    r.bonus,
                    r.deduction,
                    r.annual,
                    r.per_capita_hours,
                    r.tier,
                    r.vetoed,
                    note,
                )
            )
    return result


def _person_rows(query) -> list[PersonYearRow]:
    return [
        PersonYearRow(
            r.person_id,
            r.person.code,
            r.person.name,
            r.division.name if r.division_id else "局领导",
            r.person.position,
            r.assessed,
            r.not_assessed_reason,
            r.performance_hours,
            r.time_score,
            r.composite,
            r.rank_in_division,
            r.grade,
            r.annual_bonus,
        )
        for r in query
    ]


def people(snapshot: ScoreSnapshot, scope: Scope, division_id: int | None = None) -> list[PersonYearRow]:
    """Each visible person's annual figures, by division and rank (RULES §5)."""
    query = (
        PersonYearResult.select(PersonYearResult, Person, Division)
        .join(Person)
        .switch(PersonYearResult)
        .join(Division, join_type=JOIN.LEFT_OUTER)
        .where(PersonYearResult.snapshot == snapshot)
        .order_by(Division.sort_order, PersonYearResult.division, PersonYearResult.rank_in_division, Person.code)
    )
    if division_id is not None:
        query = query.where(PersonYearResult.division == division_id)
    if scope.own_only:
        query = query.where(PersonYearResult.person == scope.person_id)
    elif scope.divisions is not None:
        query = query.where(
            PersonYearResult.division.in_(list(scope.divisions) or [0]) | (PersonYearResult.person == scope.person_id)
        )
    return _person_rows(query)


def person_detail(snapshot: ScoreSnapshot, person: Person) -> PersonDetail | None:
    query = (
        PersonYearResult.select(PersonYearResult, Person, Division)
        .join(Person)
        .switch(PersonYearResult)
        .join(Division, join_type=JOIN.LEFT_OUTER)
        .where(PersonYearResult.snapshot == snapshot, PersonYearResult.person == person)
    )
    rows = _person_rows(query)
    if not rows:
        return None
    months = list(
        PersonMonthResult.select()
        .where(PersonMonthResult.snapshot == snapshot, PersonMonthResult.person == person)
        .order_by(PersonMonthResult.month)
    )
    return PersonDetail(rows[0], months)
