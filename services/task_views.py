"""What the approvers' screens show (R-WF-2): the task list, a task with the record behind it, the case history
and the diagram, the records a person may submit, the diagram versions, and each person's reminders.

Everything is read from the indexed table of open human tasks (`WorkflowTask`), never by loading engine
instances, so the task list costs a fixed number of queries however many cases exist or have finished.
The functions return plain frozen dataclasses; views only render them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import peewee as pw

from models import (
    AnnualArrangement,
    AnnualTarget,
    Appeal,
    Division,
    DivisionYearResult,
    Exemption,
    ExtraTimeClaim,
    ItemLibraryEntry,
    LeaderAssignment,
    MonthlyPlan,
    MonthlyReport,
    Person,
    PlanItem,
    ScoreSnapshot,
    WorkflowCase,
    WorkflowDiagram,
    WorkflowTask,
    WorkLogEntry,
)
from services import approvals, week_views
from services import calendar as workdays
from services.approvals import CHAINS, GROUP_LANES, NotAllowed
from workflows.engine import Choice
from workflows.render import render_svg
from workflows.roles import lane_label

PER_PAGE = 30
REMINDER_WORKDAYS = 2  # R-WF-2: what falls due within the next two working days
REMINDERS_SHOWN = 20
ZERO = Decimal(0)


# --- the task list --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLine:
    """One task as the list shows it: the case, the step, where it stands against its due date."""

    id: int
    case_id: int
    title: str
    chain: str
    chain_label: str
    step: str
    lane: str
    lane_label: str
    division: str | None
    due: dt.date | None
    overdue: bool
    due_soon: bool
    claimable: bool  # a group-lane task nobody has taken yet
    completed_at: dt.datetime | None = None
    decision: str | None = None


@dataclass(frozen=True)
class TaskPage:
    lines: list[TaskLine]
    page: int
    per_page: int
    total: int
    chain: str | None = None
    chain_counts: dict[str, int] = field(default_factory=dict)  # open tasks per chain, for the filter
    reminders: list[TaskLine] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _line(task: WorkflowTask, today: dt.date, horizon: dt.date) -> TaskLine:
    case = task.case
    division = task.division if task.division_id else None
    chain = CHAINS.get(case.chain)
    return TaskLine(
        id=task.id,
        case_id=case.id,
        title=case.title,
        chain=case.chain,
        chain_label=chain.label if chain else case.chain,
        step=task.name,
        lane=task.lane,
        lane_label=lane_label(task.lane),
        division=division.name if division else None,
        due=task.due,
        overdue=task.status == "open" and task.due is not None and task.due < today,
        due_soon=task.status == "open" and task.due is not None and today <= task.due <= horizon,
        claimable=task.assignee_id is None,
        completed_at=task.completed_at,
        decision=task.decision,
    )


def reminder_horizon(today: dt.date) -> dt.date:
    return workdays.add_workdays(today, REMINDER_WORKDAYS)


def task_page(person: Person, today: dt.date, chain: str | None = None, page: int = 1) -> TaskPage:
    """What waits for me and my groups, one page of it (R-WF-2). Five queries: the calendar, the count per
    chain, the page, its total, the reminders — whatever the number of cases."""
    horizon = reminder_horizon(today)
    mine = approvals.open_tasks_query(person)
    counts = (
        WorkflowTask.select(WorkflowCase.chain, pw.fn.COUNT(WorkflowTask.id))
        .join(WorkflowCase)
        .where(approvals.open_tasks_condition(person))
        .group_by(WorkflowCase.chain)
        .tuples()
    )
    chain_counts = {key: n for key, n in counts}
    query = mine.where(WorkflowCase.chain == chain) if chain else mine
    total = sum(chain_counts.values()) if not chain else chain_counts.get(chain, 0)
    page = max(1, min(page, max(1, -(-total // PER_PAGE))))
    lines = [_line(t, today, horizon) for t in query.paginate(page, PER_PAGE)]
    soon = [_line(t, today, horizon) for t in mine.where(WorkflowTask.due <= horizon).limit(REMINDERS_SHOWN)]
    ordered = {key: chain_counts[key] for key in CHAINS if key in chain_counts}
    return TaskPage(lines, page, PER_PAGE, total, chain, ordered, soon)


def done_page(person: Person, today: dt.date, page: int = 1) -> TaskPage:
    """已办: the tasks I completed, newest first (three queries)."""
    query = (
        WorkflowTask.select(WorkflowTask, WorkflowCase, Division)
        .join(WorkflowCase)
        .switch(WorkflowTask)
        .join(Division, pw.JOIN.LEFT_OUTER)
        .where(WorkflowTask.completed_by == person)
    )
    total = query.count()
    page = max(1, min(page, max(1, -(-total // PER_PAGE))))
    rows = query.order_by(WorkflowTask.completed_at.desc(), WorkflowTask.id.desc()).paginate(page, PER_PAGE)
    return TaskPage([_line(t, today, today) for t in rows], page, PER_PAGE, total)


# --- one task -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    seq: int
    title: str
    weight: Decimal
    outcome: str


@dataclass(frozen=True)
class EntryLine:
    id: int
    date: dt.date
    item: str
    quantity: Decimal
    unit: str
    hours: Decimal
    description: str
    status: str
    confirmed_hours: Decimal | None


@dataclass(frozen=True)
class RankLine:
    rank: int
    division: str
    annual: Decimal
    tier: str
    vetoed: bool


@dataclass(frozen=True)
class RecordView:
    """The record behind a case: key fields (label key, value), and plan items, log entries or ranks."""

    kind: str  # chain key
    status: str | None
    fields: list[tuple[str, Any]]
    items: list[PlanLine] = field(default_factory=list)
    total_weight: Decimal | None = None
    entries: list[EntryLine] = field(default_factory=list)
    total_hours: Decimal | None = None
    ranks: list[RankLine] = field(default_factory=list)
    declared: list[Any] = field(default_factory=list)  # week_views.TaskLine: the week's declared tasks (R-RUN-5)
    change_target: tuple[str, int] | None = None  # (target key, record id): a decided record may be changed
    change_request_id: int | None = None  # the case is a change request: its side-by-side page


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    actor: str
    step: str
    action: str
    action_label: str | None  # the diagram's flow name for a decision, else None (the view names it)
    comment: str


@dataclass(frozen=True)
class TaskDetail:
    task: TaskLine
    status: str  # open / done / cancelled
    assignee: str | None
    completed_by: str | None
    case_finished: bool
    case_outcome: str | None
    started_by: str | None
    started_at: dt.datetime
    diagram_version: int
    choices: tuple[Choice, ...]
    may_act: bool
    may_claim: bool
    may_reassign: bool
    record: RecordView
    history: list[HistoryLine]
    svg: str
    people: list[tuple[int, str]]  # whom the office may hand the task to


def _record_view(case: WorkflowCase) -> RecordView:
    from services import changes  # builds on approvals, as this module does

    view = _plain_record_view(case)
    record_model = changes.BY_MODEL.get(case.subject_model)
    if case.chain == "change_request":
        return replace(view, change_request_id=case.subject_id)
    if record_model is not None:
        return replace(view, change_target=(record_model.key, case.subject_id))
    return view


def _plain_record_view(case: WorkflowCase) -> RecordView:
    record = approvals.subject_of(case)
    status = getattr(record, "status", None)
    kind = case.chain
    if kind == "monthly_plan":
        items = [PlanLine(i.seq, i.title, i.weight, i.outcome) for i in approvals.plan_items_of(record)]
        return RecordView(
            kind,
            status,
            [("division", record.division.name), ("period", f"{record.year}-{record.month:02d}")],
            items=items,
            total_weight=sum((i.weight for i in items), ZERO),
        )
    if kind == "annual_targets":
        targets = AnnualTarget.select().where(
            (AnnualTarget.year == record.year) & (AnnualTarget.division == record.division_id)
        )
        items = [PlanLine(n, t.title, ZERO, t.source) for n, t in enumerate(targets.order_by(AnnualTarget.id), 1)]
        fields = [("division", record.division.name), ("year", record.year), ("content", record.content)]
        return RecordView(kind, status, fields, items=items)
    if kind == "monthly_report":
        fields = [
            ("division", record.division.name),
            ("period", f"{record.year}-{record.month:02d}"),
            ("completion", record.completion),
            ("next_targets", record.next_targets),
            ("due", record.due),
            ("late", record.late),
        ]
        return RecordView(kind, status, fields)
    if kind == "weekly_review":
        rows = (
            WorkLogEntry.select(WorkLogEntry, ItemLibraryEntry)
            .join(ItemLibraryEntry)
            .where(WorkLogEntry.review == record.id)
            .order_by(WorkLogEntry.date, WorkLogEntry.id)
        )
        entries = [
            EntryLine(
                e.id, e.date, e.item.name, e.quantity, e.item.unit, e.hours, e.description, e.status, e.confirmed_hours
            )
            for e in rows
        ]
        fields = [("person", record.person.name), ("week_start", record.week_start), ("due", record.due)]
        declared = week_views.declared_for_review(record.person, record.week_start)
        total = sum((e.hours for e in entries), ZERO)
        return RecordView(kind, status, fields, entries=entries, total_hours=total, declared=declared)
    if kind == "extra_time":
        claim: ExtraTimeClaim = record
        fields = [
            ("person", claim.person.name),
            ("date", claim.date),
            ("hours", claim.hours),
            ("bulletin", claim.bulletin),
            ("standard", claim.standard),
            ("reason", claim.reason),
        ]
        return RecordView(kind, status, fields)
    if kind == "adjustment":
        fields = [
            ("division", record.division.name),
            ("year", record.year),
            ("kind", record.kind),
            ("category", dict(type(record).category.choices).get(record.category, record.category)),
            ("points", record.points),
            ("reason", record.reason),
            ("evidence", record.evidence),
        ]
        return RecordView(kind, status, fields)
    if kind == "annual_ranking":
        snapshot: ScoreSnapshot = record
        rows = (
            DivisionYearResult.select(DivisionYearResult, Division)
            .join(Division)
            .where(DivisionYearResult.snapshot == snapshot.id)
            .order_by(DivisionYearResult.rank)
        )
        ranks = [RankLine(r.rank, r.division.name, r.annual, r.tier, r.vetoed) for r in rows]
        fields = [("year", snapshot.year), ("version", snapshot.version), ("created_at", snapshot.created_at)]
        return RecordView(kind, "approved" if snapshot.locked else None, fields, ranks=ranks)
    if kind == "appeal":
        appeal: Appeal = record
        period = f"{appeal.year}-{appeal.month:02d}" if appeal.month else str(appeal.year)
        fields = [
            ("person", appeal.appellant.name),
            ("period", period),
            ("subject", appeal.subject),
            ("grounds", appeal.grounds),
            ("answer", appeal.answer),
        ]
        return RecordView(kind, status, fields)
    if kind == "exemption":
        exemption: Exemption = record
        fields = [("person", exemption.person.name), ("from_date", exemption.from_date), ("reason", exemption.reason)]
        return RecordView(kind, status, fields)
    if kind == "change_request":
        fields = [("person", record.requester.name), ("reason", record.reason)]
        return RecordView(kind, status, fields)
    return RecordView(kind, status, [])


def task_detail(task_id: int, person: Person, today: dt.date) -> TaskDetail:
    """A task with everything an approver needs to decide; NotAllowed (403) unless the person may act on it
    or may see its case (R-SEC-1). LookupError when there is no such task."""
    task = (
        WorkflowTask.select(WorkflowTask, WorkflowCase, Division)
        .join(WorkflowCase)
        .switch(WorkflowTask)
        .join(Division, pw.JOIN.LEFT_OUTER)
        .where(WorkflowTask.id == task_id)
        .first()
    )
    if task is None:
        raise LookupError(task_id)
    case = task.case
    acting = approvals.may_act(person, task)
    if not acting and not approvals.may_view_case(person, case):
        raise NotAllowed("您无权查看此任务")
    diagram = WorkflowDiagram.get_by_id(case.diagram_id)
    spec = approvals.spec_of(diagram)
    step = spec.steps.get(task.bpmn_id)
    labels = {(s.name, c.value): c.label for s in spec.steps.values() for c in s.choices}
    tasks = list(
        WorkflowTask.select(WorkflowTask.bpmn_id, WorkflowTask.status).where(WorkflowTask.case == case).tuples()
    )
    current = {bpmn_id for bpmn_id, status in tasks if status == "open"}
    # the engine's own history also holds the submission step that `start` completes at once
    engine_history = json.loads(case.state).get("history", []) if case.state else []
    done = {h["bpmn_id"] for h in engine_history if h.get("bpmn_id")}
    done |= {bpmn_id for bpmn_id, status in tasks if status == "done"}
    done -= current
    history = [
        HistoryLine(e.at, e.actor_name, e.step, e.action, labels.get((e.step, e.action)), e.comment)
        for e in approvals.case_history(case)
    ]
    names = {
        pid: name
        for pid, name in Person.select(Person.id, Person.name)
        .where(Person.id.in_([i for i in (task.assignee_id, task.completed_by_id, case.started_by_id) if i]))
        .tuples()
    }
    office = "office" in person.roles
    people = []
    if office and task.status == "open":
        people = list(
            Person.select(Person.id, Person.name)
            .where(Person.active == True, Person.username.is_null(False))  # noqa: E712
            .order_by(Person.division, Person.id)
            .tuples()
        )
    horizon = reminder_horizon(today)
    return TaskDetail(
        task=_line(task, today, horizon),
        status=task.status,
        assignee=names.get(task.assignee_id),
        completed_by=names.get(task.completed_by_id),
        case_finished=case.finished,
        case_outcome=case.outcome,
        started_by=names.get(case.started_by_id),
        started_at=case.started_at,
        diagram_version=diagram.version,
        choices=step.choices if step else (),
        may_act=acting,
        may_claim=acting and task.assignee_id is None and task.lane in GROUP_LANES,
        may_reassign=office and task.status == "open",
        record=_record_view(case),
        history=history,
        svg=render_svg(diagram.xml, current=current, done=done),
        people=people,
    )


# --- what I may submit ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitLine:
    """A record of mine or my division and what I can do with it: submit it, or open its waiting task."""

    chain: str
    chain_label: str
    record_id: int
    title: str
    status: str | None
    total_weight: Decimal | None = None
    open_task_id: int | None = None  # a task of this record's case waiting for me (e.g. resubmit after return)
    in_review: bool = False

    @property
    def submittable(self) -> bool:
        return self.status in approvals.SUBMITTABLE and not self.in_review


@dataclass(frozen=True)
class SubmitDesk:
    division: str | None
    division_records: list[SubmitLine]
    my_records: list[SubmitLine]
    ranking: SubmitLine | None
    ranking_year: int


def submit_desk(person: Person, today: dt.date) -> SubmitDesk:
    """我的处室 / 我的申请: what the person or their division may send into a chain, and where each stands."""
    division_lines: list[SubmitLine] = []
    if person.position == "head" and person.division_id:
        weights = (
            MonthlyPlan.select(MonthlyPlan, pw.fn.COALESCE(pw.fn.SUM(PlanItem.weight), 0).alias("total"))
            .join(PlanItem, pw.JOIN.LEFT_OUTER)
            .where((MonthlyPlan.division == person.division_id) & (MonthlyPlan.year >= today.year))
            .group_by(MonthlyPlan.id)
            .order_by(MonthlyPlan.year, MonthlyPlan.month)
        )
        for plan in weights:
            title = f"{plan.year}年{plan.month}月绩效计划"
            total = Decimal(str(plan.total)).quantize(Decimal("0.01"))
            division_lines.append(
                SubmitLine("monthly_plan", CHAINS["monthly_plan"].label, plan.id, title, plan.status, total)
            )
        arrangements = AnnualArrangement.select().where(
            (AnnualArrangement.division == person.division_id) & (AnnualArrangement.year >= today.year)
        )
        for a in arrangements:
            label = CHAINS["annual_targets"].label
            division_lines.append(SubmitLine("annual_targets", label, a.id, f"{a.year}年度{label}", a.status))
        reports = MonthlyReport.select().where(
            (MonthlyReport.division == person.division_id) & MonthlyReport.status.in_(approvals.SUBMITTABLE)
        )
        for r in reports.order_by(MonthlyReport.year, MonthlyReport.month):
            title = f"{r.year}年{r.month}月完成情况及下月目标"
            division_lines.append(SubmitLine("monthly_report", CHAINS["monthly_report"].label, r.id, title, r.status))

    mine: list[SubmitLine] = []
    for claim in ExtraTimeClaim.select().where(ExtraTimeClaim.person == person).order_by(ExtraTimeClaim.id.desc()):
        title = f"{claim.date:%Y-%m-%d} 加时 {claim.hours} 小时（{claim.bulletin}）"
        mine.append(SubmitLine("extra_time", CHAINS["extra_time"].label, claim.id, title, claim.status))
    for ex in Exemption.select().where(Exemption.person == person).order_by(Exemption.id.desc()):
        title = f"自 {ex.from_date:%Y-%m-%d} 起不参与个人绩效管理"
        mine.append(SubmitLine("exemption", CHAINS["exemption"].label, ex.id, title, ex.status))
    for ap in Appeal.select().where(Appeal.appellant == person).order_by(Appeal.id.desc()):
        mine.append(SubmitLine("appeal", CHAINS["appeal"].label, ap.id, ap.subject, ap.status))

    ranking = None
    ranking_year = today.year if today.month == 12 else today.year - 1
    if "office" in person.roles:
        snapshot = (
            ScoreSnapshot.select()
            .where(ScoreSnapshot.current == True)  # noqa: E712
            .order_by(ScoreSnapshot.year.desc())
            .first()
        )
        if snapshot is not None:
            ranking_year = snapshot.year
            status = "approved" if snapshot.locked else "draft"
            ranking = SubmitLine("annual_ranking", CHAINS["annual_ranking"].label, snapshot.id, str(snapshot), status)

    lines = division_lines + mine + ([ranking] if ranking else [])
    cases = _open_cases_of(lines, person)
    attach = []
    for line in lines:
        key = (CHAINS[line.chain].model.__name__, line.record_id)
        if key in cases:
            line = replace(line, open_task_id=cases[key][1], in_review=True)
        attach.append(line)
    n_div, n_mine = len(division_lines), len(mine)
    return SubmitDesk(
        division=person.division.name if person.division_id else None,
        division_records=attach[:n_div],
        my_records=attach[n_div : n_div + n_mine],
        ranking=attach[-1] if ranking else None,
        ranking_year=ranking_year,
    )


def _open_cases_of(lines: list[SubmitLine], person: Person) -> dict[tuple[str, int], tuple[int, int | None]]:
    """(model, id) → (open case id, id of its task waiting for `person` or None), in two queries."""
    if not lines:
        return {}
    wanted = {(CHAINS[line.chain].model.__name__, line.record_id) for line in lines}
    models = {m for m, _ in wanted}
    ids = {i for _, i in wanted}
    cases = {
        (model, sid): cid
        for cid, model, sid in WorkflowCase.select(WorkflowCase.id, WorkflowCase.subject_model, WorkflowCase.subject_id)
        .where(
            WorkflowCase.subject_model.in_(sorted(models))
            & WorkflowCase.subject_id.in_(sorted(ids))
            & (WorkflowCase.finished == False)  # noqa: E712
        )
        .tuples()
        if (model, sid) in wanted
    }
    if not cases:
        return {}
    waiting = {
        cid: tid
        for tid, cid in WorkflowTask.select(WorkflowTask.id, WorkflowTask.case)
        .where(
            WorkflowTask.case.in_(list(cases.values()))
            & (WorkflowTask.status == "open")
            & (WorkflowTask.assignee == person)
        )
        .tuples()
    }
    return {key: (cid, waiting.get(cid)) for key, cid in cases.items()}


# --- diagram versions -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionLine:
    id: int
    version: int
    uploaded_by: str | None
    uploaded_at: dt.datetime
    note: str
    running: int
    cases: int
    newest: bool


@dataclass(frozen=True)
class ChainVersions:
    key: str
    label: str
    versions: list[VersionLine]  # newest first


def diagram_versions() -> list[ChainVersions]:
    """R-WF-1: every chain with every stored version, the newest (used for new cases) first, and how many
    cases run on each. Two queries after the bundled diagrams are installed."""
    approvals.install_bundled_diagrams()
    uploader = Person.alias()
    rows = (
        WorkflowDiagram.select(
            WorkflowDiagram.id,
            WorkflowDiagram.chain,
            WorkflowDiagram.version,
            WorkflowDiagram.uploaded_at,
            WorkflowDiagram.note,
            uploader.name.alias("uploader"),
        )
        .join(uploader, pw.JOIN.LEFT_OUTER, on=(WorkflowDiagram.uploaded_by == uploader.id))
        .order_by(WorkflowDiagram.chain, WorkflowDiagram.version.desc())
        .dicts()
    )
    counts = {
        diagram_id: (int(running or 0), total)
        for diagram_id, running, total in WorkflowCase.select(
            WorkflowCase.diagram,
            pw.fn.SUM(pw.Case(None, [(WorkflowCase.finished == False, 1)], 0)),  # noqa: E712
            pw.fn.COUNT(WorkflowCase.id),
        )
        .group_by(WorkflowCase.diagram)
        .tuples()
    }
    by_chain: dict[str, list[VersionLine]] = {}
    for row in rows:
        running, total = counts.get(row["id"], (0, 0))
        lines = by_chain.setdefault(row["chain"], [])
        lines.append(
            VersionLine(
                row["id"], row["version"], row["uploader"], row["uploaded_at"], row["note"], running, total, not lines
            )
        )
    return [ChainVersions(key, chain.label, by_chain.get(key, [])) for key, chain in CHAINS.items()]


@dataclass(frozen=True)
class DiagramView:
    chain: str
    label: str
    version: int
    newest: bool
    note: str
    steps: list[tuple[str, str, str]]  # name, lane label, choice labels
    svg: str


def diagram_view(chain: str, version: int) -> DiagramView:
    if chain not in CHAINS:
        raise LookupError(chain)
    diagram = WorkflowDiagram.get_or_none((WorkflowDiagram.chain == chain) & (WorkflowDiagram.version == version))
    if diagram is None:
        raise LookupError(version)
    newest = approvals.latest_diagram(chain).version == version
    spec = approvals.spec_of(diagram)
    steps = [(s.name, s.lane_label, "、".join(c.label for c in s.choices)) for s in spec.steps.values()]
    return DiagramView(chain, CHAINS[chain].label, version, newest, diagram.note, steps, render_svg(diagram.xml))


# --- reminders (the scheduler's poll) -------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonReminders:
    person: str
    division: str | None
    overdue: list[TaskLine]
    due_soon: list[TaskLine]
    escalated: list[tuple[str, TaskLine]]  # (who is late, their overdue weekly rating) — R-RUN-6


def reminder_digest(today: dt.date) -> list[PersonReminders]:
    """Per person, the tasks already overdue or due within two working days (timers fire only when asked:
    this is the poll). Group-lane tasks nobody has taken go to every member of the group. An overdue weekly
    rating (R-RUN-6, due end of Tuesday) is escalated to the leader in charge of the division, or to the
    director when the late rater is that leader."""
    horizon = reminder_horizon(today)
    tasks = list(
        WorkflowTask.select(WorkflowTask, WorkflowCase, Division)
        .join(WorkflowCase)
        .switch(WorkflowTask)
        .join(Division, pw.JOIN.LEFT_OUTER)
        .where((WorkflowTask.status == "open") & (WorkflowTask.due <= horizon))
        .order_by(WorkflowTask.due, WorkflowTask.id)
    )
    people = {
        p.id: p
        for p in Person.select(Person, Division)
        .join(Division, pw.JOIN.LEFT_OUTER, on=(Person.division == Division.id))
        .where(Person.active == True)  # noqa: E712
    }
    members = {lane: [p.id for p in people.values() if getattr(p, flag)] for lane, flag in GROUP_LANES.items()}
    leader_of = dict(LeaderAssignment.select(LeaderAssignment.division, LeaderAssignment.leader).tuples())
    director = next((p.id for p in sorted(people.values(), key=lambda p: p.id) if p.position == "director"), None)
    overdue: dict[int, list[TaskLine]] = {}
    soon: dict[int, list[TaskLine]] = {}
    escalated: dict[int, list[tuple[str, TaskLine]]] = {}
    for task in tasks:
        line = _line(task, today, horizon)
        owners = [task.assignee_id] if task.assignee_id else members.get(task.lane, [])
        for owner in owners:
            if owner in people:
                (overdue if line.overdue else soon).setdefault(owner, []).append(line)
        if line.overdue and task.case.chain == "weekly_review" and task.assignee_id:
            boss = leader_of.get(task.division_id)
            if boss == task.assignee_id or boss is None:
                boss = director
            if boss is not None and boss in people:
                late = people[task.assignee_id].name if task.assignee_id in people else "—"
                escalated.setdefault(boss, []).append((late, line))
    result = []
    for pid in sorted(set(overdue) | set(soon) | set(escalated), key=lambda i: (people[i].division_id or 0, i)):
        person = people[pid]
        result.append(
            PersonReminders(
                person.name,
                person.division.name if person.division_id else None,
                overdue.get(pid, []),
                soon.get(pid, []),
                escalated.get(pid, []),
            )
        )
    return result


# --- the home page's block ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskSummary:
    """首页「待办」: how many tasks wait for me, how many are overdue, and the nearest few."""

    open: int
    overdue: int
    nearest: list[TaskLine]


HOME_SHOWN = 5


def task_summary(person: Person, today: dt.date) -> TaskSummary:
    """Two queries: the counts, and the nearest tasks (the ones due first)."""
    mine = approvals.open_tasks_query(person)
    counts = (
        WorkflowTask.select(
            pw.fn.COUNT(WorkflowTask.id),
            pw.fn.COALESCE(pw.fn.SUM(pw.Case(None, [(WorkflowTask.due < today, 1)], 0)), 0),
        )
        .join(WorkflowCase)
        .where(approvals.open_tasks_condition(person))
        .tuples()
        .get()
    )
    nearest = [_line(t, today, today) for t in mine.limit(HOME_SHOWN)]
    return TaskSummary(int(counts[0] or 0), int(counts[1] or 0), nearest)
