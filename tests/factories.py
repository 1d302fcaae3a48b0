"""Small factories for tests, no magic (STYLE §5): each makes one record with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from models import (
    Adjustment,
    Appeal,
    Division,
    ExtraTimeClaim,
    ItemLibraryEntry,
    LeaderAssignment,
    MonthlyPlan,
    Person,
    PlanItem,
    WeeklyReview,
    WorkLogEntry,
)

_seq = itertools.count(1)
PASSWORD = "demo-pass-1"


def make_division(**overrides: Any) -> Division:
    n = next(_seq)
    values = {"code": f"D{n}", "name": f"处室{n}", "category": "business", "sort_order": n}
    values.update(overrides)
    return Division.create(**values)


def make_person(**overrides: Any) -> Person:
    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"P{n}",
        "name": f"人员{n}",
        "position": "staff",
        "level": "科级",
        "joined": dt.date(2015, 1, 1),
        "username": f"user{n}",
    }
    values.update(overrides)
    if "division" not in values and values["position"] not in {"director", "leader"}:
        values["division"] = make_division()
    person = Person(**values)
    person.set_password(values.pop("password", PASSWORD))
    person.save()
    return person


def make_leader_of(*divisions: Division, **overrides: Any) -> Person:
    leader = make_person(position="leader", level="副局级", division=None, **overrides)
    for division in divisions:
        LeaderAssignment.create(division=division, leader=leader)
    return leader


def make_plan(division: Division, year: int = 2023, month: int = 10, weights=(60, 40), **overrides) -> MonthlyPlan:
    plan = MonthlyPlan.create(division=division, year=year, month=month, **overrides)
    for i, weight in enumerate(weights, start=1):
        PlanItem.create(plan=plan, seq=i, title=f"{year}-{month:02d} 重点工作{i}", weight=Decimal(weight))
    return plan


def make_library_entry(division: Division, **overrides: Any) -> ItemLibraryEntry:
    n = next(_seq)
    values = {"division": division, "name": f"事项{n}", "standard_hours": Decimal("2.5")}
    values.update(overrides)
    return ItemLibraryEntry.create(**values)


def make_log_entry(person: Person, item: ItemLibraryEntry, **overrides: Any) -> WorkLogEntry:
    values: dict[str, Any] = {"person": person, "date": dt.date(2023, 10, 9), "item": item, "quantity": Decimal(1)}
    values.update(overrides)
    values.setdefault("hours", values["quantity"] * item.standard_hours)
    return WorkLogEntry.create(**values)


def make_review(person: Person, week_start: dt.date = dt.date(2023, 10, 9), **overrides: Any) -> WeeklyReview:
    """An open weekly review of `person`'s week, due the Tuesday after it (R-RUN-6)."""
    values: dict[str, Any] = {"person": person, "week_start": week_start, "due": week_start + dt.timedelta(days=8)}
    values.update(overrides)
    return WeeklyReview.create(**values)


def make_claim(person: Person, **overrides: Any) -> ExtraTimeClaim:
    values: dict[str, Any] = {
        "person": person,
        "date": dt.date(2023, 10, 9),
        "hours": Decimal(4),
        "bulletin": "督查通报2023年第9期",
        "standard": "宣传信息调研",
        "status": "submitted",
    }
    values.update(overrides)
    return ExtraTimeClaim.create(**values)


def make_adjustment(division: Division, **overrides: Any) -> Adjustment:
    values: dict[str, Any] = {
        "year": 2023,
        "division": division,
        "kind": "bonus",
        "category": "commendation",
        "points": Decimal(1),
        "reason": "上级表彰",
        "status": "submitted",
    }
    values.update(overrides)
    return Adjustment.create(**values)


def make_appeal(appellant: Person, **overrides: Any) -> Appeal:
    values: dict[str, Any] = {
        "year": 2023,
        "month": 9,
        "appellant": appellant,
        "division": appellant.division,
        "subject": "9月个人绩效时间",
        "grounds": "有两条日志未确认",
    }
    values.update(overrides)
    return Appeal.create(**values)
