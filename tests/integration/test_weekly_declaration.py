"""Weekly tasks (周绩效任务): everyone declares the week's tasks on Monday, each linked to an item of the
division's approved monthly plan (R-RUN-5); the head combines, edits and issues them, and an issued week is locked
(R-TGT-5); the Tuesday rating shows last week's entries against the declaration (R-RUN-6)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from models import PlanItem, WeeklyTask, WorkflowTask
from services import approvals, clock, task_views, weekly
from services.validation import RuleViolation
from services.weekly import TaskInput
from services.worklog import log_work
from tests.factories import make_division, make_library_entry, make_person, make_plan, open_year

MONDAY = dt.date(2023, 10, 9)


@pytest.fixture
def desk(database, app):
    open_year(2023)
    app.config["TODAY"] = MONDAY
    clock.pin(MONDAY)
    division = make_division(name="规划管理处")
    head = make_person(division=division, position="head", level="处级", name="王处长")
    staff = make_person(division=division, name="李科员")
    plan = make_plan(division, 2023, 10, status="approved")
    items = list(plan.items.order_by(PlanItem.seq))
    yield division, head, staff, items
    clock.pin(None)


def _tasks() -> list[tuple[str | None, str, str, str]]:
    rows = WeeklyTask.select().order_by(WeeklyTask.id)
    return [(t.person.name if t.person_id else None, t.title, t.plan_item.title, t.status) for t in rows]


def test_r_run_5_a_person_declares_the_weeks_tasks_linked_to_the_approved_plan(desk):
    division, head, staff, items = desk
    weekly.declare(staff, MONDAY, [TaskInput("审查A地块方案", items[0].id), TaskInput("整理档案", items[1].id)], MONDAY)
    weekly.declare(staff, MONDAY, [TaskInput("审查B地块方案", items[0].id)], MONDAY)
    assert _tasks() == [("李科员", "审查B地块方案", "2023-10 重点工作1", "declared")], "a new declaration replaces"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_item", "第1项：计划事项：请选择本处室已生效月度绩效计划中的一项"),
        ("foreign_item", "第1项：计划事项：请选择本处室已生效月度绩效计划中的一项"),
        ("blank_title", "第1项：任务：不能为空"),
        ("past_week", "周：2023-10-02 这一周已经过去"),
        ("not_monday", "周：2023-10-10 不是周一"),
        ("nothing", "任务：请至少申报一项任务"),
    ],
)
def test_r_run_5_declarations_outside_the_rules_are_refused_in_chinese(desk, case, message):
    division, head, staff, items = desk
    foreign = make_plan(make_division(), 2023, 10, status="approved")
    row = {
        "no_item": TaskInput("任务", None),
        "foreign_item": TaskInput("任务", foreign.items[0].id),
        "blank_title": TaskInput("  ", items[0].id),
    }.get(case, TaskInput("任务", items[0].id))
    week = {"past_week": dt.date(2023, 10, 2), "not_monday": dt.date(2023, 10, 10)}.get(case, MONDAY)
    with pytest.raises(RuleViolation, match=re.escape(message)):
        weekly.declare(staff, week, [] if case == "nothing" else [row], MONDAY)
    assert not WeeklyTask.select().exists()


def test_r_tgt_5_a_week_without_an_approved_plan_takes_no_declaration(desk):
    division, head, staff, items = desk
    with pytest.raises(RuleViolation, match="本处室这一周还没有已生效的月度绩效计划"):
        weekly.declare(staff, dt.date(2023, 11, 6), [TaskInput("任务", items[0].id)], MONDAY)


def test_r_tgt_5_the_head_edits_adds_removes_and_issues_then_the_week_is_locked(desk):
    division, head, staff, items = desk
    weekly.declare(staff, MONDAY, [TaskInput("审查方案", items[0].id), TaskInput("多余", items[0].id)], MONDAY)
    first, extra = WeeklyTask.select().order_by(WeeklyTask.id)
    with pytest.raises(RuleViolation, match="只有处室负责人"):
        weekly.issue(staff, MONDAY, MONDAY)
    weekly.edit(
        head,
        MONDAY,
        [TaskInput("审查A地块方案", items[1].id, first.id), TaskInput("处室例会", items[1].id)],
        [extra.id],
        MONDAY,
    )
    assert weekly.issue(head, MONDAY, MONDAY) == 2
    assert _tasks() == [
        ("李科员", "审查A地块方案", "2023-10 重点工作2", "issued"),
        (None, "处室例会", "2023-10 重点工作2", "issued"),
    ]
    for write in (
        lambda: weekly.declare(staff, MONDAY, [TaskInput("迟到的任务", items[0].id)], MONDAY),
        lambda: weekly.edit(head, MONDAY, [TaskInput("改", items[0].id, first.id)], [], MONDAY),
        lambda: weekly.issue(head, MONDAY, MONDAY),
    ):
        with pytest.raises(RuleViolation, match="这一周的任务已下达，不能再修改"):
            write()
    assert len(_tasks()) == 2


def test_r_tgt_5_an_empty_week_cannot_be_issued(desk):
    division, head, staff, items = desk
    with pytest.raises(RuleViolation, match="这一周还没有任何任务"):
        weekly.issue(head, MONDAY, MONDAY)


def _token(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert match, name
    return match.group(1)


def test_r_run_5_declaring_editing_and_issuing_through_the_pages_with_csrf(desk, app, client, login_as):
    """R-RUN-5, R-TGT-5 over HTTP with CSRF on: the person declares, the head sees and edits it with the
    division's, issues, and the person's page then refuses changes."""
    division, head, staff, items = desk
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(staff)
    assert 'href="/week"' in client.get("/").get_data(as_text=True)
    assert client.get("/week/division").status_code == 403
    page = client.get("/week").get_data(as_text=True)
    assert 'for="title-0"' in page and 'for="plan-0"' in page
    form = {"csrf_token": _token(page, "csrf_token"), "once_token": _token(page, "once_token")}
    form |= {"title-0": "审查A地块方案", "plan-0": str(items[0].id), "title-1": "", "plan-1": ""}
    assert client.post("/week", data={**form, "csrf_token": ""}).status_code == 400
    response = client.post("/week", data=form)
    assert response.status_code == 302
    assert client.post("/week", data=form).status_code == 302, "a resent form saves nothing twice"
    assert _tasks() == [("李科员", "审查A地块方案", "2023-10 重点工作1", "declared")]

    login_as(head)
    page = client.get("/week/division").get_data(as_text=True)
    assert "审查A地块方案" in page and "李科员" in page
    task = WeeklyTask.get()
    edit = {"csrf_token": _token(page, "csrf_token"), "action": "save"}
    edit |= {"id-0": str(task.id), "title-0": "审查A、B地块方案", "plan-0": str(items[1].id)}
    edit |= {"title-1": "处室例会", "plan-1": str(items[0].id)}
    assert client.post("/week/division", data=edit).status_code == 302
    issue = {"csrf_token": _token(page, "csrf_token"), "action": "issue"}
    assert client.post("/week/division", data=issue).status_code == 302
    assert _tasks() == [
        ("李科员", "审查A、B地块方案", "2023-10 重点工作2", "issued"),
        (None, "处室例会", "2023-10 重点工作1", "issued"),
    ]
    locked = client.get("/week/division").get_data(as_text=True)
    assert "已下达，已锁定" in locked and 'name="title-0"' not in locked

    login_as(staff)
    refused = client.post("/week", data={"csrf_token": _token(page, "csrf_token"), "title-0": "x", "plan-0": "1"})
    assert refused.status_code == 400 and "这一周的任务已下达，不能再修改" in refused.get_data(as_text=True)
    assert len(_tasks()) == 2


def test_r_run_6_the_tuesday_rating_shows_the_week_against_the_declaration(desk, client, login_as):
    """R-RUN-6, R-RUN-5: the head's rating page of a staff week lists the tasks declared for it beside the
    week's log entries."""
    division, head, staff, items = desk
    weekly.declare(staff, MONDAY, [TaskInput("审查A地块方案", items[0].id)], MONDAY)
    item = make_library_entry(division, name="方案审查", standard_hours=Decimal(4))
    log_work(staff, MONDAY, item, 1, "A地块")
    task = approvals.open_tasks_query(head).where(WorkflowTask.status == "open").get()
    detail = task_views.task_detail(task.id, head, MONDAY)
    assert [(t.title, t.plan_item, t.person) for t in detail.record.declared] == [
        ("审查A地块方案", "2023-10 · 1. 2023-10 重点工作1", "李科员")
    ]
    login_as(head)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    declared = page[page.index('id="week-declared"') : page.index('id="week-entries"')]
    assert "审查A地块方案" in declared and "A地块" in page[page.index('id="week-entries"') :]
