"""Read model of the weekly task screens and of the Tuesday rating (R-RUN-5, R-TGT-5, R-RUN-6; docs/style.md §12):
plain data, never a write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from models import MonthlyPlan, Person, PlanItem, WeeklyTask
from services.weekly import is_issued, plan_items_for


@dataclass(frozen=True)
class PlanChoice:
    id: int
    label: str  # "2023-10 · 1. title"


@dataclass(frozen=True)
class TaskLine:
    id: int
    title: str
    plan_item_id: int | None
    plan_item: str
    person: str | None  # None: a task the head added for the division
    status: str


@dataclass(frozen=True)
class WeekScreen:
    monday: dt.date
    issued: bool
    open: bool  # neither past nor issued: declarations and edits are taken
    tasks: list[TaskLine]
    choices: list[PlanChoice]


def _lines(query) -> list[TaskLine]:  # type: ignore[no-untyped-def]
    rows = (
        query.select(WeeklyTask, PlanItem, MonthlyPlan, Person)
        .join_from(WeeklyTask, PlanItem, on=(WeeklyTask.plan_item == PlanItem.id), join_type=pw.JOIN.LEFT_OUTER)
        .join_from(PlanItem, MonthlyPlan, join_type=pw.JOIN.LEFT_OUTER)
        .join_from(WeeklyTask, Person, on=(WeeklyTask.person == Person.id), join_type=pw.JOIN.LEFT_OUTER)
        .order_by(Person.id.is_null(), Person.id, WeeklyTask.id)
    )
    lines = []
    for t in rows:
        item = t.plan_item
        lines.append(
            TaskLine(
                t.id,
                t.title,
                t.plan_item_id,
                f"{item.plan.year}-{item.plan.month:02d} · {item.seq}. {item.title}" if item else "",
                t.person.name if t.person_id else None,
                t.status,
            )
        )
    return lines


def _screen(division_id: int, monday: dt.date, today: dt.date, tasks: list[TaskLine]) -> WeekScreen:
    issued = is_issued(division_id, monday)
    choices = [
        PlanChoice(i.id, f"{i.plan.year}-{i.plan.month:02d} · {i.seq}. {i.title}")
        for i in plan_items_for(division_id, monday)
    ]
    this_monday = today - dt.timedelta(days=today.weekday())
    return WeekScreen(monday, issued, not issued and monday >= this_monday, tasks, choices)


def person_week(person: Person, monday: dt.date, today: dt.date) -> WeekScreen:
    """The person's declared tasks of the week, and the division's own tasks once issued."""
    query = WeeklyTask.select().where(
        WeeklyTask.division == person.division_id,
        WeeklyTask.week_start == monday,
        (WeeklyTask.person == person) | WeeklyTask.person.is_null(),
    )
    return _screen(person.division_id, monday, today, _lines(query))


def division_week(division_id: int, monday: dt.date, today: dt.date) -> WeekScreen:
    """Everyone's declarations of the week together, for the head (R-RUN-5)."""
    query = WeeklyTask.select().where(WeeklyTask.division == division_id, WeeklyTask.week_start == monday)
    return _screen(division_id, monday, today, _lines(query))


def declared_for_review(person: Person, monday: dt.date) -> list[TaskLine]:
    """R-RUN-6: what the person declared for the rated week, and the division's tasks the head added."""
    query = WeeklyTask.select().where(
        WeeklyTask.division == person.division_id,
        WeeklyTask.week_start == monday,
        (WeeklyTask.person == person) | WeeklyTask.person.is_null(),
    )
    return _lines(query)
