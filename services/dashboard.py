"""What waits for a person and their divisions at a glance: the home page of each role (SPEC §1).

`dashboard_of(person, today)` returns plain frozen dataclasses; the view only renders them. The sections follow
the person's roles, so someone with two roles (a head in the performance office) sees both. Every section reads
only what `services.access` lets the person see (R-SEC-1).

Pages must stay fast with years of data: every figure is aggregated in SQL and each section runs a fixed number
of queries, however many log entries, plans or reviews exist.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import peewee as pw

from models import (
    Adjustment,
    Appeal,
    Division,
    ExtraTimeClaim,
    ItemLibraryEntry,
    LeaderAssignment,
    MassEvaluation,
    MonthlyPlan,
    Person,
    PlanItem,
    Veto,
    WeeklyReview,
    WorkLogEntry,
    db,
)
from services.access import scope_of
from services.task_views import TaskSummary, task_summary

RECENT_ENTRIES = 8
COUNTED = ("confirmed", "adjusted")  # log statuses whose confirmed hours count (R-SCO-5)
PENDING_CLAIM = ("submitted", "in_review")
OPEN_APPEAL = ("filed", "talking", "escalated")
POSITION_ORDER = {"head": 0, "deputy": 1, "staff": 2}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class HoursSummary:
    """Hours logged in a month: all of them, those confirmed by the rater, those still awaiting review."""

    total: Decimal
    confirmed: Decimal
    awaiting: Decimal


@dataclass(frozen=True)
class LogLine:
    date: dt.date
    item: str
    quantity: Decimal
    unit: str
    hours: Decimal
    confirmed_hours: Decimal | None
    status: str


@dataclass(frozen=True)
class ReviewLine:
    """An open weekly review (R-RUN-6); overdue once its Tuesday deadline has passed."""

    id: int
    person: str
    week_start: dt.date
    due: dt.date
    overdue: bool
    rater: str | None
    hours: Decimal


@dataclass(frozen=True)
class PlanLine:
    month: int
    status: str
    items: int
    weight: Decimal


@dataclass(frozen=True)
class MemberHours:
    person: str
    position: str
    confirmed: Decimal
    awaiting: Decimal


@dataclass(frozen=True)
class MyWork:
    """Staff, deputies and heads: my own log this month and my weeks waiting for a rating."""

    hours: HoursSummary
    recent: list[LogLine]
    open_reviews: list[ReviewLine]


@dataclass(frozen=True)
class DivisionDesk:
    """A head's division: its plans this year, the staff weeks to rate, the members' hours this month."""

    division: str
    plans: list[PlanLine]
    to_rate: list[ReviewLine]
    members: list[MemberHours]


@dataclass(frozen=True)
class LedDivision:
    name: str
    this_month: str | None
    next_month: str | None
    open_reviews: int
    overdue_reviews: int


@dataclass(frozen=True)
class LeaderDesk:
    """A leader in charge: each division's current plans and review backlog, and the heads' weeks to rate."""

    next_year: int
    next_month: int
    divisions: list[LedDivision]
    to_rate: list[ReviewLine]


@dataclass(frozen=True)
class DivisionRow:
    name: str
    statuses: list[str | None]  # one per month 1..12; None: no plan yet


@dataclass(frozen=True)
class BureauDesk:
    """Office and director: every division's monthly plans this year and the bureau-wide backlogs."""

    rows: list[DivisionRow]
    month_counts: dict[str, list[int]]  # status -> number of plans in that status, per month 1..12
    open_reviews: int
    overdue_reviews: int
    pending_claims: int
    pending_adjustments: int
    open_appeals: int
    escalated_appeals: int


@dataclass(frozen=True)
class RankingDesk:
    """Party group: how far the inputs of the annual ranking (R-SCO-3) have come this year."""

    divisions: int
    plans_approved: int
    plans_expected: int
    adjustments: dict[str, int]  # status -> count
    mass_evaluations: int
    vetoes: int


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    year: int
    month: int
    my_work: MyWork | None = None
    division: DivisionDesk | None = None
    leader: LeaderDesk | None = None
    bureau: BureauDesk | None = None
    ranking: RankingDesk | None = None
    tasks: TaskSummary | None = None  # 待办: approval tasks waiting for me, overdue ones flagged (R-WF-2)


def dashboard_of(person: Person, today: dt.date) -> Dashboard:
    roles = person.roles
    scope = scope_of(person)
    sections: dict[str, Any] = {"tasks": task_summary(person, today)}
    if person.position in {"head", "deputy", "staff"}:
        sections["my_work"] = my_work(person, today)
    if "head" in roles and person.division_id is not None and scope.allows_division(person.division_id):
        sections["division"] = division_desk(person, today)
    if "leader" in roles:
        sections["leader"] = leader_desk(person, today)
    if scope.sees_everything and roles & {"office", "director"}:
        sections["bureau"] = bureau_desk(today)
    if scope.sees_everything and "party_group" in roles:
        sections["ranking"] = ranking_desk(today)
    return Dashboard(today=today, year=today.year, month=today.month, **sections)


def month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=last)


def hours(value: Any) -> Decimal:
    """SUM() comes back as Decimal, int or float depending on the backend: make it exact hours."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(ZERO)


def _sum_if(condition: pw.Node, value: pw.Node) -> pw.Node:
    return pw.fn.COALESCE(pw.fn.SUM(pw.Case(None, [(condition, value)], 0)), 0)


def _confirmed() -> pw.Node:
    return _sum_if(WorkLogEntry.status.in_(COUNTED), pw.fn.COALESCE(WorkLogEntry.confirmed_hours, 0))


def _awaiting() -> pw.Node:
    return _sum_if(WorkLogEntry.status == "draft", WorkLogEntry.hours)


def my_work(person: Person, today: dt.date) -> MyWork:
    """Three queries: the month's sums, the latest entries, my open reviews."""
    first, last = month_bounds(today)
    sums = (
        WorkLogEntry.select(
            pw.fn.COALESCE(pw.fn.SUM(WorkLogEntry.hours), 0).alias("total"),
            _confirmed().alias("confirmed"),
            _awaiting().alias("awaiting"),
        )
        .where((WorkLogEntry.person == person.id) & WorkLogEntry.date.between(first, last))
        .dicts()
        .get()
    )
    recent = (
        WorkLogEntry.select(WorkLogEntry, ItemLibraryEntry.name, ItemLibraryEntry.unit)
        .join(ItemLibraryEntry)
        .where(WorkLogEntry.person == person.id)
        .order_by(WorkLogEntry.date.desc(), WorkLogEntry.id.desc())
        .limit(RECENT_ENTRIES)
    )
    return MyWork(
        hours=HoursSummary(hours(sums["total"]), hours(sums["confirmed"]), hours(sums["awaiting"])),
        recent=[
            LogLine(
                date=e.date,
                item=e.item.name,
                quantity=e.quantity,
                unit=e.item.unit,
                hours=e.hours,
                confirmed_hours=e.confirmed_hours,
                status=e.status,
            )
            for e in recent
        ],
        open_reviews=_open_reviews(WeeklyReview.person == person.id, today),
    )


def _plus_days(field: pw.Field, days: int) -> pw.Node:
    """`field + days` as a date on either backend (SQLite keeps dates as ISO text)."""
    if isinstance(db.obj, pw.SqliteDatabase):
        return pw.fn.date(field, f"+{int(days)} days")
    return field + int(days)


def _open_reviews(condition: pw.Expression, today: dt.date) -> list[ReviewLine]:
    """Open reviews matching `condition`, oldest deadline first, with the hours of their week: one query."""
    ratee = Person.alias("ratee")
    rater = Person.alias("rater")
    query = (
        WeeklyReview.select(
            WeeklyReview.id,
            WeeklyReview.week_start,
            WeeklyReview.due,
            ratee.name.alias("person_name"),
            rater.name.alias("rater_name"),
            pw.fn.COALESCE(pw.fn.SUM(WorkLogEntry.hours), 0).alias("week_hours"),
        )
        .join(ratee, on=(WeeklyReview.person == ratee.id))
        .switch(WeeklyReview)
        .join(rater, pw.JOIN.LEFT_OUTER, on=(WeeklyReview.rater == rater.id))
        .switch(WeeklyReview)
        .join(
            WorkLogEntry,
            pw.JOIN.LEFT_OUTER,
            on=(
                (WorkLogEntry.person == WeeklyReview.person)
                & (WorkLogEntry.date >= WeeklyReview.week_start)
                & (WorkLogEntry.date < _plus_days(WeeklyReview.week_start, 7))
            ),
        )
        .where(condition & (WeeklyReview.status == "open"))
        .group_by(WeeklyReview.id, WeeklyReview.week_start, WeeklyReview.due, ratee.name, rater.name)
        .order_by(WeeklyReview.due, ratee.name)
        .dicts()
    )
    return [
        ReviewLine(
            id=row["id"],
            person=row["person_name"],
            week_start=row["week_start"],
            due=row["due"],
            overdue=row["due"] < today,
            rater=row["rater_name"],
            hours=hours(row["week_hours"]),
        )
        for row in query
    ]


def division_desk(head: Person, today: dt.date) -> DivisionDesk:
    """Four queries: the division's name, its plans this year, the weeks I rate, the members' hours."""
    division = Division.get_by_id(head.division_id)
    plans = (
        MonthlyPlan.select(
            MonthlyPlan.month,
            MonthlyPlan.status,
            pw.fn.COUNT(PlanItem.id).alias("items"),
            pw.fn.COALESCE(pw.fn.SUM(PlanItem.weight), 0).alias("weight"),
        )
        .join(PlanItem, pw.JOIN.LEFT_OUTER)
        .where((MonthlyPlan.division == division.id) & (MonthlyPlan.year == today.year))
        .group_by(MonthlyPlan.id, MonthlyPlan.month, MonthlyPlan.status)
        .order_by(MonthlyPlan.month)
        .dicts()
    )
    return DivisionDesk(
        division=division.name,
        plans=[PlanLine(p["month"], p["status"], p["items"], hours(p["weight"])) for p in plans],
        to_rate=_open_reviews(WeeklyReview.rater == head.id, today),
        members=member_hours(division.id, today),
    )


def member_hours(division_id: int, today: dt.date) -> list[MemberHours]:
    """Confirmed and awaiting hours this month of each active member of the division, in one GROUP BY."""
    first, last = month_bounds(today)
    query = (
        Person.select(Person.id, Person.name, Person.position, _confirmed().alias("confirmed"), _awaiting().alias("aw"))
        .join(
            WorkLogEntry,
            pw.JOIN.LEFT_OUTER,
            on=((WorkLogEntry.person == Person.id) & WorkLogEntry.date.between(first, last)),
        )
        .where((Person.division == division_id) & (Person.active == True))  # noqa: E712
        .group_by(Person.id, Person.name, Person.position)
        .dicts()
    )
    rows = sorted(query, key=lambda r: (POSITION_ORDER.get(r["position"], 9), r["name"], r["id"]))
    return [MemberHours(r["name"], r["position"], hours(r["confirmed"]), hours(r["aw"])) for r in rows]


def _next_month(today: dt.date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def leader_desk(leader: Person, today: dt.date) -> LeaderDesk:
    """Three queries: my divisions with this and next month's plans, their open reviews, the heads' weeks.
    Only divisions assigned to the leader (R-ORG-2) appear, which is exactly a leader's scope (R-SEC-1)."""
    led = LeaderAssignment.select(LeaderAssignment.division).where(LeaderAssignment.leader == leader.id)
    next_year, next_month = _next_month(today)
    this_plan = MonthlyPlan.alias("this_plan")
    next_plan = MonthlyPlan.alias("next_plan")
    divisions = (
        Division.select(Division.id, Division.name, this_plan.status.alias("this"), next_plan.status.alias("next"))
        .join(LeaderAssignment, on=(LeaderAssignment.division == Division.id))
        .switch(Division)
        .join(
            this_plan,
            pw.JOIN.LEFT_OUTER,
            on=(
                (this_plan.division == Division.id) & (this_plan.year == today.year) & (this_plan.month == today.month)
            ),
        )
        .switch(Division)
        .join(
            next_plan,
            pw.JOIN.LEFT_OUTER,
            on=((next_plan.division == Division.id) & (next_plan.year == next_year) & (next_plan.month == next_month)),
        )
        .where(LeaderAssignment.leader == leader.id)
        .order_by(Division.sort_order, Division.id)
        .dicts()
    )
    backlog = (
        Person.select(
            Person.division,
            pw.fn.COUNT(WeeklyReview.id).alias("open"),
            pw.fn.SUM(pw.Case(None, [(WeeklyReview.due < today, 1)], 0)).alias("overdue"),
        )
        .join(WeeklyReview, on=(WeeklyReview.person == Person.id))
        .where((WeeklyReview.status == "open") & Person.division.in_(led))
        .group_by(Person.division)
        .tuples()
    )
    open_by_division = {division_id: (n, int(late or 0)) for division_id, n, late in backlog}
    return LeaderDesk(
        next_year=next_year,
        next_month=next_month,
        divisions=[
            LedDivision(
                name=d["name"],
                this_month=d["this"],
                next_month=d["next"],
                open_reviews=open_by_division.get(d["id"], (0, 0))[0],
                overdue_reviews=open_by_division.get(d["id"], (0, 0))[1],
            )
            for d in divisions
        ],
        to_rate=_open_reviews(WeeklyReview.rater == leader.id, today),
    )


def bureau_desk(today: dt.date) -> BureauDesk:
    """Eight queries, whatever the size of the bureau's history."""
    divisions = list(
        Division.select(Division.id, Division.name)
        .where(Division.active == True)  # noqa: E712
        .order_by(Division.sort_order, Division.id)
        .tuples()
    )
    plans = MonthlyPlan.select(MonthlyPlan.division, MonthlyPlan.month, MonthlyPlan.status).where(
        MonthlyPlan.year == today.year
    )
    status_of = {(division_id, month): status for division_id, month, status in plans.tuples()}
    month_counts: dict[str, list[int]] = {}
    for (_division, month), status in status_of.items():
        month_counts.setdefault(status, [0] * 12)[month - 1] += 1
    open_reviews = WeeklyReview.select().where(WeeklyReview.status == "open")
    return BureauDesk(
        rows=[DivisionRow(name, [status_of.get((did, m)) for m in range(1, 13)]) for did, name in divisions],
        month_counts=month_counts,
        open_reviews=open_reviews.count(),
        overdue_reviews=open_reviews.where(WeeklyReview.due < today).count(),
        pending_claims=ExtraTimeClaim.select().where(ExtraTimeClaim.status.in_(PENDING_CLAIM)).count(),
        pending_adjustments=Adjustment.select()
        .where((Adjustment.year == today.year) & Adjustment.status.in_(PENDING_CLAIM))
        .count(),
        open_appeals=Appeal.select().where(Appeal.status.in_(OPEN_APPEAL)).count(),
        escalated_appeals=Appeal.select().where(Appeal.status == "escalated").count(),
    )


def ranking_desk(today: dt.date) -> RankingDesk:
    """Five queries over the year's inputs to the ranking."""
    year = today.year
    division_count = Division.select().where(Division.active == True).count()  # noqa: E712
    approved = (
        MonthlyPlan.select()
        .where((MonthlyPlan.year == year) & (MonthlyPlan.month <= today.month) & (MonthlyPlan.status == "approved"))
        .count()
    )
    adjustments = Adjustment.select(Adjustment.status, pw.fn.COUNT(Adjustment.id)).where(Adjustment.year == year)
    return RankingDesk(
        divisions=division_count,
        plans_approved=approved,
        plans_expected=division_count * today.month,
        adjustments=dict(adjustments.group_by(Adjustment.status).tuples()),
        mass_evaluations=MassEvaluation.select().where(MassEvaluation.year == year).count(),
        vetoes=Veto.select().where(Veto.year == year).count(),
    )
