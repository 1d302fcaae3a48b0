"""Document numbers and dates as GB/T 9704-2012 writes them (R-RPT-1)."""

import datetime as dt
from decimal import Decimal

import pytest

from reports.formatting import format_cn_date, format_decimal, format_doc_number, format_money


@pytest.mark.parametrize(
    ("prefix", "year", "seq", "expected"),
    [
        ("规绩", 2023, 12, "规绩〔2023〕12号"),
        ("规绩", 2023, 1, "规绩〔2023〕1号"),
        ("规绩", 2024, 105, "规绩〔2024〕105号"),
        ("规办发", 2023, 7, "规办发〔2023〕7号"),
    ],
)
def test_doc_number_has_full_year_in_hexagonal_brackets_and_no_leading_zeros(prefix, year, seq, expected):
    """R-RPT-1: 〔〕 are U+3014/U+3015, not [] or 【】 or ()."""
    number = format_doc_number(prefix, year, seq)
    assert number == expected
    assert "\u3014" in number and "\u3015" in number
    assert "第" not in number


@pytest.mark.parametrize(
    ("prefix", "year", "seq"),
    [("", 2023, 1), (" 规绩", 2023, 1), ("规绩", 23, 1), ("规绩", 2023, 0), ("规绩", 2023, -3)],
)
def test_doc_number_rejects_what_the_standard_cannot_print(prefix, year, seq):
    with pytest.raises(ValueError):
        format_doc_number(prefix, year, seq)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 11, 3), "2023年11月3日"),
        (dt.date(2024, 1, 22), "2024年1月22日"),
        (dt.date(2023, 10, 1), "2023年10月1日"),
    ],
)
def test_cn_date_has_no_leading_zeros(day, expected):
    assert format_cn_date(day) == expected


@pytest.mark.parametrize(
    ("value", "decimal", "money"),
    [
        (Decimal("26400"), "26400.00", "26,400.00"),
        (Decimal("1387.505"), "1387.51", "1,387.51"),
        (Decimal("0"), "0.00", "0.00"),
        (None, "—", "—"),
    ],
)
def test_figures_round_half_up_to_two_places(value, decimal, money):
    assert format_decimal(value) == decimal
    assert format_money(value) == money
