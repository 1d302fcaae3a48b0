"""Read models of the change-request screens (R-WF-3; docs/style.md §12): the request with the old and the new
values side by side and its chain's history, a record's versions, and the values a change form starts from.
Plain data; never writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from models import ChangeRequest, Person, WorkflowCase
from services import approvals, changes
from services.access import scope_of


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side table: `field` (label key), `index` (the item's number, for a plan's items),
    the old and the new value as shown (None: absent on that side)."""

    field: str
    index: int | None
    old: str | None
    new: str | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class ChangePage:
    request: ChangeRequest
    target_key: str
    rows: list[Row]
    history: list[Any]  # WorkflowEvent rows of the request's case
    case: WorkflowCase | None


@dataclass(frozen=True)
class Version:
    number: int
    values: dict[str, Any]
    rows: list[Row]  # the values as rows (old side only)
    since: dt.datetime | None  # when it took effect by a change request (None: as first approved)
    request_id: int | None


@dataclass(frozen=True)
class RecordHistory:
    target_key: str
    record: Any
    title: str
    versions: list[Version]  # newest first
    open_request: ChangeRequest | None


ITEM_FIELDS = ("title", "weight", "outcome", "outcome_note")


def _rows(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Row]:
    """Old and new values as rows; a plan's items are matched by id, new items follow."""
    old, new = old or {}, new or {}
    if "items" in old or "items" in new:
        old_items = {row["id"]: row for row in old.get("items", [])}
        order = [row["id"] for row in old.get("items", [])]
        new_items = {row["id"]: row for row in new.get("items", []) if row.get("id") is not None}
        added = [row for row in new.get("items", []) if row.get("id") is None]
        rows = []
        pairs = [(old_items.get(i), new_items.get(i)) for i in order] + [
            (None, row) for i, row in new_items.items() if i not in old_items
        ]
        pairs += [(None, row) for row in added]
        for n, (before, after) in enumerate(pairs, start=1):
            for name in ITEM_FIELDS:
                rows.append(
                    Row(
                        name,
                        n,
                        None if before is None else str(before.get(name, "")),
                        None if after is None else str(after.get(name, "")),
                    )
                )
        return rows
    names = list(old) + [name for name in new if name not in old]
    return [Row(name, None, _shown(old.get(name)), _shown(new.get(name))) for name in names]


def _shown(value: Any) -> str | None:
    return None if value is None else str(value)


def may_view_record(person: Person, target: changes.Target, record: Any) -> bool:
    scope = scope_of(person)
    if scope.sees_everything:
        return True
    return not scope.own_only and scope.allows_division(getattr(record, "division_id", None))


def change_page(request_id: int, person: Person) -> ChangePage:
    """LookupError when there is no such request; NotAllowed unless the person may see its case."""
    request = ChangeRequest.get_or_none(ChangeRequest.id == request_id)
    if request is None:
        raise LookupError(request_id)
    case = (
        WorkflowCase.select()
        .where((WorkflowCase.subject_model == "ChangeRequest") & (WorkflowCase.subject_id == request.id))
        .order_by(WorkflowCase.id.desc())
        .first()
    )
    if case is None or not approvals.may_view_case(person, case):
        raise approvals.NotAllowed("您无权查看此变更申请")
    target = changes.BY_MODEL[request.target_model]
    return ChangePage(
        request, target.key, _rows(request.old_values, request.new_values), approvals.case_history(case), case
    )


def record_history(target_key: str, record_id: int, person: Person | None = None) -> RecordHistory:
    """Every version of a record, newest first: the current values, then what each approved request replaced.
    LookupError for an unknown record; NotAllowed when `person` may not see it."""
    target = changes.target_of(target_key)
    record = target.model.get_or_none(target.model.id == record_id)
    if record is None:
        raise LookupError(record_id)
    if person is not None and not may_view_record(person, target, record):
        raise approvals.NotAllowed("您无权查看此记录")
    applied = list(
        ChangeRequest.select()
        .where(
            (ChangeRequest.target_model == target.model.__name__)
            & (ChangeRequest.target_id == record.id)
            & (ChangeRequest.status == "approved")
        )
        .order_by(ChangeRequest.version_applied.desc())
    )
    current = target.values(record)
    versions = [
        Version(
            record.version,
            current,
            _rows(current, None),
            applied[0].decided_at if applied else None,
            applied[0].id if applied else None,
        )
    ]
    for n, request in enumerate(applied):
        earlier = applied[n + 1] if n + 1 < len(applied) else None
        versions.append(
            Version(
                request.base_version,
                request.old_values,
                _rows(request.old_values, None),
                earlier.decided_at if earlier else None,
                earlier.id if earlier else None,
            )
        )
    return RecordHistory(
        target_key, record, target.title(record), versions, changes.open_request_of(target.model.__name__, record.id)
    )


def form_values(target_key: str, record_id: int, person: Person) -> tuple[changes.Target, Any, dict[str, Any]]:
    """The record and its current values, for the 申请变更 form; LookupError / NotAllowed."""
    target = changes.target_of(target_key)
    record = target.model.get_or_none(target.model.id == record_id)
    if record is None:
        raise LookupError(record_id)
    if not changes.may_propose(person, target, record):
        raise approvals.NotAllowed("您无权对该记录提出变更申请")
    return target, record, target.values(record)
