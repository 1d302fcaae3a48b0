"""What the system accepts as a number, a year and an input at all (issue 9 §10: no 500 for bad input).

One place for the bounds that every entry point shares — ``python -m scoring``, the what-if form, the portal's
forms and command line: a figure is a finite decimal below ``MAX_MAGNITUDE`` (NaN, Infinity and 1e400 are not
figures of a bureau); a year lies in ``YEARS``; one scoring input is at most ``MAX_INPUT_BYTES`` long and no
list in it holds more than ``MAX_ROWS`` rows (a city year of 20,000 people is about 300 MB and 5 million hours
rows, so the limits leave room for it and refuse only what no bureau has).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_MAGNITUDE = Decimal(10) ** 12
"""No hours, points, ratio or yuan amount of a bureau reaches a trillion; anything larger is a typo or an attack."""

MIN_YEAR, MAX_YEAR = 2000, 2100
"""Assessment years the system handles (the forms, the command line and the scoring input share them)."""

MAX_INPUT_BYTES = 512 * 1024 * 1024
"""Largest scoring input file ``python -m scoring`` reads: 512 MiB."""

MAX_ROWS = 10_000_000
"""Largest number of rows in one list (or keys in one object) of a scoring input: 10 million."""

MAX_INT64 = 2**63 - 1
"""Largest integer key a database row can have (SQLite INTEGER, PostgreSQL bigint)."""


class NotAFigure(ValueError):  # noqa: N818 - a refusal of input, read as "not a figure"
    """A text that is not a usable figure; ``reason`` is ``"not_a_number"``, ``"not_finite"`` or ``"too_large"``."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r}: {reason}")
        self.text = text
        self.reason = reason


def figure(value: str | int | Decimal, max_magnitude: Decimal = MAX_MAGNITUDE) -> Decimal:
    """The decimal a text (or number) stands for, or ``NotAFigure``: never NaN, never ±Infinity, and its absolute
    value below ``max_magnitude``. Exponents are fine while the value stays in bounds (``1e3`` is 1000)."""
    text = value.strip() if isinstance(value, str) else str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(text)
    except (InvalidOperation, ValueError):
        raise NotAFigure(text, "not_a_number") from None
    if not number.is_finite():
        raise NotAFigure(text, "not_finite")
    if abs(number) >= max_magnitude:
        raise NotAFigure(text, "too_large")
    return number


def problem(reason: str) -> str:
    """The Chinese words for a ``NotAFigure.reason``, for the messages of the scoring input and the what-if form."""
    return {
        "not_a_number": "不是有效的数字",
        "not_finite": "不是有限的数字（不接受 NaN、Infinity）",
        "too_large": "超出允许的范围（绝对值应小于一万亿）",
    }[reason]
