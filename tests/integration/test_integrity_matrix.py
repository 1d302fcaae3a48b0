"""The integrity matrix (R-WF-3, R-AUD-1, R-SEC-1): every record that runs an approval chain × every role ×
{create, edit, delete, status change} × {draft, in review, decided, closed period}, through the admin and through
code that saves models directly, against one table of expected outcomes.

The rule the table encodes: a record's state moves only through its chain; its content changes outside the chain
only while it is a draft (or returned to its submitter), by those with the write right; once in review or decided
nobody changes or deletes it — a change request does (R-WF-3); a closed period freezes everything in it (R-AUD-1).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from models import (
    Adjustment,
    AnnualArrangement,
    AnnualTarget,
    Appeal,
    ClosedPeriod,
    Exemption,
    ExtraTimeClaim,
    MonthlyPlan,
    MonthlyReport,
    PeriodLocked,
    PlanItem,
    ScoreSnapshot,
    WeeklyReview,
    WorkLogEntry,
)
from models.guard import RecordDecided, chain_write, spec_of
from tests.factories import make_library_entry, make_person, make_record_of, make_review
from tests.integration.admin_world import ROLES, build_world, endpoint

# the state field's value for each state of the matrix; None: the model has no such state
STATES: dict[type, dict[str, Any]] = {
    AnnualTarget: {"draft": "draft", "in_review": "in_review", "decided": "approved"},
    AnnualArrangement: {"draft": "draft", "in_review": "in_review", "decided": "approved"},
    MonthlyPlan: {"draft": "draft", "in_review": "in_review", "decided": "approved"},
    PlanItem: {"draft": "draft", "in_review": "in_review", "decided": "approved"},  # its plan's state
    MonthlyReport: {"draft": "draft", "in_review": "in_review", "decided": "approved"},
    WeeklyReview: {"draft": None, "in_review": "open", "decided": "done"},
    WorkLogEntry: {"draft": "draft", "in_review": "draft", "decided": "confirmed"},  # in review: its week is rated
    ExtraTimeClaim: {"draft": "draft", "in_review": "in_review", "decided": "approved"},
    Exemption: {"draft": "draft", "in_review": "in_review", "decided": "approved"},
    Adjustment: {"draft": "draft", "in_review": "in_review", "decided": "approved"},
    Appeal: {"draft": "filed", "in_review": "talking", "decided": "upheld"},
    ScoreSnapshot: {"draft": None, "in_review": False, "decided": True},  # a candidate, the approved ranking
}
MODELS = list(STATES)

# who may open a draft's edit form and delete it in the admin (everything else: nobody). Claims, exemptions
# and appeals are created and sent by the portal's own forms; reviews and results are written by services only.
DRAFT_WRITERS: dict[type, set[str]] = {
    AnnualTarget: {"head", "office", "director"},
    AnnualArrangement: {"head", "office", "director"},
    MonthlyPlan: {"head", "office", "director"},
    PlanItem: {"head", "office", "director"},
    MonthlyReport: {"head", "office", "director"},
    Adjustment: {"head", "office", "director"},
    WorkLogEntry: {"staff", "office", "director"},
}
# a content field the test changes, with a new value
CONTENT: dict[type, tuple[str, Any]] = {
    AnnualTarget: ("title", "改过的目标"),
    AnnualArrangement: ("content", "改过的安排"),
    MonthlyPlan: ("month", 7),
    PlanItem: ("weight", Decimal(90)),
    MonthlyReport: ("completion", "改过的完成情况"),
    WeeklyReview: ("comment", "改过的评语"),
    WorkLogEntry: ("description", "改过的日志"),
    ExtraTimeClaim: ("reason", "改过的理由"),
    Exemption: ("reason", "改过的理由"),
    Adjustment: ("reason", "改过的理由"),
    Appeal: ("grounds", "改过的理由"),
    ScoreSnapshot: ("reason", "改过的说明"),
}
CASES = [
    (m, s)
    for m in MODELS
    for s in ("draft", "in_review", "decided", "closed")
    if STATES[m]["draft" if s == "closed" else s] is not None
]


def _ids(case: tuple[type, str]) -> str:
    return f"{case[0].__name__}-{case[1]}"


def _period_year(record: Any) -> int:
    for name in ("date", "week_start"):
        if name in record._meta.fields:
            return getattr(record, name).year
    if isinstance(record, PlanItem):
        return record.plan.year
    return record.year


def make_in_state(model: type, state: str, world: Any, count: int = 1) -> list[Any]:
    """`count` records of `model` in my division (the staff member's, where it is personal) in `state`, as if
    their chain had brought them there; "closed" are drafts whose period the office has then closed."""
    records = [_one_in_state(model, state, world) for _ in range(count)]
    if state == "closed":
        with chain_write("test history"):
            for year in {_period_year(r) for r in records}:
                ClosedPeriod.create(year=year, month=None)
    return records


def _one_in_state(model: type, state: str, world: Any) -> Any:
    with chain_write("test history"):
        person = world.staff
        if model is Exemption and state == "in_review":  # one pending exemption per person (migration 014)
            person = make_person(division=world.mine, name="另一科员")
        record = make_record_of(model, world.mine, person)
        value = STATES[model]["draft" if state == "closed" else state]
        spec = spec_of(model)
        if isinstance(record, WorkLogEntry):
            week = dt.date(2023, 10, 9)
            review = WeeklyReview.get_or_none(person=world.staff, week_start=week) or make_review(
                world.staff, week, status="done" if state == "in_review" else "open"
            )
            record.review = review
            record.status = value
            record.confirmed_hours = record.hours if value == "confirmed" else None
            record.save()
        elif spec.parent is not None:
            parent = getattr(record, spec.parent)
            parent.status = value
            parent.save()
        else:
            setattr(record, spec.status, value)
            record.save()
    return type(record).get_by_id(record._pk)


@pytest.fixture
def world(database):
    return build_world()


def _stored(record: Any) -> Any:
    return type(record).get_or_none(type(record)._meta.primary_key == record._pk)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_admin_edit_and_delete_follow_the_matrix_R_WF_3(client, login_as, world, case):
    """Through the admin: the edit form opens (200) only for a draft and only for those with the write right;
    a record in review, decided or in a closed period sends everyone to its details page (302) or refuses (403);
    a POST that names a new value or a new state changes nothing it may not; a delete removes only a draft, and
    only for those with the write right."""
    model, state = case
    field, value = CONTENT[model]
    spec = spec_of(model)
    writers = DRAFT_WRITERS.get(model, set()) if state == "draft" else set()
    base = f"/admin/{endpoint(model)}"
    seen, expected = {}, {}
    for role, record in zip(ROLES, make_in_state(model, state, world, len(ROLES)), strict=True):
        before = _stored(record).__data__.copy()
        login_as(world.role(role))
        opened = client.get(f"{base}/edit/?id={record._pk}").status_code
        data = {field: str(value)}
        if spec.status is not None:
            data[spec.status] = "approved"
        client.post(f"{base}/edit/?id={record._pk}", data=data)
        after = _stored(record)
        status_moved = spec.status is not None and after.__data__[spec.status] != before[spec.status]
        content_moved = after.__data__[field] != before[field]
        client.post(f"{base}/delete/", data={"id": str(record._pk)})
        deleted = _stored(record) is None
        may = role in writers
        seen[role] = (opened == 200, status_moved, content_moved and not may, deleted)
        expected[role] = (may, False, False, may and state == "draft" and model is not Appeal)
        assert opened in (200, 302, 403), (role, opened)
    assert seen == expected


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_create_never_sets_a_state_R_WF_3(client, login_as, world, model):
    """Creating from the admin either is not offered (403) or makes a record in its initial state only: a POST
    naming a decided state never produces a decided record."""
    spec = spec_of(model)
    if spec.status is None:
        pytest.skip("a plan item has no state of its own; its plan's state rules it")
    decided = STATES[model]["decided"]
    count = model.select().where(getattr(model, spec.status) == decided).count()
    for role in ROLES:
        login_as(world.role(role))
        client.post(f"/admin/{endpoint(model)}/new/", data={spec.status: str(decided)})
    assert model.select().where(getattr(model, spec.status) == decided).count() == count


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_code_that_saves_models_follows_the_matrix_R_WF_3_R_AUD_1(world, case):
    """Through the services (any code that saves a model outside a chain step): a content change goes through
    only for a draft; a change of state never does; a delete only for a draft that may go; a closed period
    refuses everything (PeriodLocked), decided records refuse with RecordDecided."""
    model, state = case
    field, value = CONTENT[model]
    spec = spec_of(model)
    outcomes = {}
    edited, moved, deleted = make_in_state(model, state, world, 3)
    setattr(edited, field, value)
    outcomes["edit"] = _outcome(edited.save)
    if spec.status is not None:
        setattr(moved, spec.status, STATES[model]["decided"] if state != "decided" else STATES[model]["in_review"])
        outcomes["status"] = _outcome(moved.save)
    outcomes["delete"] = _outcome(deleted.delete_instance)
    refusal = "locked" if state == "closed" else "decided"
    deletable = state == "draft" and (spec.status is None or STATES[model]["draft"] in spec.deletable)
    expected = {
        "edit": "ok" if state == "draft" else refusal,
        "delete": "ok" if deletable else refusal,
    }
    if spec.status is not None:
        expected["status"] = refusal if state == "closed" else "decided"
    assert outcomes == expected


def _outcome(action: Any) -> str:
    try:
        action()
    except PeriodLocked:
        return "locked"
    except RecordDecided:
        return "decided"
    return "ok"


def test_bulk_writes_of_chain_owned_tables_are_refused_R_WF_3(world):
    """A bulk UPDATE/DELETE/INSERT would bypass every per-record rule: refused outside a chain step."""
    (plan,) = make_in_state(MonthlyPlan, "decided", world)
    for attempt in (
        lambda: MonthlyPlan.update(status="draft").where(MonthlyPlan.id == plan.id).execute(),
        lambda: PlanItem.update(weight=Decimal(90)).where(PlanItem.plan == plan).execute(),
        lambda: MonthlyPlan.delete().where(MonthlyPlan.id == plan.id).execute(),
        lambda: WorkLogEntry.insert_many(
            [{"person": world.staff, "date": dt.date(2023, 10, 9), "item": make_library_entry(world.mine), "hours": 24}]
        ).execute(),
    ):
        with pytest.raises(RecordDecided):
            attempt()
    assert MonthlyPlan.get_by_id(plan.id).status == "approved"
