"""The daily log screen (工作日志, R-RUN-4): tick several library items of one day, save once. Thin: the rules and
the transaction are `services.daily_log`'s, the screen's data `services.log_views`'."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.home import today
from portal.layout import register_nav
from services import daily_log, log_views, once
from services.log_views import Prefill
from services.validation import RuleViolation

bp = Blueprint("daily_log", __name__)


def may_log() -> bool:
    """Everyone who belongs to a division logs their work; the director and the leaders have no library."""
    person = current_user.person
    return person.division_id is not None and person.active


def _day(text: str | None) -> dt.date:
    if text is None:
        return today()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        abort(404)
    if day > today() or day.year < 2000:
        abort(404)
    return day


def _rows() -> list[daily_log.Row]:
    rows = []
    for value in request.form.getlist("tick"):
        if not value.isdigit() or len(value) > 18:
            abort(400)
        rows.append(
            daily_log.Row(int(value), request.form.get(f"qty-{value}", ""), request.form.get(f"desc-{value}", ""))
        )
    return rows


def _changes() -> list[daily_log.Change]:
    """The day's entries not yet rated, as the form shows them again (`edit-qty-<id>`, `edit-desc-<id>`)."""
    removed = set(request.form.getlist("remove-entry"))
    changes = []
    for key, quantity in request.form.items():
        entry_id = key.removeprefix("edit-qty-")
        if key.startswith("edit-qty-") and entry_id.isdigit() and len(entry_id) <= 18:
            description = request.form.get(f"edit-desc-{entry_id}", "")
            changes.append(daily_log.Change(int(entry_id), quantity, description, entry_id in removed))
    return changes


def _render(
    day: dt.date,
    status: int = 200,
    error: str | None = None,
    prefill: dict | None = None,
    edits: dict | None = None,
) -> tuple[str, int]:
    """The day's screen; a refused save shows again what was ticked and typed (`prefill`, `edits`)."""
    screen = log_views.day_screen(current_user.person, day, today(), copy=request.args.get("copy") == "1")
    ticked = prefill if prefill is not None else screen.prefill
    page = render_template("daily_log/day.html", screen=screen, ticked=ticked, edits=edits or {}, error=error)
    return page, status


@bp.route("/log", methods=["GET", "POST"])
@bp.route("/log/<day>", methods=["GET", "POST"])
def day(day: str | None = None) -> Response | tuple[str, int]:
    if not may_log():
        abort(403)
    date = _day(day)
    if request.method == "GET":
        return _render(date)
    rows, changes = _rows(), _changes()
    person = current_user.person

    def write() -> int:
        return len(daily_log.log_day(person, date, rows, changes))

    try:
        outcome = once.run(request.form.get(once.FIELD), person.id, write)
    except once.TokenOfAnother:
        return _render(date, 400, _("This form was sent by someone else. Reload the page and try again."))
    except RuleViolation as exc:
        kept = {r.item_id: Prefill(r.quantity, r.description) for r in rows}
        return _render(date, 400, exc.message, kept, {c.entry_id: c for c in changes})
    if outcome.replayed:
        flash(_("This form had already been sent; nothing was saved twice."), "info")
    else:
        flash(_("%(count)s items saved to the log of %(day)s.", count=outcome.result, day=date.isoformat()), "success")
    return redirect(url_for("daily_log.day", day=date.isoformat()))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav("daily_log.day", _l("Daily log"), may_log)
