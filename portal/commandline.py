"""How every `flask --app portal …` command meets bad input (issue 9 §10): ONE Chinese line on stderr, exit 2,
never a traceback and never click's English usage block.

- `BureauCommand` is the class of every command (`init_app` makes it the default of `app.cli`; commands defined
  outside it pass `cls=BureauCommand`): a bad option value, a missing option, an unknown option, a file that
  cannot be read or written and a database that cannot be reached each become one line;
- `YEAR`, `MONTH`, `DAY`, `OUT_FILE` are the option types: years in `scoring.limits` range, months 1–12, ISO dates
  that exist, output files whose folder exists and is writable;
- `fail(message)` is how a command refuses anything else.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any, NoReturn

import click
import peewee as pw
from flask import Flask

from scoring import limits

ERROR = "错误："


def fail(message: str) -> NoReturn:
    """Refuse: one line on stderr, exit status 2."""
    click.echo(ERROR + " ".join(str(message).split()), err=True)
    raise SystemExit(2)


def _hint(param: click.Parameter | None) -> str:
    if param is None:
        return "参数"
    names = getattr(param, "opts", None) or [param.name or ""]
    return " / ".join(names)


def usage_line(exc: click.UsageError) -> str:
    """Click's usage errors as one Chinese line; the option types below already speak Chinese."""
    if isinstance(exc, click.MissingParameter):
        return f"缺少 {_hint(exc.param)}"
    if isinstance(exc, click.NoSuchOption):
        return f"没有选项 {exc.option_name}"
    if isinstance(exc, click.BadParameter):
        return f"{_hint(exc.param)}：{exc.message}"
    return f"命令行参数有误：{exc.format_message()}"


class BureauCommand(click.Command):
    """A command whose refusals are one line (see the module docstring)."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            fail(usage_line(exc))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (pw.OperationalError, pw.InterfaceError, pw.ProgrammingError) as exc:
            fail(f"数据库不可用（请检查 DATABASE_URL，或先执行 flask --app portal migrate）：{_first_line(exc)}")
        except OSError as exc:
            where = exc.filename if exc.filename is not None else ""
            fail(f"无法读写文件 {where}：{exc.strerror or _first_line(exc)}")


class BureauGroup(BureauCommand, click.Group):
    """A group of commands (`flask --app portal account …`) whose subcommands are BureauCommands too."""

    command_class = BureauCommand


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _Year(click.ParamType):
    name = "year"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int):
            number = value
        elif re.fullmatch(r"\d{1,6}", str(value).strip()):
            number = int(str(value).strip())
        else:
            self.fail(f"“{value}”不是年份，应为 {limits.MIN_YEAR}–{limits.MAX_YEAR} 之间的整数", param, ctx)
        if not limits.MIN_YEAR <= number <= limits.MAX_YEAR:
            self.fail(f"年份 {number} 超出范围，应为 {limits.MIN_YEAR}–{limits.MAX_YEAR} 之间的整数", param, ctx)
        return number


class _Month(click.ParamType):
    name = "month"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        text = str(value).strip()
        if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 12:
            self.fail(f"需要指定月份（1–12），“{value}”不是月份", param, ctx)
        return int(text)


class _Day(click.ParamType):
    name = "date"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"“{value}”不是有效的日期，应为 YYYY-MM-DD（如 2023-10-09）", param, ctx)


class _OutFile(click.ParamType):
    """A file to write: not a folder, in a folder that exists and may be written to."""

    name = "file"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        path = Path(str(value))
        folder = path.resolve().parent
        if path.is_dir():
            self.fail(f"{path} 是文件夹，应为文件路径", param, ctx)
        if not folder.is_dir():
            self.fail(f"输出目录不存在：{path.parent}", param, ctx)
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            self.fail(f"无权写入：{path}", param, ctx)
        return str(path)


YEAR, MONTH, DAY, OUT_FILE = _Year(), _Month(), _Day(), _OutFile()


def init_app(app: Flask) -> None:
    """Before any part registers a command: every `@app.cli.command` is a `BureauCommand`."""
    app.cli.command_class = BureauCommand
