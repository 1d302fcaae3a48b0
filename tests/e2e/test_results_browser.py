"""Through a real browser: the office opens the annual ranking and a person's page (issue 4 §4, R-SCO-3, R-SCO-8,
R-PAY-3, R-UI-1). Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models import Person
from services import demo
from services.results import recompute

pytestmark = pytest.mark.e2e


def test_the_office_reads_the_ranking_and_a_persons_results(app, database, live_server, page, artifacts):
    demo.load()
    recompute(2023, reason="年终考核")
    backend = "sqlite" if database.startswith("sqlite") else "postgres"

    page.goto(live_server + "/login")
    page.get_by_label("用户名").fill("jixiaoban")
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="考核结果").click()

    expect(page.get_by_role("heading", name="处室年度排名 2023")).to_be_visible()
    table = page.locator("#ranking-table")
    expect(table.locator("tbody tr")).to_have_count(8)
    expect(table.locator("tr.tier-row-a")).to_have_count(2)
    expect(table.locator("tr.tier-row-a").first).to_contain_text("先进处室")
    expect(page.get_by_role("img", name="各处室年度得分（按排名）")).to_be_visible()
    page.screenshot(path=str(artifacts / f"results-ranking-{backend}.png"), full_page=True)

    page.get_by_role("link", name="个人考核结果").click()
    staff = Person.get(Person.username == "keyuan")
    page.get_by_role("link", name=staff.name, exact=True).click()
    expect(page.get_by_role("heading", name=f"{staff.name} 2023")).to_be_visible()
    expect(page.locator("#person-months tbody tr")).to_have_count(3)
    expect(page.locator("#annual")).to_contain_text("年度奖金（元）")
    page.screenshot(path=str(artifacts / f"results-person-{backend}.png"), full_page=True)

    page.get_by_role("link", name="处室月度得分").click()
    expect(page.locator("#month-table tbody tr")).to_have_count(8)
    expect(page.locator("#deductions")).to_contain_text("未完成且未经局长认可")
    expect(page.get_by_role("img", name="办公室月度得分")).to_be_visible()
    page.screenshot(path=str(artifacts / f"results-months-{backend}.png"), full_page=True)

    page.get_by_role("link", name="模拟测算").click()
    page.get_by_label("A 档比例").fill("0.5")
    page.get_by_role("button", name="查看变化").click()
    expect(page.get_by_role("heading", name="变化情况")).to_be_visible()
    expect(page.locator("#what-if-divisions")).to_contain_text("B → A")
    page.screenshot(path=str(artifacts / f"results-what-if-{backend}.png"), full_page=True)
