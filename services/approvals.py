"""Approval chains (R-WF-1, R-WF-2): start a case for a record, list the tasks waiting for a person, complete one
with a decision and comment, reassign — each in ONE database transaction with the domain change it causes, so a
crash never leaves a record and its workflow disagreeing.

Lanes resolve to people through the organisation (workflows/roles.py says what a lane means): "head" is the head
of *this* case's division, "leader" its leader in charge, "office" any member of the performance office.
Single-person lanes are assigned when the task opens; group lanes (office, party group) wait for any member.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import peewee as pw

from models import (
    Adjustment,
    AnnualArrangement,
    AnnualTarget,
    Appeal,
    Division,
    Exemption,
    ExtraTimeClaim,
    LeaderAssignment,
    MonthlyPlan,
    MonthlyReport,
    Person,
    PlanItem,
    ScoreSnapshot,
    WeeklyReview,
    WorkflowCase,
    WorkflowDiagram,
    WorkflowEvent,
    WorkflowTask,
    WorkLogEntry,
    db,
)
from models.base import audit_batch, update_audited
from models.guard import chain_write
from services import calendar as workdays
from services import clock
from workflows import dryrun
from workflows.engine import DiagramSpec, Instance, bundled_diagrams, load_spec
from workflows.errors import WorkflowError
from workflows.roles import LANES

GROUP_LANES = {"office": "office_member", "party_group": "party_group_member"}
DEFAULT_DUE_WORKDAYS = 3


class ApprovalError(Exception):
    """A refused action, with a message for the user in Chinese."""


class NotAllowed(ApprovalError):
    """The person may not act on this task (the view answers 403)."""


@dataclass(frozen=True)
class Chain:
    """How a record type travels its diagram: what the case is about and what each outcome changes.

    ``sample_start_data`` lists what ``start_data`` returns for each kind of record of the chain (one entry per
    value a diagram may branch on); the dry run of an uploaded diagram starts one case with each."""

    key: str
    model: type[pw.Model]
    label: str
    describe: Callable[[Any], tuple[str, int | None, int | None]]  # title, division id, person id
    start_data: Callable[[Any], dict[str, Any]] = field(default=lambda record: {})
    sample_start_data: Callable[[], tuple[Mapping[str, Any], ...]] = field(default=lambda: ({},))
    check: Callable[[Any], None] = field(default=lambda record: None)
    on_change: Callable[[Any, Instance, dict | None, Person], None] = field(
        default=lambda record, inst, event, actor: None
    )


# --- domain effects -------------------------------------------------------------------------------------------


def _approval_status(record: Any, inst: Instance, event: dict | None, actor: Person) -> None:
    """Plans, targets, reports: in review while moving, returned after a return, approved at the end."""
    if inst.is_finished:
        record.status = "approved" if inst.outcome == "approved" else "returned"
        if hasattr(record, "approved_at") and inst.outcome == "approved":
            record.approved_at = clock.now()
    elif event is not None and event.get("decision") == "return":
        record.status = "returned"
    else:
        record.status = "in_review"
    record.save()


def _arrangement_change(record: AnnualArrangement, inst: Instance, event: dict | None, actor: Person) -> None:
    _approval_status(record, inst, event, actor)
    targets = AnnualTarget.select().where(AnnualTarget.year == record.year, AnnualTarget.division == record.division)
    for target in targets:
        if target.status != record.status:
            target.status = record.status
            target.save()


def _report_change(record: MonthlyReport, inst: Instance, event: dict | None, actor: Person) -> None:
    if event is None:
        record.submitted_at = clock.now()
        record.late = record.due is not None and clock.today() > record.due
    _approval_status(record, inst, event, actor)


def _claim_status(record: Any, inst: Instance, event: dict | None, actor: Person) -> None:
    """Claims, exemptions, adjustments: approved / rejected at the end, returned on a return."""
    if inst.is_finished:
        record.status = "approved" if inst.outcome == "approved" else "rejected"
    elif event is not None and event.get("decision") == "return":
        record.status = "returned"
    else:
        record.status = "in_review"
    record.save()


def _weekly_change(review: WeeklyReview, inst: Instance, event: dict | None, actor: Person) -> None:
    """R-RUN-6: a rating confirms, adjusts the hours of, or rejects the week's entries; only confirmed hours
    count. `adjusted_hours` maps entry ids to the hours the rater allows."""
    if not inst.is_finished or event is None:
        return
    decision = event.get("decision")
    adjusted = {int(k): Decimal(str(v)) for k, v in (inst.data.get("adjusted_hours") or {}).items()}
    for entry in WorkLogEntry.select().where(WorkLogEntry.review == review):
        if decision == "reject":
            entry.status, entry.confirmed_hours = "rejected", Decimal(0)
        elif decision == "adjust" and entry.id in adjusted and adjusted[entry.id] != entry.hours:
            entry.status, entry.confirmed_hours = "adjusted", adjusted[entry.id]
        else:
            entry.status, entry.confirmed_hours = "confirmed", entry.hours
        entry.save()
    review.status = "done"
    review.rated_at = clock.now()
    review.late = clock.today() > review.due
    review.comment = event.get("comment", "")
    review.rater = actor
    review.save()


def _appeal_change(appeal: Appeal, inst: Instance, event: dict | None, actor: Person) -> None:
    """R-APL-2: talking with the superior, then with the office; the outcome is kept on the appeal."""
    steps = set(inst.current_steps())
    if inst.is_finished or "appellant_acknowledge" in steps:
        appeal.status = inst.data.get("outcome") or appeal.status
    elif "office_answer" in steps:
        appeal.status = "escalated"
    elif "superior_talk" in steps:
        appeal.status = "talking"
    if event is not None and event.get("bpmn_id") == "office_answer":
        appeal.answer = event.get("comment", "")
    appeal.save()


def _ranking_change(snapshot: ScoreSnapshot, inst: Instance, event: dict | None, actor: Person) -> None:
    """R-SCO-3: once the party group approves, the ranking is locked."""
    if inst.is_finished and inst.outcome == "approved":
        snapshot.locked = True
        snapshot.save()


def _plan_check(plan: MonthlyPlan) -> None:
    """R-TGT-3: the weights of one month sum to exactly 100."""
    total = sum((item.weight for item in plan.items), Decimal(0))
    if not plan.items.count():
        raise ApprovalError("月度计划还没有任何事项，不能提交")
    if total != Decimal(100):
        raise ApprovalError(f"月度计划各事项权重合计为 {total.normalize():f}，应为 100")


def _report_data(report: MonthlyReport) -> dict[str, Any]:
    return {"due": report.due} if report.due else {}


def _weekly_data(review: WeeklyReview) -> dict[str, Any]:
    return {"subject_position": review.person.position, "due": review.due}


def _report_samples() -> tuple[dict[str, Any], ...]:
    return ({"due": clock.today()}, {})


def _weekly_samples() -> tuple[dict[str, Any], ...]:
    return tuple({"subject_position": position, "due": clock.today()} for position in ("head", "deputy", "staff"))


CHAINS: dict[str, Chain] = {
    c.key: c
    for c in (
        Chain(
            "annual_targets",
            AnnualArrangement,
            "年度目标与主要工作安排",
            lambda r: (f"{r.division.name}{r.year}年度目标与主要工作安排", r.division_id, None),
            on_change=_arrangement_change,
        ),
        Chain(
            "monthly_plan",
            MonthlyPlan,
            "月度绩效计划",
            lambda r: (f"{r.division.name}{r.year}年{r.month}月绩效计划", r.division_id, None),
            check=_plan_check,
            on_change=_approval_status,
        ),
        Chain(
            "monthly_report",
            MonthlyReport,
            "月度完成情况报告",
            lambda r: (f"{r.division.name}{r.year}年{r.month}月完成情况及下月目标", r.division_id, None),
            start_data=_report_data,
            sample_start_data=_report_samples,
            on_change=_report_change,
        ),
        Chain(
            "weekly_review",
            WeeklyReview,
            "周绩效评定",
            lambda r: (f"{r.person.name} {r.week_start:%Y-%m-%d} 当周绩效事项", r.person.division_id, r.person_id),
            start_data=_weekly_data,
            sample_start_data=_weekly_samples,
            on_change=_weekly_change,
        ),
        Chain(
            "extra_time",
            ExtraTimeClaim,
            "加时申报",
            lambda r: (f"{r.person.name} 加时申报 {r.hours} 小时（{r.bulletin}）", r.person.division_id, r.person_id),
            on_change=_claim_status,
        ),
        Chain(
            "adjustment",
            Adjustment,
            "年终加扣分",
            lambda r: (
                f"{r.division.name}{r.year}年度{'加分' if r.kind == 'bonus' else '扣分'} {r.points} 分",
                r.division_id,
                None,
            ),
            start_data=lambda r: {"proposer": "office" if r.kind == "deduction" else "division"},
            sample_start_data=lambda: ({"proposer": "office"}, {"proposer": "division"}),
            on_change=_claim_status,
        ),
        Chain(
            "annual_ranking",
            ScoreSnapshot,
            "年度考核排名",
            lambda r: (f"{r.year}年度考核排名（第{r.version}版）", None, None),
            on_change=_ranking_change,
        ),
        Chain(
            "appeal",
            Appeal,
            "申诉",
            lambda r: (
                f"{r.appellant.name}的申诉：{r.subject}",
                r.division_id or r.appellant.division_id,
                r.appellant_id,
            ),
            on_change=_appeal_change,
        ),
        Chain(
            "exemption",
            Exemption,
            "不参与个人绩效管理申请",
            lambda r: (f"{r.person.name}申请不参与个人绩效管理", r.person.division_id, r.person_id),
            on_change=_claim_status,
        ),
    )
}


# --- diagrams -------------------------------------------------------------------------------------------------


def _sha(xml: str) -> str:
    return hashlib.sha256(xml.encode("utf-8")).hexdigest()


def install_bundled_diagrams() -> int:
    """Store version 1 of each shipped diagram that the database does not have yet; returns how many."""
    added = 0
    known = {chain for (chain,) in WorkflowDiagram.select(WorkflowDiagram.chain).distinct().tuples()}
    for chain, path in sorted(bundled_diagrams().items()):
        if chain not in known:
            xml = path.read_text(encoding="utf-8")
            WorkflowDiagram.create(
                chain=chain, version=1, xml=xml, sha256=_sha(xml), uploaded_at=clock.now(), note="随系统发布"
            )
            added += 1
    return added


def latest_diagram(chain: str) -> WorkflowDiagram:
    diagram = (
        WorkflowDiagram.select().where(WorkflowDiagram.chain == chain).order_by(WorkflowDiagram.version.desc()).first()
    )
    if diagram is None:
        install_bundled_diagrams()
        diagram = (
            WorkflowDiagram.select()
            .where(WorkflowDiagram.chain == chain)
            .order_by(WorkflowDiagram.version.desc())
            .first()
        )
    if diagram is None:
        raise ApprovalError(f"没有名为 {chain} 的审批流程")
    return diagram


def dry_run_samples(chain: str) -> list[dict[str, Any]]:
    """The start data of the dry run's cases: what `start` passes, for each kind of record of the chain."""
    return [{"record_id": 1, "division_id": 1, **sample} for sample in CHAINS[chain].sample_start_data()]


def upload_diagram(chain: str, xml: str | bytes, actor: Person, note: str = "") -> WorkflowDiagram:
    """R-WF-1: the office uploads a new version of a chain's diagram; it is validated, then dry-run on every path
    with the chain's sample start data, before it is accepted (`workflows.dryrun`). New cases follow it;
    running cases finish on the version they started with."""
    if "office" not in actor.roles and "director" not in actor.roles:
        raise NotAllowed("只有局绩效办可以修改审批流程")
    if chain not in CHAINS:
        raise ApprovalError(f"没有名为 {chain} 的审批流程")
    text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
    spec = load_spec(text)  # DiagramError lists every problem in Chinese
    dryrun.check(spec, dry_run_samples(chain))  # DiagramError naming the step of each failing path
    current = latest_diagram(chain)
    if current.sha256 == _sha(text):
        raise ApprovalError("上传的流程图与当前版本相同")
    return WorkflowDiagram.create(
        chain=chain,
        version=current.version + 1,
        xml=text,
        sha256=_sha(text),
        uploaded_by=actor,
        uploaded_at=clock.now(),
        note=note,
    )


def spec_of(diagram: WorkflowDiagram) -> DiagramSpec:
    return load_spec(diagram.xml)


# --- who may act ----------------------------------------------------------------------------------------------


def _head_of(division_id: int | None) -> Person | None:
    if division_id is None:
        return None
    return (
        Person.select()
        .where(Person.division == division_id, Person.position == "head", Person.active)
        .order_by(Person.id)
        .first()
    )


def _leader_of(division_id: int | None) -> Person | None:
    if division_id is None:
        return None
    assignment = LeaderAssignment.get_or_none(LeaderAssignment.division == division_id)
    return assignment.leader if assignment else None


def _leader_id_of(division_id: int | None) -> int | None:
    if division_id is None:
        return None
    row = LeaderAssignment.select(LeaderAssignment.leader).where(LeaderAssignment.division == division_id).tuples()
    found = row.first()
    return found[0] if found else None


def _superior_of(person: Person) -> Person | None:
    if person.position == "head":
        return _leader_of(person.division_id)
    if person.position in {"deputy", "staff"}:
        return _head_of(person.division_id)
    return None


def resolve_assignee(lane: str, case: WorkflowCase) -> Person | None:
    """The one person a lane means for this case, or None for a group lane (any member may act)."""
    relation = LANES[lane].relation if lane in LANES else "bureau"
    if lane in GROUP_LANES:
        return None
    if relation == "case_division":
        return _head_of(case.division_id)
    if relation == "case_division_leader":
        return _leader_of(case.division_id)
    if relation in {"case_person", "appellant"}:
        return case.person
    if relation == "appellant_superior":
        return _superior_of(case.person) if case.person_id else _leader_of(case.division_id)
    if lane == "director":
        return Person.select().where(Person.position == "director", Person.active).order_by(Person.id).first()
    return None


def _assignee_id(lane: str, case: WorkflowCase) -> int | None:
    """The id of `resolve_assignee(lane, case)`, without loading people the case already names."""
    relation = LANES[lane].relation if lane in LANES else "bureau"
    if lane in GROUP_LANES:
        return None
    if relation == "case_division_leader":
        return _leader_id_of(case.division_id)
    if relation in {"case_person", "appellant"}:
        return case.person_id
    person = resolve_assignee(lane, case)
    return person.id if person is not None else None


def may_act(person: Person, task: WorkflowTask) -> bool:
    if task.status != "open":
        return False
    if task.assignee_id is not None:
        return task.assignee_id == person.id
    flag = GROUP_LANES.get(task.lane)
    return bool(flag and getattr(person, flag))


def may_view_case(person: Person, case: WorkflowCase) -> bool:
    from services.access import scope_of

    scope = scope_of(person)
    if scope.sees_everything or case.person_id == person.id or case.started_by_id == person.id:
        return True
    if (
        WorkflowTask.select()
        .where(
            (WorkflowTask.case == case) & ((WorkflowTask.assignee == person) | (WorkflowTask.completed_by == person))
        )
        .exists()
    ):
        return True
    return not scope.own_only and scope.allows_division(case.division_id)


# --- the engine, persisted ------------------------------------------------------------------------------------


def _due_for(view: Any, default: Callable[[], dt.date]) -> dt.date:
    due = view.due
    if isinstance(due, dt.datetime):
        due = due.date()
    if isinstance(due, dt.date):
        return due
    return default()


def _sync_tasks(
    case: WorkflowCase,
    inst: Instance,
    event: dict | None,
    actor: Person | None,
    was_ready: frozenset[str],
    done: WorkflowTask | None = None,
) -> None:
    """Keep the open-task table in step with the engine: close the completed task (`done`, its row, registered
    with the audit batch), cancel open tasks the engine no longer waits for, open the new ready ones. Each change
    of a row leaves its audit row (R-AUD-1).

    The table has a row for every task that was ever ready, and its open rows are the tasks ready in the stored
    state: `was_ready`, the ready tasks of the restored instance (none for a new case). SpiffWorkflow never
    makes a task ready twice (a loop back creates new tasks), so the rows to add are the ready tasks that were
    not ready before, and open rows go stale only when a task that was ready no longer is."""
    now = clock.now()
    if event is not None and done is not None:
        done.status = "done"
        done.completed_by = actor
        done.completed_at = now
        done.decision = event.get("decision")
        done.comment = event.get("comment", "")
        done.save()
    ready = {view.id: view for view in inst.ready_tasks()}
    if was_ready - ready.keys() - {event["task_id"] if event else None}:
        update_audited(
            WorkflowTask.select().where(
                WorkflowTask.case == case,
                WorkflowTask.status == "open",
                WorkflowTask.task_id.not_in(list(ready) or [""]),
            ),
            status="cancelled",
        )
    default_due: list[dt.date] = []

    def three_workdays() -> dt.date:
        if not default_due:
            default_due.append(workdays.add_workdays(clock.today(), DEFAULT_DUE_WORKDAYS))
        return default_due[0]

    for task_id, view in ready.items():
        if task_id in was_ready:
            continue
        WorkflowTask.create(
            case=case,
            task_id=task_id,
            bpmn_id=view.bpmn_id,
            name=view.name,
            lane=view.lane,
            division=case.division_id,
            assignee=_assignee_id(view.lane, case),
            due=_due_for(view, three_workdays),
            created_at=now,
        )
    case.state = inst.dumps()
    case.finished = inst.is_finished
    case.outcome = inst.outcome
    case.updated_at = now
    case.save()


def _event_row(case: WorkflowCase, actor: Person | None, step: str, action: str, comment: str = "") -> None:
    WorkflowEvent.create(
        case=case,
        at=clock.now(),
        actor=actor,
        actor_name=actor.name if actor else "系统",
        step=step,
        action=action,
        comment=comment,
    )


def open_case_for(record: Any) -> WorkflowCase | None:
    return (
        WorkflowCase.select()
        .where(
            WorkflowCase.subject_model == type(record).__name__,
            WorkflowCase.subject_id == record.id,
            WorkflowCase.finished == False,  # noqa: E712
        )
        .first()
    )


def start(chain_key: str, record: Any, actor: Person, comment: str = "") -> WorkflowCase:
    """Submit a record into its chain: the first step (the submission itself) is completed by `actor`."""
    chain = CHAINS[chain_key]
    if not isinstance(record, chain.model):
        raise ApprovalError(f"{chain.label}只能提交{chain.model.__name__}")
    with db.atomic(), audit_batch(), chain_write("start"):
        if open_case_for(record) is not None:
            raise ApprovalError("该事项已在审批中")
        chain.check(record)
        diagram = latest_diagram(chain_key)
        title, division_id, person_id = chain.describe(record)
        data = {"record_id": record.id, "division_id": division_id, **chain.start_data(record)}
        try:
            inst = Instance.start(spec_of(diagram), data, actor=actor.name)
        except WorkflowError as exc:
            raise ApprovalError(str(exc)) from exc
        case = WorkflowCase.create(
            diagram=diagram,
            chain=chain_key,
            subject_model=type(record).__name__,
            subject_id=record.id,
            title=title,
            division=division_id,
            person=person_id,
            started_by=actor,
            started_at=clock.now(),
            updated_at=clock.now(),
            state=inst.dumps(),
        )
        _event_row(case, actor, "发起", "submit", comment)
        first = inst.ready_tasks()
        event = None
        if len(first) == 1 and not first[0].choices:  # the submission step itself is the submitter's
            try:
                event = inst.complete(first[0].id, actor.name, None, comment)
            except WorkflowError as exc:
                raise ApprovalError(str(exc)) from exc
        _sync_tasks(case, inst, event, actor, frozenset())
        chain.on_change(record, inst, None, actor)
    return case


def subject_of(case: WorkflowCase) -> Any:
    chain = CHAINS[case.chain]
    return chain.model.get_by_id(case.subject_id)


def _task_for_update(task_id: int) -> WorkflowTask:
    """The task with its case and the case's diagram, in one query. On PostgreSQL the case and then the task are
    locked: a second step of the same case waits for this one instead of overwriting its state."""
    query = (
        WorkflowTask.select(WorkflowTask, WorkflowCase, WorkflowDiagram)
        .join(WorkflowCase)
        .join(WorkflowDiagram)
        .where(WorkflowTask.id == task_id)
    )
    if isinstance(db.obj, pw.PostgresqlDatabase):
        query = query.for_update(of=(WorkflowCase, WorkflowTask))
    return query.get()


def _subject_for_update(case: WorkflowCase) -> Any:
    model = CHAINS[case.chain].model
    if isinstance(db.obj, pw.PostgresqlDatabase):
        return model.select().where(model.id == case.subject_id).for_update().get()
    return model.get_by_id(case.subject_id)


def complete(task: WorkflowTask, actor: Person, decision: str | None, comment: str = "", data: dict | None = None):
    """Complete a waiting step for `actor` (403 unless the lane means them), in one transaction with its effect.

    About ten statements: the task, its case and diagram in one locked read; the history event; the task
    table; the case; the record; the audit rows of all of them chained and inserted at the end (R-AUD-1)."""
    with db.atomic(), audit_batch() as batch, chain_write("step"):
        task = _task_for_update(task.id)
        if not may_act(actor, task):
            raise NotAllowed("您无权办理此任务")
        if decision == "return" and not comment.strip():
            raise ApprovalError("退回时请填写意见")
        case = task.case
        try:
            inst = Instance.restore(spec_of(case.diagram), case.state)
            was_ready = frozenset(view.id for view in inst.ready_tasks())
            event = inst.complete(task.task_id, actor.name, decision, comment, data)
        except WorkflowError as exc:
            raise ApprovalError(str(exc)) from exc
        subject = _subject_for_update(case)
        batch.loaded(task, case, subject)
        _event_row(case, actor, task.name, event.get("decision") or "submit", comment)
        _sync_tasks(case, inst, event, actor, was_ready, task)
        CHAINS[case.chain].on_change(subject, inst, event, actor)
    return case


def claim(task: WorkflowTask, actor: Person) -> None:
    """A member of a group lane takes the task so the others see it is being handled."""
    with db.atomic(), audit_batch() as batch:
        task = _task_for_update(task.id)
        if task.assignee_id is not None or not may_act(actor, task):
            raise NotAllowed("您无权认领此任务")
        batch.loaded(task)
        task.assignee = actor
        task.save()
        _event_row(task.case, actor, task.name, "claim")


def reassign(task: WorkflowTask, to: Person, reason: str, actor: Person) -> None:
    """The performance office reassigns or delegates a task; the reason is recorded in the case history."""
    if "office" not in actor.roles:
        raise NotAllowed("只有局绩效办可以转办任务")
    if not reason.strip():
        raise ApprovalError("转办时请说明原因")
    with db.atomic(), audit_batch() as batch:
        task = _task_for_update(task.id)
        if task.status != "open":
            raise ApprovalError("任务已办结，不能转办")
        batch.loaded(task)
        task.assignee = to
        task.save()
        _event_row(task.case, actor, task.name, "reassign", f"转办给 {to.name}：{reason}")


# --- the task list ------------------------------------------------------------------------------------------


def open_tasks_condition(person: Person) -> pw.Expression:
    """Open tasks assigned to this person, or in a group lane of theirs and not yet taken by anyone."""
    lanes = [lane for lane, flag in GROUP_LANES.items() if getattr(person, flag)]
    mine = WorkflowTask.assignee == person
    if lanes:
        mine = mine | (WorkflowTask.assignee.is_null() & WorkflowTask.lane.in_(lanes))
    return (WorkflowTask.status == "open") & mine


def open_tasks_query(person: Person) -> pw.ModelSelect:
    """What waits for this person: tasks assigned to them, and group-lane tasks of their groups (R-WF-2)."""
    return (
        WorkflowTask.select(WorkflowTask, WorkflowCase, Division)
        .join(WorkflowCase)
        .switch(WorkflowTask)
        .join(Division, pw.JOIN.LEFT_OUTER)
        .where(open_tasks_condition(person))
        .order_by(WorkflowTask.due, WorkflowTask.id)
    )


def reminders(person: Person, today: dt.date | None = None) -> list[WorkflowTask]:
    """Tasks falling due within the next two working days, or already overdue (R-WF-2 deadlines)."""
    today = today or clock.today()
    horizon = workdays.add_workdays(today, 2)
    return list(open_tasks_query(person).where(WorkflowTask.due <= horizon))


def case_history(case: WorkflowCase) -> list[WorkflowEvent]:
    return list(WorkflowEvent.select().where(WorkflowEvent.case == case).order_by(WorkflowEvent.at, WorkflowEvent.id))


def plan_items_of(plan: MonthlyPlan) -> list[PlanItem]:
    return list(plan.items.order_by(PlanItem.seq, PlanItem.id))


# --- submitting records (issue 5 §3) --------------------------------------------------------------------------

SUBMITTABLE = ("draft", "returned")
DIVISION_CHAINS = ("annual_targets", "monthly_plan", "monthly_report")


def may_submit(person: Person, chain_key: str, record: Any) -> bool:
    """Who sends a record into its chain (R-SEC-1): the head for the division's plans, arrangement and
    reports; the person for their own claim, application, appeal or week; the office for the ranking and
    for proposed deductions."""
    if chain_key in DIVISION_CHAINS:
        return person.position == "head" and person.division_id == record.division_id
    if chain_key in {"extra_time", "exemption", "weekly_review"}:
        return record.person_id == person.id
    if chain_key == "appeal":
        return record.appellant_id == person.id
    if chain_key == "annual_ranking":
        return "office" in person.roles
    if chain_key == "adjustment":
        if record.kind == "deduction":
            return "office" in person.roles
        return person.position == "head" and person.division_id == record.division_id
    return False


def submit(chain_key: str, record_id: int, actor: Person, comment: str = "") -> WorkflowCase:
    """Send an existing record (a draft, or one returned before its case ended) into its chain."""
    chain = CHAINS.get(chain_key)
    if chain is None:
        raise ApprovalError(f"没有名为 {chain_key} 的审批流程")
    record = chain.model.get_or_none(chain.model.id == record_id)
    if record is None:
        raise ApprovalError("找不到要提交的事项")
    if not may_submit(actor, chain_key, record):
        raise NotAllowed("您无权提交此事项")
    status = getattr(record, "status", None)
    if status is not None and chain_key != "weekly_review" and status not in SUBMITTABLE:
        raise ApprovalError("该事项已提交或已生效，不能再次提交")
    return start(chain_key, record, actor, comment)


def _no_closed_period(day: dt.date) -> None:
    from models import ClosedPeriod

    closed = ClosedPeriod.select().where(
        (ClosedPeriod.year == day.year)
        & (ClosedPeriod.month.is_null() | (ClosedPeriod.month == day.month))
        & ClosedPeriod.reopened_at.is_null()
    )
    if closed.exists():
        raise ApprovalError(f"{day.year}年{day.month}月已结账锁定，不能再申报")


def file_extra_time(
    person: Person, day: dt.date, hours: Decimal, bulletin: str, standard: str, reason: str = ""
) -> WorkflowCase:
    """R-RUN-7: a person claims extra hours for indicator work, citing the supervision bulletin and a
    catalogue standard; the claim goes to the head, then the office. It counts only within its own year,
    so a claim for another year than the current one is refused."""
    if person.division_id is None:
        raise ApprovalError("只有处室人员可以申报加时")
    if hours <= 0 or hours > 200:
        raise ApprovalError("加时小时数应大于 0 且不超过 200")
    if day.year != clock.today().year:
        raise ApprovalError(f"加时只在当年有效，只能申报 {clock.today().year} 年的加时")
    if not bulletin.strip() or not standard.strip():
        raise ApprovalError("请填写督查通报和加时标准")
    _no_closed_period(day)
    with db.atomic():
        claim = ExtraTimeClaim.create(
            person=person, date=day, hours=hours, bulletin=bulletin.strip(), standard=standard.strip(), reason=reason
        )
        return start("extra_time", claim, person, reason)


def apply_exemption(person: Person, from_date: dt.date, reason: str) -> WorkflowCase:
    """R-SCP-3: a person applies not to be assessed individually: head → leader in charge → director."""
    if person.division_id is None:
        raise ApprovalError("只有处室人员可以申请不参与个人绩效管理")
    if not reason.strip():
        raise ApprovalError("请说明申请理由")
    pending = Exemption.select().where(
        (Exemption.person == person) & Exemption.status.in_(("submitted", "in_review", "returned"))
    )
    if pending.exists():
        raise ApprovalError("您已有一份申请正在审批中")
    with db.atomic():
        exemption = Exemption.create(person=person, from_date=from_date, reason=reason.strip())
        return start("exemption", exemption, person, reason)


def file_appeal(person: Person, year: int, month: int | None, subject: str, grounds: str) -> WorkflowCase:
    """R-APL-2: the appeal goes first to the appellant's superior (head, or leader in charge for a head)."""
    if not subject.strip() or not grounds.strip():
        raise ApprovalError("请填写申诉事项和理由")
    if month is not None and not 1 <= month <= 12:
        raise ApprovalError("月份应在 1 到 12 之间")
    if _superior_of(person) is None:
        raise ApprovalError("找不到您的上级，无法提出申诉，请联系局绩效办")
    with db.atomic():
        appeal = Appeal.create(
            year=year,
            month=month,
            appellant=person,
            division=person.division_id,
            subject=subject.strip(),
            grounds=grounds.strip(),
            filed_at=clock.now(),
        )
        return start("appeal", appeal, person, grounds)


def submit_ranking(actor: Person, year: int, comment: str = "") -> WorkflowCase:
    """R-SCO-3: the office submits the year's current results (the ranking) to the party group."""
    if "office" not in actor.roles:
        raise NotAllowed("只有局绩效办可以报送年度考核排名")
    snapshot = ScoreSnapshot.get_or_none((ScoreSnapshot.year == year) & (ScoreSnapshot.current == True))  # noqa: E712
    if snapshot is None:
        raise ApprovalError(f"{year}年度还没有考核结果，请先计算")
    if snapshot.locked:
        raise ApprovalError(f"{snapshot}已经局党组审定")
    return start("annual_ranking", snapshot, actor, comment)
