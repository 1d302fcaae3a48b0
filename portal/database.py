"""Binds the models' DatabaseProxy for the app; one connection per request (STYLE §3)."""

from __future__ import annotations

import logging

import peewee as pw
from flask import Flask, render_template, request
from flask_babel import gettext as _

from models import db, init_db
from models.base import is_lock_error

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    init_db(app.config["DATABASE_URL"], int(app.config.get("LOCK_TIMEOUT_MS") or 10000))

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

    @app.errorhandler(pw.OperationalError)
    def _busy(exc: pw.OperationalError) -> tuple[str, int, dict[str, str]]:
        """A write that waited for others' locks longer than LOCK_TIMEOUT_MS: its transaction is rolled back,
        nothing is half-saved, and the person is asked to try again (issue 10 §1). Any other operational error
        stays a server error."""
        if not is_lock_error(exc):
            raise exc
        log.warning("lock wait ran out: %s", str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
        title, message = _("System busy"), _("The system is busy. Please try again in a moment.")
        headers = {"Retry-After": "2"}
        try:
            return render_template("error.html", title=title, message=message), 503, headers
        except Exception:  # noqa: BLE001 - the frame reads the database; a busy one still gets its answer
            return message, 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}
