"""Chain-owned records (R-WF-3): a record that runs an approval chain changes state only through the chain.

Camunda's rule, kept by the models themselves so that no path (admin screen, service, import, a stray script)
can go round it: a model that declares `Meta.chain_owned = ChainOwned(...)` may be

- created outside the chain only in its initial state, with the chain's own fields empty;
- edited (and, while still a draft, deleted) outside the chain only while its state is one of `editable` — a
  draft, or a returned record waiting for its submitter — and never with a change of state or of a field the
  chain sets;
- a child (`parent="plan"`: a plan's items) may be created, edited or deleted outside the chain only while its
  parent is in one of the parent's `editable` states.

Everything else needs `chain_write()`: the approval service around a chain step, a change request being applied
(a decided record changes only by a new approved version), the monthly meeting recording outcomes, and loaders
that build history (the demo bureau, test factories). A refusal is `RecordDecided`, with a code, the record and
a Chinese message; screens show it, never a 500.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_chain_writing: contextvars.ContextVar[str | None] = contextvars.ContextVar("chain_writing", default=None)


@dataclass(frozen=True)
class ChainOwned:
    """How a model's state belongs to its chain.

    `status`: the state field; `initial`: the state a record is created in outside the chain; `editable`: states
    in which the content may change outside the chain (the state itself never); `deletable`: states in which the
    record may be deleted outside the chain; `chain_fields`: other fields only the chain sets; `free_fields`:
    fields anyone with the write right may change in any state (bookkeeping such as which snapshot is current);
    `parent`: the foreign key whose record's state decides for this child (its own `status` may then be None)."""

    status: str | None = "status"
    initial: Any = "draft"
    editable: frozenset[Any] = frozenset({"draft", "returned"})
    deletable: frozenset[Any] = frozenset({"draft"})
    chain_fields: tuple[str, ...] = ()
    free_fields: tuple[str, ...] = ()
    parent: str | None = None
    children_open: frozenset[Any] | None = None  # states in which children may change; None: `editable`
    label: str = field(default="", compare=False)

    @property
    def open_for_children(self) -> frozenset[Any]:
        return self.editable if self.children_open is None else self.children_open


class RecordDecided(Exception):  # noqa: N818 - a domain refusal, not a programming error
    """A write the chain owns, attempted outside it. `code` says which rule refused it."""

    def __init__(self, code: str, record: Any, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.record = record


@contextlib.contextmanager
def chain_write(reason: str = "chain") -> Iterator[None]:
    """Writes inside the block act for the chain (a step, an approved change, a history loader)."""
    token = _chain_writing.set(reason)
    try:
        yield
    finally:
        _chain_writing.reset(token)


def in_chain() -> bool:
    return _chain_writing.get() is not None


_instance_checked: contextvars.ContextVar[bool] = contextvars.ContextVar("instance_checked", default=False)


@contextlib.contextmanager
def instance_checked() -> Iterator[None]:
    """The UPDATE/DELETE that peewee issues for one record whose save or delete was checked above."""
    token = _instance_checked.set(True)
    try:
        yield
    finally:
        _instance_checked.reset(token)


def spec_of(model: type) -> ChainOwned | None:
    return getattr(model._meta, "chain_owned", None)


def _label(instance: Any) -> str:
    spec = spec_of(type(instance))
    return (spec.label if spec and spec.label else "") or getattr(instance._meta, "verbose_name", "") or "该记录"


def _parent_open(instance: Any, spec: ChainOwned) -> bool:
    """Whether the child's parent is in a state that lets its children change outside the chain."""
    if spec.parent is None:
        return True
    parent_id = instance.__data__.get(spec.parent)
    if parent_id is None:
        return True
    field_ = getattr(type(instance), spec.parent)
    parent_model = field_.rel_model
    parent_spec = spec_of(parent_model)
    if parent_spec is None or parent_spec.status is None:
        return True
    state = (
        parent_model.select(getattr(parent_model, parent_spec.status))
        .where(parent_model._meta.primary_key == parent_id)
        .scalar()
    )
    return state in parent_spec.open_for_children


def editable(instance: Any) -> bool:
    """Whether this stored record's content may still change outside its chain (a draft, a returned record, a
    child of one); True for models no chain owns."""
    spec = spec_of(type(instance))
    if spec is None:
        return True
    if spec.parent is not None and not _parent_open(instance, spec):
        return False
    return spec.status is None or instance.__data__.get(spec.status) in spec.editable


def _same(old: Any, new: Any, name: str) -> bool:
    """Whether a field holds the same stored value: 60 and "60.00", a datetime and its text are the same."""
    a, b = old.__data__.get(name), new.__data__.get(name)
    if a == b:
        return True
    if a is None or b is None:
        return False
    field = type(new)._meta.fields[name]
    try:
        return field.python_value(field.db_value(a)) == field.python_value(field.db_value(b))
    except (TypeError, ValueError, ArithmeticError):
        return False


def _refuse(code: str, instance: Any, detail: str) -> None:
    raise RecordDecided(code, instance, f"{_label(instance)}{detail}")


def check_save(instance: Any, old: Any | None) -> None:
    """Refuse a save the chain owns (see the module docstring); `old` is the stored row, None when creating."""
    spec = spec_of(type(instance))
    if spec is None or in_chain():
        return
    if spec.parent is not None:
        if not _parent_open(instance, spec):
            _refuse("parent_decided", instance, "所属的记录已提交审批或已生效，只能通过变更申请修改")
        if old is not None and old.__data__.get(spec.parent) != instance.__data__.get(spec.parent):
            if not _parent_open(old, spec):
                _refuse("parent_decided", instance, "所属的记录已提交审批或已生效，不能移出")
    if old is None:
        if spec.status is not None and instance.__data__.get(spec.status) not in (None, spec.initial):
            _refuse("status_by_chain", instance, "的状态只能由审批流程改变")
        for name in spec.chain_fields:
            default = type(instance)._meta.fields[name].default
            value = instance.__data__.get(name)
            if value in (None, "") or (not callable(default) and value == default):
                continue
            _refuse("field_by_chain", instance, f"的“{name}”只能由审批流程填写")
        return
    for name in spec.chain_fields:
        if not _same(old, instance, name):
            _refuse("field_by_chain", instance, f"的“{name}”只能由审批流程填写")
    if spec.status is None:
        return
    before = old.__data__.get(spec.status)
    if not _same(old, instance, spec.status):
        _refuse("status_by_chain", instance, "的状态只能由审批流程改变")
    if before not in spec.editable:
        changed = [
            name for name in instance._meta.fields if name not in spec.free_fields and not _same(old, instance, name)
        ]
        if changed:
            _refuse("decided", instance, "已提交审批或已生效，只能通过变更申请修改")


def check_delete(instance: Any, old: Any | None) -> None:
    """Refuse deleting a record the chain has seen: only drafts (and children of editable parents) go."""
    spec = spec_of(type(instance))
    if spec is None or in_chain():
        return
    if spec.parent is not None and not _parent_open(old if old is not None else instance, spec):
        _refuse("parent_decided", instance, "所属的记录已提交审批或已生效，不能删除")
    if spec.status is not None:
        state = (old if old is not None else instance).__data__.get(spec.status)
        if state not in spec.deletable:
            _refuse("not_deletable", instance, "已提交审批或已生效，不能删除")


def check_bulk(model: type, what: str, fields: set[str] | None = None) -> None:
    """A bulk UPDATE/DELETE/INSERT of a chain-owned table outside the chain is refused outright: it would
    bypass every per-record rule above. An UPDATE of `free_fields` only is bookkeeping and passes."""
    spec = spec_of(model)
    if spec is None or in_chain() or _instance_checked.get():
        return
    if fields is not None and fields <= set(spec.free_fields):
        return
    label = spec.label or model.__name__
    raise RecordDecided("bulk_by_chain", None, f"{label}不能批量{what}，只能逐条通过审批流程修改")
