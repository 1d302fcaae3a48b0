"""Command-line: `flask --app portal migrate | demo [--reset]`."""

from __future__ import annotations

import click
from flask import Flask

from models import db
from models.migrate import upgrade


def init_app(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate_command() -> None:
        """Apply every pending schema migration."""
        with db.connection_context():
            applied = upgrade(db.obj)
        click.echo("已是最新结构" if not applied else "已执行迁移：" + "，".join(applied))
