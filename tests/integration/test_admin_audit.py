"""Changes made through the admin are audited like any other (R-AUD-1)."""

from __future__ import annotations

import datetime as dt
import json

import lxml.html
import pytest
from werkzeug.datastructures import MultiDict

from models import AuditLog, MonthlyPlan, Person, PlanItem, WorkLogEntry
from models.guard import chain_write
from portal.admin_views.ownership import NOBODY, OWNERSHIP
from services import worklog
from tests.factories import make_division, make_person, make_plan, make_record_of
from tests.integration.admin_world import MODELS, build_world, endpoint


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


# what the admin edits: not the read-only tables, nor those only the portal's own forms write
WRITABLE = [model for model in MODELS if OWNERSHIP[model].write != NOBODY and not OWNERSHIP[model].portal_form]


def _submitted(html: str) -> list[tuple[str, str]]:
    """What a browser sends when the edit form is submitted untouched: every named field of the model form,
    with its value as shown (checked boxes only, selected options), inline rows included. Textareas as a browser
    sends them: without the newline that follows the opening tag, and with CRLF line ends."""
    form = next(f for f in lxml.html.fromstring(html).forms if f.get("method", "").lower() == "post")
    textareas = {element.name for element in form.inputs if element.tag == "textarea"}
    values = []
    for name, value in form.form_values():
        if name in textareas:
            value = value.replace("\r\n", "\n").removeprefix("\n").replace("\n", "\r\n")
        values.append((name, value))
    return values


def _stored(record) -> dict:
    fresh = type(record).get_by_id(record._pk)
    return dict(fresh.__data__)


def test_r_aud_1_an_edit_form_submitted_unchanged_writes_nothing(client, login_as, world):
    """R-AUD-1: for every model the admin can edit, POSTing its edit form back exactly as shown (Flask-Admin
    populates every field: datetimes without their microseconds, decimals as text, texts with CRLF; the monthly
    plan with its inline items) changes no stored value and writes no audit row."""
    login_as(world.office)
    found = {}
    for model in WRITABLE:
        record = make_record_of(model, world.mine, world.staff)
        if model is Person:  # no login yet: NULL username, shown as an empty box
            record = make_person(division=world.mine, username=None)
        if model is MonthlyPlan:
            with chain_write("submitted once, returned"):
                record.submitted_at = dt.datetime(2023, 10, 9, 9, 30, 15, 123456)
                record.save()
        if model is WorkLogEntry:  # as the portal files it: under its week's review
            record = worklog.log_work(world.staff, dt.date(2023, 10, 9), record.item, 1, "第一行\n第二行")
        url = f"/admin/{endpoint(model)}/edit/?id={record._pk}"
        page = client.get(url)
        assert page.status_code == 200, model.__name__
        stored, rows = _stored(record), AuditLog.select().count()
        submitted = _submitted(page.get_data(as_text=True))
        if model is MonthlyPlan:
            assert {"items-0-id", "items-0-weight", "items-1-weight"} <= {name for name, _ in submitted}
        response = client.post(url, data=MultiDict(submitted))
        problems = []
        if response.status_code != 302:
            problems.append(f"answered {response.status_code}")
        written = AuditLog.select().count() - rows
        if written:
            trail = AuditLog.select().order_by(AuditLog.id.desc()).limit(written)
            problems.append(f"audit rows {[(r.model, r.before, r.after) for r in trail]}")
        if _stored(record) != stored:
            problems.append("stored values changed")
        if problems:
            found[model.__name__] = problems
    assert found == {}, "\n".join(f"{name}: {problems}" for name, problems in found.items())
