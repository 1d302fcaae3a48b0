"""Keys and numbers the admin hands to the database only if a column can hold them (issue 9 §10; R-SEC-1).

Flask-Admin passes `?id=`, page numbers, filter values and posted foreign-key ids straight into queries, and its
model forms take any Decimal or integer; SQLite overflows beyond 64 bits and PostgreSQL refuses NaN or a value
beyond a column's digits. The base view (`base.py`) and its form converter use what is here.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import peewee as pw
from wtforms import fields
from wtforms.validators import ValidationError
from wtfpeewee.fields import ModelSelectField, SelectQueryField

from portal.fields import INT32, BoundedIntegerField, FigureField
from portal.inputs import db_int
from scoring.limits import MAX_INT64

MAX_PAGE = 10**9  # no list has a billion pages; page × page size must stay a 64-bit OFFSET


def record_key(model: type[pw.Model], value: Any) -> Any:
    """The primary key `value` names, or None when no row can have it (an integer key beyond 64 bits)."""
    pk = model._meta.primary_key
    if isinstance(pk, pw.IntegerField):
        try:
            return db_int(str(value))
        except ValueError:
            return None
    try:
        return pk.adapt(value)
    except (TypeError, ValueError):
        return None


def comparable(value: Any) -> bool:
    """Whether a cleaned filter value can be compared by SQLite and PostgreSQL (no 65-bit integer, no NaN)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -MAX_INT64 <= value <= MAX_INT64
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(comparable(v) for v in value)
    return True


class _KeyedSelect:
    """A foreign-key select looks a posted id up only if a row can have it: a 25-digit id is "not a valid
    choice", not an OverflowError."""

    model: type[pw.Model]

    def get_model(self, pk: Any) -> Any:
        key = record_key(self.model, pk)
        return None if key is None else super().get_model(key)  # type: ignore[misc]

    def pre_validate(self, form: Any) -> None:
        # wtfpeewee's null filter re-assigns an unmatched posted id as data, which pre_validate then queries.
        data = self.data  # type: ignore[attr-defined]
        if data is not None and not isinstance(data, self.model) and record_key(self.model, data) is None:
            raise ValidationError(self.gettext("Not a valid choice."))  # type: ignore[attr-defined]
        super().pre_validate(form)  # type: ignore[misc]


class KeyedSelectQueryField(_KeyedSelect, SelectQueryField):
    pass


class KeyedModelSelectField(_KeyedSelect, ModelSelectField):
    pass


KEYED_SELECTS = {SelectQueryField: KeyedSelectQueryField, ModelSelectField: KeyedModelSelectField}


def bound_to_column(unbound: Any, field: pw.Field) -> None:
    """Swap the number and foreign-key fields of a generated admin form for ones bounded by `field`'s column:
    a decimal finite and within its digits, an integer within PostgreSQL's `integer` (or `bigint`)."""
    field_class = getattr(unbound, "field_class", None)
    if field_class is fields.DecimalField and isinstance(field, pw.DecimalField):
        unbound.field_class = FigureField
        unbound.kwargs["max_magnitude"] = Decimal(10) ** (field.max_digits - field.decimal_places)
    elif field_class is fields.IntegerField and isinstance(field, pw.IntegerField):
        unbound.field_class = BoundedIntegerField
        unbound.kwargs["bound"] = MAX_INT64 if isinstance(field, pw.BigIntegerField) else INT32
    elif field_class in KEYED_SELECTS:
        unbound.field_class = KEYED_SELECTS[field_class]
