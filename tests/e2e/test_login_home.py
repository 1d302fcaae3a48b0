"""Through a real browser: log in with the form and land on the home page in Chinese (R-SEC-1, R-UI-1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from models import WeeklyReview, audit_suspended
from tests.factories import (
    PASSWORD,
    make_claim,
    make_division,
    make_leader_of,
    make_library_entry,
    make_log_entry,
    make_person,
    make_plan,
)

pytestmark = pytest.mark.e2e

TODAY = dt.date(2023, 10, 18)
DIVISIONS = [
    ("规划管理处", "business"),
    ("用地规划处", "business"),
    ("工程规划处", "business"),
    ("市政规划处", "business"),
    ("村镇规划处", "business"),
    ("办公室", "general"),
    ("政策法规处", "general"),
    ("监察室", "general"),
]
STATUS_ROTATION = ["approved", "approved", "in_review", "submitted", "returned", "draft"]


def _bureau() -> dict:
    """A small bureau that looks like a real October: eight divisions, plans in every state, a week of logs."""
    with audit_suspended():
        divisions = [make_division(name=name, category=kind, sort_order=i) for i, (name, kind) in enumerate(DIVISIONS)]
        planning = divisions[0]
        make_leader_of(*divisions[:3], name="刘副局长", username="leader")
        head = make_person(division=planning, position="head", name="王建国", username="wang")
        staff = [make_person(division=planning, name=n) for n in ("李明", "陈静", "周涛")]
        office = make_person(division=divisions[5], office_member=True, name="赵敏", username="zhao")
        items = [
            make_library_entry(planning, name=n, standard_hours=Decimal(h), unit=u)
            for n, h, u in (("规划方案审查", "3", "件"), ("窗口业务受理", "0.5", "件"), ("专题会议", "2", "次"))
        ]
        for d_index, division in enumerate(divisions):
            for month in range(1, 11):
                status = "approved" if month < 9 else STATUS_ROTATION[(d_index + month) % len(STATUS_ROTATION)]
                make_plan(division, 2023, month, weights=(40, 35, 25), status=status)
        for offset, person in enumerate([head, *staff]):
            for day in range(9, 18):
                date = dt.date(2023, 10, day)
                if date.weekday() >= 5:
                    continue
                item = items[(day + offset) % 3]
                status = "confirmed" if day < 14 else "draft"
                make_log_entry(
                    person,
                    item,
                    date=date,
                    quantity=Decimal(2),
                    status=status,
                    confirmed_hours=item.standard_hours * 2 if status == "confirmed" else None,
                    description="按计划推进",
                )
        for person in staff:
            WeeklyReview.create(person=person, week_start=dt.date(2023, 10, 9), rater=head, due=dt.date(2023, 10, 17))
        WeeklyReview.create(person=head, week_start=dt.date(2023, 10, 9), due=dt.date(2023, 10, 17))
        make_claim(staff[0])
    return {"head": head, "office": office}


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(f"{base_url}/login?next=%2F")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_r_sec_1_a_head_logs_in_through_the_form_and_lands_on_the_chinese_home_page(
    app, database, live_server, page, artifacts
):
    app.config["TODAY"] = TODAY.isoformat()
    _bureau()

    page.goto(live_server + "/login")
    page.screenshot(path=str(artifacts / f"login-{_backend(database)}.png"))
    log_in(page, live_server, "wang")

    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("heading", name="王建国，您好")).to_be_visible()
    expect(page.get_by_role("heading", name="本处室：规划管理处")).to_be_visible()
    expect(page.locator("#division")).to_contain_text("逾期")
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.screenshot(path=str(artifacts / f"home-head-{_backend(database)}.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Hello, 王建国")).to_be_visible()
    page.screenshot(path=str(artifacts / f"home-head-en-{_backend(database)}.png"), full_page=True)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(live_server + "/login")


def test_the_office_home_shows_the_plan_grid_of_all_divisions(app, database, live_server, page, artifacts):
    app.config["TODAY"] = TODAY.isoformat()
    _bureau()

    log_in(page, live_server, "zhao")

    grid = page.locator("#plan-grid")
    expect(grid).to_contain_text("监察室")
    expect(grid.locator("tbody tr")).to_have_count(len(DIVISIONS))
    expect(page.locator("#bureau")).to_contain_text("待审加时申报")
    page.screenshot(path=str(artifacts / f"home-office-{_backend(database)}.png"), full_page=True)


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"
