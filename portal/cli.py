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

    @app.cli.command("demo")
    @click.option("--reset", is_flag=True, help="Empty the database and load the demo bureau again.")
    def demo_command(reset: bool) -> None:
        """Load the demo bureau (deterministic) and print the demo logins."""
        from services import demo

        with db.connection_context():
            upgrade(db.obj)
            if reset:
                demo.reset()
            if demo.has_data():
                click.echo("数据库中已有数据，未重新生成演示数据（如需重来请加 --reset）。")
                logins = demo.logins()
            else:
                logins = demo.load()
        click.echo(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）/ demo logins (password {demo.DEMO_PASSWORD}):")
        for login in logins:
            click.echo(f"  {login.role:<28} {login.username:<12} {login.name}（{login.division}）")
