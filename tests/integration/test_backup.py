"""Backup and restore (issue 11 §6, docs/operations.md): a backup taken while another thread keeps writing holds
every write committed before it started, restores into an empty database on the same backend, and the restored
audit trail's hash chain verifies; a database that is not empty is refused with one Chinese line, exit 2.
R-DB-1, R-AUD-1."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

from models import CalendarOverride, db, init_db
from portal import create_app
from tests.conftest import _pg_admin_connection


def _empty_twin(url: str, tmp_path) -> tuple[str, object]:
    """A new, empty database on the same backend, and a callable that drops it."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.sqlite'}", lambda: None
    admin = _pg_admin_connection(url)
    name = f"bureau_restore_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), drop


def _cli(url: str, *args: str):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    return app.test_cli_runner().invoke(args=list(args))


def test_r_db_1_r_aud_1_a_backup_during_writes_restores_with_every_earlier_write_and_a_whole_chain(
    database, app, tmp_path
):
    """R-DB-1, R-AUD-1: writes keep coming from another thread during the backup; every one committed before
    the backup started is in the restored database, and `audit verify` passes on it."""
    committed: list[dt.date] = []
    stop = threading.Event()
    started_writes = threading.Event()

    def writer() -> None:
        init_db(database)
        db.connect(reuse_if_open=True)
        day = dt.date(2030, 1, 1)
        try:
            while not stop.is_set():
                CalendarOverride.create(date=day, kind="holiday", note="备份中写入")
                committed.append(day)
                started_writes.set()
                day += dt.timedelta(days=1)
        finally:
            db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    started_writes.wait(30)
    before = list(committed)
    out = tmp_path / "bureau.backup"
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    stop.set()
    thread.join()
    assert result.exit_code == 0, result.output
    assert "已备份" in result.output and out.stat().st_size > 0
    assert before, "the writer wrote before the backup started"

    target, drop = _empty_twin(database, tmp_path)
    try:
        restored = _cli(target, "restore", str(out))
        assert restored.exit_code == 0, restored.output
        with db.connection_context():
            days = {o.date for o in CalendarOverride.select()}
        assert set(before) <= days
        verified = _cli(target, "audit", "verify")
        assert verified.exit_code == 0, verified.output
        assert "留痕链完整" in verified.output
        again = _cli(target, "restore", str(out))
        assert again.exit_code == 2
        assert again.output.strip().count("\n") == 0 and "不是空库" in again.output
    finally:
        init_db(database)  # the fixture wipes the database it made, not the restored one
        drop()
