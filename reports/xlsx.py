"""Excel export of any table view (R-RPT-2)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

TWO_DECIMALS = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_MAX_WIDTH = 60
# Characters in a sheet title that Excel refuses.
_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def table_to_xlsx(title: str, headers: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    """One-sheet workbook: a bold, frozen header row, then the rows as typed cells.

    Decimals are written as numbers shown with two decimals (so Excel can sum them), dates as dates,
    datetimes as datetimes, ``None`` as an empty cell, anything else as its text. Columns are sized to
    their widest cell, counting a CJK character as two.
    """
    for number, row in enumerate(rows, 1):
        if len(row) != len(headers):
            raise ValueError(f"row {number} has {len(row)} cells for {len(headers)} headers")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = (title.translate(_TITLE_FORBIDDEN) or "Sheet")[:31]
    sheet.append(list(headers))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = "A2"

    widths = [_display_width(h) for h in headers]
    for row in rows:
        sheet.append([_cell_value(v) for v in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _display_width(_shown(value)))
    for data_row, cells in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        for value, cell in zip(data_row, cells, strict=True):
            fmt = _number_format(value)
            if fmt:
                cell.number_format = fmt
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_WIDTH)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | Decimal | str | dt.date):
        return value
    return str(value)


def _number_format(value: object) -> str | None:
    if isinstance(value, Decimal):
        return TWO_DECIMALS
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    return None


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return "0000-00-00 00:00"
    if isinstance(value, dt.date):
        return "0000-00-00"
    return str(value)


def _display_width(text: str) -> int:
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in longest)
