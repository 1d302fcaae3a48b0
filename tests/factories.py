"""Small factories for tests, no magic (STYLE §5): each makes one record with sensible defaults."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import models
from models import (
    Adjustment,
    Appeal,
    Division,
    ExtraTimeClaim,
    ItemLibraryEntry,
    LeaderAssignment,
    MonthlyPlan,
    Person,
    PlanItem,
    WeeklyReview,
    WorkLogEntry,
)
from models.guard import chain_write

_seq = itertools.count(1)


def _history(factory: Callable[..., Any]) -> Callable[..., Any]:
    """Factories put the world in the state a test needs, as if the chains had run (models/guard.py)."""

    @functools.wraps(factory)
    def make(*args: Any, **kwargs: Any) -> Any:
        with chain_write("test factory"):
            return factory(*args, **kwargs)

    return make


PASSWORD = "demo-pass-1"


def make_division(**overrides: Any) -> Division:
    n = next(_seq)
    values = {"code": f"D{n}", "name": f"处室{n}", "category": "business", "sort_order": n}
    values.update(overrides)
    return Division.create(**values)


def make_person(**overrides: Any) -> Person:
    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"P{n}",
        "name": f"人员{n}",
        "position": "staff",
        "level": "科级",
        "joined": dt.date(2015, 1, 1),
        "username": f"user{n}",
    }
    values.update(overrides)
    if "division" not in values and values["position"] not in {"director", "leader"}:
        values["division"] = make_division()
    person = Person(**values)
    person.set_password(values.pop("password", PASSWORD))
    person.save()
    return person


def make_leader_of(*divisions: Division, **overrides: Any) -> Person:
    leader = make_person(position="leader", level="副局级", division=None, **overrides)
    for division in divisions:
        LeaderAssignment.create(division=division, leader=leader)
    return leader


@_history
def make_plan(division: Division, year: int = 2023, month: int = 10, weights=(60, 40), **overrides) -> MonthlyPlan:
    plan = MonthlyPlan.create(division=division, year=year, month=month, **overrides)
    for i, weight in enumerate(weights, start=1):
        PlanItem.create(plan=plan, seq=i, title=f"{year}-{month:02d} 重点工作{i}", weight=Decimal(weight))
    return plan


def open_year(year: int = 2023, **overrides: Any) -> models.AssessmentYear:
    """The assessment year opened by the office: work is logged only in an open year (services/validation.py)."""
    existing = models.AssessmentYear.get_or_none(models.AssessmentYear.year == year)
    if existing is None:
        return models.AssessmentYear.create(year=year, **overrides)
    for name, value in overrides.items():
        setattr(existing, name, value)
    existing.save()
    return existing


def make_library_entry(division: Division, **overrides: Any) -> ItemLibraryEntry:
    n = next(_seq)
    values = {"division": division, "name": f"事项{n}", "standard_hours": Decimal("2.5")}
    values.update(overrides)
    return ItemLibraryEntry.create(**values)


@_history
def make_log_entry(person: Person, item: ItemLibraryEntry, **overrides: Any) -> WorkLogEntry:
    values: dict[str, Any] = {"person": person, "date": dt.date(2023, 10, 9), "item": item, "quantity": Decimal(1)}
    values.update(overrides)
    values.setdefault("hours", values["quantity"] * item.standard_hours)
    return WorkLogEntry.create(**values)


@_history
def make_review(person: Person, week_start: dt.date = dt.date(2023, 10, 9), **overrides: Any) -> WeeklyReview:
    """An open weekly review of `person`'s week, due the Tuesday after it (R-RUN-6)."""
    values: dict[str, Any] = {"person": person, "week_start": week_start, "due": week_start + dt.timedelta(days=8)}
    values.update(overrides)
    return WeeklyReview.create(**values)


@_history
def make_claim(person: Person, **overrides: Any) -> ExtraTimeClaim:
    values: dict[str, Any] = {
        "person": person,
        "date": dt.date(2023, 10, 9),
        "hours": Decimal(4),
        "bulletin": "督查通报2023年第9期",
        "standard": "宣传信息调研",
        "status": "submitted",
    }
    values.update(overrides)
    return ExtraTimeClaim.create(**values)


@_history
def make_adjustment(division: Division, **overrides: Any) -> Adjustment:
    values: dict[str, Any] = {
        "year": 2023,
        "division": division,
        "kind": "bonus",
        "category": "commendation",
        "points": Decimal(1),
        "reason": "上级表彰",
        "status": "submitted",
    }
    values.update(overrides)
    return Adjustment.create(**values)


@_history
def make_appeal(appellant: Person, **overrides: Any) -> Appeal:
    values: dict[str, Any] = {
        "year": 2023,
        "month": 9,
        "appellant": appellant,
        "division": appellant.division,
        "subject": "9月个人绩效时间",
        "grounds": "有两条日志未确认",
    }
    values.update(overrides)
    return Appeal.create(**values)


@_history
def make_record_of(model: type, division: Division, person: Person) -> Any:
    """One record of `model` belonging to `division` (and, where the model has one, to `person` of it).

    Bureau-wide models (no owner) get a record too, with values unique per call. Used by the admin
    access tables to put one row in "my" division and one in another.
    """
    n = next(_seq)
    year = 2000 + n % 1000
    m = models
    day = dt.date(2023, 10, 9)
    makers: dict[type, Any] = {
        m.Division: lambda: division,
        m.Person: lambda: person,
        m.LeaderAssignment: lambda: (
            LeaderAssignment.get_or_none(LeaderAssignment.division == division)
            or LeaderAssignment.create(division=division, leader=make_person(position="leader", division=None))
        ),
        m.DivisionMembership: lambda: m.DivisionMembership.create(
            person=person, division=division, position=person.position, start=dt.date(2015, 1, n % 28 + 1)
        ),
        m.AssessmentYear: lambda: open_year(year),  # 2023 may be open already
        m.PayStandard: lambda: m.PayStandard.create(year=year, level="科级", org_monthly=Decimal(500)),
        m.CalendarOverride: lambda: m.CalendarOverride.create(date=dt.date(year, 1, 1), kind="workday"),
        m.ClosedPeriod: lambda: m.ClosedPeriod.create(year=year, month=1),
        m.DocumentSequence: lambda: m.DocumentSequence.create(prefix="规绩", year=year),
        m.AnalysisMeeting: lambda: m.AnalysisMeeting.create(
            year=year, month=1, date=dt.date(year, 1, 4), report_due=dt.date(year, 1, 6)
        ),
        m.AnnualTarget: lambda: m.AnnualTarget.create(year=2023, division=division, source="city", title=f"目标{n}"),
        m.AnnualArrangement: lambda: m.AnnualArrangement.create(year=year, division=division, content=f"安排{n}"),
        m.MonthlyPlan: lambda: make_plan(division, year=year),
        m.PlanItem: lambda: make_plan(division, year=year).items.get(),
        m.WeeklyTask: lambda: m.WeeklyTask.create(division=division, week_start=day, title=f"任务{n}"),
        m.MonthlyReport: lambda: m.MonthlyReport.create(division=division, year=year, month=1),
        m.ItemLibraryEntry: lambda: make_library_entry(division),
        m.WorkLogEntry: lambda: make_log_entry(person, make_library_entry(division)),
        m.WeeklyReview: lambda: m.WeeklyReview.create(person=person, week_start=dt.date(year, 1, 2), due=day),
        m.ExtraTimeClaim: lambda: m.ExtraTimeClaim.create(
            person=person, date=day, hours=Decimal(2), bulletin=f"督查通报{n}", standard="办实事"
        ),
        m.Absence: lambda: m.Absence.create(person=person, kind="sick", start=day, end=day),
        m.Exemption: lambda: m.Exemption.create(person=person, from_date=day, reason=f"理由{n}"),
        m.Adjustment: lambda: m.Adjustment.create(
            year=2023, division=division, kind="deduction", category="petition", points=Decimal(1), reason=f"扣分{n}"
        ),
        m.MassEvaluation: lambda: m.MassEvaluation.create(year=year, division=division, score=Decimal(90)),
        m.DemocraticEvaluation: lambda: m.DemocraticEvaluation.create(year=year, person=person, score=Decimal(90)),
        m.Veto: lambda: m.Veto.create(year=year, division=division, reason=f"否决{n}"),
        m.GradeOverride: lambda: m.GradeOverride.create(year=year, person=person, grade="competent"),
        m.Appeal: lambda: m.Appeal.create(
            year=2023, appellant=person, division=division, subject=f"申诉{n}", grounds="理由"
        ),
        m.ImprovementRecord: lambda: m.ImprovementRecord.create(
            year=2023, kind="talk", division=division, person=person, author=person, findings="问题", actions="措施"
        ),
        m.ScoreSnapshot: lambda: _snapshot(n),
        m.DivisionMonthScore: lambda: m.DivisionMonthScore.create(
            snapshot=_snapshot(n), division=division, month=10, score=Decimal(95)
        ),
        m.DivisionYearResult: lambda: m.DivisionYearResult.create(
            snapshot=_snapshot(n),
            division=division,
            monthly_avg=Decimal(95),
            mass_evaluation=Decimal(90),
            bonus=Decimal(0),
            deduction=Decimal(0),
            annual=Decimal(94),
            per_capita_hours=Decimal(400),
            rank=1,
            tier="A",
        ),
        m.PersonMonthResult: lambda: m.PersonMonthResult.create(snapshot=_snapshot(n), person=person, month=10),
        m.PersonYearResult: lambda: m.PersonYearResult.create(snapshot=_snapshot(n), person=person, division=division),
        m.IssuedDocument: lambda: m.IssuedDocument.create(
            kind="individual",
            year=2023,
            division=division,
            person=person,
            prefix="规绩",
            doc_year=2024,
            seq=n,
            number=f"规绩〔2024〕{n}号",
            title=f"通知书{n}",
            sha256="0" * 64,
            size=4,
            pdf=b"%PDF",
        ),
        m.WorkflowDiagram: lambda: _diagram(n),
        m.WorkflowCase: lambda: _case(n, division, person),
        m.WorkflowTask: lambda: m.WorkflowTask.create(
            case=_case(n, division, person),
            task_id=f"t{n}",
            bpmn_id="office_review",
            name="复核",
            lane="office",
            division=division,
            assignee=person,
        ),
        m.WorkflowEvent: lambda: m.WorkflowEvent.create(
            case=_case(n, division, person), actor=person, actor_name=person.name, step="提交", action="submit"
        ),
        m.ChangeRequest: lambda: m.ChangeRequest.create(
            target_model="MonthlyPlan",
            target_id=n,
            title=f"变更申请{n}",
            division=division,
            requester=person,
            reason="调整",
            old_values={},
            new_values={},
            approvers=[],
            base_version=1,
            created_at=dt.datetime(2023, 10, 9, 9, 0),
        ),
        m.Job: lambda: m.Job.create(id=f"job{n}", kind="notice_batch", created_at=dt.datetime(2023, 10, 9, 9, 0)),
    }
    if model is m.ChangeRequest:
        with chain_write("test history"):  # a change request is made by its chain's service
            return makers[model]()
    return makers[model]()


def _snapshot(n: int) -> models.ScoreSnapshot:
    return models.ScoreSnapshot.create(year=2000 + n % 1000, version=n, input_sha256="0" * 64)


def _diagram(n: int) -> models.WorkflowDiagram:
    return models.WorkflowDiagram.create(chain=f"chain{n}", version=1, xml="<x/>", sha256="0" * 64)


def _case(n: int, division: Division, person: Person) -> models.WorkflowCase:
    return models.WorkflowCase.create(
        diagram=_diagram(n),
        chain="monthly_plan",
        subject_model="MonthlyPlan",
        subject_id=n,
        title=f"审批{n}",
        division=division,
        person=person,
        state="{}",
    )


def approve_ranking(year: int, office: Person | None = None, party_member: Person | None = None) -> None:
    """R-SCO-3: the office submits the year's current results and the party group approves them, through the
    ranking chain (the demo's office and director by default), so that the snapshot is the official one."""
    from services import approvals

    office = office or Person.get(Person.username == "jixiaoban")
    party_member = party_member or Person.get(Person.username == "juzhang")
    case = approvals.submit_ranking(office, year)
    for _ in range(4):
        tasks = models.WorkflowTask
        task = tasks.get_or_none((tasks.case == case) & (tasks.status == "open"))
        if task is None:
            return
        if task.lane == "party_group":
            approvals.complete(task, party_member, "approve")
        else:
            approvals.complete(task, office, None)
    raise AssertionError("the ranking chain did not end")
