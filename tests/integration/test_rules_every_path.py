"""Every rule is checked on every path (issue 9 §3, R-WF-3): the service, the admin screens (real HTTP posts with
their CSRF token), the portal's forms and every approval step share the checks of services/validation.py, and
each refusal is a Chinese message naming the field — never a 500 nor a raw database text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from models import (
    Absence,
    Appeal,
    AssessmentYear,
    ClosedPeriod,
    ExtraTimeClaim,
    ItemLibraryEntry,
    MonthlyPlan,
    PlanItem,
    WeeklyReview,
    WorkflowCase,
    WorkflowTask,
    WorkLogEntry,
)
from models.guard import chain_write
from services import approvals, clock, whatif
from services.approvals import ApprovalError
from services.results import ScoringFailed
from services.validation import RuleViolation
from services.worklog import log_work
from tests.factories import make_division, make_leader_of, make_library_entry, make_person, make_plan, open_year

TODAY = dt.date(2023, 12, 27)
WEEK = dt.date(2023, 10, 9)  # a Monday


@pytest.fixture
def bureau(database):
    clock.pin(TODAY)
    open_year(2023)
    division = make_division(name="规划管理处")
    people = {
        "head": make_person(division=division, position="head", level="处级", name="处长甲"),
        "staff": make_person(division=division, name="科员乙"),
        "office": make_person(division=make_division(name="办公室", category="general"), office_member=True),
        "director": make_person(position="director", division=None, level="局级", name="局长"),
    }
    people["leader"] = make_leader_of(division, name="分管领导丙")
    item = make_library_entry(division, name="规划方案审查", standard_hours=Decimal(7))
    yield division, people, item
    clock.pin(None)


def _only_task(person):
    tasks = list(approvals.open_tasks_query(person))
    assert len(tasks) == 1, [t.name for t in tasks]
    return tasks[0]


def _admin_post(app, client, url: str, data: dict) -> str:
    """Post an admin form as a browser does: read its CSRF token from the form page first (R-SEC-1)."""
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert token, "the admin form carries a CSRF token"
    response = client.post(url, data={**data, "csrf_token": token.group(1)}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- R-TGT-3: a plan's weights sum to 100 at submission, resubmission and every approval step ---------------


def test_r_tgt_3_service_refuses_to_submit_a_plan_of_110_points(bureau):
    division, p, _ = bureau
    plan = make_plan(division, weights=(70, 40))
    with pytest.raises(ApprovalError, match="权重：月度计划各事项权重合计为 110，应为 100"):
        approvals.submit("monthly_plan", plan.id, p["head"])
    assert MonthlyPlan.get_by_id(plan.id).status == "draft" and not WorkflowCase.select().exists()


def test_r_tgt_3_regression_plan_returned_and_resubmitted_at_110_points_is_not_approved(bureau):
    """Issue 9: a plan returned, raised to 110 points and resubmitted was approved by the whole chain."""
    division, p, _ = bureau
    plan = make_plan(division, weights=(70, 30))
    approvals.submit("monthly_plan", plan.id, p["head"])
    approvals.complete(_only_task(p["office"]), p["office"], "return", "第二项再细化")
    assert MonthlyPlan.get_by_id(plan.id).status == "returned"
    second = plan.items.order_by(PlanItem.seq)[1]
    second.weight = Decimal(40)
    second.save()  # a returned plan is the head's to edit again
    resubmit = _only_task(p["head"])  # the case waits for the head to resubmit
    with pytest.raises(ApprovalError, match="合计为 110"):
        approvals.complete(resubmit, p["head"], None, "已修改")
    with pytest.raises(ApprovalError):
        approvals.submit("monthly_plan", plan.id, p["head"])
    assert MonthlyPlan.get_by_id(plan.id).status == "returned"
    assert WorkflowTask.get_by_id(resubmit.id).status == "open"
    assert list(approvals.open_tasks_query(p["office"])) == []


def test_r_tgt_3_approval_step_refuses_a_plan_whose_items_changed_to_110_between_steps(bureau):
    division, p, _ = bureau
    plan = make_plan(division, weights=(70, 30))
    approvals.submit("monthly_plan", plan.id, p["head"])
    approvals.complete(_only_task(p["office"]), p["office"], "approve", "同意")
    with chain_write("a write round the chain, as a stray script or import would"):
        PlanItem.update(weight=Decimal(80)).where(PlanItem.plan == plan, PlanItem.seq == 2).execute()
    task = _only_task(p["leader"])
    with pytest.raises(ApprovalError, match="合计为 150，应为 100"):
        approvals.complete(task, p["leader"], "approve", "同意")
    assert WorkflowTask.get_by_id(task.id).status == "open"
    assert MonthlyPlan.get_by_id(plan.id).status == "in_review"
    approvals.complete(task, p["leader"], "return", "权重不对")  # sending it back is always possible
    assert MonthlyPlan.get_by_id(plan.id).status == "returned"


def test_r_tgt_3_admin_refuses_plan_item_weights_above_100_in_chinese(bureau, app, client, login_as):
    division, p, _ = bureau
    plan = make_plan(division, weights=(70, 30))
    second = plan.items.order_by(PlanItem.seq)[1]
    login_as(p["head"])
    for weight, message in (("40", "合计为 110，不能超过 100"), ("-5", "每项权重应大于 0 且不超过 100")):
        html = _admin_post(
            app,
            client,
            f"/admin/planitem/edit/?id={second.id}",
            {"plan": plan.id, "seq": 2, "title": second.title, "weight": weight},
        )
        assert message in html
    assert PlanItem.get_by_id(second.id).weight == Decimal(30)


# --- R-RUN-6: a rating lowers or confirms, never more than was logged; rejecting needs a comment -------------


def _logged_week(p, item) -> tuple[WeeklyReview, list[WorkLogEntry]]:
    """A 49-hour week: 7 h on each of the seven days."""
    entries = [log_work(p["staff"], WEEK + dt.timedelta(days=i), item, 1, "审查") for i in range(7)]
    return WeeklyReview.get(), entries


def test_r_run_6_regression_a_49_hour_week_adjusted_to_1680_hours_is_refused(bureau):
    """Issue 9: a rater's "adjust" turned a logged 49 h week into 1,680 confirmed hours."""
    _, p, item = bureau
    review, entries = _logged_week(p, item)
    task = _only_task(p["head"])
    adjusted = {str(e.id): "240" for e in entries}
    with pytest.raises(ApprovalError, match="调整为 240 小时，应在 0 到填报的 7 小时之间"):
        approvals.complete(task, p["head"], "adjust", "多算", {"adjusted_hours": adjusted})
    assert {e.status for e in WorkLogEntry.select()} == {"draft"}
    assert WeeklyReview.get_by_id(review.id).status == "open"
    approvals.complete(task, p["head"], "adjust", "周日不计", {"adjusted_hours": {str(entries[-1].id): "0"}})
    assert sum(e.confirmed_hours for e in WorkLogEntry.select()) == Decimal(42)


def test_r_run_6_rejecting_a_week_needs_a_comment(bureau):
    _, p, item = bureau
    _logged_week(p, item)
    task = _only_task(p["head"])
    with pytest.raises(ApprovalError, match="意见：不认可时请填写意见"):
        approvals.complete(task, p["head"], "reject", "  ")
    approvals.complete(task, p["head"], "reject", "与实际不符")
    assert {e.status for e in WorkLogEntry.select()} == {"rejected"}


def test_r_run_6_portal_form_refuses_more_hours_than_logged_in_chinese(bureau, client, login_as):
    _, p, item = bureau
    _, entries = _logged_week(p, item)
    task = _only_task(p["head"])
    login_as(p["head"])
    response = client.post(
        f"/tasks/{task.id}/complete", data={"decision": "adjust", "comment": "", f"hours-{entries[0].id}": "168"}
    )
    assert response.status_code == 400
    assert "应在 0 到填报的 7 小时之间" in response.get_data(as_text=True)
    assert not WorkLogEntry.select().where(WorkLogEntry.confirmed_hours.is_null(False)).exists()


def test_r_run_6_admin_cannot_set_confirmed_hours(bureau, app, client, login_as):
    _, p, item = bureau
    _, entries = _logged_week(p, item)
    login_as(p["staff"])
    _admin_post(
        app,
        client,
        f"/admin/worklogentry/edit/?id={entries[0].id}",
        {
            "person": p["staff"].id,
            "date": str(entries[0].date),
            "item": item.id,
            "quantity": "1",
            "confirmed_hours": "1680",
        },
    )
    assert WorkLogEntry.get_by_id(entries[0].id).confirmed_hours is None


# --- R-RUN-4: the daily log's quantities, hours and dates ---------------------------------------------------


def _absent(p):
    Absence.create(person=p["staff"], kind="sick", start=dt.date(2023, 10, 9), end=dt.date(2023, 10, 13))


def _closed(p):
    ClosedPeriod.create(year=2023, month=10)


def _locked_year(p):
    AssessmentYear.update(locked=True).execute()


LOG_CASES = [
    # (name, day, quantity, setup, message naming the field)
    ("quantity_99999999", WEEK, "99999999", None, "数量：99999999 超出上限"),
    ("quantity_1001", WEEK, "1001", None, "数量：1001 超出上限"),
    ("entry_over_24h", WEEK, "4", None, "数量：折合 28 小时，每条日志不能超过 24 小时"),
    ("date_1900", dt.date(1900, 1, 2), "1", None, "日期：1900-01-02"),
    ("date_2099", dt.date(2099, 1, 5), "1", None, "日期：2099-01-05 晚于今天"),
    ("after_today", dt.date(2023, 12, 28), "1", None, "日期：2023-12-28 晚于今天"),
    ("year_not_open", dt.date(2022, 10, 10), "1", None, "日期：2022 年度尚未开启考核"),
    ("year_locked", WEEK, "1", _locked_year, "日期：2023 年度已锁定"),
    ("absence", WEEK, "1", _absent, "日期：2023-10-09 在本人请假/脱产期间"),
    ("closed_period", WEEK, "1", _closed, "日期：2023年10月已结账锁定"),
]


@pytest.mark.parametrize(("name", "day", "quantity", "setup", "message"), LOG_CASES, ids=[c[0] for c in LOG_CASES])
def test_r_run_4_service_refuses_log_entries_outside_the_rules(bureau, name, day, quantity, setup, message):
    """R-RUN-4 (regressions of issue 9: quantity 99,999,999 gave 399,999,996 h; dates in 1900 and 2099 were
    accepted): nothing is written and no weekly rating is opened."""
    _, p, item = bureau
    if setup:
        setup(p)
    with pytest.raises(RuleViolation, match=message):
        log_work(p["staff"], day, item, quantity)
    assert not WorkLogEntry.select().exists()
    assert not WeeklyReview.select().exists() and not WorkflowTask.select().exists()


def test_r_run_4_a_persons_day_holds_at_most_24_hours(bureau):
    _, p, item = bureau
    log_work(p["staff"], WEEK, item, 2)
    log_work(p["staff"], WEEK, item, "1.4")
    with pytest.raises(RuleViolation, match="数量：2023-10-09 当天日志合计 30.8 小时，一天不能超过 24 小时"):
        log_work(p["staff"], WEEK, item, 1)
    assert WorkLogEntry.select().count() == 2


@pytest.mark.parametrize(
    ("date", "quantity", "message"),
    [
        ("2023-10-09", "99999999", "数量：99999999 超出上限"),
        ("1900-01-02", "1", "日期：1900-01-02"),
        ("2099-01-05", "1", "日期：2099-01-05 晚于今天"),
    ],
)
def test_r_run_4_admin_refuses_log_entries_outside_the_rules_in_chinese(
    bureau, app, client, login_as, date, quantity, message
):
    _, p, item = bureau
    login_as(p["staff"])
    html = _admin_post(
        app,
        client,
        "/admin/worklogentry/new/",
        {"person": p["staff"].id, "date": date, "item": item.id, "quantity": quantity, "description": "审查"},
    )
    assert message in html
    assert not WorkLogEntry.select().exists()


# --- R-RUN-3: standard hours per unit of a library item ------------------------------------------------------


def test_r_run_3_service_check_refuses_standard_hours_out_of_range(bureau):
    from services.validation import check_library_item

    division, _, _ = bureau
    for hours in (Decimal(0), Decimal(25), Decimal(99999999)):
        with pytest.raises(RuleViolation, match="标准工时"):
            check_library_item(ItemLibraryEntry(division=division, name="x", standard_hours=hours))


def test_r_run_3_admin_refuses_standard_hours_out_of_range_in_chinese(bureau, app, client, login_as):
    division, p, _ = bureau
    login_as(p["head"])
    html = _admin_post(
        app,
        client,
        "/admin/itemlibraryentry/new/",
        {"division": division.id, "name": "超大事项", "unit": "件", "standard_hours": "1000", "active": "y"},
    )
    assert "标准工时：1000 小时不在允许范围内" in html
    assert not ItemLibraryEntry.select().where(ItemLibraryEntry.name == "超大事项").exists()


# --- R-RUN-7 extra time and R-APL-2 appeals: no dates in 1900 or 2099 ----------------------------------------


@pytest.mark.parametrize("day", [dt.date(1900, 3, 1), dt.date(2099, 3, 1), dt.date(2023, 12, 30)])
def test_r_run_7_regression_extra_time_for_1900_2099_or_a_day_to_come_is_refused(bureau, day):
    _, p, _ = bureau
    with pytest.raises(ApprovalError, match="日期："):
        approvals.file_extra_time(p["staff"], day, Decimal(4), "督查通报2023年第9期", "宣传信息调研")
    assert not ExtraTimeClaim.select().exists() and not WorkflowTask.select().exists()


def test_r_run_7_portal_form_refuses_extra_time_in_2099_in_chinese(bureau, client, login_as):
    _, p, _ = bureau
    clock.pin(TODAY)  # the app factory set the clock from its config
    login_as(p["staff"])
    response = client.post(
        "/tasks/submit/extra-time",
        data={
            "extra-date": "2099-03-01",
            "extra-hours": "4",
            "extra-bulletin": "督查通报",
            "extra-standard": "宣传信息调研",
        },
    )
    assert response.status_code == 400
    assert "日期：加时只在当年有效，只能申报 2023 年的加时" in response.get_data(as_text=True)
    assert not WorkflowTask.select().exists()


def test_r_run_7_approval_step_refuses_a_claim_moved_to_2099(bureau):
    _, p, _ = bureau
    approvals.file_extra_time(p["staff"], dt.date(2023, 12, 1), Decimal(4), "督查通报", "宣传信息调研")
    with chain_write("a write round the chain"):
        ExtraTimeClaim.update(date=dt.date(2099, 3, 1)).execute()
    task = _only_task(p["head"])
    with pytest.raises(ApprovalError, match="日期：2099-03-01 晚于今天"):
        approvals.complete(task, p["head"], "approve", "同意")
    assert WorkflowTask.get_by_id(task.id).status == "open"


@pytest.mark.parametrize(("year", "month"), [(1900, 1), (2099, 1), (2023, None), (2024, None)])
def test_r_apl_2_regression_appeals_about_1900_or_2099_are_refused(bureau, year, month):
    _, p, _ = bureau
    if year == 2023:
        approvals.file_appeal(p["staff"], year, month, "年度结果", "理由")  # this year's result may be appealed
        return
    with pytest.raises(ApprovalError, match="年度："):
        approvals.file_appeal(p["staff"], year, month, "结果", "理由")
    assert not Appeal.select().exists() and not WorkflowTask.select().exists()


def test_r_apl_2_portal_form_refuses_an_appeal_about_a_month_to_come(bureau, client, login_as):
    _, p, _ = bureau
    clock.pin(dt.date(2023, 6, 15))
    login_as(p["staff"])
    response = client.post(
        "/tasks/submit/appeal",
        data={"appeal-year": "2023", "appeal-month": "9", "appeal-subject": "9月结果", "appeal-grounds": "理由"},
    )
    assert response.status_code == 400
    assert "月份：2023年9月还没有考核结果" in response.get_data(as_text=True)
    assert not Appeal.select().exists()


# --- RULES §8: the year's rule parameters --------------------------------------------------------------------


def test_r_sco_8_service_refuses_rule_parameters_out_of_range(bureau):
    with pytest.raises(ScoringFailed) as refused:
        whatif.commit_rules(2023, {"tier_a": "0.8"})
    assert any("rules.tier_a" in problem for problem in refused.value.problems)
    assert AssessmentYear.get(AssessmentYear.year == 2023).rules == {}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ('{"coef_a": "30"}', "rules.coef_a：30 超出允许范围"),
        ('{"qualifying_ratio": "1.5"}', "rules.qualifying_ratio：1.5 超出允许范围"),
        ('{"tier_a": "0.6", "tier_b": "0.6"}', "A、B 档比例合计 1.2 超过 1"),
        ('{"no_such": "1"}', "未知参数 no_such"),
    ],
)
def test_r_sco_8_admin_refuses_rule_parameters_out_of_range_in_chinese(bureau, app, client, login_as, rules, message):
    _, p, _ = bureau
    year = AssessmentYear.get(AssessmentYear.year == 2023)
    login_as(p["office"])
    html = _admin_post(
        app,
        client,
        f"/admin/assessmentyear/edit/?id={year.id}",
        {"year": "2023", "period_start": "1", "period_end": "12", "rules": rules},
    )
    assert "规则参数：" in html and message in html
    assert AssessmentYear.get_by_id(year.id).rules == {}
