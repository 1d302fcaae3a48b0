"""Plan items edited inline on their monthly plan (R-TGT-3), including Flask-Admin issue #1718's trap:
new inline rows post an empty AutoField id."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import MonthlyPlan, PlanItem
from tests.factories import make_plan
from tests.integration.admin_world import build_world


@pytest.fixture
def world(database):
    return build_world()


def _plan_form(division_id: int, items: list[dict], year: int = 2023, month: int = 11) -> dict:
    data: dict = {"division": division_id, "year": year, "month": month}
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{i}-{key}"] = value
    return data


def test_head_creates_a_plan_with_inline_items(client, login_as, world):
    login_as(world.head)
    data = _plan_form(
        world.mine.id,
        [
            {"id": "", "seq": 1, "title": "总规修编", "weight": "60"},
            {"id": "", "seq": 2, "title": "专项规划", "weight": "40"},
        ],
    )
    response = client.post("/admin/monthlyplan/new/", data=data)
    assert response.status_code == 302
    plan = MonthlyPlan.get(MonthlyPlan.division == world.mine, MonthlyPlan.month == 11)
    assert [(i.seq, i.title, i.weight) for i in plan.items.order_by(PlanItem.seq)] == [
        (1, "总规修编", Decimal("60.00")),
        (2, "专项规划", Decimal("40.00")),
    ]


def test_head_edits_adds_and_removes_inline_items(client, login_as, world):
    plan = make_plan(world.mine, month=11, weights=(60, 40))
    first, second = plan.items.order_by(PlanItem.seq)
    login_as(world.head)
    data = _plan_form(
        world.mine.id,
        [
            {"id": first.id, "seq": 1, "title": "改过的事项", "weight": "50"},
            {"id": second.id, "seq": 2, "title": second.title, "weight": "40"},
            {"id": "", "seq": 3, "title": "新增事项", "weight": "10"},
        ],
    )
    data["del-items-1"] = "y"
    response = client.post(f"/admin/monthlyplan/edit/?id={plan.id}", data=data)
    assert response.status_code == 302
    items = [(i.title, i.weight) for i in plan.items.order_by(PlanItem.seq)]
    assert items == [("改过的事项", Decimal("50.00")), ("新增事项", Decimal("10.00"))]


def test_a_posted_inline_id_of_another_plan_does_not_move_or_change_that_item(client, login_as, world):
    """R-SEC-1: an inline row can only update children of the plan being edited."""
    mine = make_plan(world.mine, month=11, weights=())
    theirs = make_plan(world.other, month=11, weights=(100,))
    victim = theirs.items.get()
    login_as(world.head)
    data = _plan_form(world.mine.id, [{"id": victim.id, "seq": 1, "title": "偷梁换柱", "weight": "100"}])
    client.post(f"/admin/monthlyplan/edit/?id={mine.id}", data=data)
    victim = PlanItem.get_by_id(victim.id)
    assert (victim.plan_id, victim.title) == (theirs.id, "2023-11 重点工作1")
    assert [i.title for i in mine.items] == ["偷梁换柱"]
