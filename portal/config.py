"""Every setting once (STYLE §4): its default and the environment variable that overrides it."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playhouse import db_url

from scoring import limits

SETTINGS: dict[str, tuple[str, Any]] = {
    # name: (environment variable, default)
    "DATABASE_URL": ("DATABASE_URL", None),  # None: sqlite file in the instance folder
    "SECRET_KEY": ("SECRET_KEY", None),  # None: generated once into the instance folder
    "BABEL_DEFAULT_LOCALE": ("BUREAU_LOCALE", "zh_Hans_CN"),
    "BABEL_DEFAULT_TIMEZONE": ("BUREAU_TIMEZONE", "Asia/Shanghai"),
    "BUREAU_NAME": ("BUREAU_NAME", "××市规划局"),
    "NOTICE_ISSUER": ("NOTICE_ISSUER", "××市规划局绩效管理办公室"),
    "NOTICE_PREFIX": ("NOTICE_PREFIX", "规绩"),
    "NOTICE_COPY_TO": ("NOTICE_COPY_TO", "局党组成员"),
    "NOTICE_PRINTER": ("NOTICE_PRINTER", "××市规划局办公室"),
    "CURRENT_YEAR": ("BUREAU_YEAR", None),  # None: the latest assessment year in the database
    "TODAY": ("BUREAU_TODAY", None),  # ISO date the portal takes as today; None: the real date (demos pin it)
    # Secure flag on the session and remember cookies: turn on wherever the portal is served over HTTPS
    "SESSION_COOKIE_SECURE": ("BUREAU_SECURE_COOKIES", False),
    # Flask-Limiter's storage of the login limits: memory:// per process; redis://host:6379 to share them
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", "memory://"),
    # failed logins counted per address (a whole bureau behind one gateway shares it) and per account name
    "LOGIN_LIMIT_PER_ADDRESS": ("BUREAU_LOGIN_LIMIT_PER_ADDRESS", "60 per 5 minutes"),
    "LOGIN_LIMIT_PER_ACCOUNT": ("BUREAU_LOGIN_LIMIT_PER_ACCOUNT", "10 per 5 minutes"),
    # this many wrong passwords in a row lock the account for LOCKOUT_MINUTES
    "LOCKOUT_AFTER": ("BUREAU_LOCKOUT_AFTER", 5),
    "LOCKOUT_MINUTES": ("BUREAU_LOCKOUT_MINUTES", 15),
    # how long a write waits for another's lock before the page answers 503 "busy" (issue 10 §1)
    "LOCK_TIMEOUT_MS": ("BUREAU_LOCK_TIMEOUT_MS", 10000),
    # the job queue (docs/deploy.md): Redis when set, shared by the workers of every machine; otherwise Huey's
    # SQLite storage in QUEUE_FILE (None: queue.sqlite in the instance folder, beside the default database)
    "REDIS_URL": ("REDIS_URL", None),
    "QUEUE_FILE": ("BUREAU_QUEUE_FILE", None),
    # the queue's name: bureaus (or test runs) that share one Redis keep their jobs apart by it
    "QUEUE_NAME": ("BUREAU_QUEUE_NAME", "bureau"),
    # run each job at once, inside the request that enqueues it (tests; a one-process demo without a worker)
    "JOBS_IMMEDIATE": ("BUREAU_JOBS_IMMEDIATE", False),
    # how many reverse proxies stand in front of the portal; their X-Forwarded-* headers are honoured (0: none)
    "PROXY_HOPS": ("BUREAU_PROXY_HOPS", 0),
}
FLAGS = {"SESSION_COOKIE_SECURE", "JOBS_IMMEDIATE"}
NUMBERS = {"LOCKOUT_AFTER", "LOCKOUT_MINUTES", "LOCK_TIMEOUT_MS", "PROXY_HOPS"}

LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}


class ConfigError(ValueError):
    """A setting the portal cannot start with; the message is one Chinese line naming the variable and value."""


def _env(name: str) -> str:
    return SETTINGS[name][0]


def check_database_url(url: str) -> None:
    """SQLite or PostgreSQL (R-DB-1), and for SQLite a file in a folder that exists — checked without connecting,
    so the portal and every command refuse a mistyped URL at start instead of at the first query."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in db_url.schemes or not scheme.startswith(("sqlite", "postgres")):
        raise ConfigError(
            f"{_env('DATABASE_URL')} 的数据库类型“{parts.scheme or url}”不受支持，"
            "应为 sqlite:///文件路径 或 postgresql://用户@主机:端口/数据库"
        )
    if scheme.startswith("sqlite"):
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if path and path != ":memory:" and not Path(path).resolve().parent.is_dir():
            raise ConfigError(f"{_env('DATABASE_URL')} 指向的 SQLite 文件所在目录不存在：{Path(path).parent}")
    elif not parts.path.strip("/"):
        raise ConfigError(f"{_env('DATABASE_URL')} 未给出 PostgreSQL 数据库名（…/数据库名）")


def _check(config: dict[str, Any]) -> None:
    """Every setting that is read as something other than text, checked once, in Chinese (issue 9 §10)."""
    check_database_url(str(config["DATABASE_URL"]))
    today = config["TODAY"]
    if isinstance(today, str) and today:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", today):
                raise ValueError(today)
            config["TODAY"] = dt.date.fromisoformat(today)
        except ValueError:
            raise ConfigError(f"{_env('TODAY')}“{today}”不是有效的日期，应为 YYYY-MM-DD（如 2023-10-09）") from None
    year = config["CURRENT_YEAR"]
    if year not in (None, ""):
        text = str(year).strip()
        if not re.fullmatch(r"\d{1,6}", text) or not limits.MIN_YEAR <= int(text) <= limits.MAX_YEAR:
            raise ConfigError(
                f"{_env('CURRENT_YEAR')}“{year}”不是年份，应为 {limits.MIN_YEAR}–{limits.MAX_YEAR} 之间的整数"
            )
        config["CURRENT_YEAR"] = int(text)


def load(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The settings: environment over defaults, `overrides` over both; `ConfigError` for one that cannot work."""
    config: dict[str, Any] = {}
    for name, (env, default) in SETTINGS.items():
        value = os.environ.get(env, default)
        if name in FLAGS and isinstance(value, str):
            value = value.strip().lower() in {"1", "true", "yes", "on"}
        elif name in NUMBERS:
            value = int(value)
        config[name] = value
    config.update(overrides or {})
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'bureau.sqlite'}"
    if not config["QUEUE_FILE"]:
        config["QUEUE_FILE"] = str(instance / "queue.sqlite")
    if (
        config["REDIS_URL"]
        and "RATELIMIT_STORAGE_URI" not in os.environ
        and "RATELIMIT_STORAGE_URI" not in (overrides or {})
    ):
        # several web workers count failed logins together once there is a Redis to count in
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    if not config["SECRET_KEY"]:
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32), encoding="ascii")
            key_file.chmod(0o600)
        config["SECRET_KEY"] = key_file.read_text(encoding="ascii").strip()
    _check(config)
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    config.setdefault("REMEMBER_COOKIE_SECURE", config["SESSION_COOKIE_SECURE"])
    config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    translations = Path(__file__).with_name("translations")
    areas = sorted(str(d) for d in translations.glob("areas/*") if d.is_dir())
    config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join([str(translations), *areas]))
    return config
