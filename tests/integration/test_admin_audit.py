"""Changes made through the admin are audited like any other (R-AUD-1)."""

from __future__ import annotations

import json

import pytest

from models import AuditLog, PlanItem
from tests.factories import make_division, make_plan
from tests.integration.admin_world import build_world


@pytest.fixture
def world(database):
    return build_world()


def test_division_edited_through_the_admin_form_leaves_before_and_after(client, login_as, world):
    """R-AUD-1: who (added by the lead with the per-request actor), when, before and after."""
    login_as(world.office)
    data = {"code": world.mine.code, "name": "总体规划处", "category": "business", "sort_order": 1, "active": "y"}
    assert client.post(f"/admin/division/edit/?id={world.mine.id}", data=data).status_code == 302
    row = AuditLog.get(AuditLog.model == "Division", AuditLog.action == "update")
    assert row.record_id == str(world.mine.id)
    assert row.before["name"] == "规划管理处" and row.after["name"] == "总体规划处"


def test_admin_delete_and_inline_create_are_audited(client, login_as, world):
    spare = make_division(name="临时处室")
    plan = make_plan(world.mine, month=11, weights=())
    login_as(world.office)
    client.post("/admin/division/delete/", data={"id": spare.id})
    data = {"division": world.mine.id, "year": 2023, "month": 11, "status": "draft"}
    data.update({"items-0-id": "", "items-0-seq": 1, "items-0-title": "新事项", "items-0-weight": "100"})
    client.post(f"/admin/monthlyplan/edit/?id={plan.id}", data=data)
    deleted = AuditLog.get(AuditLog.model == "Division", AuditLog.action == "delete")
    assert deleted.before["name"] == "临时处室" and deleted.after is None
    item = PlanItem.get(PlanItem.plan == plan)
    created = AuditLog.get(AuditLog.model == "PlanItem", AuditLog.record_id == str(item.id))
    assert created.action == "create" and created.after["title"] == "新事项"


def test_audit_log_is_read_only_and_shows_before_and_after_readably(client, login_as, world):
    """R-AUD-1: the trail cannot be changed through the admin; its details show the JSON in Chinese."""
    login_as(world.office)
    data = {"code": world.mine.code, "name": "总体规划处", "category": "business", "sort_order": 1, "active": "y"}
    client.post(f"/admin/division/edit/?id={world.mine.id}", data=data)
    row = AuditLog.get(AuditLog.model == "Division", AuditLog.action == "update")
    details = client.get(f"/admin/auditlog/details/?id={row.id}").get_data(as_text=True)
    assert "<pre" in details and "总体规划处" in details and "修改前" in details
    assert client.get(f"/admin/auditlog/edit/?id={row.id}").status_code == 403
    assert client.get("/admin/auditlog/new/").status_code == 403
    assert client.post("/admin/auditlog/delete/", data={"id": row.id}).status_code == 403
    assert AuditLog.get_by_id(row.id).after == json.loads(json.dumps(row.after))
