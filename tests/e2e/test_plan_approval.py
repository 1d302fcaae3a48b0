"""Through a real browser: one monthly plan from submission to approval, each role logging in through the login
form in turn (R-TGT-4, R-WF-2, R-SEC-1): head submits → office reviews → leader approves → director approves →
the head sees it in force."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from models import MonthlyPlan, PlanItem, audit_suspended
from services import clock
from tests.factories import PASSWORD, make_division, make_leader_of, make_person

pytestmark = pytest.mark.e2e

TODAY = dt.date(2023, 12, 27)


def _bureau() -> MonthlyPlan:
    with audit_suspended():
        planning = make_division(name="规划管理处")
        office = make_division(name="办公室", category="general")
        make_leader_of(planning, office, name="刘副局长", username="leader")
        make_person(division=planning, position="head", name="王建国", username="wang")
        make_person(division=office, office_member=True, name="赵敏", username="zhao")
        make_person(position="director", division=None, level="局级", name="陈局长", username="director")
        plan = MonthlyPlan.create(division=planning, year=2024, month=1)
        for seq, (title, weight) in enumerate(
            [("国土空间总体规划成果报批", 40), ("重点片区控制性详细规划编制", 35), ("规划许可窗口服务提升", 25)], 1
        ):
            PlanItem.create(plan=plan, seq=seq, title=title, weight=weight)
    return plan


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def log_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def decide(page, base_url: str, username: str, button: str, comment: str, screenshot=None) -> None:
    log_in(page, base_url, username)
    page.get_by_role("link", name="任务", exact=True).click()
    page.locator("#task-list").get_by_role("link", name="规划管理处2024年1月绩效计划").click()
    expect(page.locator("#record")).to_contain_text("国土空间总体规划成果报批")
    expect(page.locator("#record tfoot")).to_contain_text("100")
    expect(page.locator("#diagram svg")).to_be_visible()
    page.get_by_label("意见（退回时必填）").fill(comment)
    if screenshot:
        page.screenshot(path=str(screenshot), full_page=True)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已办理")
    log_out(page)


def test_r_tgt_4_a_monthly_plan_climbs_from_the_head_to_the_director_in_the_browser(
    app, database, live_server, page, artifacts
):
    app.config["TODAY"] = TODAY.isoformat()
    clock.pin(TODAY)
    try:
        plan = _bureau()
        backend = "sqlite" if database.startswith("sqlite") else "postgres"

        log_in(page, live_server, "wang")
        page.get_by_role("link", name="任务", exact=True).click()
        page.get_by_role("link", name="提交审批").click()
        row = page.locator("#division-records tr", has_text="2024年1月绩效计划")
        expect(row).to_contain_text("草稿")
        row.get_by_role("button", name="提交审批").click()
        expect(page.locator(".alert-success")).to_contain_text("已提交审批")
        expect(page.locator("#division-records tr", has_text="2024年1月绩效计划")).to_contain_text("审批中")
        log_out(page)

        shot = artifacts / f"task-detail-office-{backend}.png"
        decide(page, live_server, "zhao", "通过", "权重分配合理，同意。", shot)
        decide(page, live_server, "leader", "同意", "同意。", artifacts / f"task-detail-leader-{backend}.png")
        decide(page, live_server, "director", "同意", "同意执行。")

        log_in(page, live_server, "wang")
        page.goto(live_server + "/tasks/submit")
        expect(page.locator("#division-records tr", has_text="2024年1月绩效计划")).to_contain_text("已生效")
        assert MonthlyPlan.get_by_id(plan.id).status == "approved"
        page.screenshot(path=str(artifacts / f"submit-head-in-force-{backend}.png"), full_page=True)
    finally:
        clock.pin(None)
