"""Through a real browser on a 375 px phone: tick two items of the library, see the hours live, save once (R-RUN-4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from models import WorkLogEntry
from services import clock
from tests.factories import PASSWORD, make_division, make_library_entry, make_person, open_year

pytestmark = pytest.mark.e2e

TODAY = dt.date(2023, 10, 11)


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_r_run_4_staff_tick_two_items_on_a_phone_and_save_them_at_once(app, database, live_server, phone, artifacts):
    app.config["TODAY"] = TODAY.isoformat()
    clock.pin(TODAY)
    try:
        open_year(2023)
        division = make_division(name="规划管理处")
        make_person(division=division, name="李明", username="liming")
        for name, hours in (("规划方案审查", "3"), ("窗口业务受理", "0.5"), ("专题会议", "2")):
            make_library_entry(division, name=name, standard_hours=Decimal(hours))
        page = phone
        page.goto(live_server + "/login")
        page.get_by_label("用户名").fill("liming")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="填写今日工作日志").click()
        expect(page).to_have_url(live_server + "/log")

        page.get_by_label("按名称、类别或编号搜索事项").fill("窗口")
        expect(page.get_by_role("checkbox", name="规划方案审查")).to_be_hidden()
        page.get_by_role("checkbox", name="窗口业务受理").check()
        page.get_by_label("窗口业务受理的数量").fill("4")
        page.get_by_label("窗口业务受理的说明").fill("受理四件")
        page.get_by_label("按名称、类别或编号搜索事项").fill("")
        page.get_by_role("checkbox", name="规划方案审查").check()
        page.get_by_label("规划方案审查的数量").fill("2")
        expect(page.locator("#ticked-hours")).to_have_text("8")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways on a phone: {width}px"
        page.screenshot(path=str(artifacts / "daily-log-375.png"), full_page=True)
        page.get_by_role("button", name="保存勾选的事项和修改").click()

        expect(page.locator("#day-total")).to_have_text("8")
        rows = {(e.item.name, e.quantity, e.hours, e.description) for e in WorkLogEntry.select()}
        assert rows == {
            ("窗口业务受理", Decimal(4), Decimal("2.00"), "受理四件"),
            ("规划方案审查", Decimal(2), Decimal("6.00"), ""),
        }
    finally:
        clock.pin(None)
