"""Command-line: `flask --app portal migrate | demo [--reset] | score | notice | account … | audit verify |
backup | restore`.
Every command is a `portal.commandline.BureauCommand`: bad input is one Chinese line on stderr and exit 2."""

from __future__ import annotations

import time

import click
from flask import Flask

from models import audit, db
from models.migrate import upgrade
from portal.commandline import OUT_FILE, YEAR, BureauGroup, fail


def init_app(app: Flask) -> None:
    from portal.account_cli import account_command
    from portal.notices import notice_command

    app.cli.add_command(notice_command)
    app.cli.add_command(account_command)
    app.cli.add_command(audit_command)

    @app.cli.command("backup")
    @click.option("--out", type=OUT_FILE, required=True, help="The backup file to write.")
    def backup_command(out: str) -> None:
        """A consistent copy of the whole database while the portal runs (SQLite backup API / pg_dump -Fc)."""
        from services import backup

        try:
            kind = backup.backup(app.config["DATABASE_URL"], out)
        except backup.BackupRefused as exc:
            fail(str(exc))
        click.echo(f"已备份（{kind}）：{out}")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
    def restore_command(file: str) -> None:
        """Load a backup into the EMPTY database of DATABASE_URL; a database with tables is refused."""
        from services import backup

        try:
            kind = backup.restore(app.config["DATABASE_URL"], file)
        except backup.BackupRefused as exc:
            fail(str(exc))
        click.echo(f"已恢复（{kind}）：{file}")

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
                from services.results import recompute

                snapshot = recompute(demo.YEAR, reason="演示数据")
                click.echo(f"已计算{snapshot}。")
        click.echo(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）/ demo logins (password {demo.DEMO_PASSWORD}):")
        for login in logins:
            click.echo(f"  {login.role:<28} {login.username:<12} {login.name}（{login.division}）")

    @app.cli.command("score")
    @click.option("--year", type=YEAR, required=True, help="Assessment year, e.g. 2023.")
    @click.option("--dump-input", type=OUT_FILE, help="Write the scoring input JSON here instead.")
    def score_command(year: int, dump_input: str | None) -> None:
        """Recompute a year's results from the database and store them as a new snapshot (RULES §7)."""
        import json

        from services import results

        with db.connection_context():
            try:
                if dump_input:
                    data = results.build_input(year)
                    with open(dump_input, "w", encoding="utf-8") as handle:
                        json.dump(data, handle, ensure_ascii=False, indent=1)
                    click.echo(f"已导出 {year} 年度考核输入：{dump_input}（可用 python -m scoring 复算）")
                    return
                snapshot = results.recompute(year, reason="flask score")
            except results.ScoringFailed as exc:
                for problem in exc.problems:
                    click.echo(problem, err=True)
                raise SystemExit(2) from exc
        click.echo(f"{snapshot}：已保存（输入 SHA-256 {snapshot.input_sha256[:12]}…）")
        for warning in snapshot.warnings:
            click.echo(f"  提示：{warning}")


@click.group("audit", cls=BureauGroup)
def audit_command() -> None:
    """The audit trail (留痕, R-AUD-1)."""


def _where_broken(broken: audit.Break) -> str:
    if broken.kind == audit.CONTENT_CHANGED:
        return f"留痕链在 id {broken.row_id} 处断开：该行内容已被改动，与其哈希不符。"
    if broken.kind == audit.OUT_OF_CHAIN:
        return f"留痕链在 id {broken.row_id} 处断开：该行不在链中，是事后插入的。"
    before = f"与前一行（id {broken.previous_id}）之间" if broken.previous_id is not None else "之前（链首）"
    return f"留痕链在 id {broken.row_id} 处断开：它{before}有记录被删除，或前一行被改写后重算了哈希。"


@audit_command.command("verify")
def verify_command() -> None:
    """Walk the hash chain of the audit trail in id order; exit 1 at the first broken link."""
    started = time.perf_counter()
    with db.connection_context():
        result = audit.verify()
    seconds = time.perf_counter() - started
    if result.broken is not None:
        click.echo(_where_broken(result.broken), err=True)
        click.echo(f"此前 {result.rows} 行完好。", err=True)
        raise SystemExit(1)
    head = f"，末行 id {result.head_id}，哈希 {result.head_hash}" if result.head_id is not None else ""
    click.echo(f"留痕链完整：共 {result.rows} 行{head}（用时 {seconds:.1f} 秒）。")
