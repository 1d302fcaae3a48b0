"""Change requests (变更申请, issue 9 item 2): a decided record changes only by a request that runs its own chain —
the requester, the office's review, the approvers of the record's own chain (plus the director for a past month's
plan whose outcomes are recorded) — and applies as a new version, the old one staying visible. R-WF-3, R-AUD-1."""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from models import AuditLog, ChangeRequest, ClosedPeriod, MonthlyPlan, PlanItem, WorkflowTask
from models.guard import RecordDecided, chain_write
from services import approvals, change_views, changes, clock, meetings
from services.approvals import NotAllowed
from services.changes import ChangeError
from tests.factories import make_adjustment, make_division, make_leader_of, make_person, make_plan

TODAY = dt.date(2023, 10, 18)
REPORT_DIAGRAM = Path(__file__).resolve().parents[2] / "workflows" / "diagrams" / "monthly_report.bpmn"


@pytest.fixture(autouse=True)
def _today(app):
    app.config["TODAY"] = TODAY.isoformat()
    clock.pin(TODAY)
    yield
    clock.pin(None)


@pytest.fixture
def org(database):
    division = make_division(name="规划管理处")
    office_division = make_division(name="办公室", category="general")
    p = {
        "head": make_person(division=division, position="head", level="处级", name="王处长"),
        "staff": make_person(division=division, name="李科员"),
        "office": make_person(division=office_division, office_member=True, name="赵绩效"),
        "director": make_person(position="director", division=None, level="局级", name="局长甲"),
    }
    p["leader"] = make_leader_of(division, office_division, name="刘分管")
    return division, p


def approved_plan(division, **kwargs) -> MonthlyPlan:
    return make_plan(division, status="approved", **kwargs)


def items_of(plan: MonthlyPlan) -> list[dict]:
    return changes.TARGETS["plan"].values(MonthlyPlan.get_by_id(plan.id))["items"]


def reweighted(plan: MonthlyPlan, *weights: str) -> dict:
    rows = items_of(plan)
    for row, weight in zip(rows, weights, strict=True):
        row["weight"] = weight
    return {"items": rows}


def task_of(person) -> WorkflowTask:
    tasks = list(approvals.open_tasks_query(person))
    assert len(tasks) == 1, [t.name for t in tasks]
    return tasks[0]


def walk(p: dict, lanes: list[str], last: str = "approve") -> list[str]:
    """Complete the open change-request steps lane by lane; returns the step ids met."""
    met = []
    for n, lane in enumerate(lanes, start=1):
        task = task_of(p[lane])
        met.append(task.bpmn_id)
        approvals.complete(task, p[lane], last if n == len(lanes) else "approve", "意见")
    return met


def test_r_wf_3_an_approved_change_applies_as_version_2_and_version_1_stays_visible(org):
    """R-WF-3, R-AUD-1: head proposes new weights → office → leader → director (the plan's own approvers);
    the plan becomes version 2 with the new weights, audited; the history still shows version 1."""
    division, p = org
    plan = approved_plan(division, weights=(60, 40))
    request = changes.propose("plan", plan.id, reweighted(plan, "70", "30"), "任务调整", p["head"])
    assert request.approvers == ["leader", "director"]
    assert MonthlyPlan.get_by_id(plan.id).version == 1  # nothing changes while the request is in review
    assert walk(p, ["office", "leader", "director"]) == ["office_review", "leader_approve", "director_approve"]

    plan = MonthlyPlan.get_by_id(plan.id)
    assert (plan.version, plan.status) == (2, "approved")
    assert [i.weight for i in plan.items.order_by(PlanItem.seq)] == [Decimal("70.00"), Decimal("30.00")]
    request = ChangeRequest.get_by_id(request.id)
    assert (request.status, request.version_applied, request.open_slot) == ("approved", 2, None)
    trail = AuditLog.select().where(AuditLog.model == "PlanItem", AuditLog.action == "update")
    assert {row.after["weight"] for row in trail} == {"70.00", "30.00"}

    history = change_views.record_history("plan", plan.id)
    assert [v.number for v in history.versions] == [2, 1]
    assert [row["weight"] for row in history.versions[1].values["items"]] == ["60.00", "40.00"]
    assert [row["weight"] for row in history.versions[0].values["items"]] == ["70.00", "30.00"]


def test_r_wf_3_a_rejected_change_leaves_the_record_untouched(org):
    """R-WF-3: the leader does not agree; the plan keeps version 1 and its weights, and may be asked again."""
    division, p = org
    plan = approved_plan(division, weights=(60, 40))
    before = items_of(plan)
    request = changes.propose("plan", plan.id, reweighted(plan, "50", "50"), "任务调整", p["head"])
    walk(p, ["office", "leader"], last="reject")
    assert ChangeRequest.get_by_id(request.id).status == "rejected"
    assert MonthlyPlan.get_by_id(plan.id).version == 1 and items_of(plan) == before
    assert changes.propose("plan", plan.id, reweighted(plan, "55", "45"), "再次申请", p["head"]).status == "in_review"


def test_r_wf_3_a_past_months_plan_with_recorded_outcomes_also_needs_the_director(org):
    """R-WF-3: with a plan chain whose approvers are the leader only (the office uploaded one), a change to this
    month's plan goes office → leader; a change to last month's plan whose outcomes are recorded also needs the
    director, and it is applied only after the director agrees."""
    division, p = org
    approvals.upload_diagram("monthly_plan", REPORT_DIAGRAM.read_text(encoding="utf-8"), p["office"], "只需分管领导")
    current = approved_plan(division, month=10, weights=(60, 40))
    past = approved_plan(division, month=9, weights=(60, 40))
    meetings.record_outcomes(past.id, {item.id: meetings.Outcome("done") for item in past.items}, p["office"])
    assert changes.propose("plan", current.id, reweighted(current, "70", "30"), "调整", p["head"]).approvers == [
        "leader"
    ]
    walk(p, ["office", "leader"])
    assert MonthlyPlan.get_by_id(current.id).version == 2

    rows = items_of(past)
    rows[1].update(outcome="unfinished_ack", outcome_note="因上级安排调整")
    request = changes.propose("plan", past.id, {"items": rows}, "更正评定结果", p["head"])
    assert request.approvers == ["leader", "director"]
    assert walk(p, ["office", "leader"]) == ["office_review", "leader_approve"]
    assert MonthlyPlan.get_by_id(past.id).version == 1  # still waiting for the director
    assert walk(p, ["director"]) == ["director_approve"]
    assert MonthlyPlan.get_by_id(past.id).version == 2
    assert [row["outcome"] for row in items_of(past)] == ["done", "unfinished_ack"]


def test_r_wf_3_a_record_not_yet_decided_is_edited_directly_not_by_a_change_request(org):
    """R-WF-3: a draft plan is refused with a pointer to editing it directly; so is one still in review."""
    division, p = org
    draft = make_plan(division, weights=(60, 40))
    with pytest.raises(ChangeError, match="请直接修改") as refused:
        changes.propose("plan", draft.id, reweighted(draft, "70", "30"), "调整", p["head"])
    assert refused.value.code == "not_decided"
    approvals.start("monthly_plan", draft, p["head"])
    with pytest.raises(ChangeError, match="尚在审批中"):
        changes.propose("plan", draft.id, reweighted(draft, "70", "30"), "调整", p["head"])
    assert ChangeRequest.select().count() == 0


@pytest.mark.parametrize(
    ("weights", "message"),
    [(("70", "40"), "合计为 110"), (("100", "0"), "权重应大于 0"), (("abc", "30"), "应为数字")],
)
def test_r_wf_3_r_tgt_3_a_proposal_breaking_the_weights_rule_is_refused(org, weights, message):
    """R-WF-3, R-TGT-3: the plan's own rules hold on the proposed values: weights above 0 summing to 100."""
    division, p = org
    plan = approved_plan(division, weights=(60, 40))
    with pytest.raises(ChangeError, match=message):
        changes.propose("plan", plan.id, reweighted(plan, *weights), "调整", p["head"])
    assert ChangeRequest.select().count() == 0


def test_r_wf_3_refusals_closed_period_no_reason_not_allowed_and_one_open_request(org):
    """R-WF-3, R-AUD-1: a closed month refuses; a reason is required; staff may not propose; a second request
    while one is open is refused."""
    division, p = org
    plan = approved_plan(division, weights=(60, 40))
    with pytest.raises(ChangeError, match="变更理由"):
        changes.propose("plan", plan.id, reweighted(plan, "70", "30"), " ", p["head"])
    with pytest.raises(NotAllowed):
        changes.propose("plan", plan.id, reweighted(plan, "70", "30"), "调整", p["staff"])
    changes.propose("plan", plan.id, reweighted(plan, "70", "30"), "调整", p["head"])
    with pytest.raises(ChangeError, match="正在审批中") as refused:
        changes.propose("plan", plan.id, reweighted(plan, "80", "20"), "再调整", p["head"])
    assert refused.value.code == "already_open"
    closed = approved_plan(division, month=8)
    ClosedPeriod.create(year=2023, month=8, closed_by=p["office"], closed_at=clock.now())
    with pytest.raises(ChangeError, match="已结账锁定"):
        changes.propose("plan", closed.id, reweighted(closed, "70", "30"), "调整", p["head"])


def test_r_wf_3_concurrent_proposals_one_wins_the_other_is_told(org, database):
    """R-WF-3, docs/style.md §15: two proposals for one record at once — exactly one request opens; the other
    is refused as already open (the unique index guards the race)."""
    division, p = org
    plan = approved_plan(division, weights=(60, 40))
    results: list[str] = []
    barrier = threading.Barrier(2)

    def propose(weights: tuple[str, str]) -> None:
        from models import db

        barrier.wait()
        try:
            with db.connection_context():
                changes.propose("plan", plan.id, reweighted(plan, *weights), "调整", p["head"])
            results.append("ok")
        except ChangeError as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=propose, args=(w,)) for w in (("70", "30"), ("80", "20"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["already_open", "ok"]
    assert ChangeRequest.select().where(ChangeRequest.status == "in_review").count() == 1


def test_r_wf_3_the_decided_record_still_cannot_be_edited_directly(org):
    """R-WF-3: outside a change request the approved plan, its items and an approved adjustment refuse edits."""
    division, p = org
    plan = approved_plan(division, weights=(60, 40))
    item = plan.items.first()
    item.weight = Decimal(50)
    with pytest.raises(RecordDecided):
        item.save()
    plan = MonthlyPlan.get_by_id(plan.id)
    plan.version = 5
    with pytest.raises(RecordDecided):
        plan.save()
    adjustment = make_adjustment(division, status="approved")
    adjustment.points = Decimal(3)
    with pytest.raises(RecordDecided):
        adjustment.save()
    request = changes.propose(
        "adjustment",
        adjustment.id,
        {**changes.TARGETS["adjustment"].values(adjustment), "points": "2"},
        "分值有误",
        p["head"],
    )
    request.reason = "改过的理由"
    with pytest.raises(RecordDecided):
        request.save()
    assert request.approvers == ["director"]


def test_r_wf_3_an_adjustment_and_an_annual_target_change_through_their_chains_approvers(org):
    """R-WF-3, R-SCO-2, R-TGT-1: a bonus item's points change office → director; a target's title office →
    leader → director (the arrangement's chain)."""
    from models import AnnualArrangement, AnnualTarget

    division, p = org
    adjustment = make_adjustment(division, status="approved")
    values = {**changes.TARGETS["adjustment"].values(adjustment), "points": "2.5"}
    changes.propose("adjustment", adjustment.id, values, "分值有误", p["head"])
    walk(p, ["office", "director"])
    assert adjustment.__class__.get_by_id(adjustment.id).points == Decimal("2.50")
    with chain_write("test"):
        AnnualArrangement.create(year=2023, division=division, content="安排", status="approved")
        target = AnnualTarget.create(year=2023, division=division, source="city", title="旧目标", status="approved")
    values = {**changes.TARGETS["target"].values(target), "title": "新目标"}
    request = changes.propose("target", target.id, values, "市里调整", p["head"])
    assert request.approvers == ["leader", "director"]
    walk(p, ["office", "leader", "director"])
    target = AnnualTarget.get_by_id(target.id)
    assert (target.title, target.version) == ("新目标", 2)


def text(page: str) -> str:
    page = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def test_r_wf_3_r_sec_1_the_change_request_screens_with_csrf(org, app, client, login_as):
    """R-WF-3, R-SEC-1: the head opens 申请变更 from the plan, posts new weights with the CSRF token (refused
    without it); the change-request page shows old and new side by side with the chain's history; once approved
    the plan's history lists version 2 and version 1."""
    division, p = org
    plan = approved_plan(division, weights=(60, 40))
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(p["head"])
    form = client.get(f"/changes/new/plan/{plan.id}")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert "申请变更" in text(page)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    token = token.group(1) or token.group(2)
    ids = [row["id"] for row in items_of(plan)]
    data = {"reason": "任务调整"}
    for n, item_id in enumerate(ids):
        data.update(
            {
                f"item-{n}-id": str(item_id),
                f"item-{n}-title": f"重点工作{n + 1}",
                f"item-{n}-weight": ("70", "30")[n],
                f"item-{n}-outcome": "pending",
            }
        )
    assert client.post(f"/changes/new/plan/{plan.id}", data=data).status_code == 400
    assert ChangeRequest.select().count() == 0
    response = client.post(f"/changes/new/plan/{plan.id}", data={**data, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    request = ChangeRequest.get()
    page = text(client.get(f"/changes/{request.id}").get_data(as_text=True))
    assert re.search(r"原内容.*申请变更为", page)
    assert re.search(r"权重 60\.00 70\.00", page) and re.search(r"权重 40\.00 30\.00", page)
    assert re.search(r"王处长 发起 \S+ 任务调整", page)
    login_as(p["office"])
    assert re.search(r"变更申请 .*局绩效办复核", text(client.get("/tasks").get_data(as_text=True)))
    task_page = client.get(f"/tasks/{task_of(p['office']).id}").get_data(as_text=True)
    assert f'href="/changes/{request.id}"' in task_page and "任务调整" in text(task_page)
    login_as(p["head"])
    walk(p, ["office", "leader", "director"])
    page = text(client.get(f"/changes/history/plan/{plan.id}").get_data(as_text=True))
    assert re.search(r"第2版.*70\.00.*第1版.*60\.00", page)
    login_as(p["staff"])
    assert client.get(f"/changes/new/plan/{plan.id}").status_code == 403


def test_r_wf_3_the_decided_records_details_page_leads_to_its_change_request_and_versions(org, client, login_as):
    """R-WF-3: editing a decided record leads to its details page; there 申请变更 and 历史版本 are offered for a
    plan, an annual target and an adjustment (a draft offers its versions only)."""
    from models import AnnualTarget

    division, p = org
    plan = approved_plan(division)
    draft = make_plan(division, month=11)
    with chain_write("test"):
        target = AnnualTarget.create(year=2023, division=division, source="city", title="目标", status="approved")
    adjustment = make_adjustment(division, status="approved")
    login_as(p["head"])
    for endpoint, kind, record in (
        ("monthlyplan", "plan", plan),
        ("annualtarget", "target", target),
        ("adjustment", "adjustment", adjustment),
    ):
        page = client.get(f"/admin/{endpoint}/details/?id={record.id}").get_data(as_text=True)
        assert f'href="/changes/new/{kind}/{record.id}"' in page and "申请变更" in page, endpoint
        assert f'href="/changes/history/{kind}/{record.id}"' in page and "历史版本" in page
    page = client.get(f"/admin/monthlyplan/details/?id={draft.id}").get_data(as_text=True)
    assert f"/changes/history/plan/{draft.id}" in page and f"/changes/new/plan/{draft.id}" not in page
    assert client.get(f"/changes/new/target/{target.id}").status_code == 200
    assert client.get(f"/changes/history/adjustment/{adjustment.id}").status_code == 200
