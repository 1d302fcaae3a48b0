"""Every `flask --app portal …` command meets bad input with ONE Chinese line on stderr and exit 2 — no traceback,
no click usage block (issue 9 §10; R-SEC-1, R-DB-1).

Options are tried through `runner.invoke`; the environment (`DATABASE_URL`, `BUREAU_TODAY`, `BUREAU_YEAR`) is read
when the app is created, so those cases run the real command in a subprocess.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from portal import create_app
from portal.commandline import BureauCommand
from portal.config import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def assert_one_chinese_line(exit_code: int, stderr: str, stdout: str = "") -> str:
    lines = stderr.splitlines()
    assert exit_code == 2, (exit_code, stderr, stdout)
    assert len(lines) == 1, stderr
    assert CHINESE.search(lines[0]) and "Traceback" not in stderr and "Usage:" not in stderr, stderr
    return lines[0]


def test_every_command_of_the_portal_is_a_bureau_command(app):
    """Issue 9 §10: the one-line refusals hold for each command registered, including ones added later."""
    commands = app.cli.commands
    assert {"migrate", "demo", "score", "notice", "remind"} <= set(commands)
    assert [name for name, command in commands.items() if not isinstance(command, BureauCommand)] == []


MISSING = "/nonexistent-folder/out"

BAD_OPTIONS = [
    (["score", "--year", "abc"], "不是年份"),
    (["score", "--year", "0"], "超出范围"),
    (["score", "--year", "99999"], "超出范围"),
    (["score", "--year", "-1"], "不是年份"),
    (["score"], "缺少 --year"),
    (["score", "--year", "2023", "--bogus"], "没有选项 --bogus"),
    (["score", "--year", "2023", "--dump-input", MISSING + "/input.json"], "输出目录不存在"),
    (["score", "--year", "2023", "--dump-input", "{tmp}"], "是文件夹"),
    (["remind", "--date", "2023-13-45"], "不是有效的日期"),
    (["remind", "--date", "yesterday"], "不是有效的日期"),
    (["remind", "--date", "99999-01-01"], "不是有效的日期"),
    (["notice", "--kind", "annual", "--year", "20x3", "--out", "{tmp}/a.pdf"], "不是年份"),
    (["notice", "--kind", "monthly", "--year", "2023", "--month", "0", "--out", "{tmp}/a.pdf"], "需要指定月份"),
    (["notice", "--kind", "annual", "--year", "2023", "--out", MISSING + "/a.pdf"], "输出目录不存在"),
    (["notice", "--kind", "annual", "--year", "2023", "--out", "{tmp}"], "是文件夹"),
    (["notice", "--kind", "annual", "--year", "2023"], "缺少 --out"),
    (["demo", "--reset=maybe"], "--reset"),
]


@pytest.mark.parametrize(("args", "words"), BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_a_bad_option_is_one_chinese_line_and_exit_2(runner, tmp_path, args, words):
    """Issue 9 §10: bad years (0, 99999, letters), dates, months, paths and unknown options."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(args=args)
    line = assert_one_chinese_line(result.exit_code, result.stderr, result.stdout)
    assert line.startswith("错误：") and words in line, line
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_output_file_is_one_line_too(runner, monkeypatch):
    """Issue 9 §10: /proc takes no new files, even from root: refused by the check (a user without the right)
    or by the write itself (root) — one line either way, and no traceback."""
    from services import results

    monkeypatch.setattr(results, "build_input", lambda year: {"year": year})
    result = runner.invoke(args=["score", "--year", "2023", "--dump-input", "/proc/bureau-input.json"])
    line = assert_one_chinese_line(result.exit_code, result.stderr)
    assert "无法读写文件" in line or "无权写入" in line, line


def _flask(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bureau.sqlite'}",
        "SECRET_KEY": "test",
        **env,
    }
    for name in ("BUREAU_TODAY", "BUREAU_YEAR"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(  # noqa: S603 - our own interpreter and the flask module, fixed arguments
        [sys.executable, "-m", "flask", "--app", "portal", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=environment,
        timeout=120,
        check=False,
    )


BAD_ENVIRONMENT = [
    ({"BUREAU_TODAY": "2023-13-45"}, "BUREAU_TODAY"),
    ({"BUREAU_YEAR": "99999"}, "BUREAU_YEAR"),
    ({"DATABASE_URL": "mongodb://127.0.0.1/bureau"}, "不受支持"),
    ({"DATABASE_URL": "sqlite:////nonexistent-folder/bureau.sqlite"}, "目录不存在"),
    ({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/bureau"}, "数据库不可用"),
]


@pytest.mark.parametrize(("env", "words"), BAD_ENVIRONMENT, ids=[next(iter(e.values())) for e, _ in BAD_ENVIRONMENT])
def test_a_bad_setting_in_the_environment_is_one_chinese_line_and_exit_2(tmp_path, env, words):
    """Issue 9 §10, R-DB-1: checked when the app is created, so `migrate` (and `flask run`) stop at once."""
    proc = _flask(tmp_path, "migrate", **env)
    line = assert_one_chinese_line(proc.returncode, proc.stderr, proc.stdout)
    assert words in line, line


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"TODAY": "2023-02-30"}, "BUREAU_TODAY"),
        ({"TODAY": "tomorrow"}, "BUREAU_TODAY"),
        ({"CURRENT_YEAR": "0"}, "BUREAU_YEAR"),
        ({"CURRENT_YEAR": "abc"}, "BUREAU_YEAR"),
        ({"DATABASE_URL": "ftp://example/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432"}, "数据库名"),
    ],
)
def test_the_web_app_refuses_to_start_with_a_bad_setting(tmp_path, overrides, words):
    """Issue 9 §10: outside the command line (a WSGI server) `create_app` raises ConfigError with the same line."""
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}", "SECRET_KEY": "x", **overrides}
    with pytest.raises(ConfigError, match=words):
        create_app(config)


def test_the_web_app_answers_503_in_chinese_when_postgresql_does_not_answer(tmp_path):
    """Issue 9 §10, R-DB-1: the URL is well formed, so the app starts; each request then says the database is
    unavailable (503) instead of a traceback."""
    app = create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/bureau", "SECRET_KEY": "x"})
    response = app.test_client().get("/login")
    assert response.status_code == 503 and "数据库暂时无法连接" in response.get_data(as_text=True)
