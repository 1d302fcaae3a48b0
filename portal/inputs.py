"""Bad input is refused at the door, never a 500 (issue 9 §10; R-SEC-1, R-AUD-1: nothing malformed is stored).

- `<int:…>` in every route matches only ids a database row can have (64-bit), so `/tasks/99999999999999999999999`
  is a 404 on SQLite (which would raise OverflowError) and PostgreSQL alike;
- `db_int` is the `type=` for integers read from a query string or a form (`request.args.get("year", type=db_int)`):
  anything that is not such an integer reads as absent;
- a NUL character (`\\x00`) anywhere in the path, the query string, a form field, an uploaded file's name or a
  JSON body is refused with a 400 and a Chinese message before any view runs: PostgreSQL cannot store it.

Numbers typed into forms are checked by the fields of `portal.fields`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map, ValidationError
from werkzeug.wrappers import Response

from scoring.limits import MAX_INT64, MAX_YEAR, MIN_YEAR

_MAX_DIGITS = len(str(MAX_INT64))


class KeyConverter(IntegerConverter):
    """The `int` converter of every route, bounded to the ids a row can have: anything larger does not match."""

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed: bool = False
    ) -> None:
        super().__init__(map, fixed_digits, min, MAX_INT64 if max is None else max, signed)

    def to_python(self, value: str) -> Any:
        if len(value.lstrip("-")) > _MAX_DIGITS:  # also spares int() a 5,000-digit string
            raise ValidationError()
        return super().to_python(value)


def db_int(value: str) -> int:
    """An integer a database column can hold, for `request.args.get(name, type=db_int)`; ValueError otherwise
    (so `.get` answers its default, as for any text that is not a number)."""
    text = value.strip()
    if len(text.lstrip("+-")) > _MAX_DIGITS:
        raise ValueError(value)
    number = int(text)
    if not -MAX_INT64 <= number <= MAX_INT64:
        raise ValueError(value)
    return number


def assessment_year(value: str) -> int:
    """A year the system handles (`scoring.limits`: 2000–2100), for `type=`; ValueError otherwise, so a page
    never builds a date in year 99999."""
    number = db_int(value)
    if not MIN_YEAR <= number <= MAX_YEAR:
        raise ValueError(value)
    return number


def _texts(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def has_nul() -> bool:
    """Whether the request carries a NUL character anywhere the portal reads text from."""
    if "\x00" in request.path:
        return True
    sources: list[Iterator[str] | list[str]] = [
        (text for pair in request.args.items(multi=True) for text in pair),
    ]
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        sources.append(text for pair in request.form.items(multi=True) for text in pair)
        sources.append(f.filename or "" for f in request.files.values())
        if request.is_json:
            sources.append(_texts(request.get_json(silent=True)))
    return any("\x00" in text for source in sources for text in source)


def refuse_nul() -> Response | tuple[str, int] | None:
    """Before every request: a NUL character is a 400 with the portal's message (JSON for a JSON request)."""
    if not has_nul():
        return None
    message = _("The request contains a NUL character, which no field may hold. Remove it and try again.")
    if request.is_json or request.accept_mimetypes.best == "application/json":
        response = jsonify(error="nul_character", message=message)
        response.status_code = 400
        return response
    return render_template("error.html", title=_("Invalid input"), message=message), 400


def init_app(app: Flask) -> None:
    """Called first in `create_app`: the converter must be in place before any blueprint adds its routes, and the
    NUL check must run before the request opens the database."""
    app.url_map.converters["int"] = KeyConverter
    app.before_request(refuse_nul)
