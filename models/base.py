"""Database handle, the base model and the audit trail (R-AUD-1, R-DB-1).

`db` is a DatabaseProxy bound by `init_db()` from a URL: SQLite by default (WAL, foreign keys on),
PostgreSQL through `DATABASE_URL`. Every save and delete of a model instance writes an `AuditLog` row
with who, when, and the field values before and after, so admin screens and services are audited alike.
Hot paths that write several rows in one transaction (completing an approval step) wrap them in
`audit_batch()`: the same audit rows, written in one statement at the end, without a savepoint per save.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import peewee as pw
from playhouse.db_url import connect

from models import guard

db = pw.DatabaseProxy()

_actor: contextvars.ContextVar[tuple[int | None, str] | None] = contextvars.ContextVar("actor", default=None)
_audit_off: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_off", default=False)
_batch: contextvars.ContextVar[AuditBatch | None] = contextvars.ContextVar("audit_batch", default=None)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 10000,
    "cache_size": -64 * 1024,
}


def init_db(url: str) -> pw.Database:
    """Bind the proxy to the database at `url` (sqlite:///path or postgresql://…).

    On SQLite every transaction opens with `BEGIN IMMEDIATE`: a write transaction takes the write lock up front,
    so a second writer waits (busy_timeout) instead of failing at once with "database is locked" when a deferred
    transaction that has read tries to upgrade its lock."""
    if url.startswith("sqlite"):
        database = connect(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    else:
        database = connect(url)
    db.initialize(database)
    return database


def is_postgres() -> bool:
    return isinstance(db.obj, pw.PostgresqlDatabase)


def for_update(query: pw.ModelSelect, **kwargs: Any) -> pw.ModelSelect:
    """`SELECT … FOR UPDATE` on PostgreSQL (the rows a decision depends on stay as read until commit); on SQLite
    the transaction already holds the database's write lock (`BEGIN IMMEDIATE`), so the query is unchanged."""
    return query.for_update(**kwargs) if is_postgres() else query


class PeriodLocked(Exception):  # noqa: N818 - a domain refusal, not a programming error
    """Raised when a write touches a closed period (R-AUD-1)."""


@contextlib.contextmanager
def acting_as(person_id: int | None, name: str = "") -> Iterator[None]:
    """Attribute every audited write inside the block to this person."""
    token = _actor.set((person_id, name))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> tuple[int | None, str]:
    return _actor.get() or (None, "system")


@contextlib.contextmanager
def audit_suspended() -> Iterator[None]:
    """Bulk loaders (the demo generator, migrations) write without per-row audit; they log one summary row."""
    token = _audit_off.set(True)
    try:
        yield
    finally:
        _audit_off.reset(token)


class AuditBatch:
    """Audit rows queued by the saves of one `audit_batch()` block, and the old rows the caller has just read."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._old: dict[int, tuple[BaseModel, BaseModel]] = {}

    def loaded(self, *instances: BaseModel) -> None:
        """Register rows read with every column in this transaction, locked against other writers (SELECT …
        FOR UPDATE on PostgreSQL; on SQLite a transaction reads one snapshot and a write after another
        connection's commit fails) and changed since only through these instances: a copy of their values now
        is what re-reading the old row before the save would return, so the save needs no second read."""
        for instance in instances:
            old = type(instance)()
            old.__data__ = dict(instance.__data__)
            old._dirty.clear()
            self._old[id(instance)] = (instance, old)

    def old_row(self, instance: BaseModel) -> BaseModel | None:
        """The registered old row of this instance, once: after the save it is no longer the stored row."""
        known = self._old.pop(id(instance), None)
        return known[1] if known is not None and known[0] is instance else None

    def queue(self, action: str, instance: pw.Model, before: dict | None, after: dict | None) -> None:
        self.rows.append(AuditLog.row(action, instance, before, after))

    def flush(self) -> None:
        if self.rows:
            AuditLog.insert_many(self.rows).execute()
            self.rows.clear()


@contextlib.contextmanager
def audit_batch() -> Iterator[AuditBatch]:
    """Inside an open transaction: audited saves and deletes skip their own savepoint and queue their audit rows,
    which are written in one INSERT when the block ends (and dropped with the transaction if it raises). The
    trail is the same as without the batch. Any error inside must end the transaction, which is the caller's
    `db.atomic()` block, so a half-done save never commits."""
    if not db.in_transaction():
        raise RuntimeError("audit_batch() needs an open transaction")
    batch = AuditBatch()
    token = _batch.set(batch)
    try:
        yield batch
        batch.flush()
    finally:
        _batch.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


MASK = "（已修改，内容不记录）"


def _field_values(instance: BaseModel) -> dict[str, Any]:
    """Field values for the trail; secrets and bulky fields (Meta.audit_exclude) appear only as a fingerprint, so
    the trail shows *that* they changed without holding their content."""
    values = {}
    excluded = getattr(instance._meta, "audit_exclude", ())
    for name, field in instance._meta.fields.items():
        raw = instance.__data__.get(field.name)
        if name in excluded:
            values[name] = None if raw is None else hashlib.sha256(str(raw).encode("utf-8")).hexdigest()
            continue
        values[name] = _jsonable(raw)
    return values


def _masked(values: dict[str, Any], instance: BaseModel) -> dict[str, Any]:
    excluded = getattr(instance._meta, "audit_exclude", ())
    return {k: (MASK if k in excluded and v is not None else v) for k, v in values.items()}


_UNCHECKED = object()


def _refuse_closed(period: tuple[int, int | None] | None) -> None:
    """Raise PeriodLocked when `period` (a record's (year, month), or year only) has been closed (R-AUD-1)."""
    if period is None:
        return
    from models.org import ClosedPeriod  # models within one package; avoids a cycle at import

    year, month = period
    query = ClosedPeriod.select().where(ClosedPeriod.year == year)
    query = query.where((ClosedPeriod.month.is_null()) | (ClosedPeriod.month == month))
    if query.exists():
        label = f"{year}年{month}月" if month else f"{year}年度"
        raise PeriodLocked(f"{label}已结账锁定，不能再修改")


def closed_period_refusal(record: BaseModel) -> PeriodLocked | None:
    """The refusal a save or delete of this record would meet because its period is closed, if any."""
    try:
        _refuse_closed(record.locked_period())
    except PeriodLocked as exc:
        return exc
    return None


def in_closed_period(record: BaseModel) -> bool:
    """Whether the record belongs to a closed period (its saves and deletes would raise PeriodLocked)."""
    return closed_period_refusal(record) is not None


class BaseModel(pw.Model):
    """Base of every model: audited saves and deletes, and the period lock."""

    class Meta:
        database = db
        legacy_table_names = False

    def locked_period(self) -> tuple[int, int | None] | None:
        """The (year, month) this record belongs to, if closing that period must freeze it."""
        return None

    def _check_lock(self) -> None:
        _refuse_closed(self.locked_period())

    def save(self, *args: Any, **kwargs: Any) -> int:
        audit = not _audit_off.get() and not isinstance(self, AuditLog)
        batch = _batch.get()
        creating = self._pk is None or kwargs.get("force_insert", False)
        old = batch.old_row(self) if batch is not None and not creating else None
        before = None
        checked: Any = _UNCHECKED
        guarded = guard.spec_of(type(self)) is not None and not guard.in_chain()
        if (audit or guarded) and not creating:
            if old is None:
                old = type(self).get_or_none(type(self)._meta.primary_key == self._pk)
            if old is not None:
                checked = old.locked_period()
                _refuse_closed(checked)
        if guarded:
            guard.check_save(self, old)
        period = self.locked_period()
        if period != checked:  # a record staying in its period is checked once
            _refuse_closed(period)
        if old is not None:
            before = _field_values(old)
        if batch is not None:
            with guard.instance_checked():
                return self._save_in_batch(batch, audit, before, *args, **kwargs)
        with self._meta.database.atomic(), guard.instance_checked():
            result = super().save(*args, **kwargs)
            if audit:
                after = _field_values(self)
                if before is not None:
                    changed = {k for k in after if after[k] != before.get(k)}
                    if not changed:
                        return result
                    before = {k: before.get(k) for k in changed}
                    after = {k: after[k] for k in changed}
                before = _masked(before, self) if before is not None else None
                AuditLog.record("create" if before is None else "update", self, before, _masked(after, self))
        return result

    def _save_in_batch(self, batch: AuditBatch, audit: bool, before: dict | None, *args: Any, **kwargs: Any) -> int:
        """`save()` inside `audit_batch()`: the caller's transaction stands in for the savepoint and the audit row
        is queued. A row whose old values are known and equal the new ones is not written again (nor audited, as
        ever)."""
        if before is None:
            result = super().save(*args, **kwargs)
            if audit:
                batch.queue("create", self, None, _masked(_field_values(self), self))
            return result
        after = _field_values(self)
        changed = {k for k in after if after[k] != before.get(k)}
        if not changed:
            self._dirty.clear()
            return 1
        result = super().save(*args, **kwargs)
        if audit:
            before = {k: before.get(k) for k in changed}
            batch.queue("update", self, _masked(before, self), _masked({k: after[k] for k in changed}, self))
        return result

    @classmethod
    def update(cls, __data: dict | None = None, **update: Any) -> pw.ModelUpdate:
        names = {getattr(key, "name", key) for key in {**(__data or {}), **update}}
        guard.check_bulk(cls, "修改", names)
        return super().update(__data, **update)

    @classmethod
    def delete(cls) -> pw.ModelDelete:
        guard.check_bulk(cls, "删除")
        return super().delete()

    @classmethod
    def insert_many(cls, *args: Any, **kwargs: Any) -> pw.ModelInsert:
        guard.check_bulk(cls, "导入")
        return super().insert_many(*args, **kwargs)

    def delete_instance(self, *args: Any, **kwargs: Any) -> int:
        self._check_lock()
        if guard.spec_of(type(self)) is not None and not guard.in_chain():
            stored = type(self).get_or_none(type(self)._meta.primary_key == self._pk)
            guard.check_delete(self, stored)
        batch = _batch.get()
        if batch is not None:
            if not _audit_off.get():
                batch.queue("delete", self, _masked(_field_values(self), self), None)
            with guard.instance_checked():
                return super().delete_instance(*args, **kwargs)
        with self._meta.database.atomic(), guard.instance_checked():
            if not _audit_off.get():
                AuditLog.record("delete", self, _masked(_field_values(self), self), None)
            return super().delete_instance(*args, **kwargs)


class JSONField(pw.TextField):
    """JSON stored as text on every backend; Decimals are written as strings."""

    def db_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, default=_jsonable, sort_keys=True)

    def python_value(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(value)


def Money(**kwargs: Any) -> pw.DecimalField:  # noqa: N802 - reads as a field type
    """Yuan, exact to the fen."""
    kwargs.setdefault("max_digits", 14)
    return pw.DecimalField(decimal_places=2, auto_round=True, rounding=decimal.ROUND_HALF_UP, **kwargs)


def Hours(**kwargs: Any) -> pw.DecimalField:  # noqa: N802
    """Hours or points with two decimals, exact."""
    kwargs.setdefault("max_digits", 10)
    return pw.DecimalField(decimal_places=2, auto_round=True, rounding=decimal.ROUND_HALF_UP, **kwargs)


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

    class Meta:
        database = db
        legacy_table_names = False
        table_name = "audit_log"
        indexes = ((("model", "record_id"), False),)

    @classmethod
    def record(cls, action: str, instance: pw.Model, before: dict | None, after: dict | None) -> AuditLog:
        return cls.create(**cls.row(action, instance, before, after))

    @staticmethod
    def row(action: str, instance: pw.Model, before: dict | None, after: dict | None) -> dict[str, Any]:
        """The values of one audit row, stamped now with the current actor."""
        actor_id, actor_name = current_actor()
        return {
            "at": dt.datetime.now(),
            "actor_id": actor_id,
            "actor_name": actor_name,
            "action": action,
            "model": type(instance).__name__,
            "record_id": str(instance._pk),
            "before": before,
            "after": after,
        }
