"""The daily work log (R-RUN-3, R-RUN-4): staff tick items from their division's item library; the hours of an
entry are its quantity times the item's standard hours, never typed by hand; an entry is editable until its week
is reviewed (R-RUN-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw

from models import ItemLibraryEntry, LeaderAssignment, Person, WeeklyReview, WorkLogEntry, db
from models.base import for_update
from services import approvals, validation
from services import calendar as workdays
from services.validation import RuleViolation

WorkLogError = RuleViolation
"""A log entry the rules refuse; the message is for the user, in Chinese (one refusal type for every rule)."""


def derive(entry: WorkLogEntry) -> WorkLogEntry:
    """Check an entry against the library and the log's rules (services/validation.py) and set its hours =
    quantity × standard hours."""
    item: ItemLibraryEntry = entry.item
    person: Person = entry.person
    quantity = Decimal(entry.quantity if entry.quantity is not None else 0)
    if quantity <= 0:
        raise WorkLogError("quantity", "数量必须大于 0")
    if not item.active:
        raise WorkLogError("item", f"事项“{item.name}”已停用，不能再勾选")
    if person.division_id != item.division_id:
        raise WorkLogError("item", f"事项“{item.name}”不属于{person.name}所在处室的事项库")
    if entry.status not in (None, "draft"):
        raise WorkLogError("status", "该日志已评定，不能再修改")
    entry.quantity = quantity
    entry.hours = (quantity * item.standard_hours).quantize(Decimal("0.01"))
    validation.check_log_entry(entry)
    return entry


def rater_of(person: Person) -> Person | None:
    """R-RUN-6: the head rates the staff's weeks; the leader in charge rates the head's."""
    if person.position == "head":
        assignment = LeaderAssignment.get_or_none(LeaderAssignment.division == person.division_id)
        return assignment.leader if assignment else None
    return (
        Person.select()
        .where(Person.division == person.division_id, Person.position == "head", Person.active, Person.id != person.id)
        .order_by(Person.id)
        .first()
    )


def _locked_week(person: Person, monday: dt.date) -> WeeklyReview | None:
    query = WeeklyReview.select().where(WeeklyReview.person == person, WeeklyReview.week_start == monday)
    return for_update(query, for_update="FOR NO KEY UPDATE").first()


def week_of(person: Person, day: dt.date) -> WeeklyReview:
    """The review of the person's week containing `day`, opened (with its rating task, due the Tuesday after)
    the first time something is logged in that week.

    Inside a transaction the review stays locked until it ends (issue 10 §2): a rating of the week waits for
    the entry being filed, or the entry waits for the rating and then sees the week rated. Two first entries
    of a week at once make one review: the second waits on the first's insert and then takes its review."""
    monday = day - dt.timedelta(days=day.weekday())
    review = _locked_week(person, monday)
    if review is None:
        try:
            with db.atomic():  # a savepoint: the twin's insert fails alone, and the twin's review is taken
                review = WeeklyReview.create(
                    person=person, week_start=monday, rater=rater_of(person), due=workdays.weekly_review_due(monday)
                )
                approvals.start("weekly_review", review, person)
        except pw.IntegrityError:
            review = _locked_week(person, monday)
            if review is None:
                raise
    return review


def attach(entry: WorkLogEntry) -> WorkLogEntry:
    """Check and derive the entry and file it under its week's review."""
    derive(entry)
    review = week_of(entry.person, entry.date)
    if review.status != "open":  # docs/concurrency.md: refused, never filed as a draft that no rating will see
        raise WorkLogError("date", "该周工作已评定，不能再补记日志")
    entry.review = review
    return entry


def log_work(
    person: Person, day: dt.date, item: ItemLibraryEntry, quantity: Decimal | int | str, description: str = ""
) -> WorkLogEntry:
    """Record one ticked item of one day (R-RUN-4); the day's log is the person's entries of that date."""
    with db.atomic():
        entry = WorkLogEntry(
            person=person, date=day, item=item, quantity=Decimal(str(quantity)), description=description
        )
        attach(entry)
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
