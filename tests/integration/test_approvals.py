"""Approval chains persisted with their records (issue 5 §2–6): R-WF-1, R-WF-2, R-TGT-4, R-RUN-6, R-APL-2."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import peewee as pw
import pytest

from models import (
    Appeal,
    AuditLog,
    MonthlyPlan,
    WeeklyReview,
    WorkflowCase,
    WorkflowDiagram,
    WorkflowEvent,
    WorkflowTask,
    acting_as,
    db,
)
from models.audit import verify
from models.base import MASK
from services import approvals
from services.approvals import ApprovalError, NotAllowed
from tests.factories import make_division, make_leader_of, make_library_entry, make_log_entry, make_person, make_plan
from tests.querycount import assert_query_count  # noqa: F401 - a fixture
from workflows.errors import DiagramError

DATA = Path(__file__).resolve().parents[1] / "workflows" / "data"
V2 = DATA / "monthly_plan_v2.bpmn"


@pytest.fixture
def org(database):
    division = make_division(name="规划管理处")
    other = make_division(name="用地规划处")
    people = {
        "head": make_person(division=division, position="head", level="处级", name="处长甲"),
        "staff": make_person(division=division, name="科员乙"),
        "office": make_person(division=make_division(name="办公室", category="general"), office_member=True),
        "director": make_person(position="director", division=None, level="局级", name="局长"),
        "other_head": make_person(division=other, position="head", level="处级"),
    }
    people["leader"] = make_leader_of(division, name="分管领导丙")
    people["other_leader"] = make_leader_of(other)
    return division, people


def _only_task(person):
    tasks = list(approvals.open_tasks_query(person))
    assert len(tasks) == 1, [t.name for t in tasks]
    return tasks[0]


def test_monthly_plan_climbs_office_leader_director_and_comes_into_force(org):
    """R-TGT-4: division submits → office reviews → leader in charge → director → in force."""
    division, p = org
    plan = make_plan(division, weights=(70, 30))
    approvals.start("monthly_plan", plan, p["head"], "请审核")
    assert MonthlyPlan.get_by_id(plan.id).status == "in_review"
    for role in ("office", "leader", "director"):
        task = _only_task(p[role])
        assert task.due is not None
        approvals.complete(task, p[role], "approve", "同意")
    plan = MonthlyPlan.get_by_id(plan.id)
    assert plan.status == "approved" and plan.approved_at is not None
    case = WorkflowCase.get()
    assert case.finished and case.outcome == "approved"
    history = [(e.actor_name, e.action) for e in approvals.case_history(case)]
    assert history == [
        ("处长甲", "submit"),
        (p["office"].name, "approve"),
        ("分管领导丙", "approve"),
        ("局长", "approve"),
    ]


def test_completing_a_step_runs_eleven_statements_and_one_more_for_the_chain_lock(
    org,
    assert_query_count,  # noqa: F811 - the fixture
):
    """Issue 5 speed: one locked read of task, case and diagram; the record; the event; the task table (done
    row, next step's assignee, calendar, new row); the case; the period lock; the audit trail's head and the
    audit rows in one insert (R-AUD-1) — on PostgreSQL after the chain's advisory lock. One more reads the plan's
    weights: they must still sum to 100 at every step (R-TGT-3, R-WF-3)."""
    division, p = org
    approvals.start("monthly_plan", make_plan(division, weights=(70, 30)), p["head"], "请审核")
    task = _only_task(p["office"])
    with assert_query_count(13 if isinstance(db.obj, pw.PostgresqlDatabase) else 12):
        approvals.complete(task, p["office"], "approve", "同意")
    assert _only_task(p["leader"]).status == "open"


def test_completing_a_step_is_audited_like_single_saves(org):
    """R-AUD-1: the history event, the task done (who, when, open → done), the next step's task, the case and the
    record each leave their row, with the case state masked and an unchanged record left out, as any save would."""
    division, p = org
    plan = make_plan(division, weights=(70, 30))
    approvals.start("monthly_plan", plan, p["head"], "请审核")
    trail, tasks = [], []
    for role in ("office", "leader", "director"):
        last = AuditLog.select().order_by(AuditLog.id.desc()).first().id
        tasks.append(_only_task(p[role]))
        with acting_as(p[role].id, p[role].name):
            approvals.complete(tasks[-1], p[role], "approve", "同意")
        rows = list(AuditLog.select().where(AuditLog.id > last).order_by(AuditLog.id))
        assert {r.actor_name for r in rows} == {p[role].name}
        trail.append(rows)
    assert [(r.action, r.model) for r in trail[0]] == [
        ("create", "WorkflowEvent"),
        ("update", "WorkflowTask"),
        ("create", "WorkflowTask"),
        ("update", "WorkflowCase"),
    ]
    event, done, task, case = trail[0]
    assert event.after["step"] == "局绩效办复核" and event.after["comment"] == "同意"
    assert done.record_id == str(tasks[0].id)
    assert done.before == {
        "status": "open",
        "completed_by": None,
        "completed_at": None,
        "decision": None,
        "comment": "",
    }
    assert {k: done.after[k] for k in ("status", "completed_by", "decision", "comment")} == {
        "status": "done",
        "completed_by": p["office"].id,
        "decision": "approve",
        "comment": "同意",
    }
    assert done.after["completed_at"] == WorkflowTask.get_by_id(tasks[0].id).completed_at.isoformat()
    assert task.after["lane"] == "leader" and task.after["assignee"] == p["leader"].id
    assert case.before["state"] == case.after["state"] == MASK
    assert {"state", "updated_at"} <= set(case.after) <= {"state", "updated_at", "finished", "outcome"}
    assert [(r.action, r.model) for r in trail[2]] == [
        ("create", "WorkflowEvent"),
        ("update", "WorkflowTask"),
        ("update", "WorkflowCase"),
        ("update", "MonthlyPlan"),
    ]
    closed, finished, record = trail[2][1:]
    assert closed.record_id == str(tasks[2].id) and (closed.before["status"], closed.after["status"]) == (
        "open",
        "done",
    )
    assert (finished.before["finished"], finished.after["finished"], finished.after["outcome"]) == (
        False,
        True,
        "approved",
    )
    assert record.before["status"] == "in_review" and record.after["status"] == "approved"
    assert record.record_id == str(plan.id) and set(record.after) == {"status", "approved_at"}


# The office and the leader review at once; the office's answer ends the case and cancels the leader's task.
PARALLEL_PLAN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_parallel" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="monthly_plan" name="月度绩效计划审批（会签）" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_division" name="division">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>division_submit</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>split</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="lane_office" name="office">
        <bpmn:flowNodeRef>office_review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>office_outcome</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_office</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="lane_leader" name="leader">
        <bpmn:flowNodeRef>leader_approve</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>leader_outcome</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_leader</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="发起" />
    <bpmn:userTask id="division_submit" name="提交月度计划" />
    <bpmn:parallelGateway id="split" name="同时送审" />
    <bpmn:userTask id="office_review" name="局绩效办复核" />
    <bpmn:userTask id="leader_approve" name="分管领导审批" />
    <bpmn:scriptTask id="office_outcome" name="结果：已批准" scriptFormat="python">
      <bpmn:script>outcome = 'approved'</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:scriptTask id="leader_outcome" name="结果：已批准（领导）" scriptFormat="python">
      <bpmn:script>outcome = 'approved'</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end_office" name="绩效办办结">
      <bpmn:terminateEventDefinition id="terminate" />
    </bpmn:endEvent>
    <bpmn:endEvent id="end_leader" name="完成" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="division_submit" />
    <bpmn:sequenceFlow id="f2" sourceRef="division_submit" targetRef="split" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="office_review" />
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="leader_approve" />
    <bpmn:sequenceFlow id="f5" sourceRef="office_review" targetRef="office_outcome" />
    <bpmn:sequenceFlow id="f5b" sourceRef="office_outcome" targetRef="end_office" />
    <bpmn:sequenceFlow id="f6" sourceRef="leader_approve" targetRef="leader_outcome" />
    <bpmn:sequenceFlow id="f6b" sourceRef="leader_outcome" targetRef="end_leader" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_r_aud_1_claiming_reassigning_completing_and_cancelling_a_task_are_audited(org):
    """R-AUD-1: every change of a task's status or assignee leaves an audit row — who, when, before → after —
    and the trail still verifies."""
    division, p = org
    office = p["office"]
    approvals.upload_diagram("monthly_plan", PARALLEL_PLAN, office)
    approvals.start("monthly_plan", make_plan(division), p["head"])
    office_task, leader_task = _only_task(office), _only_task(p["leader"])
    last = AuditLog.select().order_by(AuditLog.id.desc()).first().id
    with acting_as(office.id, office.name):
        approvals.claim(office_task, office)
        approvals.reassign(leader_task, p["other_leader"], "分管领导出差", office)
        approvals.complete(office_task, office, None, "已复核")
    rows = list(
        AuditLog.select()
        .where(AuditLog.id > last, AuditLog.model == "WorkflowTask", AuditLog.action == "update")
        .order_by(AuditLog.id)
    )
    assert {(r.actor_id, r.actor_name) for r in rows} == {(office.id, office.name)}
    assert all(r.at is not None for r in rows)
    done = WorkflowTask.get_by_id(office_task.id)
    assert [(int(r.record_id), r.before, r.after) for r in rows] == [
        (office_task.id, {"assignee": None}, {"assignee": office.id}),
        (leader_task.id, {"assignee": p["leader"].id}, {"assignee": p["other_leader"].id}),
        (
            office_task.id,
            {"status": "open", "completed_by": None, "completed_at": None, "decision": None, "comment": ""},
            {
                "status": "done",
                "completed_by": office.id,
                "completed_at": done.completed_at.isoformat(),
                "decision": "submit",
                "comment": "已复核",
            },
        ),
        (leader_task.id, {"status": "open"}, {"status": "cancelled"}),
    ]
    assert WorkflowTask.get_by_id(leader_task.id).status == "cancelled"
    assert verify().intact


def test_a_plan_whose_weights_do_not_sum_to_100_is_not_submitted(org):
    """R-TGT-3: the weights of one month sum to exactly 100."""
    division, p = org
    plan = make_plan(division, weights=(60, 30))
    with pytest.raises(ApprovalError, match="权重合计为 90，应为 100"):
        approvals.start("monthly_plan", plan, p["head"])
    assert not WorkflowCase.select().exists()


def test_return_with_comment_goes_back_to_the_division_and_resubmits(org):
    """R-TGT-4: any step can return it with a comment."""
    division, p = org
    plan = make_plan(division)
    approvals.start("monthly_plan", plan, p["head"])
    office_task = _only_task(p["office"])
    with pytest.raises(ApprovalError, match="请填写意见"):
        approvals.complete(office_task, p["office"], "return", "")
    approvals.complete(office_task, p["office"], "return", "第二项权重偏高")
    assert MonthlyPlan.get_by_id(plan.id).status == "returned"
    resubmit = _only_task(p["head"])
    approvals.complete(resubmit, p["head"], None, "已调整")
    assert MonthlyPlan.get_by_id(plan.id).status == "in_review"
    assert _only_task(p["office"]).bpmn_id == "office_review"
    comments = [e.comment for e in WorkflowEvent.select().order_by(WorkflowEvent.id)]
    assert "第二项权重偏高" in comments


def test_only_the_leader_of_this_division_may_approve(org):
    """Issue 5 §3: 'leader in charge' means the leader of this division; anyone else is refused."""
    division, p = org
    approvals.start("monthly_plan", make_plan(division), p["head"])
    approvals.complete(_only_task(p["office"]), p["office"], "approve")
    task = _only_task(p["leader"])
    for intruder in (p["other_leader"], p["staff"], p["head"], p["other_head"]):
        assert list(approvals.open_tasks_query(intruder)) == []
        with pytest.raises(NotAllowed):
            approvals.complete(task, intruder, "approve")
    assert WorkflowTask.get_by_id(task.id).status == "open"


def test_office_reassigns_a_task_with_the_reason_recorded(org):
    """Issue 5 §3: the office may reassign or delegate a task, with the reason recorded."""
    division, p = org
    approvals.start("monthly_plan", make_plan(division), p["head"])
    approvals.complete(_only_task(p["office"]), p["office"], "approve")
    task = _only_task(p["leader"])
    with pytest.raises(NotAllowed):
        approvals.reassign(task, p["other_leader"], "出差", p["head"])
    approvals.reassign(task, p["other_leader"], "分管领导出差，临时代理", p["office"])
    assert list(approvals.open_tasks_query(p["leader"])) == []
    approvals.complete(_only_task(p["other_leader"]), p["other_leader"], "approve")
    assert WorkflowEvent.select().where(WorkflowEvent.action == "reassign").get().comment.endswith("临时代理")


def test_a_failing_domain_change_leaves_the_case_where_it_was(org, monkeypatch):
    """Issue 5 §2: the instance state and the record change in one transaction."""
    division, p = org
    plan = make_plan(division)
    approvals.start("monthly_plan", plan, p["head"])
    task = _only_task(p["office"])
    state_before = WorkflowCase.get().state

    def boom(*args):
        raise RuntimeError("disk full")

    chain = approvals.CHAINS["monthly_plan"]
    monkeypatch.setitem(approvals.CHAINS, "monthly_plan", approvals.Chain(**{**chain.__dict__, "on_change": boom}))
    with pytest.raises(RuntimeError):
        approvals.complete(task, p["office"], "approve")
    assert WorkflowCase.get().state == state_before
    assert WorkflowTask.get_by_id(task.id).status == "open"
    assert WorkflowEvent.select().count() == 1


def test_a_new_diagram_version_routes_new_cases_while_running_ones_finish_on_theirs(org):
    """R-WF-1: editing a diagram changes the route without code; running instances keep their version."""
    division, p = org
    old_plan = make_plan(division, month=10)
    approvals.start("monthly_plan", old_plan, p["head"])
    diagram = approvals.upload_diagram(
        "monthly_plan", V2.read_text(encoding="utf-8"), p["office"], "增加处室负责人核对"
    )
    assert diagram.version == 2
    assert [d.version for d in WorkflowDiagram.select().where(WorkflowDiagram.chain == "monthly_plan")] == [1, 2]
    new_plan = make_plan(division, month=11)
    approvals.start("monthly_plan", new_plan, p["head"])
    new_case = WorkflowCase.get(WorkflowCase.subject_id == new_plan.id)
    assert new_case.diagram_id == diagram.id
    head_tasks = list(approvals.open_tasks_query(p["head"]))
    assert [t.bpmn_id for t in head_tasks] == ["head_check"]
    old_task = next(t for t in approvals.open_tasks_query(p["office"]) if t.case.subject_id == old_plan.id)
    approvals.complete(old_task, p["office"], "approve")
    approvals.complete(_only_task(p["leader"]), p["leader"], "approve")
    approvals.complete(_only_task(p["director"]), p["director"], "approve")
    assert MonthlyPlan.get_by_id(old_plan.id).status == "approved"


def test_an_unsafe_or_foreign_diagram_is_refused_at_upload(org):
    """Issue 5 §2: scripts see a whitelist only; a diagram trying more is rejected with a clear message."""
    _, p = org
    evil = V2.read_text(encoding="utf-8").replace("decision == 'approve'", "__import__('os').system('id')", 1)
    with pytest.raises(DiagramError):
        approvals.upload_diagram("monthly_plan", evil, p["office"])
    with pytest.raises(NotAllowed):
        approvals.upload_diagram("monthly_plan", V2.read_text(encoding="utf-8"), p["head"])
    assert WorkflowDiagram.select().where(WorkflowDiagram.version > 1).count() == 0


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (DATA / "refused_external_entity.bpmn", ["DOCTYPE"]),
        (DATA / "refused_billion_laughs.bpmn", ["DOCTYPE"]),
        (V2.read_text(encoding="utf-8").replace("decision == 'approve'", "hours > 8", 1), ["gw_head_check", "hours"]),
        (V2.read_text(encoding="utf-8").replace("outcome = 'approved'", "outcome = 'ok' * 1000000000"), ["序列过大"]),
    ],
    ids=["external-entity", "billion-laughs", "condition-on-unset-variable", "script-over-budget"],
)
def test_r_wf_1_an_upload_is_refused_before_it_is_stored(org, xml, expected):
    """Issue 9 §9: a DOCTYPE is refused before anything else; otherwise the diagram is dry-run on every path with
    the chain's sample data and refused naming the step where a path fails. Nothing is stored."""
    _, p = org
    text = xml.read_text(encoding="utf-8") if isinstance(xml, Path) else xml
    with pytest.raises(DiagramError) as err:
        approvals.upload_diagram("monthly_plan", text, p["office"])
    assert all(any(word in problem for problem in err.value.problems) for word in expected), err.value.problems
    assert WorkflowDiagram.select().where(WorkflowDiagram.version > 1).count() == 0


def test_r_wf_1_a_stored_version_failing_at_run_time_is_a_refusal_not_a_crash(org):
    """A version stored before the dry run existed, whose first gateway builds huge strings: submitting works,
    completing the step is refused with the step named, and the case stays where it was."""
    division, p = org
    bad = (
        V2.read_text(encoding="utf-8")
        .replace("decision == 'approve'", "len('a' * 1000000000) > 0", 1)
        .replace("decision == 'return'", "len('b' * 1000000000) > 0", 1)
    )
    approvals.install_bundled_diagrams()
    WorkflowDiagram.create(chain="monthly_plan", version=2, xml=bad, sha256="x", uploaded_at=dt.datetime(2023, 10, 1))
    plan = make_plan(division, weights=(70, 30))
    approvals.start("monthly_plan", plan, p["head"])
    task = _only_task(p["head"])
    state = WorkflowCase.get().state
    with pytest.raises(ApprovalError, match=r"「审核结果」\(gw_head_check\)") as err:
        approvals.complete(task, p["head"], None, "已核对")
    assert "序列过大" in str(err.value)
    assert WorkflowCase.get().state == state and WorkflowTask.get_by_id(task.id).status == "open"


def test_weekly_review_adjusts_hours_and_only_confirmed_hours_count(org):
    """R-RUN-6: the head rates staff weeks (the leader rates the head's); a rating adjusts or rejects hours."""
    division, p = org
    item = make_library_entry(division, standard_hours=Decimal(4))
    week = dt.date(2023, 10, 9)
    review = WeeklyReview.create(person=p["staff"], week_start=week, due=week + dt.timedelta(days=8))
    entries = [make_log_entry(p["staff"], item, date=week + dt.timedelta(days=i), review=review) for i in range(2)]
    approvals.start("weekly_review", review, p["staff"])
    task = _only_task(p["head"])
    assert task.due == dt.date(2023, 10, 17)
    approvals.complete(task, p["head"], "adjust", "第二天工作量偏少", {"adjusted_hours": {str(entries[1].id): "2.5"}})
    hours = {e.id: (e.status, e.confirmed_hours) for e in review.entries}
    assert hours == {entries[0].id: ("confirmed", Decimal(4)), entries[1].id: ("adjusted", Decimal("2.5"))}
    review = WeeklyReview.get_by_id(review.id)
    assert review.status == "done" and review.rater_id == p["head"].id and review.late is True
    head_review = WeeklyReview.create(person=p["head"], week_start=week, due=week + dt.timedelta(days=8))
    approvals.start("weekly_review", head_review, p["head"])
    assert _only_task(p["leader"]).bpmn_id == "leader_rate"


def test_appeal_escalates_from_the_superior_to_the_office_and_back_to_the_appellant(org):
    """R-APL-2: talk to the superior first; if unresolved, the office answers; the appellant is told."""
    division, p = org
    appeal = Appeal.create(year=2023, appellant=p["staff"], subject="10月工时认定", grounds="有两天日志未认可")
    approvals.start("appeal", appeal, p["staff"])
    assert Appeal.get_by_id(appeal.id).status == "talking"
    approvals.complete(_only_task(p["head"]), p["head"], "escalate", "沟通后仍有分歧")
    assert Appeal.get_by_id(appeal.id).status == "escalated"
    approvals.complete(_only_task(p["office"]), p["office"], "uphold", "经核实，补认两天工时")
    appeal = Appeal.get_by_id(appeal.id)
    assert appeal.status == "upheld" and appeal.answer == "经核实，补认两天工时"
    approvals.complete(_only_task(p["staff"]), p["staff"], None, "已知悉")
    assert WorkflowCase.get().finished


def test_reminders_list_what_falls_due_within_two_working_days(org):
    """Issue 5 §6: a reminder list of what falls due in the next two working days; overdue included."""
    division, p = org
    approvals.start("monthly_plan", make_plan(division), p["head"])
    task = _only_task(p["office"])
    task.due = dt.date(2023, 9, 28)
    task.save()
    assert approvals.reminders(p["office"], today=dt.date(2023, 9, 26)) == [task]
    assert approvals.reminders(p["office"], today=dt.date(2023, 9, 20)) == []
    assert approvals.reminders(p["office"], today=dt.date(2023, 10, 9)) == [task]
