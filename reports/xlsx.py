"""Excel export of any table view (R-RPT-2); the portal's tables and every admin view export through it."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

TWO_DECIMALS = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_MAX_WIDTH = 60
# Characters in a sheet title that Excel refuses.
_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
# Text starting with one of these is a formula to Excel, LibreOffice or a CSV import (formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def table_to_xlsx(title: str, headers: Sequence[object], rows: Sequence[Sequence[object]]) -> bytes:
    """One-sheet workbook: a bold, frozen header row, then the rows as typed cells (see `cell`).

    Columns are sized to their widest cell, counting a CJK character as two.
    """
    for number, row in enumerate(rows, 1):
        if len(row) != len(headers):
            raise ValueError(f"row {number} has {len(row)} cells for {len(headers)} headers")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = (title.translate(_TITLE_FORBIDDEN) or "Sheet")[:31]
    sheet.append([cell(sheet, h) for h in headers])
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center")
    for header in sheet[1]:
        header.font = bold
        header.alignment = centred
    sheet.freeze_panes = "A2"

    widths = [_display_width(str(h)) for h in headers]
    for row in rows:
        sheet.append([cell(sheet, v) for v in row])
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _display_width(_shown(value)))
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_WIDTH)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(
    target: IO[bytes], title: str, headers: Sequence[object], rows: Iterable[Sequence[object]], widths_from: int = 200
) -> int:
    """Stream a one-sheet workbook into `target` (a file opened for binary writing); returns the rows written.

    For exports of any size (issue 10 item 7, R-RPT-2): a write-only workbook keeps no row in memory, so `rows`
    may be a lazy iterator over millions of records. Every value goes through `cell`, the same formula-safe rule
    as `table_to_xlsx`. A write-only sheet must know its column widths before its first row, so they are taken
    from the headers and the first `widths_from` rows (held back until then).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet((title.translate(_TITLE_FORBIDDEN) or "Sheet")[:31])
    sheet.freeze_panes = "A2"
    first: list[Sequence[object]] = []
    iterator = iter(rows)
    for row in iterator:
        first.append(row)
        if len(first) >= widths_from:
            break
    widths = [_display_width(str(h)) for h in headers]
    for number, row in enumerate(first, 1):
        if len(row) != len(headers):
            raise ValueError(f"row {number} has {len(row)} cells for {len(headers)} headers")
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _display_width(_shown(value)))
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_WIDTH)
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center")
    header_cells = []
    for h in headers:
        shown = cell(sheet, str(h))
        header = shown if isinstance(shown, Cell) else Cell(sheet, row=1, column=1, value=shown)
        header.font = bold
        header.alignment = centred
        header_cells.append(header)
    sheet.append(header_cells)
    written = 0
    for row in first:
        sheet.append([cell(sheet, v) for v in row])
        written += 1
    for row in iterator:
        if len(row) != len(headers):
            raise ValueError(f"row {written + 1} has {len(row)} cells for {len(headers)} headers")
        sheet.append([cell(sheet, v) for v in row])
        written += 1
    workbook.save(target)
    return written


def xlsx_file(title: str, headers: Sequence[object], rows: Iterable[Sequence[object]]) -> tuple[str, int]:
    """Write a workbook of any length (`write_xlsx`) into a temporary file on disk; its path and size. The file
    is deleted by `read_and_close` once it has been sent, or here when writing fails."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as target:
        try:
            write_xlsx(target, title, headers, rows)
        except BaseException:
            target.close()
            os.unlink(target.name)
            raise
        return target.name, target.tell()


class read_and_close:  # noqa: N801 - used as the function it replaces: Response(read_and_close(path))
    """A response body: the written workbook at `path`, in blocks, deleted once read to the end, once the server
    closes the response (WSGI calls `close()`), or when a response nobody read is collected. The file is opened
    only while it is read, so an unread response holds no open file."""

    def __init__(self, path: str, block: int = 1 << 16) -> None:
        self.path, self.block = path, block

    def __iter__(self) -> Iterator[bytes]:
        try:
            with open(self.path, "rb") as source:
                while data := source.read(self.block):
                    yield data
        finally:
            self.close()

    def close(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    def __del__(self) -> None:
        self.close()


def cell(sheet: Worksheet, value: object) -> Cell | object:
    """What one exported value becomes in `sheet` — the one place that decides it, for every export.

    Numbers (int, Decimal, float) stay numbers, Decimals shown with two decimals, so Excel can sum them; dates
    and datetimes stay dates (an aware datetime keeps its wall time); ``None`` is an empty cell; anything else
    is its text. Text is always a literal string cell, never a formula: text starting with ``=`` ``+`` ``-``
    ``@`` or a tab/line break is stored as text with Excel's quote prefix, so neither opening nor editing
    the cell runs it. Characters XML cannot hold are dropped. Returns a plain value when openpyxl's own
    conversion already gives exactly that (the common case), else a prepared ``Cell``.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return _formatted(sheet, value, TWO_DECIMALS)
    if isinstance(value, dt.datetime):
        return _formatted(sheet, value.replace(tzinfo=None), DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return _formatted(sheet, value, DATE_FORMAT)
    text = value if type(value) is str else str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if not text.startswith(FORMULA_PREFIXES):
        return text
    literal = Cell(sheet, row=1, column=1, value=text)  # placed by append, in either kind of sheet
    literal.data_type = "s"
    literal.quotePrefix = True
    return literal


def _formatted(sheet: Worksheet, value: object, number_format: str) -> Cell:
    typed = Cell(sheet, row=1, column=1, value=value)
    typed.number_format = number_format
    return typed


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
