"""Database handle, the base model and how its writes are audited (R-AUD-1, R-DB-1).

`db` is a DatabaseProxy bound by `init_db()` from a URL: SQLite by default (WAL, foreign keys on),
PostgreSQL through `DATABASE_URL`. Every save and delete of a model instance writes an `AuditLog` row
with who, when, and the field values before and after, so admin screens and services are audited alike;
a save that changes nothing writes neither the record nor a row. Bulk changes go through `update_audited()`,
never `Model.update()`. Hot paths that write several rows in one transaction (completing an approval step)
wrap them in `audit_batch()`: the same audit rows, written in one statement at the end, without a savepoint
per save. The trail itself — the table and its hash chain — is models/audit.py.
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


LOCK_TIMEOUT_MS = 10000


def init_db(url: str, lock_timeout_ms: int = LOCK_TIMEOUT_MS) -> pw.Database:
    """Bind the proxy to the database at `url` (sqlite:///path or postgresql://…).

    On SQLite every transaction opens with `BEGIN IMMEDIATE`: a write transaction takes the write lock up front,
    so a second writer waits (busy_timeout) instead of failing at once with "database is locked" when a deferred
    transaction that has read tries to upgrade its lock. On PostgreSQL a statement waits at most as long for a
    row lock (lock_timeout). Either way a wait that runs out is an OperationalError that `is_lock_error()`
    recognises, and the whole transaction is rolled back (issue 10 §1)."""
    if url.startswith("sqlite"):
        database = connect(url, pragmas={**SQLITE_PRAGMAS, "busy_timeout": lock_timeout_ms}, lock_type="IMMEDIATE")
    else:
        database = connect(url, options=f"-c lock_timeout={int(lock_timeout_ms)}")
    db.initialize(database)
    return database


# SQLSTATEs of a lock not granted in time, a deadlock and a serialization failure (PostgreSQL)
_LOCK_STATES = {"55P03", "40P01", "40001"}


def is_lock_error(exc: BaseException) -> bool:
    """Whether a database error means "others hold the lock, try again" rather than a broken database."""
    if not isinstance(exc, pw.OperationalError):
        return False
    if getattr(getattr(exc, "orig", None), "pgcode", None) in _LOCK_STATES:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "lock timeout" in text or "deadlock" in text


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

    def flush(self) -> None:
        if self.rows:
            _append(self.rows)
            self.rows = []


@contextlib.contextmanager
def audit_batch() -> Iterator[AuditBatch]:
    """Inside an open transaction: audited saves and deletes skip their own savepoint and queue their audit rows,
    which are chained and written in one INSERT when the block ends (and dropped with the transaction if it
    raises). The trail is the same as without the batch. Any error inside must end the transaction, which is the
    caller's `db.atomic()` block, so a half-done save never commits."""
    if not db.in_transaction():
        raise RuntimeError("audit_batch() needs an open transaction")
    batch = AuditBatch()
    token = _batch.set(batch)
    try:
        yield batch
        batch.flush()
    finally:
        _batch.reset(token)


def _append(rows: list[dict[str, Any]]) -> None:
    from models.audit import append  # the trail's table is defined on this module's `db`

    append(rows)


def _record(*rows: dict[str, Any]) -> None:
    """Audit rows: queued in the current batch, or chained and written now (inside the caller's transaction)."""
    batch = _batch.get()
    if batch is not None:
        batch.rows.extend(rows)
    else:
        _append(list(rows))


def _audit_row(action: str, instance: pw.Model, before: dict | None, after: dict | None) -> dict[str, Any]:
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


MASK = "（已修改，内容不记录）"
# Fields whose value is compared as the database would store it: 100 and Decimal("100.00") in a two-decimal
# column, a date given as text, a JSON document with Decimals, are the same stored value.
_STORED_FORM = (pw.DecimalField, pw.DateTimeField, pw.DateField, pw.TimeField)


def _field_values(instance: BaseModel) -> dict[str, Any]:
    """Field values for the trail, as they are (or would be) stored; secrets and bulky fields (Meta.audit_exclude)
    appear only as a fingerprint, so the trail shows *that* they changed without holding their content."""
    values = {}
    excluded = getattr(instance._meta, "audit_exclude", ())
    for name, field in instance._meta.fields.items():
        raw = instance.__data__.get(field.name)
        if raw is not None and isinstance(field, (*_STORED_FORM, JSONField)):
            raw = field.python_value(field.db_value(raw))
        if name in excluded:
            values[name] = None if raw is None else hashlib.sha256(str(raw).encode("utf-8")).hexdigest()
            continue
        values[name] = _jsonable(raw)
    return values


def _masked(values: dict[str, Any], instance: BaseModel) -> dict[str, Any]:
    excluded = getattr(instance._meta, "audit_exclude", ())
    return {k: (MASK if k in excluded and v is not None else v) for k, v in values.items()}


def _changes(old: BaseModel, new: BaseModel) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields whose stored value differs, before and after, masked for the trail; empty when none does."""
    before, after = _field_values(old), _field_values(new)
    changed = [k for k in after if after[k] != before.get(k)]
    return _masked({k: before.get(k) for k in changed}, new), _masked({k: after[k] for k in changed}, new)


_UNCHECKED = object()


def _refuse_closed(period: tuple[int, int | None] | None) -> None:
    """Raise PeriodLocked when `period` (a record's (year, month), or year only) has been closed (R-AUD-1)."""
    if period is None:
        return
    from models.org import ClosedPeriod  # models within one package; avoids a cycle at import

    year, month = period
    query = ClosedPeriod.select().where(ClosedPeriod.year == year, ClosedPeriod.reopened_at.is_null())
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
        """Write the record and its audit row: "create" with every value, or "update" with the changed fields
        before and after. A record whose stored values would not change is not written, and leaves no row. A
        record its chain owns is checked against the chain's rules first (models/guard.py)."""
        audit = not _audit_off.get()
        batch = _batch.get()
        creating = self._pk is None or kwargs.get("force_insert", False)
        old = batch.old_row(self) if batch is not None and not creating else None
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
        before = after = None
        if old is not None:
            before, after = _changes(old, self)
            if not after:
                self._dirty.clear()
                return 1
        with guard.instance_checked():
            if not audit:
                return super().save(*args, **kwargs)
            with self._meta.database.atomic() if batch is None else contextlib.nullcontext():
                result = super().save(*args, **kwargs)
                if before is None:
                    after = _masked(_field_values(self), self)
                _record(_audit_row("create" if before is None else "update", self, before, after))
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
        with guard.instance_checked():
            if _audit_off.get():
                return super().delete_instance(*args, **kwargs)
            with self._meta.database.atomic() if _batch.get() is None else contextlib.nullcontext():
                result = super().delete_instance(*args, **kwargs)  # the write first, then the trail's head
                _record(_audit_row("delete", self, _masked(_field_values(self), self), None))
                return result


def update_audited(query: pw.ModelSelect, **changes: Any) -> list[BaseModel]:
    """Set `changes` on every row `query` selects, in one UPDATE, and leave an audit row for each row that
    changes — what `Model.update()` does without the trail. The rows are read first (FOR UPDATE on PostgreSQL),
    and the period lock is checked for each, before and after. Returns the rows changed, with their new values."""
    model = query.model
    if isinstance(db.obj, pw.PostgresqlDatabase):
        query = query.for_update()
    changed: list[tuple[BaseModel, dict[str, Any], dict[str, Any]]] = []
    with db.atomic() if _batch.get() is None else contextlib.nullcontext():
        for row in query:
            old = type(row)()
            old.__data__ = dict(row.__data__)
            _refuse_closed(old.locked_period())
            for name, value in changes.items():
                setattr(row, name, value)
            if row.locked_period() != old.locked_period():
                _refuse_closed(row.locked_period())
            if guard.spec_of(model) is not None and not guard.in_chain():
                guard.check_save(row, old)
            before, after = _changes(old, row)
            if after:
                changed.append((row, before, after))
        if changed:
            pk = model._meta.primary_key
            with guard.instance_checked():
                model.update(**changes).where(pk.in_([row._pk for row, _, _ in changed])).execute()
            if not _audit_off.get():
                _record(*(_audit_row("update", row, before, after) for row, before, after in changed))
    return [row for row, _, _ in changed]


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


def __getattr__(name: str) -> Any:
    """`from models.base import AuditLog` keeps working; the table lives in models/audit.py."""
    if name == "AuditLog":
        from models.audit import AuditLog

        return AuditLog
    raise AttributeError(name)
