"""The office's screen of closed periods (R-AUD-1): the closures of a year, closing a month or the whole year
(performance office), reopening a closure with a reason (director). Thin: `services.periods` decides."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.home import today
from services import periods

bp = Blueprint("periods", __name__)


def _year() -> int:
    year = request.values.get("year", today().year, type=int)
    if not 2000 <= year <= 2100:
        abort(404)
    return year


def _page(year: int, error: str | None = None) -> str:
    person = current_user.person
    return render_template(
        "periods/index.html",
        year=year,
        closures=periods.closures(year),
        may_close=periods.may_close(person),
        may_reopen=periods.may_reopen(person),
        error=error,
    )


@bp.route("/periods")
def index() -> str:
    if not periods.may_view(current_user.person):
        abort(403)
    return _page(_year())


@bp.route("/periods/close", methods=["POST"])
def close() -> Response | tuple[str, int]:
    person = current_user.person
    if not periods.may_close(person):
        abort(403)
    year = request.form.get("year", type=int) or 0
    month_text = request.form.get("month", "")
    month = int(month_text) if month_text.isdigit() else None
    try:
        closure = periods.close(person, year, month)
    except periods.PeriodError as exc:
        return _page(year if 2000 <= year <= 2100 else today().year, str(exc)), 400
    if closure.month:
        flash(_("%(year)d-%(month)02d is closed.", year=closure.year, month=closure.month), "success")
    else:
        flash(_("The year %(year)d is closed.", year=closure.year), "success")
    return redirect(url_for("periods.index", year=closure.year))


@bp.route("/periods/<int:record_id>/reopen", methods=["POST"])
def reopen(record_id: int) -> Response | tuple[str, int]:
    person = current_user.person
    if not periods.may_reopen(person):
        abort(403)
    try:
        closure = periods.reopen(person, record_id, request.form.get("reason", ""))
    except periods.PeriodError as exc:
        return _page(_year(), str(exc)), 400
    flash(_("The closure is reopened; the reason is on record."), "success")
    return redirect(url_for("periods.index", year=closure.year))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
