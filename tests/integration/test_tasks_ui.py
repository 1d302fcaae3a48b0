"""The approvers' screens (issue 5 §3–§7): the task list, a task's page with its record, decisions, history and
diagram, the submit entry points, reassignment, the diagram versions and the `flask remind` poll.
R-WF-1, R-WF-2, R-TGT-4, R-RUN-6, R-RUN-7, R-APL-2, R-SCP-3, R-SCO-3, R-SEC-1."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from models import (
    Appeal,
    Exemption,
    ExtraTimeClaim,
    MonthlyPlan,
    ScoreSnapshot,
    WeeklyReview,
    WorkflowCase,
    WorkflowDiagram,
    WorkflowEvent,
    WorkflowTask,
    WorkLogEntry,
)
from services import approvals, clock
from tests.factories import (
    make_division,
    make_leader_of,
    make_library_entry,
    make_log_entry,
    make_person,
    make_plan,
)
from tests.querycount import assert_query_count  # noqa: F401 - a fixture, used by name

TODAY = dt.date(2023, 10, 18)  # a Wednesday
V2 = Path(__file__).resolve().parents[1] / "workflows" / "data" / "monthly_plan_v2.bpmn"


@pytest.fixture(autouse=True)
def _today(app):
    """The portal and the approval service both take TODAY as today."""
    app.config["TODAY"] = TODAY.isoformat()
    clock.pin(TODAY)
    yield
    clock.pin(None)


@pytest.fixture
def org(database):
    division = make_division(name="规划管理处")
    other = make_division(name="用地规划处")
    office_division = make_division(name="办公室", category="general")
    p = {
        "head": make_person(division=division, position="head", level="处级", name="王处长"),
        "staff": make_person(division=division, name="李科员"),
        "office": make_person(division=office_division, office_member=True, name="赵绩效"),
        "office2": make_person(division=office_division, office_member=True, name="钱绩效"),
        "director": make_person(position="director", division=None, level="局级", name="局长甲"),
        "other_head": make_person(division=other, position="head", level="处级", name="孙处长"),
        "party": make_person(position="leader", division=None, party_group_member=True, name="党组乙"),
    }
    p["leader"] = make_leader_of(division, office_division, name="刘分管")
    p["other_leader"] = make_leader_of(other, name="周分管")
    return division, p


def text(page: str) -> str:
    """Visible text of a page (no styles, no SVG), whitespace collapsed."""
    page = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def submitted_plan(division, head, **kwargs) -> MonthlyPlan:
    plan = make_plan(division, **kwargs)
    approvals.start("monthly_plan", plan, head, "请审核")
    return plan


def open_task(person) -> WorkflowTask:
    tasks = list(approvals.open_tasks_query(person))
    assert len(tasks) == 1, [t.name for t in tasks]
    return tasks[0]


# --- the task list ----------------------------------------------------------------------------------------------


def test_r_wf_2_the_office_sees_the_plan_waiting_for_its_review_with_step_division_and_due(org, client, login_as):
    """R-WF-2, R-TGT-4: a group-lane task shows for every office member with a claim button; the leader does not
    see it yet. The due date follows the working-day calendar (3 working days after submission)."""
    division, p = org
    submitted_plan(division, p["head"], weights=(70, 30))
    login_as(p["office"])
    page = get(client, "/tasks")
    row = text(re.search(r'<table[^>]*id="task-list".*?</table>', page, re.S).group(0))
    assert "规划管理处2023年10月绩效计划" in row and "月度绩效计划" in row and "局绩效办复核" in row
    assert "2023年10月23日" in row and "逾期" not in row
    assert "认领" in row and "办理" in row
    login_as(p["leader"])
    assert "暂无待办事项" in text(get(client, "/tasks"))


def test_r_wf_2_overdue_tasks_are_marked_and_listed_among_the_reminders(org, client, login_as):
    """R-WF-2 deadlines: due < today is overdue (marked red); reminders list what falls due within two
    working days, overdue included; a task due later is in the list but not among the reminders."""
    division, p = org
    clock.pin(dt.date(2023, 10, 9))
    submitted_plan(division, p["head"], month=10)  # due 10-12: overdue on the 18th
    clock.pin(dt.date(2023, 10, 17))
    submitted_plan(division, p["head"], month=11)  # due 10-20: within two working days
    clock.pin(TODAY)
    submitted_plan(division, p["head"], month=12)  # due 10-23: later
    login_as(p["office"])
    page = get(client, "/tasks")
    rows = re.findall(r"<tr class=\"([^\"]*)\">(.*?)</tr>", page, re.S)
    listed = [(cls.strip(), text(body)) for cls, body in rows]
    assert [("逾期" in t, "即将到期" in t, cls) for cls, t in listed] == [
        (True, False, "table-danger"),
        (False, True, ""),
        (False, False, ""),
    ]
    reminders = text(re.search(r'<section[^>]*id="reminders".*?</section>', page, re.S).group(0))
    assert "2023年10月12日" in reminders and "2023年10月20日" in reminders and "2023年10月23日" not in reminders


def test_r_wf_2_the_list_filters_by_chain_and_pages(org, client, login_as):
    """R-WF-2: filters by chain with counts; a page holds 30 tasks."""
    division, p = org
    item = make_library_entry(division)
    for n in range(33):
        week = dt.date(2023, 1, 2) + dt.timedelta(weeks=n)
        review = WeeklyReview.create(person=p["staff"], week_start=week, due=week + dt.timedelta(days=8))
        make_log_entry(p["staff"], item, date=week, review=review)
        approvals.start("weekly_review", review, p["staff"])
    submitted_plan(division, p["head"])
    p["head"].office_member = True  # a head in the performance office sees both kinds
    p["head"].save()
    login_as(p["head"])
    page = text(get(client, "/tasks"))
    assert "全部 34" in page and "周绩效评定 33" in page and "月度绩效计划 1" in page
    assert "共 34 项，第 1 / 2 页" in page
    second = get(client, "/tasks?page=2")
    assert len(re.findall(r"/tasks/\d+\"", second)) >= 4 and "第 2 / 2 页" in text(second)
    only_plans = get(client, "/tasks?chain=monthly_plan")
    listed = text(re.search(r'<table[^>]*id="task-list".*?</table>', only_plans, re.S).group(0))
    assert "共 1 项" in text(only_plans) and "局绩效办复核" in listed and "处室负责人评定" not in listed


def _grow(division, p, cases: int, finished: int, offset: int) -> None:
    """Open cases waiting for the office and the leader, and finished ones (bulk, they only need to exist)."""
    for n in range(offset, offset + cases):
        submitted_plan(division, p["head"], year=2000 + n, month=1)
    for n in range(offset, offset + cases):
        plan = submitted_plan(division, p["head"], year=2100 + n, month=1)
        task = next(t for t in approvals.open_tasks_query(p["office"]) if t.case.subject_id == plan.id)
        approvals.complete(task, p["office"], "approve")
    diagram = approvals.latest_diagram("monthly_plan")
    start = WorkflowCase.select().count()
    rows = [
        {
            "diagram": diagram.id,
            "chain": "monthly_plan",
            "subject_model": "MonthlyPlan",
            "subject_id": 10_000 + start + n,
            "title": f"已办结 {n}",
            "division": division.id,
            "state": "{}",
            "finished": True,
            "outcome": "approved",
        }
        for n in range(finished)
    ]
    WorkflowCase.insert_many(rows).execute()


@pytest.mark.parametrize("role", ["office", "leader"])
def test_r_wf_2_the_task_list_runs_a_fixed_number_of_queries(org, client, login_as, assert_query_count, role):  # noqa: F811
    """STYLE §6: the same statements with 2 cases as with 20 plus 200 finished ones — no N+1."""
    division, p = org
    login_as(p[role])
    _grow(division, p, 1, 0, offset=0)
    with assert_query_count(5):
        get(client, "/tasks")
    _grow(division, p, 9, 200, offset=1)
    with assert_query_count(5):
        page = get(client, "/tasks")
    assert page.count('href="/tasks/') >= 10


def test_r_wf_2_the_done_tab_lists_what_i_completed(org, client, login_as, assert_query_count):  # noqa: F811
    division, p = org
    submitted_plan(division, p["head"])
    approvals.complete(open_task(p["office"]), p["office"], "approve", "同意")
    login_as(p["office"])
    with assert_query_count(3):
        page = text(get(client, "/tasks/done"))
    assert "规划管理处2023年10月绩效计划" in page and "局绩效办复核" in page
    login_as(p["leader"])
    assert "您还没有办理过任务" in text(get(client, "/tasks/done"))


# --- one task ---------------------------------------------------------------------------------------------------


def test_r_wf_2_a_plan_task_shows_items_total_decisions_history_and_the_highlighted_diagram(org, client, login_as):
    """R-WF-2: the record behind the task (items, weights, total), the step's choices labelled from the
    diagram's flow names, the case history, the diagram with the current step red and done steps green."""
    division, p = org
    submitted_plan(division, p["head"], weights=(60, 40))
    approvals.complete(open_task(p["office"]), p["office"], "approve", "权重合理")
    task = open_task(p["leader"])
    login_as(p["leader"])
    page = get(client, f"/tasks/{task.id}")
    visible = text(page)
    assert "2023-10 重点工作1" in visible and "60" in visible and "合计 100" in visible
    buttons = re.findall(r'name="decision" value="(\w+)">([^<]+)</button>', page)
    assert buttons == [("approve", "同意"), ("return", "退回")]
    history = text(re.search(r'<section[^>]*id="history".*?</section>', page, re.S).group(0))
    assert "王处长 发起 已提交 请审核" in history and "赵绩效 局绩效办复核 通过 权重合理" in history
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert re.search(
        r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" rx="10" fill="#fff1e6" stroke="#d4380d"', svg
    )
    assert svg.count('stroke="#389e0d"') >= 2  # submission and office review done
    assert 'id="reassign"' not in page, "only the office reassigns"


def test_r_sec_1_who_may_not_act_or_view_gets_403(org, client, login_as):
    """R-SEC-1: another division's head, staff of another division and another leader may not open the task
    nor complete it; an unknown task is 404. The head of the division may view but not decide."""
    division, p = org
    submitted_plan(division, p["head"])
    approvals.complete(open_task(p["office"]), p["office"], "approve")
    task = open_task(p["leader"])
    outsider = make_person(division=make_division(), name="外处科员")
    for intruder in (p["other_leader"], p["other_head"], outsider):
        login_as(intruder)
        assert client.get(f"/tasks/{task.id}").status_code == 403
        assert client.post(f"/tasks/{task.id}/complete", data={"decision": "approve"}).status_code == 403
    login_as(p["head"])
    page = get(client, f"/tasks/{task.id}")
    assert 'id="decide"' not in page
    assert client.post(f"/tasks/{task.id}/complete", data={"decision": "approve"}).status_code == 403
    assert client.get("/tasks/999999").status_code == 404
    assert WorkflowTask.get_by_id(task.id).status == "open"


def test_r_tgt_4_approving_through_the_page_moves_the_plan_on_and_return_needs_a_comment(org, client, login_as):
    """R-TGT-4: office → leader → director through the page; a return without comment is refused in Chinese."""
    division, p = org
    plan = submitted_plan(division, p["head"])
    login_as(p["office"])
    task = open_task(p["office"])
    refused = client.post(f"/tasks/{task.id}/complete", data={"decision": "return", "comment": " "})
    assert refused.status_code == 400 and "退回时请填写意见" in refused.get_data(as_text=True)
    done = client.post(f"/tasks/{task.id}/complete", data={"decision": "approve", "comment": "同意"})
    assert done.status_code == 302 and done.location == "/tasks"
    for role in ("leader", "director"):
        login_as(p[role])
        client.post(f"/tasks/{open_task(p[role]).id}/complete", data={"decision": "approve"})
    assert MonthlyPlan.get_by_id(plan.id).status == "approved"
    login_as(p["director"])
    assert "局长审批" in text(get(client, "/tasks/done"))


def test_r_run_6_the_head_adjusts_a_staff_week_entry_by_entry_by_end_of_tuesday(org, client, login_as):
    """R-RUN-6: a weekly rating is due end of Tuesday (overdue on Wednesday); the head sees the week's entries
    with hours and sets the hours allowed per entry; only the changed entry is adjusted."""
    division, p = org
    item = make_library_entry(division, name="方案审查", standard_hours=Decimal(4))
    week = dt.date(2023, 10, 9)
    review = WeeklyReview.create(person=p["staff"], week_start=week, due=dt.date(2023, 10, 17))
    first, second = (make_log_entry(p["staff"], item, date=week + dt.timedelta(days=i), review=review) for i in (0, 1))
    approvals.start("weekly_review", review, p["staff"])
    task = open_task(p["head"])
    assert task.due == dt.date(2023, 10, 17)
    login_as(p["head"])
    assert "逾期" in text(get(client, "/tasks"))
    page = get(client, f"/tasks/{task.id}")
    assert f'name="hours-{first.id}"' in page and "方案审查" in text(page)
    assert [v for v, _ in re.findall(r'name="decision" value="(\w+)">([^<]+)</button>', page)] == [
        "confirm",
        "adjust",
        "reject",
    ]
    bad = client.post(f"/tasks/{task.id}/complete", data={"decision": "adjust", f"hours-{second.id}": "abc"})
    assert bad.status_code == 400 and "工时须为数字" in bad.get_data(as_text=True)
    client.post(
        f"/tasks/{task.id}/complete",
        data={"decision": "adjust", "comment": "第二天偏多", f"hours-{first.id}": "4", f"hours-{second.id}": "2.5"},
    )
    entries = {e.id: (e.status, e.confirmed_hours) for e in WorkLogEntry.select()}
    assert entries == {first.id: ("confirmed", Decimal(4)), second.id: ("adjusted", Decimal("2.5"))}
    assert WeeklyReview.get_by_id(review.id).late is True


def test_r_wf_2_an_office_member_claims_a_group_task_and_the_others_no_longer_see_it(org, client, login_as):
    division, p = org
    submitted_plan(division, p["head"])
    task = open_task(p["office"])
    login_as(p["office2"])
    assert client.post(f"/tasks/{task.id}/claim").status_code == 302
    assert WorkflowTask.get_by_id(task.id).assignee_id == p["office2"].id
    assert list(approvals.open_tasks_query(p["office"])) == []
    login_as(p["leader"])
    assert client.post(f"/tasks/{task.id}/claim").status_code == 403


def test_r_wf_2_the_office_reassigns_a_task_with_a_reason(org, client, login_as):
    """Issue 5 §3: the office reassigns or delegates; the reason is recorded; others get 403."""
    division, p = org
    submitted_plan(division, p["head"])
    approvals.complete(open_task(p["office"]), p["office"], "approve")
    task = open_task(p["leader"])
    login_as(p["head"])
    assert client.post(f"/tasks/{task.id}/reassign", data={}).status_code == 403
    login_as(p["office"])
    page = get(client, f"/tasks/{task.id}")
    assert 'id="reassign"' in page and "周分管" in page
    missing = client.post(f"/tasks/{task.id}/reassign", data={"reassign-to": p["other_leader"].id})
    assert missing.status_code == 400 and "该字段是必填字段" in missing.get_data(as_text=True)
    data = {"reassign-to": p["other_leader"].id, "reassign-reason": "分管领导出差，临时代理"}
    assert client.post(f"/tasks/{task.id}/reassign", data=data).status_code == 302
    assert WorkflowTask.get_by_id(task.id).assignee_id == p["other_leader"].id
    event = WorkflowEvent.get(WorkflowEvent.action == "reassign")
    assert event.comment == "转办给 周分管：分管领导出差，临时代理"
    login_as(p["other_leader"])
    assert "转办 转办给 周分管" in text(get(client, f"/tasks/{task.id}"))


# --- submitting ---------------------------------------------------------------------------------------------------


def test_r_tgt_4_the_head_submits_a_draft_plan_from_my_division(org, client, login_as):
    """R-TGT-4: the head sees the division's drafts with 提交审批; a plan not weighing 100 is refused in
    Chinese; staff may not submit the division's plan (403)."""
    division, p = org
    good = make_plan(division, month=11, weights=(50, 50))
    bad = make_plan(division, month=12, weights=(50, 30))
    login_as(p["head"])
    page = get(client, "/tasks/submit")
    assert page.count('action="/tasks/submit/monthly_plan/') == 2
    refused = client.post(f"/tasks/submit/monthly_plan/{bad.id}")
    assert refused.status_code == 400 and "月度计划各事项权重合计为 80，应为 100" in refused.get_data(as_text=True)
    assert client.post(f"/tasks/submit/monthly_plan/{good.id}").status_code == 302
    assert MonthlyPlan.get_by_id(good.id).status == "in_review"
    assert "审批中" in text(get(client, "/tasks/submit"))
    again = client.post(f"/tasks/submit/monthly_plan/{good.id}")
    assert again.status_code == 400 and "不能再次提交" in again.get_data(as_text=True)
    login_as(p["staff"])
    assert client.post(f"/tasks/submit/monthly_plan/{bad.id}").status_code == 403
    login_as(p["other_head"])
    assert client.post(f"/tasks/submit/monthly_plan/{bad.id}").status_code == 403


def test_r_tgt_4_a_returned_plan_offers_its_resubmit_task(org, client, login_as):
    division, p = org
    submitted_plan(division, p["head"])
    approvals.complete(open_task(p["office"]), p["office"], "return", "第二项权重偏高")
    resubmit = open_task(p["head"])
    login_as(p["head"])
    page = get(client, "/tasks/submit")
    assert f'href="/tasks/{resubmit.id}"' in page and "修改后重新提交" in text(page)


def test_r_run_7_staff_claim_extra_time_and_the_head_reviews_it(org, client, login_as):
    """R-RUN-7: a claim cites the bulletin and a standard; it counts only within its own year."""
    division, p = org
    login_as(p["staff"])
    form = {
        "extra-date": "2023-10-16",
        "extra-hours": "4",
        "extra-bulletin": "督查通报〔2023〕9期",
        "extra-standard": "宣传信息调研",
        "extra-reason": "信息一篇",
    }
    assert client.post("/tasks/submit/extra-time", data=form).status_code == 302
    claim = ExtraTimeClaim.get()
    assert claim.status == "in_review" and claim.hours == Decimal(4)
    assert open_task(p["head"]).bpmn_id == "head_review"
    last_year = client.post("/tasks/submit/extra-time", data={**form, "extra-date": "2022-12-30"})
    assert last_year.status_code == 400 and "加时只在当年有效" in last_year.get_data(as_text=True)
    empty = client.post("/tasks/submit/extra-time", data={**form, "extra-bulletin": ""})
    assert empty.status_code == 400 and "该字段是必填字段" in empty.get_data(as_text=True)
    assert ExtraTimeClaim.select().count() == 1
    page = get(client, "/tasks/submit")
    assert "督查通报〔2023〕9期" in text(page)
    form = re.search(r'<form[^>]*id="extra-time-form".*?</form>', page, re.S).group(0)
    assert re.search(r"<button[^>]*>提交申报</button>", form)


def test_r_scp_3_an_exemption_application_goes_to_the_head(org, client, login_as):
    """R-SCP-3: person applies → head first review (→ leader → director)."""
    division, p = org
    login_as(p["staff"])
    form = {"exemption-from_date": "2023-11-01", "exemption-reason": "赴外单位挂职一年"}
    assert client.post("/tasks/submit/exemption", data=form).status_code == 302
    assert Exemption.get().status == "in_review" and open_task(p["head"]).bpmn_id == "head_review"
    twice = client.post("/tasks/submit/exemption", data=form)
    assert twice.status_code == 400 and "已有一份申请正在审批中" in twice.get_data(as_text=True)


def test_r_apl_2_an_appeal_goes_first_to_the_superior(org, client, login_as):
    """R-APL-2: the appellant's superior talks it through first: the head for staff, the leader for a head."""
    division, p = org
    login_as(p["staff"])
    form = {
        "appeal-year": "2023",
        "appeal-month": "9",
        "appeal-subject": "9月个人绩效时间",
        "appeal-grounds": "两条未确认",
    }
    assert client.post("/tasks/submit/appeal", data=form).status_code == 302
    assert open_task(p["head"]).bpmn_id == "superior_talk" and Appeal.get().status == "talking"
    login_as(p["head"])
    assert client.post("/tasks/submit/appeal", data=form).status_code == 302
    assert open_task(p["leader"]).bpmn_id == "superior_talk"


def test_r_sco_3_the_office_submits_the_current_ranking_to_the_party_group(org, client, login_as):
    """R-SCO-3: the office sends the year's current results to the party group; nobody else may."""
    _, p = org
    ScoreSnapshot.create(year=2023, version=1, input_sha256="0" * 64, current=True)
    login_as(p["head"])
    assert client.post("/tasks/submit/ranking", data={"year": "2023"}).status_code == 403
    login_as(p["office"])
    assert "报局党组审定" in text(get(client, "/tasks/submit"))
    assert client.post("/tasks/submit/ranking", data={"year": "2023"}).status_code == 302
    assert open_task(p["party"]).bpmn_id == "party_group_approve"
    none = client.post("/tasks/submit/ranking", data={"year": "2022"})
    assert none.status_code == 400 and "2022年度还没有考核结果" in none.get_data(as_text=True)


def test_r_sec_1_csrf_protects_the_decision_form(org, app, client, login_as):
    """R-SEC-1: with CSRF on (as in production) a POST without the token is refused and nothing changes."""
    division, p = org
    submitted_plan(division, p["head"])
    task = open_task(p["office"])
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(p["office"])
    response = client.post(f"/tasks/{task.id}/complete", data={"decision": "approve"})
    assert response.status_code == 400
    assert WorkflowTask.get_by_id(task.id).status == "open"
    page = get(client, f"/tasks/{task.id}")
    assert re.search(
        r'<form method="post" action="/tasks/\d+/complete" id="decide">\s*<input type="hidden" '
        r'name="csrf_token" value="[^"]+">',
        page,
    )


# --- diagram versions ---------------------------------------------------------------------------------------------


def test_r_wf_1_the_office_uploads_a_second_monthly_plan_version_through_the_page(org, client, login_as):
    """R-WF-1: every version kept and shown, the newest marked as used for new cases, running cases counted
    per version; a new case follows v2 while the running one stays on v1."""
    division, p = org
    submitted_plan(division, p["head"], month=10)
    login_as(p["office"])
    page = get(client, "/workflows")
    assert re.search(r"月度绩效计划.*?v1.*?新审批使用.*?随系统发布.*?1.*?1", text(page))
    upload = {
        "upload-chain": "monthly_plan",
        "upload-note": "增加处室负责人核对",
        "upload-diagram": (io.BytesIO(V2.read_bytes()), "monthly_plan_v2.bpmn"),
    }
    response = client.post("/workflows/upload", data=upload, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    submitted_plan(division, p["head"], month=11)
    page = text(get(client, "/workflows"))
    assert re.search(r"月度绩效计划 v2 新审批使用 赵绩效 \S+ \S+ 增加处室负责人核对 1 1 查看 v1 随系统发布", page), page
    versions = {c.diagram.version for c in WorkflowCase.select()}
    assert versions == {1, 2}
    v2 = text(get(client, "/workflows/monthly_plan/2"))
    assert "新审批使用" in v2 and "处室负责人核对" in v2
    assert "新审批使用" not in text(get(client, "/workflows/monthly_plan/1"))
    assert client.get("/workflows/monthly_plan/9").status_code == 404


def test_r_wf_1_an_invalid_diagram_is_refused_with_its_problems_in_chinese(org, client, login_as):
    """R-WF-1, issue 5 §2: a diagram calling __import__ is refused at upload; the problems are listed."""
    _, p = org
    evil = V2.read_text(encoding="utf-8").replace("decision == 'approve'", "__import__('os').system('id')", 1)
    login_as(p["office"])
    upload = {
        "upload-chain": "monthly_plan",
        "upload-note": "试验",
        "upload-diagram": (io.BytesIO(evil.encode("utf-8")), "evil.bpmn"),
    }
    response = client.post("/workflows/upload", data=upload, content_type="multipart/form-data")
    assert response.status_code == 400
    problems = text(re.search(r'id="upload-problems".*?</div>', response.get_data(as_text=True), re.S).group(0))
    assert "流程图未通过校验" in problems and "条件表达式" in problems
    assert WorkflowDiagram.select().where(WorkflowDiagram.version > 1).count() == 0


def test_r_wf_1_a_diagram_with_a_doctype_is_refused_on_upload_and_on_view(org, client, login_as):
    """Issue 9 §9: the upload page lists the DOCTYPE refusal; a version that reached the database before the rule
    (stored directly here) is shown as refused on its page and on its cases' tasks, not as a server error."""
    division, p = org
    entity = (V2.parent / "refused_external_entity.bpmn").read_bytes()
    login_as(p["office"])
    upload = {
        "upload-chain": "monthly_plan",
        "upload-note": "试验",
        "upload-diagram": (io.BytesIO(entity), "entity.bpmn"),
    }
    response = client.post("/workflows/upload", data=upload, content_type="multipart/form-data")
    assert response.status_code == 400
    problems = text(re.search(r'id="upload-problems".*?</div>', response.get_data(as_text=True), re.S).group(0))
    assert "DOCTYPE" in problems and "root:" not in problems
    submitted_plan(division, p["head"], month=10)  # a case running on version 1
    WorkflowDiagram.create(chain="monthly_plan", version=2, xml=entity.decode(), sha256="x", uploaded_at=clock.now())
    page = get(client, "/workflows/monthly_plan/2", status=422)
    assert "DOCTYPE" in text(page) and "root:" not in page
    WorkflowDiagram.update(xml=entity.decode()).where(WorkflowDiagram.version == 1).execute()
    response = client.get(f"/tasks/{open_task(p['office']).id}", follow_redirects=True)
    assert response.status_code == 200 and "DOCTYPE" in text(response.get_data(as_text=True))


def test_r_sec_1_only_the_office_or_director_uploads_a_diagram(org, client, login_as):
    _, p = org
    login_as(p["head"])
    page = get(client, "/workflows")
    assert 'id="upload"' not in page and "月度绩效计划" in page
    upload = {
        "upload-chain": "monthly_plan",
        "upload-note": "x",
        "upload-diagram": (io.BytesIO(V2.read_bytes()), "v2.bpmn"),
    }
    assert client.post("/workflows/upload", data=upload, content_type="multipart/form-data").status_code == 403


# --- deadlines and the poll ---------------------------------------------------------------------------------------


def test_r_run_6_remind_prints_per_person_overdue_and_due_soon_and_escalates_late_ratings(org, runner):
    """R-WF-2, R-RUN-6: `flask remind` is the scheduler's poll: per person, what is overdue or due within two
    working days; group tasks go to every office member; a weekly rating missed on Tuesday is escalated to
    the leader in charge."""
    division, p = org
    review = WeeklyReview.create(person=p["staff"], week_start=dt.date(2023, 10, 9), due=dt.date(2023, 10, 17))
    approvals.start("weekly_review", review, p["staff"])
    clock.pin(dt.date(2023, 10, 17))
    submitted_plan(division, p["head"])  # office review due 10-20
    result = runner.invoke(args=["remind", "--date", "2023-10-18"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "王处长（规划管理处）：逾期 1 项，即将到期 0 项" in out
    assert "[逾期] 10-17 处室负责人评定 · 李科员 2023-10-09 当周绩效事项" in out
    assert "赵绩效（办公室）：逾期 0 项，即将到期 1 项" in out and "钱绩效（办公室）：逾期 0 项，即将到期 1 项" in out
    assert "刘分管：逾期 0 项，即将到期 0 项，下属逾期 1 项" in out
    assert "[督办] 王处长 未按期完成：处室负责人评定" in out
    quiet = runner.invoke(args=["remind", "--date", "2023-10-09"])
    assert "没有逾期或即将到期的任务" in quiet.output


def test_r_wf_2_the_home_page_flags_overdue_tasks(org, client, login_as):
    division, p = org
    clock.pin(dt.date(2023, 10, 9))
    submitted_plan(division, p["head"])
    login_as(p["office"])
    block = text(re.search(r'<section[^>]*id="my-tasks".*?</section>', get(client, "/"), re.S).group(0))
    assert "我的待办" in block and "逾期" in block and "局绩效办复核" in block
    login_as(p["staff"])
    assert 'id="my-tasks"' not in get(client, "/")
