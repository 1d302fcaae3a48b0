"""The home page (首页): what waits for me and my divisions, per role (SPEC §1). The figures come from
`services.dashboard`; this view only picks today and renders."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask, current_app, render_template
from flask_login import current_user

from portal import labels
from services import clock
from services.dashboard import dashboard_of

bp = Blueprint("home", __name__)


def today() -> dt.date:
    """The real date, unless the `TODAY` setting pins one (demos and tests)."""
    pinned = current_app.config.get("TODAY")
    if isinstance(pinned, dt.date):
        return pinned
    return dt.date.fromisoformat(pinned) if pinned else clock.today()


@bp.route("/")
def index() -> str:
    board = dashboard_of(current_user.person, today())
    return render_template("home.html", board=board, labels=labels)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
