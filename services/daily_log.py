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
from services.worklog import log_work

MAX_DESCRIPTION = 500


@dataclass(frozen=True)
class Row:
    """One ticked item of the form: the library item's id, the quantity as typed, a short description."""

    item_id: int
    quantity: str
    description: str = ""


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


def log_day(person: Person, day: dt.date, rows: Sequence[Row]) -> list[WorkLogEntry]:
    """R-RUN-4: file every ticked row of `day` in one transaction. A refused row refuses the whole save: a
    `RuleViolation` whose field is `row-<n>-<field>` (n counted from 1 in the form's order) and whose message
    names the row and its item, e.g. “第2行（窗口受理）：数量必须大于 0”."""
    if not rows:
        raise RuleViolation("items", "事项：请至少勾选一项工作")
    if len({r.item_id for r in rows}) != len(rows):
        raise RuleViolation("items", "事项：同一事项在一次填报中只能勾选一次")
    entries = []
    with db.atomic():
        for n, row in enumerate(rows, start=1):
            try:
                entries.append(_row(person, day, row))
            except RuleViolation as exc:
                item = ItemLibraryEntry.get_or_none(ItemLibraryEntry.id == row.item_id)
                name = f"（{item.name}）" if item is not None else ""
                raise RuleViolation(f"row-{n}-{exc.field}", f"第{n}行{name}：{exc.message}") from exc
    return entries
