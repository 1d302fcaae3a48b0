"""The audit trail's table and its hash chain (留痕, R-AUD-1): appending to it, verifying it, rebuilding it.

Each row's `hash` is the SHA-256 of one canonical JSON document: the row's action, model, record id, actor, time,
its before and after exactly as stored, and `prev_hash`, the hash of the row before it in id order (`GENESIS` for
the first). So a row changed afterwards no longer matches its hash, a row removed leaves the next one pointing at
a hash no row has, and a row slipped in is skipped over by the one after it; `verify()` names the first such row.
A chain shows the order and content of what it holds; someone who recomputes every hash from some row onwards, or
cuts off its end, is caught only against a head recorded elsewhere, which is why `verify()` reports the head.

Rows are written only through `append()` (and `AuditLog.save()`, which uses it), inside the writer's transaction:
it takes the chain's lock, reads the head and chains the new rows onto it. Two transactions never chain onto the
same head. PostgreSQL: a transaction-level advisory lock, held until commit, so appenders queue (and the ids the
sequence gives out follow the chain). SQLite: a database has one writer at a time, and a transaction that read
the head before another's commit cannot write after it (SQLITE_BUSY), so there is nothing to lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import peewee as pw

from models.base import JSONField, db

GENESIS = "0" * 64
CHAIN_LOCK = 0x61756469745F6C67  # pg_advisory_xact_lock key of the chain ("audit_lg")
_COLUMNS = ("id", "action", "model", "record_id", "actor_id", "actor_name", "at", "before", "after", "prev_hash")
_SELECT = ", ".join(f'"{c}"' for c in (*_COLUMNS, "hash"))
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # the document's keys come sorted


class TrailIsAppendOnly(Exception):  # noqa: N818 - a refusal, like PeriodLocked
    """An audit row cannot be changed or deleted through the models."""


class AuditLog(pw.Model):
    """留痕: one row per change of a record — who, when, which record, values before and after (R-AUD-1)."""

    at = pw.DateTimeField(default=dt.datetime.now, index=True)
    actor_id = pw.IntegerField(null=True, index=True)
    actor_name = pw.CharField(max_length=100, default="")
    action = pw.CharField(max_length=10)
    model = pw.CharField(max_length=60, index=True)
    record_id = pw.CharField(max_length=60, index=True)
    before = JSONField(null=True)
    after = JSONField(null=True)
    prev_hash = pw.CharField(max_length=64, null=True)
    hash = pw.CharField(max_length=64, null=True)

    class Meta:
        database = db
        legacy_table_names = False
        table_name = "audit_log"
        indexes = ((("model", "record_id"), False),)

    def save(self, *args: Any, **kwargs: Any) -> int:
        """Insert this row at the end of the chain; a stored row is never rewritten."""
        if self._pk is not None and not kwargs.get("force_insert"):
            raise TrailIsAppendOnly("留痕记录不能修改")
        with _transaction():
            (linked,) = _link([{name: self.__data__.get(name) for name in self._meta.fields}])
            self.prev_hash, self.hash = linked["prev_hash"], linked["hash"]
            return super().save(*args, **kwargs)

    def delete_instance(self, *args: Any, **kwargs: Any) -> int:
        raise TrailIsAppendOnly("留痕记录不能删除")


def row_hash(
    prev_hash: str,
    action: str,
    model: str,
    record_id: str,
    actor_id: int | None,
    actor_name: str,
    at: dt.datetime | str,
    before: str | None,
    after: str | None,
) -> str:
    """The hash of one row: SHA-256 of a JSON object with sorted keys and no spaces. `before` and `after` are the
    stored JSON texts; `at` is written with microseconds whether it comes as a datetime or as SQLite's text."""
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    document = {
        "action": action,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "after": after,
        "at": at.isoformat(" ", "microseconds"),
        "before": before,
        "model": model,
        "prev": prev_hash,
        "record_id": record_id,
    }
    return hashlib.sha256(_CANONICAL.encode(document).encode("utf-8")).hexdigest()


def _is_postgres(database: pw.Database) -> bool:
    return isinstance(database, pw.PostgresqlDatabase)


@contextlib.contextmanager
def _transaction() -> Iterator[None]:
    """The caller's transaction, or one of our own: the lock and the head mean nothing outside a transaction."""
    if db.in_transaction():
        yield
        return
    options = {} if _is_postgres(db.obj) else {"lock_type": "IMMEDIATE"}
    with db.atomic(**options):
        yield


def _head(database: pw.Database) -> str:
    """The hash to chain onto, after taking the chain's lock (PostgreSQL) in this transaction."""
    if _is_postgres(database):
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    row = database.execute_sql('SELECT "hash" FROM audit_log ORDER BY id DESC LIMIT 1').fetchone()
    return row[0] if row and row[0] else GENESIS


def _link(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as they will be stored, in this order at the end of the chain: `before` and `after` as their JSON
    text (what the hash covers), `prev_hash` and `hash` set."""
    prev = _head(db.obj)
    linked = []
    for row in rows:
        before, after = AuditLog.before.db_value(row.get("before")), AuditLog.after.db_value(row.get("after"))
        record_id, actor_name = str(row["record_id"]), row.get("actor_name", "")  # as the columns give them back
        actor_id = None if row.get("actor_id") is None else int(row["actor_id"])
        digest = row_hash(prev, row["action"], row["model"], record_id, actor_id, actor_name, row["at"], before, after)
        linked.append(
            {**row, "record_id": record_id, "actor_id": actor_id, "actor_name": actor_name}
            | {"before": before, "after": after, "prev_hash": prev, "hash": digest}
        )
        prev = digest
    return linked


def append(rows: list[dict[str, Any]]) -> None:
    """Write audit rows (dicts of AuditLog fields, `at` set) at the end of the chain in one INSERT."""
    if not rows:
        return
    with _transaction():
        linked = _link(rows)
        for row in linked:  # stored as the text that was hashed, not serialised a second time
            row["before"], row["after"] = (
                pw.Value(row["before"], converter=False),
                pw.Value(row["after"], converter=False),
            )
        AuditLog.insert_many(linked).execute()


# --- verifying ---------------------------------------------------------------------------------------------------

CONTENT_CHANGED = "content_changed"  # the row no longer matches its hash
ROWS_MISSING = "rows_missing"  # the row links to a hash no row before it has: rows between were deleted
OUT_OF_CHAIN = "out_of_chain"  # a row without a hash, or one the next row links past: inserted afterwards


@dataclass(frozen=True)
class Break:
    """Where the chain breaks first: the row, what is wrong there, and the intact row before it (None: the start)."""

    kind: str
    row_id: int
    previous_id: int | None


@dataclass(frozen=True)
class Verification:
    rows: int  # rows read
    head_id: int | None  # the last row and its hash: record them to catch a rewrite of the whole end later
    head_hash: str | None
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(batch_size: int = 20_000) -> Verification:
    """Walk the trail in id order, a page at a time, recomputing every hash; stop at the first broken link."""
    database = db.obj
    query = f"SELECT {_SELECT} FROM audit_log WHERE id > {database.param} ORDER BY id LIMIT {database.param}"  # noqa: S608
    expected = GENESIS  # the hash the next row must link to
    previous: tuple[int, str] | None = None  # id and prev_hash of the last intact row
    before_previous: int | None = None
    count = last_id = 0
    while True:
        page = database.execute_sql(query, (last_id, batch_size)).fetchall()
        for row_id, action, model, record_id, actor_id, actor_name, at, before, after, prev, stored in page:
            previous_id = previous[0] if previous else None
            found = None
            if stored is None or prev is None:
                found = Break(OUT_OF_CHAIN, row_id, previous_id)
            elif row_hash(prev, action, model, record_id, actor_id, actor_name, at, before, after) != stored:
                found = Break(CONTENT_CHANGED, row_id, previous_id)
            elif prev != expected:
                found = _mislinked(database, row_id, prev, expected, previous, before_previous)
            if found is not None:
                return Verification(count, previous_id, expected if previous else None, found)
            before_previous = previous_id
            previous, expected = (row_id, prev), stored
            count += 1
        if len(page) < batch_size:
            return Verification(count, previous[0] if previous else None, expected if previous else None, None)
        last_id = page[-1][0]


def _mislinked(
    database: pw.Database,
    row_id: int,
    prev: str,
    expected: str,
    previous: tuple[int, str] | None,
    before_previous: int | None,
) -> Break:
    """Why a row that matches its own hash does not link to the intact row before it."""
    previous_id = previous[0] if previous else None
    if previous is not None and prev == previous[1]:
        return Break(OUT_OF_CHAIN, previous_id, before_previous)  # it links past the previous row
    following = database.execute_sql(
        f"SELECT prev_hash FROM audit_log WHERE id > {database.param} ORDER BY id LIMIT 1",  # noqa: S608
        (row_id,),
    ).fetchone()
    if following is not None and following[0] == expected:
        return Break(OUT_OF_CHAIN, row_id, previous_id)  # the next row links past this one
    return Break(ROWS_MISSING, row_id, previous_id)


# --- rebuilding (migration 010) -----------------------------------------------------------------------------------


def rechain(database: pw.Database, batch_size: int = 5_000) -> int:
    """Chain every row of the trail in id order, overwriting `prev_hash` and `hash`; returns the rows chained.
    For the migration that introduced the chain: rows written before it have none. Runs in the caller's
    transaction, on the database given (not necessarily the bound one)."""
    param = database.param
    query = f"SELECT {_SELECT} FROM audit_log WHERE id > {param} ORDER BY id LIMIT {param}"  # noqa: S608
    if _is_postgres(database):
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    prev, last_id, count = GENESIS, 0, 0
    while True:
        page = database.execute_sql(query, (last_id, batch_size)).fetchall()
        updates = []
        for row in page:
            content = row[1:-2]
            digest = row_hash(prev, *content)
            updates.append((row[0], prev, digest))
            prev = digest
        _write_links(database, updates)
        count += len(page)
        if len(page) < batch_size:
            return count
        last_id = page[-1][0]


def _write_links(database: pw.Database, updates: list[tuple[int, str, str]]) -> None:
    if not updates:
        return
    cursor = database.cursor()
    if _is_postgres(database):
        from psycopg2.extras import execute_values

        execute_values(
            cursor,
            "UPDATE audit_log AS a SET prev_hash = v.p, hash = v.h FROM (VALUES %s) AS v (id, p, h) WHERE a.id = v.id",
            updates,
            page_size=len(updates),
        )
    else:
        cursor.executemany(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [(p, h, i) for i, p, h in updates]
        )
