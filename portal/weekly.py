"""Weekly tasks (周绩效任务, R-RUN-5, R-TGT-5): `/week` where a person declares the week's tasks, `/week/division`
where the head sees the division's declarations together, edits them and issues them. Thin: `services.weekly`
decides, `services.week_views` shapes the screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.home import today
from portal.layout import register_nav
from services import once, week_views, weekly
from services.validation import RuleViolation

bp = Blueprint("weekly", __name__)
MAX_ROWS = 100
BLANK_ROWS = 3


def _monday() -> dt.date:
    text = request.args.get("week")
    if not text:
        return weekly.monday_of(today())
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        abort(404)
    if not 2000 <= day.year <= 2100:
        abort(404)
    return weekly.monday_of(day)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) <= 18 else None


def _rows() -> list[weekly.TaskInput]:
    """The form's rows `title-<n>` / `plan-<n>` / `id-<n>`; wholly blank rows are the form's spare lines."""
    rows = []
    for n in range(MAX_ROWS):
        title = request.form.get(f"title-{n}")
        if title is None:
            continue
        plan, task_id = _int(request.form.get(f"plan-{n}")), _int(request.form.get(f"id-{n}"))
        if not title.strip() and plan is None and task_id is None:
            continue
        rows.append(weekly.TaskInput(title, plan, task_id))
    return rows


def _once(write: Callable[[], object]) -> bool:
    """Run the write once per form token; True when this request was a replay."""
    try:
        return once.run(request.form.get(once.FIELD), current_user.person.id, write).replayed
    except once.TokenOfAnother:
        raise RuleViolation("form", _("This form was sent by someone else. Reload the page and try again.")) from None


def _may_declare() -> bool:
    person = current_user.person
    return person.division_id is not None and person.active


def _may_lead() -> bool:
    return weekly.may_lead(current_user.person, current_user.person.division_id)


def _render(template: str, screen: week_views.WeekScreen, status: int = 200, error: str | None = None):
    return render_template(template, screen=screen, error=error, blank=BLANK_ROWS, weeks=_weeks(screen.monday)), status


def _weeks(monday: dt.date) -> dict[str, str]:
    return {
        "previous": (monday - dt.timedelta(days=7)).isoformat(),
        "next": (monday + dt.timedelta(days=7)).isoformat(),
    }


def _done(endpoint: str, monday: dt.date, replayed: bool, message: str) -> Response:
    flash(
        _("This form had already been sent; nothing was saved twice.") if replayed else message,
        "info" if replayed else "success",
    )
    return redirect(url_for(endpoint, week=monday.isoformat()))


@bp.route("/week", methods=["GET", "POST"])
def mine() -> Response | tuple[str, int]:
    if not _may_declare():
        abort(403)
    person, monday = current_user.person, _monday()
    if request.method == "POST":
        rows = _rows()
        try:
            replayed = _once(lambda: len(weekly.declare(person, monday, rows, today())))
        except RuleViolation as exc:
            return _render("weekly/mine.html", week_views.person_week(person, monday, today()), 400, exc.message)
        return _done("weekly.mine", monday, replayed, _("Your tasks of the week are declared."))
    return _render("weekly/mine.html", week_views.person_week(person, monday, today()))


@bp.route("/week/division", methods=["GET", "POST"])
def division() -> Response | tuple[str, int]:
    if not _may_lead():
        abort(403)
    head, monday = current_user.person, _monday()
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "issue":
                replayed = _once(lambda: weekly.issue(head, monday, today()))
                message = _("The division's tasks of the week are issued.")
            else:
                removed = [i for i in (_int(v) for v in request.form.getlist("remove")) if i is not None]
                rows = _rows()
                replayed = _once(lambda: len(weekly.edit(head, monday, rows, removed, today())))
                message = _("The division's tasks of the week are saved.")
        except RuleViolation as exc:
            screen = week_views.division_week(head.division_id, monday, today())
            return _render("weekly/division.html", screen, 400, exc.message)
        return _done("weekly.division", monday, replayed, message)
    return _render("weekly/division.html", week_views.division_week(head.division_id, monday, today()))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav("weekly.mine", _l("Weekly tasks"), _may_declare)
