"""Through a real browser (issue 3 §9): a head logs in, opens the division's monthly-plan list in the admin and
exports it to xlsx — the workbook holds the head's division only, with Chinese headers (R-RPT-2, R-SEC-1)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from models import audit_suspended
from tests.e2e.test_login_home import log_in
from tests.factories import make_division, make_person, make_plan

pytestmark = pytest.mark.e2e


def test_a_head_opens_the_plan_list_and_exports_it_to_xlsx(app, database, live_server, page, artifacts):
    with audit_suspended():
        mine = make_division(name="规划管理处")
        other = make_division(name="用地规划处")
        make_person(division=mine, position="head", name="王建国", username="wang")
        for month in (10, 11, 12):
            make_plan(mine, 2023, month, status="approved")
        make_plan(other, 2023, 10, status="approved")

    log_in(page, live_server, "wang")
    expect(page).to_have_url(live_server + "/")
    page.get_by_role("link", name="管理", exact=True).click()
    expect(page).to_have_url(live_server + "/admin/")
    page.wait_for_load_state("load")
    page.get_by_role("link", name="目标计划").click()
    menu_item = page.locator(".dropdown-menu a", has_text="月度绩效计划")
    expect(menu_item).to_be_visible()
    menu_item.click()
    expect(page).to_have_url(live_server + "/admin/monthlyplan/")
    table = page.locator("table.model-list")
    expect(table).to_contain_text("规划管理处")
    expect(table).not_to_contain_text("用地规划处")
    page.screenshot(path=str(artifacts / f"admin-plans-head-{database.split(':')[0]}.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "处室" in rows[0]
    division_column = rows[0].index("处室")
    assert sorted(row[division_column] for row in rows[1:]) == ["规划管理处"] * 3
