"""Number fields that take only numbers a column can store (issue 9 §10; R-AUD-1: no NaN is ever stored).

WTForms' DecimalField reads "NaN", "Infinity" and "1e400" as Decimals, and its IntegerField any integer at all;
PostgreSQL then refuses them (or SQLite overflows) and the page is a 500. These fields refuse them while the
form is read, with the field's own Chinese error. The portal's forms use them, and the admin's model forms get
them from `portal.admin_views.base.BureauModelConverter`, bounded by each model field's digits.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_admin.form import JSONField
from flask_babel import gettext as _
from wtforms import fields
from wtforms.validators import StopValidation

from scoring import limits

INT32 = 2**31 - 1  # PostgreSQL `integer`, what peewee's IntegerField creates


def _refusal(reason: str, bound: Decimal | int) -> str:
    if reason == "not_finite":
        return _("Enter a finite number (NaN and Infinity are not numbers here).")
    if reason == "too_large":
        shown = f"{bound:,}"
        return _("The number is too large: its absolute value must be below %(bound)s.", bound=shown)
    return _("Not a valid number.")


class _ParseErrorStands:
    """A typed value that could not be read keeps its own message: the required-validators that follow would
    otherwise replace it with "this field is required" (the value reads as absent)."""

    process_errors: list[Any]
    raw_data: list[Any] | None

    def pre_validate(self, form: Any) -> None:
        typed = bool(self.raw_data) and str(self.raw_data[0]).strip() != ""  # type: ignore[index]
        if self.process_errors and typed:
            raise StopValidation()


class FigureField(_ParseErrorStands, fields.DecimalField):
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


class BoundedIntegerField(_ParseErrorStands, fields.IntegerField):
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


class _NotFinite(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    try:
        limits.figure(text)
    except limits.NotAFigure as exc:
        raise _NotFinite(text) from exc
    return value


def _finite_int(text: str) -> int:
    if len(text.lstrip("-")) > 20 or abs(int(text)) >= limits.MAX_MAGNITUDE:
        raise _NotFinite(text)
    return int(text)


def _no_constant(text: str) -> Any:
    raise _NotFinite(text)


class FiniteJSONField(JSONField):
    """The admin's JSON editor (a year's rules), refusing NaN, Infinity and numbers beyond the bound of every
    figure, which Python's json module would otherwise read and store."""

    def process_formdata(self, valuelist: Any) -> None:
        if valuelist and valuelist[0]:
            try:
                json.loads(valuelist[0], parse_float=_finite_float, parse_int=_finite_int, parse_constant=_no_constant)
            except _NotFinite as exc:
                self.data = None
                raise ValueError(
                    _("The JSON holds %(value)s, which is not a finite number of a sensible size.", value=str(exc))
                ) from None
            except ValueError:
                pass  # the parent's "Invalid JSON"
        super().process_formdata(valuelist)
