"""Backup and restore of the whole database (docs/operations.md).

SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one step under a read lock, so
the copy is one consistent moment even while the portal writes. PostgreSQL: `pg_dump -Fc`, which reads one
snapshot. A restore writes only into an EMPTY database (no tables): it never merges into or overwrites data.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with argument lists, never a shell
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupRefused(Exception):  # noqa: N818 - a refusal with a Chinese reason, not a programming error
    """Why a backup or restore cannot run; `str()` is one Chinese line."""


def _sqlite_path(url: str) -> str:
    return url.split("://", 1)[1].removeprefix("/") if url.startswith("sqlite:////") else url.split(":///", 1)[1]


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupRefused(f"找不到 {name}：请安装与服务器同版本的 PostgreSQL 客户端")
    return path


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tool, no shell
    if done.returncode != 0:
        lines = [line for line in (done.stderr or "").splitlines() if line.strip()]
        raise BackupRefused(f"{Path(args[0]).name} 失败：{lines[0] if lines else done.returncode}")


def backup(url: str, out: str) -> str:
    """Write a consistent copy of the database at `url` to `out` (written beside it, then renamed)."""
    target = Path(out)
    fd, tmp = tempfile.mkstemp(dir=target.resolve().parent, suffix=".part")
    os.close(fd)
    try:
        if _is_sqlite(url):
            source = sqlite3.connect(_sqlite_path(url))
            copy = sqlite3.connect(tmp)
            try:
                with copy:
                    source.backup(copy)  # pages=-1: every page in one step, one consistent moment
            finally:
                copy.close()
                source.close()
            kind = "SQLite"
        else:
            _run([_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", tmp, "--dbname", url])
            kind = "PostgreSQL"
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return kind


def tables_in(url: str) -> int:
    """How many tables the database at `url` holds (0: empty, may be restored into)."""
    if _is_sqlite(url):
        path = _sqlite_path(url)
        if not Path(path).exists():
            return 0
        with sqlite3.connect(path) as conn:
            row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        return int(row[0])
    import psycopg2

    conn = psycopg2.connect(url, connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM information_schema.tables"
                " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def restore(url: str, file: str) -> str:
    """Load a backup made by `backup()` into the EMPTY database at `url`."""
    with open(file, "rb") as handle:
        head = handle.read(16)
    sqlite_file, pg_file = head.startswith(SQLITE_MAGIC), head.startswith(PG_MAGIC)
    if not (sqlite_file or pg_file):
        raise BackupRefused(f"{file} 不是本系统的备份文件（SQLite 数据库或 pg_dump -Fc 文件）")
    if sqlite_file != _is_sqlite(url):
        made, here = ("SQLite", "PostgreSQL") if sqlite_file else ("PostgreSQL", "SQLite")
        raise BackupRefused(f"{file} 是 {made} 备份，DATABASE_URL 却是 {here}：请恢复到同类数据库")
    count = tables_in(url)
    if count:
        where = _sqlite_path(url) if _is_sqlite(url) else urlsplit(url).path.lstrip("/")
        raise BackupRefused(f"目标数据库 {where} 不是空库（已有 {count} 张表）：只能恢复到新建的空数据库")
    if sqlite_file:
        source = sqlite3.connect(file)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return "SQLite"
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            url,
            file,
        ]
    )
    return "PostgreSQL"
