"""`flask --app portal account create | set-password`: accounts from the server's command line (issue 9 §7).

The first system administrator of a new installation is made here; so is a new password for one who forgot
theirs. The operator at the command line may do what a system administrator does (services.accounts, actor None).
A password given here is an initial one: the person must change it at the first login.
"""

from __future__ import annotations

from typing import NoReturn

import click

from models import Division, Person, db
from portal.commandline import BureauGroup, fail
from services import accounts
from services.accounts import AccountRefused

POSITIONS = ("director", "leader", "head", "deputy", "staff")


def _refusal(exc: AccountRefused) -> NoReturn:
    texts = {
        "password_too_short": f"密码至少 {accounts.MIN_PASSWORD_LENGTH} 个字符",
        "password_contains_username": "密码不能包含用户名",
    }
    fail(texts.get(exc.code, exc.code))


@click.group("account", cls=BureauGroup)
def account_command() -> None:
    """Create accounts and set passwords from the command line."""


@account_command.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Full name (姓名).")
@click.option("--code", help="Person code (人员编号); default: the username.")
@click.option("--position", type=click.Choice(POSITIONS), default="staff", show_default=True)
@click.option("--level", default="", help="Rank level (职级), e.g. 科级.")
@click.option("--division", "division_code", help="Division code (处室编码).")
@click.option("--sysadmin", is_flag=True, help="Make the person a system administrator.")
@click.password_option(help="Initial password; the person must change it at the first login.")
def create_command(
    username: str,
    name: str,
    code: str | None,
    position: str,
    level: str,
    division_code: str | None,
    sysadmin: bool,
    password: str,
) -> None:
    """Create an account with an initial password (e.g. the first system administrator)."""
    with db.connection_context():
        division = None
        if division_code:
            division = Division.get_or_none(Division.code == division_code)
            if division is None:
                fail(f"没有编码为 {division_code} 的处室")
        if Person.select().where(Person.username == username).exists():
            fail(f"用户名 {username} 已存在")
        try:
            person = accounts.create_account(
                None,
                password=password,
                username=username,
                name=name,
                code=code or username,
                position=position,
                level=level,
                division=division,
                system_admin=sysadmin,
            )
        except AccountRefused as exc:
            _refusal(exc)
    role = "系统管理员" if sysadmin else "账号"
    click.echo(f"已创建{role} {person.username}（{person.name}），首次登录须修改密码。")


@account_command.command("set-password")
@click.argument("username")
@click.password_option(help="New initial password; the person must change it at the next login.")
def set_password_command(username: str, password: str) -> None:
    """Give an account a new initial password (and lift a lockout); its sessions end."""
    with db.connection_context():
        person = Person.get_or_none(Person.username == username)
        if person is None:
            fail(f"没有用户名为 {username} 的账号")
        try:
            accounts.set_password(None, person, password)
        except AccountRefused as exc:
            _refusal(exc)
    click.echo(f"已为 {username} 设置新密码，下次登录须修改。")
