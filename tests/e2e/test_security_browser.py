"""Through a real browser (issue 9 §7, R-SEC-1): the Content-Security-Policy blocks nothing the portal and the admin
need. The only reports are for Flask-Admin's inline onclick attributes (Chromium reports them as it parses the
page, pallets-eco/flask-admin#2556); what those handlers did — confirm a delete, add an inline row — still works
through static/admin_csp.js."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models import Person, PlanItem, audit_suspended
from tests.e2e.test_plan_approval import log_in
from tests.factories import make_division, make_person, make_plan

pytestmark = pytest.mark.e2e


def test_r_sec_1_pages_run_under_the_content_security_policy(app, database, live_server, page):
    with audit_suspended():
        office = make_division(name="办公室", category="general")
        planning = make_division(name="规划管理处")
        make_person(division=office, office_member=True, system_admin=True, name="吴管理", username="wu")
        colleague = make_person(division=planning, name="张工作", username="zhang")
        plan = make_plan(planning, 2024, 1)
    violations: list[str] = []
    expected = "Executing inline event handler"
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))

    log_in(page, live_server, "wu")
    for path in ("/", "/tasks", "/admin/", "/admin/person/", f"/admin/person/edit/?id={colleague.id}"):
        page.goto(live_server + path)
        page.wait_for_load_state("load")

    page.goto(live_server + "/admin/person/")
    row = page.locator("table.model-list tr", has_text="张工作")
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    row.locator("form.icon button").click()
    expect(page.locator("table.model-list")).to_contain_text("张工作")
    assert dialogs and "删除" in dialogs[0], "the delete confirmation still asks"
    assert Person.get_or_none(Person.id == colleague.id) is not None

    page.goto(f"{live_server}/admin/monthlyplan/edit/?id={plan.id}")
    before = page.locator(".inline-field").count()
    page.locator("a[id$='-button']").first.click()
    expect(page.locator(".inline-field")).to_have_count(before + 1)
    assert PlanItem.select().where(PlanItem.plan == plan).count() == 2

    assert [v for v in violations if not v.startswith(expected)] == []
