"""The office's working-day calendar (R-CAL-1): `/calendar/<year>` shows a year of months, a click moves a day
between holiday, adjusted working day and "as the official schedule says"; a CSV or xlsx file (date, kind,
name) is previewed with an error per bad row before it is stored. Thin: `services.calendar` decides, and
`services.calendar_import` reads files. The header banner tells the office which coming year still has to be
entered."""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from services import calendar as workdays
from services import calendar_import, clock
from services.calendar_views import year_grid

bp = Blueprint("calendar", __name__)

PROBLEMS = {
    "unknown_format": _l("%(name)s is neither a CSV nor an xlsx file."),
    "unreadable": _l("%(name)s cannot be read as a CSV or xlsx file."),
    "empty": _l("The file holds no days."),
    "too_many_rows": _l("More than %(limit)d rows; the rest were not read."),
    "bad_date": _l("“%(value)s” is not a date (YYYY-MM-DD)."),
    "wrong_year": _l("%(date)s is not in %(year)d."),
    "bad_kind": _l("“%(value)s” is neither a holiday nor an adjusted working day (holiday / workday)."),
    "duplicate": _l("%(date)s already appears in row %(first)d."),
}
KIND_LABELS = {"holiday": _l("Holiday"), "workday": _l("Adjusted working day")}


def may_keep(person: object) -> bool:
    """The performance office keeps the calendar; the director may too."""
    return bool(getattr(person, "roles", frozenset()) & {"office", "director"})


def _check(year: int) -> None:
    if not current_user.is_authenticated or not may_keep(current_user.person):
        abort(403)
    if not 2000 <= year <= 2100:
        abort(404)


def _problem_text(problem: calendar_import.Problem) -> str:
    text = str(PROBLEMS[problem.code]) % problem.values
    return _("Row %(row)d: %(problem)s", row=problem.row, problem=text) if problem.row else text


@bp.route("/calendar/<int:year>")
def year_page(year: int) -> str:
    _check(year)
    return render_template("calendar/year.html", grid=year_grid(year), kinds=KIND_LABELS, preview=None)


@bp.route("/calendar/<int:year>/toggle", methods=["POST"])
def toggle(year: int) -> Response | tuple[str, int]:
    _check(year)
    try:
        day = dt.date.fromisoformat(request.form.get("date", ""))
    except ValueError:
        return _("Choose a day of the year."), 400
    if day.year != year:
        return _("Choose a day of the year."), 400
    workdays.toggle(day)
    return redirect(url_for("calendar.year_page", year=year, _anchor=f"m{day.month}"))


@bp.route("/calendar/<int:year>/import", methods=["POST"])
def import_file(year: int) -> Response | tuple[str, int]:
    _check(year)
    if request.form.get("confirm"):
        return _store(year)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _("Choose a CSV or xlsx file."), 400
    parsed = calendar_import.read(upload.filename, upload.read(), year)
    preview = {
        "days": parsed.days,
        "problems": [_problem_text(p) for p in parsed.problems],
        "rows": json.dumps([[d.date.isoformat(), d.kind, d.name] for d in parsed.days], ensure_ascii=False),
    }
    page = render_template("calendar/year.html", grid=year_grid(year), kinds=KIND_LABELS, preview=preview)
    return page, (400 if parsed.problems else 200)


def _store(year: int) -> Response | tuple[str, int]:
    try:
        raw = json.loads(request.form.get("rows", ""))
        rows = [(dt.date.fromisoformat(d), k, str(n)) for d, k, n in raw]
    except (ValueError, TypeError):
        return _("Choose a CSV or xlsx file."), 400
    if not rows or any(d.year != year or k not in workdays.KINDS for d, k, _n in rows):
        return _("Choose a CSV or xlsx file."), 400
    count = workdays.set_days(rows)
    flash(_("%(count)d days of %(year)d are stored.", count=count, year=year), "success")
    return redirect(url_for("calendar.year_page", year=year))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _calendar_banner() -> dict:
        """Years the office still has to enter; asks the database only when the official data lacks a year."""
        if not current_user.is_authenticated or not may_keep(current_user.person):
            return {"calendar_years_to_enter": []}
        return {"calendar_years_to_enter": workdays.years_to_enter(clock.today())}
