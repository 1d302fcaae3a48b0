"""The daily log screen's write (R-RUN-4): several ticked items of one day saved as one action, all or nothing.

Each row goes through `services.worklog.log_work`, so every rule of the log (library, quantity, hours, date,
open year, the day's 24 hours, a rated week) is checked exactly where the admin checks it; this module only
adds what a multi-row form needs: the whole save in one transaction, and the refusal naming the row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from models import ItemLibraryEntry, Person, WorkLogEntry, db
from services.validation import RuleViolation
from services.worklog import attach, log_work, week_of

MAX_DESCRIPTION = 500


@dataclass(frozen=True)
class Row:
    """One ticked item of the form: the library item's id, the quantity as typed, a short description."""

    item_id: int
    quantity: str
    description: str = ""


@dataclass(frozen=True)
class Change:
    """An entry of the day already logged, as the form shows it again: its quantity and description, or removed."""

    entry_id: int
    quantity: str
    description: str = ""
    remove: bool = False


def _quantity(text: str) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise RuleViolation("quantity", f"数量：“{text}”不是数字") from None
    if not value.is_finite():
        raise RuleViolation("quantity", f"数量：“{text}”不是数字")
    return value


def _row(person: Person, day: dt.date, row: Row) -> WorkLogEntry:
    item = ItemLibraryEntry.get_or_none(ItemLibraryEntry.id == row.item_id)
    if item is None:
        raise RuleViolation("item", "事项：所选事项不存在")
    description = (row.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise RuleViolation("description", f"说明：不能超过 {MAX_DESCRIPTION} 字")
    return log_work(person, day, item, _quantity(row.quantity), description)


def _change(person: Person, day: dt.date, change: Change) -> bool:
    """Apply one change to an entry not yet rated; True if something changed."""
    week_of(person, day)  # locks the week first: a rating waits for this save, or this save sees it rated
    entry = WorkLogEntry.get_or_none(
        (WorkLogEntry.id == change.entry_id) & (WorkLogEntry.person == person) & (WorkLogEntry.date == day)
    )
    if entry is None:
        raise RuleViolation("entry", "日志：要修改的日志不存在")
    description = (change.description or "").strip()
    if not change.remove and _quantity(change.quantity) == entry.quantity and description == entry.description:
        return False
    if entry.status != "draft" or entry.review is not None and entry.review.status != "open":
        raise RuleViolation("status", "该日志已评定，不能再修改")
    if change.remove:
        entry.delete_instance()
        return True
    if len(description) > MAX_DESCRIPTION:
        raise RuleViolation("description", f"说明：不能超过 {MAX_DESCRIPTION} 字")
    entry.quantity, entry.description = _quantity(change.quantity), description
    attach(entry)
    entry.save()
    return True


def log_day(person: Person, day: dt.date, rows: Sequence[Row], changes: Sequence[Change] = ()) -> list[WorkLogEntry]:
    """R-RUN-4: file every ticked row of `day`, and the changes to the day's entries not yet rated, in one
    transaction. A refused row refuses the whole save: a `RuleViolation` whose field is `row-<n>-<field>` (n
    counted from 1 in the form's order) or `entry-<id>-<field>`, and whose message names the row and its item,
    e.g. “第2行（窗口受理）：数量必须大于 0”. Changes go first, so a lowered entry frees hours for a new one."""
    if len({r.item_id for r in rows}) != len(rows):
        raise RuleViolation("items", "事项：同一事项在一次填报中只能勾选一次")
    entries = []
    with db.atomic():
        changed = 0
        for change in changes:
            try:
                changed += _change(person, day, change)
            except RuleViolation as exc:
                entry = WorkLogEntry.get_or_none(WorkLogEntry.id == change.entry_id)
                name = f"“{entry.item.name}”" if entry is not None and entry.person_id == person.id else ""
                raise RuleViolation(f"entry-{change.entry_id}-{exc.field}", f"已填日志{name}：{exc.message}") from exc
        if not rows and not changed:
            raise RuleViolation("items", "事项：请至少勾选一项工作")
        for n, row in enumerate(rows, start=1):
            try:
                entries.append(_row(person, day, row))
            except RuleViolation as exc:
                item = ItemLibraryEntry.get_or_none(ItemLibraryEntry.id == row.item_id)
                name = f"（{item.name}）" if item is not None else ""
                raise RuleViolation(f"row-{n}-{exc.field}", f"第{n}行{name}：{exc.message}") from exc
    return entries
