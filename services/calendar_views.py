"""Read model of the year grid on `/calendar/<year>` (R-CAL-1, STYLE §12): every day of a year with what the
office set and what the sources say. Never writes."""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from dataclasses import dataclass

from models import CalendarOverride
from services import calendar as workdays


@dataclass(frozen=True)
class GridDay:
    date: dt.date
    office_kind: str | None  # "holiday" / "workday" when the office set the day, else None
    is_workday: bool  # what deadlines take the day as
    note: str


@dataclass(frozen=True)
class GridMonth:
    month: int
    weeks: list[list[GridDay | None]]  # Monday-first weeks; None pads the first and last week


@dataclass(frozen=True)
class YearGrid:
    year: int
    built_in: bool  # chinesecalendar has the official schedule of the year
    entered: int  # days the office set in the year
    months: list[GridMonth]


def year_grid(year: int) -> YearGrid:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = {o.date: o for o in CalendarOverride.select().where(CalendarOverride.date.between(first, last))}
    calendar = workdays.work_calendar()
    built_in = workdays.built_in(year)
    months = []
    for month in range(1, 13):
        weeks: list[list[GridDay | None]] = []
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            line: list[GridDay | None] = []
            for day in week:
                if day.month != month:
                    line.append(None)
                    continue
                row = rows.get(day)
                note = row.note if row else ("" if built_in else workdays.fallback_holiday_name(day))
                line.append(GridDay(day, row.kind if row else None, calendar.is_workday(day), note))
            weeks.append(line)
        months.append(GridMonth(month, weeks))
    return YearGrid(year, built_in, len(rows), months)
