"""Read model of the daily log screen (R-RUN-4, docs/style.md §12): the day's entries, the day's and the week's
totals, the division's item library with the person's most used items first, and yesterday's items to copy.
Plain data, never a write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from models import ItemLibraryEntry, Person, WorkLogEntry

ZERO = Decimal(0)


@dataclass(frozen=True)
class LibraryLine:
    id: int
    name: str
    category: str
    unit: str
    standard_hours: Decimal
    uses: int  # how often the person logged it: the personal item list (个人工作事项库) is those with uses > 0


@dataclass(frozen=True)
class EntryLine:
    id: int
    item: str
    unit: str
    quantity: Decimal
    hours: Decimal
    description: str
    status: str
    confirmed_hours: Decimal | None

    @property
    def locked(self) -> bool:
        """Rated entries are locked (R-RUN-4: an entry can be changed until it has been rated)."""
        return self.status != "draft"


@dataclass(frozen=True)
class DayTotal:
    day: dt.date
    hours: Decimal


@dataclass(frozen=True)
class Prefill:
    quantity: Decimal | str  # as logged, or as typed into a refused form
    description: str


@dataclass(frozen=True)
class DayScreen:
    day: dt.date
    today: dt.date
    entries: list[EntryLine]
    day_total: Decimal
    week: list[DayTotal]  # Monday up to the last day of the week that is not after today
    week_total: Decimal
    library: list[LibraryLine]
    copy_from: dt.date | None  # the last earlier day with entries ("yesterday's items")
    prefill: dict[int, Prefill]  # item id -> values to tick when copying

    @property
    def my_items(self) -> list[LibraryLine]:
        return [line for line in self.library if line.uses]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def day_screen(person: Person, day: dt.date, today: dt.date, copy: bool = False) -> DayScreen:
    """The screen of `person`'s `day`; with `copy`, the items of the last earlier day with entries come ticked
    with their quantities and descriptions. A fixed number of queries, whatever the number of rows (§6)."""
    monday = monday_of(day)
    sunday = monday + dt.timedelta(days=6)
    rows = list(
        WorkLogEntry.select(WorkLogEntry, ItemLibraryEntry)
        .join(ItemLibraryEntry)
        .where(WorkLogEntry.person == person, WorkLogEntry.date.between(monday, sunday))
        .order_by(WorkLogEntry.date, WorkLogEntry.id)
    )
    entries = [
        EntryLine(e.id, e.item.name, e.item.unit, e.quantity, e.hours, e.description, e.status, e.confirmed_hours)
        for e in rows
        if e.date == day
    ]
    last = min(sunday, max(today, day))
    week = [
        DayTotal(d, sum((e.hours for e in rows if e.date == d), ZERO))
        for d in (monday + dt.timedelta(days=n) for n in range((last - monday).days + 1))
    ]
    uses = pw.fn.COUNT(WorkLogEntry.id)
    library = [
        LibraryLine(i.id, i.name, i.category, i.unit, i.standard_hours, i.uses)
        for i in ItemLibraryEntry.select(ItemLibraryEntry, uses.alias("uses"))
        .join(
            WorkLogEntry,
            pw.JOIN.LEFT_OUTER,
            on=(WorkLogEntry.item == ItemLibraryEntry.id) & (WorkLogEntry.person == person),
        )
        .where(ItemLibraryEntry.division == person.division_id, ItemLibraryEntry.active)
        .group_by(ItemLibraryEntry.id)
        .order_by(uses.desc(), ItemLibraryEntry.name, ItemLibraryEntry.id)
    ]
    copy_from = (
        WorkLogEntry.select(pw.fn.MAX(WorkLogEntry.date))
        .where(WorkLogEntry.person == person, WorkLogEntry.date < day)
        .scalar()
    )
    if isinstance(copy_from, str):  # SQLite returns the aggregate of a date column as text
        copy_from = dt.date.fromisoformat(copy_from)
    prefill: dict[int, Prefill] = {}
    if copy and copy_from is not None:
        for e in WorkLogEntry.select().where(WorkLogEntry.person == person, WorkLogEntry.date == copy_from):
            prefill.setdefault(e.item_id, Prefill(e.quantity, e.description))
    return DayScreen(
        day,
        today,
        entries,
        sum((e.hours for e in entries), ZERO),
        week,
        sum((e.hours for e in rows), ZERO),
        library,
        copy_from,
        prefill,
    )
