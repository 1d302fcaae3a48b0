"""The working-day calendar (工作日历, RULES §1, R-CAL-1).

Named ``workcalendar`` rather than ``calendar`` so that the package never shadows the standard library's
module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import chinese_calendar

from .model import CalendarOverrides, YearMonth


class CalendarDataMissing(LookupError):
    """A day outside the built-in holiday data that the office did not override: never guessed (RULES §1)."""

    def __init__(self, day: date) -> None:
        super().__init__(f"{day.isoformat()} 不在内置节假日数据范围内，且未在 calendar 中指定是否工作日")
        self.day = day


class WorkCalendar:
    """Working days of China's official schedule plus the office's overrides (RULES §1).

    A working day is Monday–Friday that is not a statutory holiday, or an adjusted working weekend day
    (调休上班). ``overrides.workdays`` forces a day to working, ``overrides.holidays`` forces it to
    non-working; the override wins over the built-in data. A day the built-in data does not cover and no
    override names raises ``CalendarDataMissing`` — unless the caller passes ``fallback``, a second source that
    decides such days (deadlines use one so that a year without data never stops the portal; scoring never does).
    Working days are computed once per month and cached.
    """

    def __init__(
        self, overrides: CalendarOverrides | None = None, fallback: Callable[[date], bool] | None = None
    ) -> None:
        overrides = overrides or CalendarOverrides()
        clash = overrides.workdays & overrides.holidays
        if clash:
            raise ValueError(f"days both forced working and non-working: {sorted(clash)}")
        self._workdays = overrides.workdays
        self._holidays = overrides.holidays
        self._fallback = fallback
        self._months: dict[YearMonth, tuple[date, ...]] = {}

    def is_workday(self, day: date) -> bool:
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if self._fallback is not None:
                return self._fallback(day)
            raise CalendarDataMissing(day) from None

    def workdays_in(self, month: YearMonth) -> tuple[date, ...]:
        """The working days of one month, in order."""
        days = self._months.get(month)
        if days is None:
            days = tuple(d for d in month.days() if self.is_workday(d))
            self._months[month] = days
        return days

    def uncovered(self, days: Iterable[date]) -> list[date]:
        """The days among ``days`` that neither the built-in data nor an override decides."""
        out = []
        for d in days:
            try:
                self.is_workday(d)
            except CalendarDataMissing:
                out.append(d)
        return out
