"""The bureau portal: `create_app()` is a short list of each part's `init_app` (STYLE §2)."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask

from portal import config as settings
from services import clock


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The app. A setting it cannot start with (`DATABASE_URL`, `BUREAU_TODAY`, `BUREAU_YEAR`) raises
    `ConfigError` with one Chinese line; under `flask --app portal …` that line goes to stderr and the
    command exits 2, without a traceback (issue 9 §10)."""
    app = Flask(__name__, instance_relative_config=True)
    try:
        app.config.update(settings.load(app.instance_path, config))
    except settings.ConfigError as exc:
        if click.get_current_context(silent=True) is not None:
            from portal.commandline import fail

            fail(str(exc))
        raise
    clock.pin(app.config.get("TODAY"))

    from portal import (
        admin,
        auth,
        calendar_screen,
        changes,
        cli,
        commandline,
        daily_log,
        database,
        home,
        i18n,
        inputs,
        jobs,
        layout,
        meetings,
        notices,
        once,
        periods,
        results,
        security,
        server,
        tasks,
        weekly,
    )

    server.init_app(app)
    inputs.init_app(app)
    once.init_app(app)
    commandline.init_app(app)
    database.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    layout.init_app(app)
    home.init_app(app)
    tasks.init_app(app)
    daily_log.init_app(app)
    weekly.init_app(app)
    meetings.init_app(app)
    calendar_screen.init_app(app)
    changes.init_app(app)
    periods.init_app(app)
    results.init_app(app)
    notices.init_app(app)
    jobs.init_app(app)
    admin.init_app(app)
    cli.init_app(app)
    return app
