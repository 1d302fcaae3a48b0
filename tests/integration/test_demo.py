"""The demo bureau (issue 3 §6): the plan's 8 divisions, its people and three months of real work (R-ORG-1..3)."""

from __future__ import annotations

from decimal import Decimal

import peewee as pw

from models import (
    Division,
    LeaderAssignment,
    MonthlyPlan,
    PayStandard,
    Person,
    PlanItem,
    WeeklyReview,
    WorkflowCase,
    WorkflowTask,
    WorkLogEntry,
)
from services import demo


def _fingerprint() -> tuple:
    people = tuple(Person.select(Person.code, Person.name).order_by(Person.code).tuples())
    hours = WorkLogEntry.select(pw.fn.COUNT(WorkLogEntry.id)).scalar()
    return people, hours


def test_demo_seeds_the_eight_divisions_of_the_plan(runner, database):
    """R-ORG-1: 5 business and 3 general divisions, by the plan's names."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    business = {d.name for d in Division.select().where(Division.category == "business")}
    general = {d.name for d in Division.select().where(Division.category == "general")}
    assert business == {"规划管理处", "用地规划处", "工程规划处", "市政规划处", "村镇规划处"}
    assert general == {"办公室", "政策法规处", "监察室"}
    for username in ("juzhang", "fenguan1", "jixiaoban", "chuzhang", "fuchuzhang", "keyuan", "jieyong", "guanliyuan"):
        assert username in result.output
    assert f"密码均为 {demo.DEMO_PASSWORD}" in result.output
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "留痕链完整" in verified.output, "R-AUD-1: the demo's trail is one chain"


def test_demo_people_cover_every_role(database):
    """R-ORG-2, R-ORG-3, R-SCP-1: a director, three leaders (one owns three divisions), the office, 40+ people."""
    demo.load()
    assert Person.select().where(Person.position == "director").count() == 1
    led = [len(list(leader.led_divisions)) for leader in Person.select().where(Person.position == "leader")]
    assert sorted(led) == [2, 3, 3]
    assert LeaderAssignment.select().count() == 8
    assert Person.select().where(Person.division.is_null(False)).count() >= 40
    assert Person.select().where(Person.employment == "borrowed").exists()
    assert [p.username for p in Person.select().where(Person.office_member)] == ["jixiaoban"]
    for division in Division.select():
        positions = [p.position for p in division.people]
        assert positions.count("head") == 1 and "deputy" in positions and "staff" in positions
    assert {s.level for s in PayStandard.select()} == {"副局级", "处级", "副处级", "科级"}


def test_demo_plans_weigh_100_and_logs_fill_three_months(database):
    """R-TGT-3: every approved monthly plan's weights sum to exactly 100; R-RUN-4: logs for Oct–Dec 2023."""
    demo.load()
    plans = list(MonthlyPlan.select().where(MonthlyPlan.year == demo.YEAR))
    assert len(plans) == 8 * 3 and all(p.status == "approved" for p in plans)
    totals = PlanItem.select(PlanItem.plan, pw.fn.SUM(PlanItem.weight).alias("total")).group_by(PlanItem.plan).tuples()
    assert len(totals) == 8 * 3 + 8, "and the January plans of the next year"
    assert {Decimal(str(total)) for _, total in totals} == {Decimal(100)}
    months = {d.month for (d,) in WorkLogEntry.select(WorkLogEntry.date).distinct().tuples()}
    assert months == {10, 11, 12}
    assert WorkLogEntry.select().where(WorkLogEntry.status == "draft").exists(), "the last week awaits review"


def test_demo_is_deterministic_and_reset_starts_over(runner, database):
    demo.load()
    first = _fingerprint()
    result = runner.invoke(args=["demo", "--reset"])
    assert result.exit_code == 0, result.output
    assert _fingerprint() == first
    again = runner.invoke(args=["demo"])
    assert "已有数据" in again.output and _fingerprint() == first


def test_demo_has_approvals_under_way_in_every_approvers_task_list(database):
    """R-WF-2, R-TGT-4, R-RUN-6, R-RUN-7, R-APL-2: January plans in draft (one at the office's review), last
    week's ratings waiting for heads and leaders, an overdue extra-time claim at the head, an appeal at the
    superior's talk — each a real case started through the approval service."""
    demo.load()
    january = {p.division.code: p.status for p in MonthlyPlan.select().where(MonthlyPlan.year == demo.YEAR + 1)}
    assert len(january) == 8 and january.pop("YD") == "in_review" and set(january.values()) == {"draft"}
    open_reviews = WeeklyReview.select().where(WeeklyReview.status == "open").count()
    assert open_reviews == Person.select().where(Person.division.is_null(False)).count()
    chains = dict(
        WorkflowCase.select(WorkflowCase.chain, pw.fn.COUNT(WorkflowCase.id)).group_by(WorkflowCase.chain).tuples()
    )
    assert chains == {"monthly_plan": 1, "weekly_review": open_reviews, "extra_time": 1, "appeal": 1}
    steps = {t.bpmn_id for t in WorkflowTask.select().where(WorkflowTask.status == "open")}
    assert steps == {"office_review", "head_rate", "leader_rate", "head_review", "superior_talk"}
    head = Person.get(Person.username == "chuzhang")
    mine = {t.bpmn_id: t.due for t in WorkflowTask.select().where(WorkflowTask.assignee == head)}
    assert mine["head_review"] < demo.DEMO_TODAY, "the claim waits since the 20th: overdue on the demo day"
    assert mine["superior_talk"] >= demo.DEMO_TODAY


def test_demo_office_is_its_head_and_accounts_are_a_separate_system_administrator_R_SEC_1(client, database):
    """Issue 9 §7: of 办公室 only its head (jixiaoban) is in the performance office; the demo's system administrator
    (guanliyuan, a clerk of 办公室) manages accounts without the office role. Every demo login works with the
    printed password and no forced change."""
    demo.load()
    office_staff = Person.select().join(Division).where((Division.code == "BGS") & (Person.position != "head"))
    assert office_staff.count() >= 4 and not any(p.office_member for p in office_staff)
    admin = Person.get(Person.username == "guanliyuan")
    assert admin.system_admin and "office" not in admin.roles and admin.division.code == "BGS"
    assert [p.username for p in Person.select().where(Person.system_admin)] == ["guanliyuan"]

    for login in demo.logins():
        response = client.post("/login", data={"username": login.username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302 and response.location == "/", login.username
        assert client.get("/").status_code == 200, f"{login.username} is not sent to change the password"
        client.post("/logout")

    client.post("/login", data={"username": "guanliyuan", "password": demo.DEMO_PASSWORD})
    form = client.get(f"/admin/person/edit/?id={Person.get(Person.username == 'juzhang').id}").get_data(as_text=True)
    assert 'name="new_password"' in form and 'name="system_admin"' in form
