"""How each model reaches its division and person, and who may write it (R-SEC-1).

`OWNERSHIP` is the one table the admin views read. Who *sees* what comes from `services.access.scope_of`;
this module only says which path leads from a record to the division and the person that scope talks about,
and which write rule applies. Paths are dotted foreign-key names ("plan.division"); "id" is the record itself.

Write rules:
- MANAGE: reference data, only the performance office and the director (`scope.can_manage`).
- HEAD: division records, the division's head (and managers).
- LEAD: the division's head or its leader in charge (and managers).
- OWN: the person's own record, and managers.
Whatever the rule, a record that runs an approval chain is written here only while it is open (a draft, or
returned to its submitter): its state and the fields its chain sets are never in a form (models/guard.py).
- NOBODY: read-only for everyone (the audit trail).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import peewee as pw

from models import (
    Absence,
    Adjustment,
    AnalysisMeeting,
    AnnualArrangement,
    AnnualTarget,
    Appeal,
    AssessmentYear,
    AuditLog,
    CalendarOverride,
    ClosedPeriod,
    DemocraticEvaluation,
    Division,
    DivisionMembership,
    DocumentSequence,
    Exemption,
    ExtraTimeClaim,
    GradeOverride,
    ImprovementRecord,
    ItemLibraryEntry,
    LeaderAssignment,
    MassEvaluation,
    MonthlyPlan,
    MonthlyReport,
    PayStandard,
    Person,
    PlanItem,
    Veto,
    WeeklyReview,
    WeeklyTask,
    WorkflowCase,
    WorkflowDiagram,
    WorkflowEvent,
    WorkflowTask,
    WorkLogEntry,
    guard,
)
from models.base import in_closed_period
from models.changes import ChangeRequest
from models.documents import IssuedDocument
from models.jobs import Job
from models.results import (
    DivisionMonthScore,
    DivisionYearResult,
    PersonMonthResult,
    PersonYearResult,
    ScoreSnapshot,
)
from services.access import Scope

MANAGE, HEAD, LEAD, OWN, NOBODY = "manage", "head", "lead", "own", "nobody"


@dataclass(frozen=True)
class Owner:
    """Where a record's division and person are, who writes it, and which fields only managers set."""

    division: str | None = None  # None: bureau-wide data, readable by everyone logged in
    person: str | None = None  # own_only scopes see only rows whose person is themselves
    write: str = MANAGE
    managed: tuple[str, ...] = ()  # fields set by managers (or workflows), never by the owner
    managers_only: bool = False  # even reading needs `can_manage`
    portal_form: bool = False  # created only through the portal's own form, which starts its chain


_REVIEW = ("status",)
_PERSONAL = {"division": "person.division", "person": "person"}

OWNERSHIP: dict[type[pw.Model], Owner] = {
    AuditLog: Owner(write=NOBODY, managers_only=True),
    # 组织机构
    Division: Owner(division="id"),
    Person: Owner(division="division", person="id"),
    LeaderAssignment: Owner(division="division"),
    DivisionMembership: Owner(**_PERSONAL),
    # 规则设置 (bureau-wide)
    AssessmentYear: Owner(),
    PayStandard: Owner(),
    CalendarOverride: Owner(),
    ClosedPeriod: Owner(write=NOBODY),  # closed by the office and reopened by the director on /periods only
    DocumentSequence: Owner(),
    AnalysisMeeting: Owner(),
    # 目标计划: the division's head keeps them; approval states move only through the workflows
    AnnualTarget: Owner(division="division", write=HEAD, managed=_REVIEW),
    AnnualArrangement: Owner(division="division", write=HEAD, managed=_REVIEW),
    MonthlyPlan: Owner(division="division", write=HEAD, managed=_REVIEW),
    PlanItem: Owner(division="plan.division", write=HEAD),
    WeeklyTask: Owner(division="division", write=HEAD),
    MonthlyReport: Owner(division="division", write=HEAD, managed=("status", "submitted_at", "late", "due")),
    # 日常工作
    ItemLibraryEntry: Owner(division="division", write=HEAD),
    WorkLogEntry: Owner(**_PERSONAL, write=OWN),
    WeeklyReview: Owner(**_PERSONAL, write=NOBODY),
    ExtraTimeClaim: Owner(**_PERSONAL, write=OWN, portal_form=True),
    # 考核评价: absences are recorded by the office (approved leave, R-SCP-2), never by the person
    Absence: Owner(**_PERSONAL),
    Exemption: Owner(**_PERSONAL, write=OWN, portal_form=True),
    Adjustment: Owner(division="division", write=HEAD, managed=_REVIEW),
    MassEvaluation: Owner(division="division"),
    DemocraticEvaluation: Owner(**_PERSONAL),
    Veto: Owner(division="division"),
    GradeOverride: Owner(**_PERSONAL),
    Appeal: Owner(
        division="appellant.division",
        person="appellant",
        write=OWN,
        managed=("value_before", "value_after"),
        portal_form=True,
    ),
    ImprovementRecord: Owner(division="division", person="person", write=LEAD),
    # 考核结果与审批流程: written only by `flask score` and the approval service, read here
    ScoreSnapshot: Owner(write=NOBODY),
    DivisionMonthScore: Owner(division="division", write=NOBODY),
    DivisionYearResult: Owner(division="division", write=NOBODY),
    PersonMonthResult: Owner(division="person.division", person="person", write=NOBODY),
    PersonYearResult: Owner(division="person.division", person="person", write=NOBODY),
    WorkflowDiagram: Owner(write=NOBODY),
    IssuedDocument: Owner(division="division", person="person", write=NOBODY),
    WorkflowCase: Owner(division="division", person="person", write=NOBODY),
    WorkflowTask: Owner(division="division", person="assignee", write=NOBODY),
    WorkflowEvent: Owner(division="case.division", person="case.person", write=NOBODY),
    ChangeRequest: Owner(division="division", person="requester", write=NOBODY),  # decided by its chain
    Job: Owner(write=NOBODY, managers_only=True),  # run by the workers, followed on /jobs
}


def owner_of(model: type[pw.Model]) -> Owner:
    return OWNERSHIP[model]


# ---- reading: one SQL condition per (model, scope) -------------------------------------------------


def _path_in(model: Any, path: Sequence[str], values: Sequence[int]) -> pw.Expression:
    """`model.<path>` is one of `values`, following foreign keys with IN-subqueries (no joins, so the
    condition composes with whatever joins the list query already has)."""
    column = getattr(model, path[0])
    if len(path) == 1:
        return column.in_(list(values))
    rel = column.rel_model
    inner = rel.select(rel._meta.primary_key).where(_path_in(rel, path[1:], values))
    return column.in_(inner)


def read_condition(model: type[pw.Model], scope: Scope) -> pw.Expression | None:
    """The rows of `model` that `scope` may read, as a WHERE condition; None means all rows."""
    owner = OWNERSHIP[model]
    if owner.managers_only and not scope.can_manage:
        return pw.SQL("1 = 0")
    if scope.divisions is None or owner.division is None:
        return None
    me = [scope.person_id]
    if scope.own_only and owner.person is not None:
        return _path_in(model, owner.person.split("."), me)
    condition = _path_in(model, owner.division.split("."), sorted(scope.divisions))
    if owner.person is not None:
        condition = condition | _path_in(model, owner.person.split("."), me)
    return condition


def scoped_select(model: type[pw.Model], scope: Scope) -> pw.ModelSelect:
    query = model.select()
    condition = read_condition(model, scope)
    return query if condition is None else query.where(condition)


# ---- writing: decided on the record in hand (also for records not saved yet) ---------------------


def _value_at(record: pw.Model, path: str) -> int | None:
    """The id at the end of `path` ("plan.division" -> the plan's division id) without a query for the
    last hop."""
    names = path.split(".")
    current: Any = record
    for name in names[:-1]:
        if current.__data__.get(name) is None:
            return None
        try:
            current = getattr(current, name)
        except pw.DoesNotExist:
            return None
    last = names[-1]
    return current._pk if last == "id" else current.__data__.get(last)


def division_id_of(record: pw.Model) -> int | None:
    owner = OWNERSHIP[type(record)]
    return None if owner.division is None else _value_at(record, owner.division)


def person_id_of(record: pw.Model) -> int | None:
    owner = OWNERSHIP[type(record)]
    return None if owner.person is None else _value_at(record, owner.person)


def is_open(record: pw.Model) -> bool:
    """Whether the record's content may still change here: not in a closed period (R-AUD-1), and, for a record
    that runs a chain, still a draft or returned (models/guard.py)."""
    return guard.editable(record) and not in_closed_period(record)


def may_create(model: type[pw.Model], person: Person, scope: Scope) -> bool:
    """Whether the person may create records of `model` at all (the "create" button)."""
    owner = OWNERSHIP[model]
    rule = owner.write
    if rule == NOBODY or owner.portal_form:
        return False
    if scope.can_manage:
        return True
    return {MANAGE: False, HEAD: "head" in person.roles, LEAD: not scope.own_only, OWN: True}[rule]


def may_write(record: pw.Model, person: Person, scope: Scope) -> bool:
    """Whether the person may change (or delete) this record, in its current in-memory state. A record in review
    or decided changes for nobody here: only its chain moves it, and a change request changes it (R-WF-3)."""
    return is_open(record) and has_write_right(record, person, scope)


def has_write_right(record: pw.Model, person: Person, scope: Scope) -> bool:
    """The person's right over this record by the ownership rules, whatever its state or period."""
    rule = OWNERSHIP[type(record)].write
    if rule == NOBODY:
        return False
    if scope.can_manage:
        return True
    if rule == MANAGE:
        return False
    if rule == HEAD:
        return "head" in person.roles and scope.allows_division(division_id_of(record))
    if rule == LEAD:
        return not scope.own_only and scope.allows_division(division_id_of(record))
    return person_id_of(record) == scope.person_id
