"""Closing and reopening periods (结账, R-AUD-1; issue 9 item 5).

The performance office closes a month or a whole year: from then on every record of that period — and, for a
year, every input of its scoring, its rules and its results — refuses changes (models/base.py `_refuse_closed`).
Only the director reopens a closure, with a reason; the closure row itself is never edited or deleted, the
reopening is written into it once (models/org.py `ClosedPeriod`) and audited like every save.
"""

from __future__ import annotations

import models
from models import ClosedPeriod, Person, WorkflowCase, db
from models.base import for_update
from services import clock

CLOSERS = frozenset({"office"})
REOPENERS = frozenset({"director"})


class PeriodError(ValueError):
    """A refused closing or reopening; `code` says which rule (docs/style.md §14), the message is Chinese.
    `open_cases` lists the approvals that keep a period from closing."""

    def __init__(self, code: str, message: str, open_cases: list[WorkflowCase] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.open_cases = open_cases or []


SHOWN_OPEN = 10  # approvals named in the refusal's message; the screen lists them all


def open_cases_in(year: int, month: int | None = None) -> list[WorkflowCase]:
    """The unfinished approvals whose record belongs to the period (issue 10 §3): closing the month would lock
    their records, and their remaining steps could never be taken. A month takes the records of that month; the
    whole year takes every record of the year, year-level ones (targets, adjustments, the ranking) included."""
    by_model: dict[str, list[WorkflowCase]] = {}
    for case in WorkflowCase.select().where(~WorkflowCase.finished).order_by(WorkflowCase.id):
        by_model.setdefault(case.subject_model, []).append(case)
    names = {m.__name__: m for m in models.ALL_MODELS}
    found = []
    for name, cases in by_model.items():
        model = names.get(name)
        if model is None:
            continue
        records = {r.id: r for r in model.select().where(model.id.in_([c.subject_id for c in cases]))}
        for case in cases:
            record = records.get(case.subject_id)
            period = record.locked_period() if record is not None else None
            if period is None or period[0] != year:
                continue
            if month is None or period[1] == month:
                found.append(case)
    return sorted(found, key=lambda c: c.id)


def _refuse_open(year: int, month: int | None) -> None:
    cases = open_cases_in(year, month)
    if not cases:
        return
    names = "、".join(c.title for c in cases[:SHOWN_OPEN]) + ("等" if len(cases) > SHOWN_OPEN else "")
    raise PeriodError(
        "open_approvals",
        f"{_label(year, month)}还有 {len(cases)} 项审批未办结，办结后才能结账：{names}",
        cases,
    )


def may_close(person: Person) -> bool:
    """Closing is the performance office's job."""
    return bool(person.roles & CLOSERS)


def may_reopen(person: Person) -> bool:
    """Reopening a closed period is an explicit decision of the director (局长)."""
    return bool(person.roles & REOPENERS)


def may_view(person: Person) -> bool:
    return may_close(person) or may_reopen(person)


def closures(year: int) -> list[ClosedPeriod]:
    """Every closure of the year, those reopened included, the whole year first, then by month and time."""
    rows = ClosedPeriod.select().where(ClosedPeriod.year == year)
    return sorted(rows, key=lambda c: (c.month or 0, c.closed_at, c.id))


def _in_force(year: int, month: int | None) -> ClosedPeriod | None:
    query = ClosedPeriod.select().where(ClosedPeriod.year == year, ClosedPeriod.reopened_at.is_null())
    query = query.where(ClosedPeriod.month.is_null() if month is None else ClosedPeriod.month == month)
    return query.first()


def year_closed(year: int) -> bool:
    """Whether the whole year is closed (not reopened): its scoring, rules and results are then frozen."""
    return _in_force(year, None) is not None


def is_closed(year: int, month: int | None = None) -> bool:
    """Whether the month (or, without one, the whole year) is closed and not reopened."""
    return year_closed(year) or (month is not None and _in_force(year, month) is not None)


def _label(year: int, month: int | None) -> str:
    return f"{year}年{month}月" if month else f"{year}年度"


def close(actor: Person, year: int, month: int | None = None) -> ClosedPeriod:
    """Close a month of the year, or the whole year with `month` None (R-AUD-1). Refused to anyone but the
    performance office, for a year outside 2000–2100 or a month outside 1–12, for a period already closed, and
    while approvals of the period are still open (issue 10 §3: their steps could never be taken)."""
    if not may_close(actor):
        raise PeriodError("not_allowed", "只有局绩效办可以结账")
    if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        raise PeriodError("bad_period", "年度应在 2000–2100 之间，月份应在 1–12 之间")
    with db.atomic():
        # the rows in force are read locked, so two offices closing at once make one closure (docs/style.md §15)
        list(for_update(ClosedPeriod.select().where(ClosedPeriod.year == year)))
        if year_closed(year):
            raise PeriodError("already_closed", f"{_label(year, None)}已结账")
        if month is not None and _in_force(year, month) is not None:
            raise PeriodError("already_closed", f"{_label(year, month)}已结账")
        _refuse_open(year, month)
        return ClosedPeriod.create(year=year, month=month, closed_at=clock.now(), closed_by=actor)


def reopen(actor: Person, closure_id: int, reason: str) -> ClosedPeriod:
    """The director reopens a closure with a mandatory reason; the closure row keeps who, when and why, and the
    audit trail the change. Refused to anyone else, without a reason, and for a closure already reopened."""
    if not may_reopen(actor):
        raise PeriodError("not_allowed", "只有局长可以重新开放已结账的期间")
    reason = (reason or "").strip()
    if not reason:
        raise PeriodError("reason_required", "重新开放必须说明理由")
    with db.atomic():
        closure = for_update(ClosedPeriod.select().where(ClosedPeriod.id == closure_id)).first()
        if closure is None:
            raise PeriodError("not_found", "找不到该结账记录")
        if closure.reopened_at is not None:
            raise PeriodError("already_reopened", f"{_label(closure.year, closure.month)}的结账已重新开放")
        closure.reopened_at = clock.now()
        closure.reopened_by = actor
        closure.reopen_reason = reason[:500]
        closure.save()
    return closure
