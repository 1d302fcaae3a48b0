"""The individual results page by page (issue 10 item 7; R-SCO-5, R-RPT-2, R-SEC-1): a city bureau has 20,000
people in a snapshot, so the screen shows one page of them, found by name or code and by division, with the
totals of every matching row computed by the database. Read model only (STYLE §12); three queries whatever the
size (a count with the totals, a page of rows, the divisions to filter by)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw
from peewee import JOIN, fn

from models import Division, Person, PersonYearResult, ScoreSnapshot
from models.streaming import stream
from services.access import Scope
from services.result_views import PersonYearRow, _person_rows, people_in_scope

PER_PAGE = 100


@dataclass(frozen=True)
class PeopleTotals:
    """Over every row that matches, not only the page shown."""

    people: int
    assessed: int
    excellent: int
    performance_hours: Decimal
    annual_bonus: Decimal


@dataclass(frozen=True)
class PeoplePage:
    rows: list[PersonYearRow]
    totals: PeopleTotals
    page: int  # 1-based, within 1..pages
    pages: int
    per_page: int


def _matching(snapshot: ScoreSnapshot, scope: Scope, division_id: int | None, search: str | None) -> pw.ModelSelect:
    query = people_in_scope(PersonYearResult.select().where(PersonYearResult.snapshot == snapshot), scope, division_id)
    for term in (search or "").split():
        # the snapshot's rows are found by its index; their names are read from person by primary key
        found = Person.select(Person.id).where(Person.name.contains(term) | Person.code.startswith(term))
        query = query.where(PersonYearResult.person.in_(found))
    return query


def _ordered(query: pw.ModelSelect) -> pw.ModelSelect:
    """By division (in the bureau's order) and rank, then code: the order of the whole table, kept across pages."""
    return (
        query.select_extend(Person, Division)
        .join(Person)
        .switch(PersonYearResult)
        .join(Division, join_type=JOIN.LEFT_OUTER)
        .order_by(Division.sort_order, PersonYearResult.division, PersonYearResult.rank_in_division, Person.code)
    )


def people_page(
    snapshot: ScoreSnapshot,
    scope: Scope,
    division_id: int | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> PeoplePage:
    """One page of the visible people's annual figures (RULES §5) and the totals of all that match; a page
    beyond the last shows the last."""
    per_page = per_page or PER_PAGE
    matching = _matching(snapshot, scope, division_id, search)
    excellent = fn.SUM(pw.Case(None, [(PersonYearResult.grade == "excellent", 1)], 0))
    assessed = fn.SUM(pw.Case(None, [(PersonYearResult.assessed == True, 1)], 0))  # noqa: E712 - SQL
    counted = (
        matching.select(
            fn.COUNT(PersonYearResult.id),
            assessed,
            excellent,
            fn.SUM(PersonYearResult.performance_hours),
            fn.SUM(PersonYearResult.annual_bonus),
        )
        .order_by()
        .tuples()
        .get()
    )
    n, n_assessed, n_excellent, hours, bonus = counted
    totals = PeopleTotals(
        int(n or 0),
        int(n_assessed or 0),
        int(n_excellent or 0),
        Decimal(hours or 0).quantize(Decimal("0.01")),
        Decimal(bonus or 0).quantize(Decimal("0.01")),
    )
    pages = max(1, -(-totals.people // per_page))
    page = min(max(page, 1), pages)
    rows = _person_rows(_ordered(matching.select(PersonYearResult)).paginate(page, per_page))
    return PeoplePage(rows, totals, page, pages, per_page)


def all_people(
    snapshot: ScoreSnapshot, scope: Scope, division_id: int | None = None, search: str | None = None
) -> Iterator[PersonYearRow]:
    """Every matching row in the page order, streamed (the xlsx export: same rows as the screen, all pages)."""
    query = _ordered(_matching(snapshot, scope, division_id, search))
    for record in stream(query):
        yield from _person_rows([record])


def division_choices(scope: Scope) -> list[tuple[int, str]]:
    """The divisions the viewer may filter by, in the bureau's order."""
    query = Division.select(Division.id, Division.name).order_by(Division.sort_order, Division.id)
    if scope.divisions is not None:
        query = query.where(Division.id.in_(list(scope.divisions) or [0]))
    return list(query.tuples())
