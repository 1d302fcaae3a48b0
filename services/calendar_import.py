"""Reading a year's holidays and adjusted working days from a file (R-CAL-1): CSV or xlsx, one day a row —
date, kind, name — with an optional header row. Nothing is stored here: `read()` returns the rows it understood
and a coded problem for each row it did not (STYLE §14); the portal shows them as a preview and
`services.calendar.set_days` stores the rows once the office confirms.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

MAX_ROWS = 1000
HOLIDAY_WORDS = {"holiday", "休息日", "节假日", "假日", "放假", "休"}
WORKDAY_WORDS = {"workday", "工作日", "调休上班", "上班", "补班", "班"}


@dataclass(frozen=True)
class Problem:
    """One row the file got wrong: `code` names what, `values` fill the message (row 0: the whole file)."""

    row: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Day:
    row: int
    date: dt.date
    kind: str
    name: str


@dataclass
class Parsed:
    days: list[Day] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _cells(filename: str, data: bytes) -> list[list[Any]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [list(row) for _, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)]
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 2]


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    try:
        parts = [int(p) for p in text.split("-")]
        return dt.date(*parts) if len(parts) == 3 else None
    except (ValueError, TypeError):
        return None


def _kind(value: Any) -> str | None:
    text = str(value or "").strip().lower()
    if text in HOLIDAY_WORDS:
        return "holiday"
    if text in WORKDAY_WORDS:
        return "workday"
    return None


def read(filename: str, data: bytes, year: int) -> Parsed:
    """The days of `year` in the file, and a problem for every row that is not one (row numbers as in the file)."""
    parsed = Parsed()
    if not filename.lower().endswith((".csv", ".xlsx")):
        parsed.problems.append(Problem(0, "unknown_format", {"name": filename}))
        return parsed
    try:
        rows = _cells(filename, data)
    except Exception:  # noqa: BLE001 - any file openpyxl or the CSV reader cannot read is "unreadable"
        parsed.problems.append(Problem(0, "unreadable", {"name": filename}))
        return parsed
    seen: dict[dt.date, int] = {}
    for number, cells in enumerate(rows, start=1):
        cells = [*cells, None, None, None][:3]
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        day = _date(cells[0])
        if day is None and number == 1:
            continue  # a header row
        if number > MAX_ROWS + 1:
            parsed.problems.append(Problem(number, "too_many_rows", {"limit": MAX_ROWS}))
            break
        if day is None:
            parsed.problems.append(Problem(number, "bad_date", {"value": str(cells[0] or "")}))
            continue
        if day.year != year:
            parsed.problems.append(Problem(number, "wrong_year", {"date": day.isoformat(), "year": year}))
            continue
        kind = _kind(cells[1])
        if kind is None:
            parsed.problems.append(Problem(number, "bad_kind", {"value": str(cells[1] or "")}))
            continue
        if day in seen:
            parsed.problems.append(Problem(number, "duplicate", {"date": day.isoformat(), "first": seen[day]}))
            continue
        seen[day] = number
        parsed.days.append(Day(number, day, kind, str(cells[2] or "").strip()[:100]))
    if not parsed.days and not parsed.problems:
        parsed.problems.append(Problem(0, "empty", {}))
    return parsed
