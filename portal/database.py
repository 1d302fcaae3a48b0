"""Binds the models' DatabaseProxy for the app; one connection per request (STYLE §3)."""

from __future__ import annotations

import logging

import peewee as pw
from flask import Flask, request
from flask_babel import gettext as _

from models import db, init_db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    init_db(app.config["DATABASE_URL"])

    @app.before_request
    def _connect() -> tuple[str, int, dict[str, str]] | None:
        if request.endpoint == "server.healthz":
            return None  # it answers for the database itself, as JSON
        try:
            db.connect(reuse_if_open=True)
        except (pw.OperationalError, pw.InterfaceError) as exc:
            # A database that does not answer is a plain 503, not a traceback (issue 9 §10); the page cannot
            # use the portal's frame, which itself reads the logged-in person from the database.
            log.error("database unavailable: %s", str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
            message = _("The database is not available right now. Try again later, or tell the administrator.")
            return message, 503, {"Content-Type": "text/plain; charset=utf-8"}
        return None

    @app.teardown_request
    def _close(exc: BaseException | None) -> None:
        if not db.is_closed() and not db.in_transaction():
            db.close()
