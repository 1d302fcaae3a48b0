"""Number fields that take only numbers a column can store (issue 9 §10; R-AUD-1: no NaN is ever stored).

WTForms' DecimalField reads "NaN", "Infinity" and "1e400" as Decimals, and its IntegerField any integer at all;
PostgreSQL then refuses them (or SQLite overflows) and the page is a 500. These fields refuse them while the
form is read, with the field's own Chinese error. The portal's forms use them, and the admin's model forms get
them from `portal.admin_views.base.BureauModelConverter`, bounded by each model field's digits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _
from wtforms import fields

from scoring import limits

INT32 = 2**31 - 1  # PostgreSQL `integer`, what peewee's IntegerField creates


def _refusal(reason: str, bound: Decimal | int) -> str:
    if reason == "not_finite":
        return _("Enter a finite number (NaN and Infinity are not numbers here).")
    if reason == "too_large":
        return _("The number is too large: its absolute value must be below %(bound)s.", bound=f"{bound:,}")
    return _("Not a valid number.")


class FigureField(fields.DecimalField):
    """A decimal that is finite and, rounded to its `places`, below `max_magnitude` in absolute value."""

    def __init__(
        self, label: Any = None, validators: Any = None, max_magnitude: Decimal = limits.MAX_MAGNITUDE, **kwargs: Any
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.max_magnitude = max_magnitude

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is None:
            return
        try:
            number = limits.figure(self.data, self.max_magnitude)
            if self.places is not None:  # the column stores it rounded: 99999999.999 must not round out of range
                step = Decimal(1).scaleb(-self.places)
                limits.figure(number.quantize(step, rounding=self.rounding or ROUND_HALF_UP), self.max_magnitude)
        except limits.NotAFigure as exc:
            self.data = None
            raise ValueError(_refusal(exc.reason, self.max_magnitude)) from None
        self.data = number


class BoundedIntegerField(fields.IntegerField):
    """An integer whose absolute value is at most `bound` (PostgreSQL `integer` by default)."""

    def __init__(self, label: Any = None, validators: Any = None, bound: int = INT32, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.bound = bound

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str) and len(valuelist[0].strip().lstrip("+-")) > 20:
            self.data = None  # int() of thousands of digits is slow, then refused anyway
            raise ValueError(_refusal("too_large", self.bound + 1))
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > self.bound:
            self.data = None
            raise ValueError(_refusal("too_large", self.bound + 1))
