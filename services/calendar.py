"""The working-day calendar with the office's overrides (R-CAL-1), for deadlines: the same rules as scoring."""

from __future__ import annotations

import datetime as dt

from models import CalendarOverride
from scoring import WorkCalendar
from scoring.model import CalendarOverrides


def work_calendar() -> WorkCalendar:
    overrides = list(CalendarOverride.select())
    return WorkCalendar(
        CalendarOverrides(
            workdays=frozenset(o.date for o in overrides if o.kind == "workday"),
            holidays=frozenset(o.date for o in overrides if o.kind == "holiday"),
        )
    )


def add_workdays(day: dt.date, count: int, calendar: WorkCalendar | None = None) -> dt.date:
    """The `count`-th working day after `day` (R-RUN-2: 'by the end of the 2nd working day after')."""
    calendar = calendar or work_calendar()
    while count > 0:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            count -= 1
    return day


def first_workday_on_or_after(day: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    calendar = calendar or work_calendar()
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def weekly_review_due(week_start: dt.date) -> dt.date:
    """R-RUN-6: the rating of a week is due by the end of the following Tuesday."""
    monday = week_start - dt.timedelta(days=week_start.weekday())
    return monday + dt.timedelta(days=8)


def meeting_day(year: int, month: int, calendar: WorkCalendar | None = None) -> dt.date:
    """R-RUN-1: the monthly analysis meeting before the 5th; past holidays it moves to the next working day."""
    return first_workday_on_or_after(dt.date(year, month, 4), calendar)


def working_days_between(start: dt.date, end: dt.date, calendar: WorkCalendar | None = None) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    calendar = calendar or work_calendar()
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return count
