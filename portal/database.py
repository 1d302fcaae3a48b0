"""Binds the models' DatabaseProxy for the app; one connection per request (STYLE §3)."""

from __future__ import annotations

from flask import Flask

from models import db, init_db


def init_app(app: Flask) -> None:
    init_db(app.config["DATABASE_URL"])

    @app.before_request
    def _connect() -> None:
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc: BaseException | None) -> None:
        if not db.is_closed() and not db.in_transaction():
            db.close()
