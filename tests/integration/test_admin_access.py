"""Server-side row and role checks on every admin view (R-SEC-1)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from models import ClosedPeriod, Division, MonthlyPlan, Person, WorkLogEntry
from portal.admin_views.ownership import NOBODY, OWNERSHIP
from tests.factories import (
    make_division,
    make_library_entry,
    make_log_entry,
    make_person,
    make_plan,
    make_record_of,
)
from tests.integration.admin_world import (
    MANAGERS,
    MODELS,
    ROLES,
    build_world,
    endpoint,
    shows_id,
    xlsx_rows,
)

OWNED = [m for m in MODELS if OWNERSHIP[m].division is not None]


@pytest.fixture
def world(database):
    return build_world()


@pytest.mark.parametrize("model", MODELS, ids=endpoint)
def test_list_page_opens_for_each_role_except_audit_log_for_non_managers(client, login_as, world, model):
    """R-SEC-1: every logged-in role reaches every list; the audit trail is for the office and director."""
    statuses = {}
    for role in ROLES:
        login_as(world.role(role))
        statuses[role] = client.get(f"/admin/{endpoint(model)}/").status_code
    closed = OWNERSHIP[model].managers_only
    assert statuses == {role: 403 if closed and role not in MANAGERS else 200 for role in ROLES}


@pytest.mark.parametrize("model", OWNED, ids=endpoint)
def test_record_of_another_division_is_hidden_and_refused_by_url(client, login_as, world, model):
    """R-SEC-1: another division's record is not listed, not exported under a filter naming its division
    (`flt1_0` is the division filter every owned view has first), and its details/edit URLs are 403 —
    except for the office and the director, who see everything."""
    theirs = make_record_of(model, world.other, world.other_staff)
    base = f"/admin/{endpoint(model)}"
    seen = {}
    for role in ROLES:
        login_as(world.role(role))
        listing = client.get(f"{base}/").get_data(as_text=True)
        exported = client.get(f"{base}/export/xlsx/?flt1_0={world.other.id}")
        seen[role] = (
            shows_id(listing, theirs._pk),
            len(xlsx_rows(exported.data)) - 1 > 0,
            client.get(f"{base}/details/?id={theirs._pk}").status_code,
            client.get(f"{base}/edit/?id={theirs._pk}").status_code,
        )
    # results and cases are read-only for everyone; claims, exemptions and appeals change only by the portal's forms
    editable = 200 if OWNERSHIP[model].write != NOBODY and not OWNERSHIP[model].portal_form else 403
    expected = {role: (True, True, 200, editable) if role in MANAGERS else (False, False, 403, 403) for role in ROLES}
    assert seen == expected


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("staff", {"staff"}),
        ("head", {"staff", "colleague"}),
        ("leader", {"staff", "colleague"}),
        ("office", {"staff", "colleague", "other_staff"}),
        ("director", {"staff", "colleague", "other_staff"}),
    ],
)
def test_work_log_list_shows_own_entries_to_staff_division_to_head_and_leader_all_to_office(
    client, login_as, world, role, sees
):
    """R-SEC-1: staff see their own log, heads and leaders their division, the office everything."""
    entries = {
        name: make_log_entry(world.role(name), make_library_entry(world.role(name).division))
        for name in ("staff", "colleague", "other_staff")
    }
    login_as(world.role(role))
    html = client.get("/admin/worklogentry/").get_data(as_text=True)
    assert {name for name, entry in entries.items() if shows_id(html, entry.id)} == sees


def test_leader_sees_every_division_they_lead_and_no_other(client, login_as, world):
    """R-SEC-1, R-ORG-2: a leader owning several divisions sees the plans of each."""
    second = make_division(name="工程规划处")
    from models import LeaderAssignment

    LeaderAssignment.create(division=second, leader=world.leader)
    plans = {d.name: make_plan(d) for d in (world.mine, second, world.other)}
    login_as(world.leader)
    html = client.get("/admin/monthlyplan/").get_data(as_text=True)
    assert {name for name, plan in plans.items() if shows_id(html, plan.id)} == {"规划管理处", "工程规划处"}


@pytest.mark.parametrize("role", ["staff", "head", "leader"])
def test_search_or_name_filter_naming_another_division_returns_none_of_its_rows(client, login_as, world, role):
    """R-SEC-1: a search or filter is intersected with the scope, never widens it."""
    theirs = make_plan(world.other)
    mine = make_plan(world.mine)
    login_as(world.role(role))
    searched = client.get("/admin/monthlyplan/?search=用地规划处").get_data(as_text=True)
    named = client.get("/admin/monthlyplan/?flt1_1=用地").get_data(as_text=True)
    own = client.get("/admin/monthlyplan/?flt1_1=规划管理").get_data(as_text=True)
    assert not shows_id(searched, theirs.id) and not shows_id(named, theirs.id)
    assert shows_id(own, mine.id)


def test_office_search_by_division_name_finds_that_division(client, login_as, world):
    theirs = make_plan(world.other)
    login_as(world.office)
    assert shows_id(client.get("/admin/monthlyplan/?search=用地规划处").get_data(as_text=True), theirs.id)


def test_head_cannot_create_a_plan_for_another_division(client, login_as, world):
    """R-SEC-1: the division select offers only the head's division; a forged POST fails validation."""
    login_as(world.head)
    form = client.get("/admin/monthlyplan/new/").get_data(as_text=True)
    assert world.mine.name in form and world.other.name not in form
    refused = client.post("/admin/monthlyplan/new/", data={"division": world.other.id, "year": 2023, "month": 11})
    assert refused.status_code == 200
    assert not MonthlyPlan.select().where(MonthlyPlan.division == world.other).exists()
    accepted = client.post("/admin/monthlyplan/new/", data={"division": world.mine.id, "year": 2023, "month": 11})
    assert accepted.status_code == 302
    assert MonthlyPlan.get(MonthlyPlan.division == world.mine).status == "draft"


def test_head_cannot_move_own_plan_to_another_division(client, login_as, world):
    plan = make_plan(world.mine)
    login_as(world.head)
    client.post(f"/admin/monthlyplan/edit/?id={plan.id}", data={"division": world.other.id, "year": 2023, "month": 10})
    assert MonthlyPlan.get_by_id(plan.id).division_id == world.mine.id


@pytest.mark.parametrize("role", ["staff", "leader"])
def test_only_the_head_or_office_may_write_division_plans(client, login_as, world, role):
    """R-SEC-1: staff and leaders read their division's plans but may not create or edit them."""
    plan = make_plan(world.mine)
    login_as(world.role(role))
    assert client.get(f"/admin/monthlyplan/details/?id={plan.id}").status_code == 200
    assert client.get(f"/admin/monthlyplan/edit/?id={plan.id}").status_code == 403
    assert client.get("/admin/monthlyplan/new/").status_code == 403


def test_staff_writes_own_log_entry_only_while_it_is_not_reviewed(client, login_as, world):
    """R-RUN-4, R-SEC-1: editable until reviewed; review fields are not in the owner's form."""
    item = make_library_entry(world.mine)
    draft = make_log_entry(world.staff, item)
    confirmed = make_log_entry(world.staff, item, status="confirmed")
    login_as(world.staff)
    form = client.get(f"/admin/worklogentry/edit/?id={draft.id}").get_data(as_text=True)
    assert 'name="description"' in form and 'name="confirmed_hours"' not in form and 'name="status"' not in form
    refused = client.get(f"/admin/worklogentry/edit/?id={confirmed.id}")
    assert refused.status_code == 302 and "/details/" in refused.headers["Location"]
    client.post("/admin/worklogentry/delete/", data={"id": confirmed.id})
    assert WorkLogEntry.get_or_none(WorkLogEntry.id == confirmed.id) is not None


def test_staff_cannot_log_work_in_a_colleagues_name(client, login_as, world):
    item = make_library_entry(world.mine)
    login_as(world.staff)
    values = {"date": "2023-10-10", "item": item.id, "quantity": "1", "hours": "2.5", "description": "会议"}
    client.post("/admin/worklogentry/new/", data={**values, "person": world.colleague.id})
    assert not WorkLogEntry.select().where(WorkLogEntry.person == world.colleague).exists()
    assert client.post("/admin/worklogentry/new/", data={**values, "person": world.staff.id}).status_code == 302
    entry = WorkLogEntry.get(WorkLogEntry.person == world.staff)
    assert entry.status == "draft" and entry.confirmed_hours is None


def test_bulk_delete_naming_another_divisions_record_is_refused(client, login_as, world):
    mine, theirs = make_plan(world.mine, weights=()), make_plan(world.other, weights=())
    login_as(world.head)
    response = client.post("/admin/monthlyplan/action/", data={"action": "delete", "rowid": [mine.id, theirs.id]})
    assert response.status_code == 403
    assert MonthlyPlan.select().count() == 2


def test_delete_refused_by_a_foreign_key_is_a_chinese_message_not_a_500(client, login_as, world):
    """R-AUD-1: nothing is deleted that other records depend on; the refusal is explained."""
    login_as(world.office)
    response = client.post("/admin/division/delete/", data={"id": world.mine.id}, follow_redirects=True)
    assert response.status_code == 200
    assert "仍被其他记录引用" in response.get_data(as_text=True)
    assert Division.get_or_none(Division.id == world.mine.id) is not None


def test_delete_in_a_closed_period_is_refused_with_the_lock_message(client, login_as, world):
    """R-AUD-1: closing a period locks it, also against the admin screens."""
    entry = make_log_entry(world.staff, make_library_entry(world.mine), date=dt.date(2023, 9, 5))
    ClosedPeriod.create(year=2023, month=9)
    login_as(world.staff)
    response = client.post("/admin/worklogentry/delete/", data={"id": entry.id}, follow_redirects=True)
    assert "2023年9月已结账锁定" in response.get_data(as_text=True)
    assert WorkLogEntry.get_or_none(WorkLogEntry.id == entry.id) is not None


def test_person_form_never_shows_the_hash_and_sets_a_new_password(client, login_as, world):
    """R-SEC-1: hashed passwords; a system administrator (no longer the office, issue 9 §7) sets a new one, never
    edits the hash, and the person must change it at the next login."""
    login_as(make_person(division=world.other, system_admin=True, name="吴管理"))
    form = client.get(f"/admin/person/edit/?id={world.staff.id}").get_data(as_text=True)
    assert "password_hash" not in form and 'name="new_password"' in form
    details = client.get(f"/admin/person/details/?id={world.staff.id}").get_data(as_text=True)
    assert world.staff.password_hash not in details
    staff = world.staff
    data = {
        "code": staff.code,
        "name": staff.name,
        "division": staff.division_id,
        "position": "staff",
        "level": staff.level,
        "employment": "regular",
        "locale": "zh_Hans_CN",
        "active": "y",
        "username": staff.username,
        "new_password": "brand-new-9",
    }
    assert client.post(f"/admin/person/edit/?id={staff.id}", data=data).status_code == 302
    stored = Person.get_by_id(staff.id)
    assert stored.check_password("brand-new-9") and stored.must_change_password


def test_admin_needs_a_login(client, world):
    assert client.get("/admin/monthlyplan/").status_code in {302, 401}
    assert client.get("/admin/").status_code in {302, 401}


def test_admin_post_without_csrf_token_is_refused(app, client, login_as, world):
    """R-SEC-1: CSRF protection on admin forms."""
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(world.office)
    form = client.get("/admin/division/new/").get_data(as_text=True)
    assert 'name="csrf_token"' in form
    client.post("/admin/division/new/", data={"code": "X9", "name": "新处室", "category": "general"})
    assert not Division.select().where(Division.code == "X9").exists()


def test_menu_and_headers_are_chinese(client, login_as, world):
    """R-UI-1: the admin speaks Chinese by default."""
    login_as(world.office)
    html = client.get("/admin/worklogentry/").get_data(as_text=True)
    for text in ("组织机构", "目标计划", "日常工作", "考核评价", "规则设置", "审计日志", "工作日志", "确认工时"):
        assert text in html


def test_form_labels_and_choice_labels_are_chinese(client, login_as, world):
    """R-UI-1: form fields are labelled in Chinese and selects show the models' Chinese choices."""
    login_as(world.office)
    form = client.get("/admin/monthlyplan/new/").get_data(as_text=True)
    labels = re.findall(r"<label[^>]*>\s*([^<&\s]+)", form)
    assert {"处室", "年度", "月份"} <= set(labels)
    assert ">市委市政府目标任务</option>" in client.get("/admin/annualtarget/new/").get_data(as_text=True)
    listing = client.get("/admin/monthlyplan/").get_data(as_text=True)
    assert 'placeholder="处室名称"' in listing


def test_decimal_hours_round_trip_through_the_form(client, login_as, world):
    item = make_library_entry(world.mine)
    login_as(world.staff)
    values = {"date": "2023-10-10", "item": item.id, "quantity": "1.5", "hours": "3.75", "person": world.staff.id}
    client.post("/admin/worklogentry/new/", data=values)
    assert WorkLogEntry.get().hours == Decimal("3.75")
