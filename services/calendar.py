"""The working-day calendar with the office's overrides (R-CAL-1), for deadlines: the same rules as scoring.

Sources, first that decides wins: the office's own days (CalendarOverride, kept on `/calendar/<year>`), the
official schedule in `chinesecalendar`, then — for a year `chinesecalendar` does not know yet — the statutory
holidays of the `holidays` package (no adjusted working days), and finally weekends only. Deadlines therefore
never stop at the end of the built-in data; the office is told which years it still has to enter
(`years_to_enter`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

from models import CalendarOverride, db
from scoring import WorkCalendar
from scoring.model import CalendarOverrides

KINDS = ("holiday", "workday")  # what an office day can be; no row means "as the sources say"


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> dict[dt.date, str]:
    import holidays

    return {day: str(name) for day, name in holidays.China(years=year).items()}


def fallback_is_workday(day: dt.date) -> bool:
    """A day no official data covers: Monday–Friday that is not a statutory holiday of `holidays.China`."""
    return day.weekday() < 5 and day not in _statutory_holidays(day.year)


def fallback_holiday_name(day: dt.date) -> str:
    return _statutory_holidays(day.year).get(day, "")


@lru_cache(maxsize=256)
def built_in(year: int) -> bool:
    """Whether `chinesecalendar` has the official schedule of `year` (holidays and adjusted working days)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
        chinese_calendar.is_workday(dt.date(year, 12, 31))
    except NotImplementedError:
        return False
    return True


def work_calendar() -> WorkCalendar:
    overrides = list(CalendarOverride.select())
    return WorkCalendar(
        CalendarOverrides(
            workdays=frozenset(o.date for o in overrides if o.kind == "workday"),
            holidays=frozenset(o.date for o in overrides if o.kind == "holiday"),
        ),
        fallback=fallback_is_workday,
    )


def entered(year: int) -> bool:
    """The office has entered at least one day of `year`."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return CalendarOverride.select().where(CalendarOverride.date.between(first, last)).exists()


def years_to_enter(today: dt.date, horizon_days: int = 31) -> list[int]:
    """Years from today to `horizon_days` ahead that neither `chinesecalendar` nor the office has entered: until
    they are, their deadlines count weekends and statutory holidays only."""
    years = sorted({today.year, (today + dt.timedelta(days=horizon_days)).year})
    return [y for y in years if not built_in(y) and not entered(y)]


def next_kind(current: str | None) -> str | None:
    """The toggle on the year grid: as the sources say → holiday → adjusted working day → as the sources say."""
    return {None: "holiday", "holiday": "workday"}.get(current)


def toggle(day: dt.date) -> str | None:
    """Move one day to its next kind (`next_kind`); the write is audited by the model. Returns the new kind."""
    with db.atomic():
        row = CalendarOverride.get_or_none(CalendarOverride.date == day)
        kind = next_kind(row.kind if row else None)
        if row is not None and kind is None:
            row.delete_instance()
        elif row is not None:
            row.kind = kind
            row.save()
        else:
            CalendarOverride.create(date=day, kind=kind, note="")
    return kind


def set_days(rows: list[tuple[dt.date, str, str]]) -> int:
    """Store imported days (date, kind, name), replacing what the office had for those dates."""
    with db.atomic():
        _store(rows)
    return len(rows)


def _store(rows: list[tuple[dt.date, str, str]]) -> None:
    for day, kind, name in rows:
        row = CalendarOverride.get_or_none(CalendarOverride.date == day)
        if row is None:
            CalendarOverride.create(date=day, kind=kind, note=name[:100])
        elif (row.kind, row.note) != (kind, name[:100]):
            row.kind, row.note = kind, name[:100]
            row.save()


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
