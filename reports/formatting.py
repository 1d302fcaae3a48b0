"""Pure text formats used on official notices (GB/T 9704-2012, see NOTICES.md)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def format_doc_number(prefix: str, year: int, seq: int) -> str:
    """Document number (发文字号) such as ``规绩〔2023〕12号``.

    The year is written in full inside 六角括号 (U+3014/U+3015); the sequence has no leading zeros and no 第.
    Allocation (per year, never reused) is the service's job; this only formats what it was given.
    """
    if not prefix or prefix != prefix.strip():
        raise ValueError(f"document number prefix must be non-empty text without surrounding spaces: {prefix!r}")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits: {year}")
    if seq < 1:
        raise ValueError(f"sequence numbers start at 1: {seq}")
    return f"{prefix}\u3014{year}\u3015{seq}号"


def format_cn_date(day: dt.date) -> str:
    """Date in Arabic numerals without leading zeros, ``2023年11月3日`` (成文日期, 印发日期)."""
    return f"{day.year}年{day.month}月{day.day}日"


def format_decimal(value: Decimal | None, places: int = 2) -> str:
    """Fixed-point figure rounded half-up; ``None`` prints as an em dash (not applicable)."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):f}"


def format_money(value: Decimal | None) -> str:
    """Amount in yuan with thousands separators and two decimals, ``26,400.00``."""
    if value is None:
        return "—"
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
