"""Regressions of the insider findings (R-WF-3, R-SCP-2, R-RUN-1, R-SCO-1): what a person could once rewrite
inside their own scope, and must no longer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import Absence, Appeal, MonthlyPlan, PlanItem, WorkLogEntry
from models.guard import chain_write
from services import meetings
from services.results import build_input
from tests.factories import make_appeal, make_library_entry, make_log_entry, make_plan, make_review, open_year
from tests.integration.admin_world import build_world


@pytest.fixture
def world(database):
    return build_world()


def _judged_plan(world, month: int = 11) -> MonthlyPlan:
    """An approved plan whose meeting judged item 1 (76) done and item 2 (24) unfinished."""
    plan = make_plan(world.mine, 2023, month, weights=(76, 24), status="approved")
    with chain_write("the monthly meeting"):
        first, second = plan.items.order_by(PlanItem.seq)
        first.outcome, second.outcome = "done", "unfinished"
        first.save()
        second.save()
    return plan


def test_head_cannot_move_weight_of_a_judged_plan_in_the_admin_R_WF_3(client, login_as, world):
    """As 处室负责人, /admin/planitem/edit/ moved 24 weight points of the approved, already judged November plan
    from the unfinished item to a done one, and the division rose from rank 4 / B to rank 1 / A. Neither the item
    view nor the plan's inline items change a decided plan now; the score it gives stays 88."""
    open_year(2023, period_start=11, period_end=11)
    plan = _judged_plan(world)
    first, second = plan.items.order_by(PlanItem.seq)
    login_as(world.head)
    for item, weight in ((first, "100"), (second, "0")):
        response = client.post(
            f"/admin/planitem/edit/?id={item.id}",
            data={"plan": plan.id, "seq": item.seq, "title": item.title, "weight": weight},
        )
        assert response.status_code in (302, 403)
    client.post(
        f"/admin/monthlyplan/edit/?id={plan.id}",
        data={
            "division": world.mine.id,
            "year": 2023,
            "month": 11,
            "items-0-id": first.id,
            "items-0-seq": 1,
            "items-0-title": first.title,
            "items-0-weight": "100",
            "items-1-id": second.id,
            "items-1-seq": 2,
            "items-1-title": second.title,
            "items-1-weight": "0",
        },
    )
    assert [i.weight for i in plan.items.order_by(PlanItem.seq)] == [Decimal(76), Decimal(24)]
    rows = [r for r in build_input(2023)["plan_items"] if r["division"] == world.mine.code]
    lost = sum(Decimal(r["weight"]) for r in rows if r["status"] == "unfinished") / 2
    assert 100 - lost == Decimal(88)


@pytest.mark.parametrize("field", ["status", "outcome"])
def test_office_member_cannot_decide_by_admin_field_R_WF_3(client, login_as, world, field):
    """An office member could set a plan to 已生效, an item's outcome, a log entry to confirmed at 24 h, an appeal
    to upheld. The admin forms carry no state or chain field for anyone; a POST naming them changes nothing."""
    plan = make_plan(world.mine, 2023, 12)
    item = plan.items.first()
    entry = make_log_entry(world.staff, make_library_entry(world.mine), review=make_review(world.staff))
    appeal = make_appeal(world.staff)
    login_as(world.office)
    client.post(
        f"/admin/monthlyplan/edit/?id={plan.id}",
        data={"division": world.mine.id, "year": 2023, "month": 12, field: "approved"},
    )
    client.post(
        f"/admin/planitem/edit/?id={item.id}",
        data={"plan": plan.id, "seq": 1, "title": item.title, "weight": "60", "outcome": "done"},
    )
    client.post(
        f"/admin/worklogentry/edit/?id={entry.id}",
        data={
            "person": world.staff.id,
            "date": "2023-10-09",
            "item": entry.item_id,
            "quantity": "1",
            "status": "confirmed",
            "confirmed_hours": "24",
        },
    )
    client.post(f"/admin/appeal/edit/?id={appeal.id}", data={"status": "upheld", "answer": "成立"})
    assert MonthlyPlan.get_by_id(plan.id).status == "draft"
    assert PlanItem.get_by_id(item.id).outcome == "pending"
    stored = WorkLogEntry.get_by_id(entry.id)
    assert (stored.status, stored.confirmed_hours) == ("draft", None)
    assert (Appeal.get_by_id(appeal.id).status, Appeal.get_by_id(appeal.id).answer) == ("filed", "")


def test_staff_cannot_exempt_themselves_by_entering_an_absence_R_SCP_2(client, login_as, world):
    """As 工作人员, /admin/absence/new/ with a 7-month secondment made him "not assessed", skipping the exemption
    chain, and he could edit or delete the absence the office entered. Absences are the office's record now;
    the person sees theirs, read-only."""
    login_as(world.staff)
    refused = client.post(
        "/admin/absence/new/",
        data={"person": world.staff.id, "kind": "secondment", "start": "2023-03-01", "end": "2023-09-30"},
    )
    assert refused.status_code == 403
    assert not Absence.select().where(Absence.person == world.staff).exists()
    entered = Absence.create(person=world.staff, kind="sick", start=dt.date(2023, 5, 8), end=dt.date(2023, 5, 9))
    assert client.get(f"/admin/absence/details/?id={entered.id}").status_code == 200
    assert client.get(f"/admin/absence/edit/?id={entered.id}").status_code == 403
    client.post(
        f"/admin/absence/edit/?id={entered.id}",
        data={"person": world.staff.id, "kind": "secondment", "start": "2023-01-01", "end": "2023-12-31"},
    )
    client.post("/admin/absence/delete/", data={"id": entered.id})
    stored = Absence.get_by_id(entered.id)
    assert (stored.kind, stored.end) == ("sick", dt.date(2023, 5, 9))
    login_as(world.office)
    assert client.get("/admin/absence/new/").status_code == 200


def test_the_meeting_records_each_items_outcome_once_R_RUN_1(client, login_as, world):
    """The office records the outcome of every item of the month's approved plan in one form; the head cannot;
    once recorded, a second recording is refused (a change needs a change request with the director)."""
    plan = make_plan(world.mine, 2023, 11, weights=(76, 24), status="approved")
    first, second = plan.items.order_by(PlanItem.seq)
    form = {f"outcome-{first.id}": "done", f"outcome-{second.id}": "unfinished", f"note-{second.id}": "外部原因"}
    login_as(world.head)
    assert client.get("/meetings/outcomes?year=2023&month=11").status_code == 403
    assert client.post(f"/meetings/outcomes/{plan.id}", data=form).status_code == 403
    login_as(world.office)
    page = client.get("/meetings/outcomes?year=2023&month=11").get_data(as_text=True)
    assert first.title in page and "记录评定结果" in page
    assert client.post(f"/meetings/outcomes/{plan.id}", data=form).status_code == 302
    assert [i.outcome for i in plan.items.order_by(PlanItem.seq)] == ["done", "unfinished"]
    again = client.post(f"/meetings/outcomes/{plan.id}", data={**form, f"outcome-{second.id}": "done"})
    assert again.status_code == 400 and "变更申请" in again.get_data(as_text=True)
    assert PlanItem.get_by_id(second.id).outcome == "unfinished"


@pytest.mark.parametrize(
    ("status", "given", "code"),
    [
        ("draft", {"done"}, "not_approved"),
        ("approved", {"done"}, "incomplete"),
        ("approved", {"unfinished", "done"}, "note_needed"),
    ],
)
def test_meeting_outcomes_are_refused_when_incomplete_or_unapproved_R_RUN_1(world, status, given, code):
    plan = make_plan(world.mine, 2023, 11, status=status)
    items = list(plan.items.order_by(PlanItem.seq))
    values = sorted(given, reverse=True)
    outcomes = {item.id: meetings.Outcome(value) for item, value in zip(items, values, strict=False)}
    with pytest.raises(meetings.OutcomeError) as refused:
        meetings.record_outcomes(plan.id, outcomes, world.office)
    assert refused.value.code == code
    assert {i.outcome for i in plan.items} == {"pending"}
