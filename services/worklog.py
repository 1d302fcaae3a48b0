"""The daily work log (R-RUN-3, R-RUN-4): staff tick items from their division's item library; the hours of an
entry are its quantity times the item's standard hours, never typed by hand; an entry is editable until its week
is reviewed (R-RUN-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from models import ItemLibraryEntry, Person, WorkLogEntry


class WorkLogError(ValueError):
    """A log entry the rules refuse; the message is for the user, in Chinese."""


def derive(entry: WorkLogEntry) -> WorkLogEntry:
    """Check an entry against the library and set its hours = quantity × standard hours."""
    item: ItemLibraryEntry = entry.item
    person: Person = entry.person
    quantity = Decimal(entry.quantity if entry.quantity is not None else 0)
    if quantity <= 0:
        raise WorkLogError("数量必须大于 0")
    if not item.active:
        raise WorkLogError(f"事项“{item.name}”已停用，不能再勾选")
    if person.division_id != item.division_id:
        raise WorkLogError(f"事项“{item.name}”不属于{person.name}所在处室的事项库")
    if entry.status not in (None, "draft"):
        raise WorkLogError("该日志已评定，不能再修改")
    entry.quantity = quantity
    entry.hours = (quantity * item.standard_hours).quantize(Decimal("0.01"))
    return entry


def log_work(
    person: Person, day: dt.date, item: ItemLibraryEntry, quantity: Decimal | int | str, description: str = ""
) -> WorkLogEntry:
    """Record one ticked item of one day (R-RUN-4); the day's log is the person's entries of that date."""
    entry = WorkLogEntry(person=person, date=day, item=item, quantity=Decimal(str(quantity)), description=description)
    derive(entry)
    entry.save()
    return entry


def day_log(person: Person, day: dt.date) -> tuple[list[WorkLogEntry], Decimal]:
    """The generated daily log: the person's entries of that day and their total hours."""
    entries = list(
        WorkLogEntry.select(WorkLogEntry, ItemLibraryEntry)
        .join(ItemLibraryEntry)
        .where(WorkLogEntry.person == person, WorkLogEntry.date == day)
        .order_by(WorkLogEntry.id)
    )
    return entries, sum((e.hours for e in entries), Decimal(0))
