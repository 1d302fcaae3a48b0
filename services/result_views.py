"""Read models for the result screens and notices (issue 4 §4): plain rows out of a stored snapshot, filtered by
what the viewer may see (R-SEC-1). Each function runs a fixed number of queries, whatever the bureau's size."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

import peewee as pw
from peewee import JOIN

from models import (
    AssessmentYear,
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
    division_id: int | None = None
    qualifying_hours: Decimal | None = None
    personal: Decimal | None = None
    division_coefficient: Decimal | None = None
    personal_coefficient: Decimal | None = None


@dataclass(frozen=True)
class PersonDetail:
    year: PersonYearRow
    months: list[PersonMonthResult] = field(default_factory=list)
    division_scores: dict[int, Decimal] = field(default_factory=dict)  # S(d, m) of the person's division

    @property
    def monthly_money(self) -> Decimal:
        """Σ of the monthly division, qualifying and competitive bonuses (RULES §6)."""
        return sum(
            (v for m in self.months for v in (m.org_bonus, m.qualifying_bonus, m.competitive_bonus) if v is not None),
            Decimal(0),
        )

    @property
    def total_money(self) -> Decimal:
        return self.monthly_money + (self.year.annual_bonus or Decimal(0))


@dataclass(frozen=True)
class SnapshotInfo:
    """One stored run of the rules, without its (possibly long) warnings: for the year/version picker."""

    id: int
    year: int
    version: int
    created_at: dt.datetime
    created_by: str | None
    reason: str
    current: bool
    locked: bool


@dataclass(frozen=True)
class Selection:
    """What the result screens show: the chosen snapshot (current by default), its year's versions, all years."""

    snapshot: ScoreSnapshot | None
    info: SnapshotInfo | None
    years: list[int]
    versions: list[SnapshotInfo]
    year: int | None = None
    default_id: int | None = None  # what is shown without ?version=: the approved snapshot, else the latest

    @property
    def official(self) -> SnapshotInfo | None:
        """The party-group-approved version of the year in force (R-SCO-3), if any."""
        return next((i for i in self.versions if i.locked), None)

    @property
    def candidate(self) -> SnapshotInfo | None:
        """The latest recompute while it awaits the party group's approval (待审定)."""
        official = self.official
        latest = next((i for i in self.versions if i.current), None)
        if latest is None or latest.locked or (official is not None and official.version > latest.version):
            return None
        return latest


@dataclass(frozen=True)
class ResultWarning:
    """A warning of the rules (RULES §2–§6), tied to the division and person it names, so scope can filter it.

    `kind` is one of WARNING_PATTERNS' keys or "other"; `text` is the rule engine's own sentence."""

    kind: str
    text: str
    division_id: int | None = None
    division: str | None = None
    person_id: int | None = None
    person: str | None = None
    person_division_id: int | None = None
    month: int | None = None
    detail: str | None = None


@dataclass(frozen=True)
class MonthRow:
    """One division's line of the division × month table."""

    division_id: int
    division: str
    scores: dict[int, Decimal]
    deductions: dict[int, list[dict]]
    no_plan: frozenset[int]

    @property
    def average(self) -> Decimal | None:
        if not self.scores:
            return None
        return (sum(self.scores.values(), Decimal(0)) / len(self.scores)).quantize(Decimal("0.01"))


def _division_filter(query, column, scope: Scope):
    if scope.divisions is not None:
        query = query.where(column.in_(list(scope.divisions) or [0]))
    return query


def month_scores(snapshot: ScoreSnapshot, scope: Scope) -> list[MonthScoreRow]:
    """Every division's S(d, m) with the items that lost points (RULES §2)."""
    query = (
        DivisionMonthScore.select(
            DivisionMonthScore.division,
            Division.name,
            DivisionMonthScore.month,
            DivisionMonthScore.score,
            DivisionMonthScore.deductions,
        )
        .join(Division)
        .where(DivisionMonthScore.snapshot == snapshot)
        .order_by(DivisionMonthScore.month, Division.sort_order, Division.id)
    )
    query = _division_filter(query, DivisionMonthScore.division, scope)
    # plain tuples, not model instances: a city year has 400 divisions × 12 months of them (issue 10 item 7)
    return [MonthScoreRow(d, name, m, score, deductions or []) for d, name, m, score, deductions in query.tuples()]


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


def month_table(
    snapshot: ScoreSnapshot, scope: Scope, warnings: list[ResultWarning] | None = None
) -> tuple[list[int], list[MonthRow]]:
    """The visible divisions' S(d, m) as a division × month table; months without a plan are marked (RULES §2)."""
    no_plan: dict[int, set[int]] = {}
    for w in warnings or []:
        if w.kind == "no_plan" and w.division_id is not None and w.month is not None:
            no_plan.setdefault(w.division_id, set()).add(w.month)
    months: set[int] = set()
    rows: dict[int, MonthRow] = {}
    for r in month_scores(snapshot, scope):
        months.add(r.month)
        row = rows.get(r.division_id)
        if row is None:
            row = rows[r.division_id] = MonthRow(
                r.division_id, r.division, {}, {}, frozenset(no_plan.get(r.division_id, ()))
            )
        row.scores[r.month] = r.score
        if r.deductions:
            row.deductions[r.month] = r.deductions
    return sorted(months), list(rows.values())


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
            r.division_id,
            r.qualifying_hours,
            r.personal,
            r.division_coefficient,
            r.personal_coefficient,
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
    return _person_rows(people_in_scope(query, scope, division_id))


def people_in_scope(query: pw.ModelSelect, scope: Scope, division_id: int | None = None) -> pw.ModelSelect:
    """A query of `PersonYearResult` rows narrowed to one division (if given) and to what `scope` may read: only
    one's own row, or one's divisions' rows and one's own."""
    if division_id is not None:
        query = query.where(PersonYearResult.division == division_id)
    if scope.own_only:
        return query.where(PersonYearResult.person == scope.person_id)
    if scope.divisions is not None:
        return query.where(
            PersonYearResult.division.in_(list(scope.divisions) or [0]) | (PersonYearResult.person == scope.person_id)
        )
    return query


def person_detail(snapshot: ScoreSnapshot, person: Person) -> PersonDetail | None:
    """One person's annual and monthly figures (RULES §4–§6), with their division's monthly scores beside them.
    Three queries; the caller checks the viewer may see this person (R-SEC-1)."""
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
    division_scores = {}
    if rows[0].division_id is not None:
        division_scores = dict(
            DivisionMonthScore.select(DivisionMonthScore.month, DivisionMonthScore.score)
            .where(DivisionMonthScore.snapshot == snapshot, DivisionMonthScore.division == rows[0].division_id)
            .tuples()
        )
    return PersonDetail(rows[0], months, division_scores)


def select_snapshot(year: int | None, version: int | None = None) -> Selection:
    """The snapshot to show: `version` of `year` if given, else the year's current one; `year` None means the
    latest year with results. Three queries, however many snapshots exist; `years` also holds assessment years
    not computed yet, so the office can compute them."""
    query = (
        ScoreSnapshot.select(
            ScoreSnapshot.id,
            ScoreSnapshot.year,
            ScoreSnapshot.version,
            ScoreSnapshot.created_at,
            ScoreSnapshot.reason,
            ScoreSnapshot.current,
            ScoreSnapshot.locked,
            Person.name,
        )
        .join(Person, JOIN.LEFT_OUTER, on=(ScoreSnapshot.created_by == Person.id))
        .order_by(ScoreSnapshot.year.desc(), ScoreSnapshot.version.desc())
        .tuples()
    )
    infos = [
        SnapshotInfo(i, y, v, at, by, reason or "", bool(cur), bool(lock))
        for i, y, v, at, reason, cur, lock, by in query
    ]
    settings = AssessmentYear.select(AssessmentYear.year).tuples()
    years = sorted({i.year for i in infos} | {y for (y,) in settings}, reverse=True)
    if year is None and infos:
        year = infos[0].year  # the latest year that has results
    elif year is None and years:
        year = years[0]
    versions = [i for i in infos if i.year == year]
    chosen = next((i for i in versions if i.version == version), None) if version is not None else None
    # the approved snapshot is the official one; a newer candidate never silently replaces it (R-SCO-3)
    default = next((i for i in versions if i.locked), None) or next(
        (i for i in versions if i.current), versions[0] if versions else None
    )
    if chosen is None and version is None:
        chosen = default
    snapshot = ScoreSnapshot.get_by_id(chosen.id) if chosen is not None else None
    return Selection(snapshot, chosen, years, versions, year, default.id if default is not None else None)


@dataclass(frozen=True)
class DivisionChange:
    """A division whose annual score, rank or tier differs in the candidate from the approved snapshot."""

    division: str
    annual: tuple[Decimal, Decimal]
    rank: tuple[int, int]
    tier: tuple[str, str]


@dataclass(frozen=True)
class PersonChange:
    """A person whose grade or annual bonus differs in the candidate from the approved snapshot."""

    name: str
    division: str
    grade: tuple[str | None, str | None]
    bonus: tuple[Decimal | None, Decimal | None]


@dataclass(frozen=True)
class CandidateChanges:
    """What approving the candidate would change against the approved snapshot (R-SCO-3), within a scope."""

    approved: SnapshotInfo
    candidate: SnapshotInfo
    divisions: list[DivisionChange]
    people: list[PersonChange]


def candidate_changes(selection: Selection, scope: Scope) -> CandidateChanges | None:
    """The differences of the pending candidate from the approved snapshot: per division score/rank/tier, per
    person grade/bonus. None when nothing is approved or no newer candidate waits."""
    approved, candidate = selection.official, selection.candidate
    if approved is None or candidate is None:
        return None
    names = dict(Division.select(Division.id, Division.name).tuples())

    def divisions_of(snapshot_id: int) -> dict[int, DivisionYearResult]:
        query = DivisionYearResult.select().where(DivisionYearResult.snapshot == snapshot_id)
        return {r.division_id: r for r in _division_filter(query, DivisionYearResult.division, scope)}

    def people_of(snapshot_id: int) -> dict[int, PersonYearResult]:
        query = PersonYearResult.select().where(PersonYearResult.snapshot == snapshot_id)
        query = _division_filter(query, PersonYearResult.division, scope)
        if scope.own_only:
            query = query.where(PersonYearResult.person == scope.person_id)
        return {r.person_id: r for r in query}

    old_d, new_d = divisions_of(approved.id), divisions_of(candidate.id)
    divisions = [
        DivisionChange(names.get(d, ""), (o.annual, n.annual), (o.rank, n.rank), (o.tier, n.tier))
        for d, n in sorted(new_d.items(), key=lambda kv: kv[1].rank)
        if (o := old_d.get(d)) is not None and (o.annual, o.rank, o.tier) != (n.annual, n.rank, n.tier)
    ]
    old_p, new_p = people_of(approved.id), people_of(candidate.id)
    people_names = dict(Person.select(Person.id, Person.name).where(Person.id.in_(list(new_p) or [0])).tuples())
    people = [
        PersonChange(
            people_names.get(pid, ""),
            names.get(n.division_id, ""),
            (o.grade if o else None, n.grade),
            (o.annual_bonus if o else None, n.annual_bonus),
        )
        for pid, n in new_p.items()
        if (o := old_p.get(pid)) is None or (o.grade, o.annual_bonus) != (n.grade, n.annual_bonus)
    ]
    people.sort(key=lambda c: (c.division, c.name))
    return CandidateChanges(approved, candidate, divisions, people)


WARNING_PATTERNS: dict[str, re.Pattern[str]] = {
    "no_plan": re.compile(
        r"^division (?P<division>\S+) has no plan for (?P<year>\d{4})-(?P<month>\d{2}): monthly score 0$"
    ),
    "no_mass_evaluation": re.compile(r"^division (?P<division>\S+) has no mass evaluation: counted 0$"),
    "no_standard": re.compile(r"^no pay standard for level '(?P<detail>[^']*)' of (?P<person>\S+): no money computed$"),
    "no_working_day": re.compile(r"^(?P<person>\S+) has no working day in scope during the period: time score 0$"),
    "no_democratic_evaluation": re.compile(r"^(?P<person>\S+) has no democratic evaluation: counted 0$"),
    "grade_ignored": re.compile(
        r"^grade (?P<detail>\S+) set by hand for (?P<person>\S+) ignored: excellence follows the quota$"
    ),
    "leader_without_division": re.compile(r"^leader (?P<person>\S+) leads no division: no division bonus$"),
    "outside_year": re.compile(r"^(?:hours|extra_time) of (?P<person>\S+) on (?P<detail>\S+) outside \d{4}$"),
}


def snapshot_warnings(snapshot: ScoreSnapshot, scope: Scope) -> list[ResultWarning]:
    """The snapshot's warnings the viewer may see (R-SEC-1): those naming a visible division or person; a
    sentence naming neither only for those who see everything. At most two queries, and none without warnings."""
    texts = list(snapshot.warnings or [])
    if not texts:
        return []
    divisions = {
        code: (i, name) for i, code, name in Division.select(Division.id, Division.code, Division.name).tuples()
    }
    parsed = []
    for text in texts:
        for kind, pattern in WARNING_PATTERNS.items():
            match = pattern.match(text)
            if match:
                parsed.append((kind, text, match.groupdict()))
                break
        else:
            parsed.append(("other", text, {}))
    people = {}
    if any("person" in groups for _, _, groups in parsed):
        people = {
            code: (i, name, division_id)
            for i, code, name, division_id in Person.select(
                Person.id, Person.code, Person.name, Person.division
            ).tuples()
        }
    result = []
    for kind, text, groups in parsed:
        division_id, division = divisions.get(groups.get("division", ""), (None, groups.get("division")))
        person_id, person, person_division = people.get(groups.get("person", ""), (None, groups.get("person"), None))
        warning = ResultWarning(
            kind,
            text,
            division_id,
            division,
            person_id,
            person,
            person_division,
            int(groups["month"]) if "month" in groups else None,
            groups.get("detail"),
        )
        if _may_see(warning, scope):
            result.append(warning)
    return result


def _may_see(warning: ResultWarning, scope: Scope) -> bool:
    if scope.sees_everything:
        return True
    if warning.person_id is not None:
        if scope.own_only:
            return warning.person_id == scope.person_id
        return warning.person_id == scope.person_id or scope.allows_division(warning.person_division_id)
    if warning.division_id is not None:
        return scope.allows_division(warning.division_id)
    return False


def assessment_years() -> list[int]:
    """Every year with assessment settings, latest first."""
    return [y for (y,) in AssessmentYear.select(AssessmentYear.year).order_by(AssessmentYear.year.desc()).tuples()]


def year_settings(year: int) -> AssessmentYear | None:
    return AssessmentYear.get_or_none(AssessmentYear.year == year)


def division_names_by_person_code() -> dict[str, str]:
    """Each person's current division name by person code (what-if lists people by code), in one query."""
    query = Person.select(Person.code, Division.name).join(Division, JOIN.LEFT_OUTER).tuples()
    return {code: name or "局领导" for code, name in query}


@dataclass(frozen=True)
class PromotionRow:
    """R-PAY-4: a person with outstanding results over several periods."""

    person_id: int
    name: str
    division: str
    excellent_years: tuple[int, ...]
    years_assessed: int
    best_rank: int | None


def promotion_reference(years: list[int], min_excellent: int = 2) -> list[PromotionRow]:
    """选人用人参考 (R-PAY-4): people graded excellent in at least `min_excellent` of the given years, read from
    each year's current snapshot; most excellent years first, then best rank, then name. One query."""
    query = (
        PersonYearResult.select(PersonYearResult, ScoreSnapshot, Person, Division)
        .join(ScoreSnapshot)
        .switch(PersonYearResult)
        .join(Person)
        .switch(PersonYearResult)
        .join(Division, JOIN.LEFT_OUTER)
        .where(ScoreSnapshot.current == True, ScoreSnapshot.year.in_(years or [0]))  # noqa: E712
    )
    found: dict[int, dict] = {}
    for r in query:
        entry = found.setdefault(
            r.person_id,
            {
                "name": r.person.name,
                "division": r.division.name if r.division_id else "局领导",
                "years": [],
                "n": 0,
                "rank": None,
            },
        )
        if r.assessed:
            entry["n"] += 1
        if r.grade == "excellent":
            entry["years"].append(r.snapshot.year)
            if r.rank_in_division is not None:
                entry["rank"] = min(entry["rank"] or r.rank_in_division, r.rank_in_division)
    rows = [
        PromotionRow(pid, e["name"], e["division"], tuple(sorted(e["years"])), e["n"], e["rank"])
        for pid, e in found.items()
        if len(e["years"]) >= min_excellent
    ]
    rows.sort(key=lambda r: (-len(r.excellent_years), r.best_rank or 10**6, r.name))
    return rows
