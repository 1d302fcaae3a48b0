"""The monthly analysis meeting's screen (R-RUN-1): the office records, in one form per division, what became
of each item of the month's approved plan. Thin: `services.meetings` decides."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.home import today
from services import meetings

bp = Blueprint("meetings", __name__)

OUTCOME_LABELS = {
    "done": _l("Done"),
    "unfinished_ack": _l("Unfinished, acknowledged by the director"),
    "unfinished": _l("Unfinished, not acknowledged"),
}


def _month() -> tuple[int, int]:
    """The month asked for, else last month (the meeting judges the month before)."""
    day = today()
    default = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    year = request.args.get("year", default[0], type=int)
    month = request.args.get("month", default[1], type=int)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)
    return year, month


@bp.route("/meetings/outcomes")
def outcomes() -> str:
    if not meetings.may_record(current_user.person):
        abort(403)
    year, month = _month()
    plans = meetings.plans_to_judge(year, month)
    return render_template(
        "meetings/outcomes.html", year=year, month=month, plans=plans, labels=OUTCOME_LABELS, error=None
    )


@bp.route("/meetings/outcomes/<int:plan_id>", methods=["POST"])
def record(plan_id: int) -> Response | tuple[str, int]:
    if not meetings.may_record(current_user.person):
        abort(403)
    given: dict[int, meetings.Outcome] = {}
    for key, value in request.form.items():
        if key.startswith("outcome-") and key.removeprefix("outcome-").isdigit():
            item_id = int(key.removeprefix("outcome-"))
            given[item_id] = meetings.Outcome(
                value, request.form.get(f"note-{item_id}", ""), request.form.get(f"adjustment-{item_id}", "")
            )
    try:
        plan = meetings.record_outcomes(plan_id, given, current_user.person)
    except meetings.OutcomeError as exc:
        year, month = _month()
        plans = meetings.plans_to_judge(year, month)
        page = render_template(
            "meetings/outcomes.html", year=year, month=month, plans=plans, labels=OUTCOME_LABELS, error=str(exc)
        )
        return page, 400
    flash(_("The meeting's outcomes of %(plan)s are recorded.", plan=str(plan)), "success")
    return redirect(url_for("meetings.outcomes", year=plan.year, month=plan.month))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
