"""Peewee models of the bureau (SPEC §2–§7). `db` is bound by `init_db()` in the app factory."""

from models.assessment import (
    Absence,
    Adjustment,
    Appeal,
    DemocraticEvaluation,
    Exemption,
    GradeOverride,
    ImprovementRecord,
    MassEvaluation,
    Veto,
)
from models.audit import AuditLog
from models.base import BaseModel, PeriodLocked, acting_as, audit_suspended, db, init_db
from models.changes import ChangeRequest
from models.documents import DocumentImmutable, IssuedDocument
from models.jobs import Job
from models.org import (
    AssessmentYear,
    CalendarOverride,
    ClosedPeriod,
    Division,
    DivisionMembership,
    DocumentSequence,
    LeaderAssignment,
    PayStandard,
    Person,
)
from models.plans import (
    AnalysisMeeting,
    AnnualArrangement,
    AnnualTarget,
    MonthlyPlan,
    MonthlyReport,
    PlanItem,
    WeeklyTask,
)
from models.results import (
    DivisionMonthScore,
    DivisionYearResult,
    PersonMonthResult,
    PersonYearResult,
    ScoreSnapshot,
)
from models.workflow import WorkflowCase, WorkflowDiagram, WorkflowEvent, WorkflowTask
from models.worklog import ExtraTimeClaim, ItemLibraryEntry, WeeklyReview, WorkLogEntry

ALL_MODELS: list[type] = [
    AuditLog,
    Division,
    Person,
    LeaderAssignment,
    DivisionMembership,
    AssessmentYear,
    PayStandard,
    CalendarOverride,
    ClosedPeriod,
    DocumentSequence,
    AnnualTarget,
    AnnualArrangement,
    MonthlyPlan,
    PlanItem,
    WeeklyTask,
    AnalysisMeeting,
    MonthlyReport,
    ItemLibraryEntry,
    WeeklyReview,
    WorkLogEntry,
    ExtraTimeClaim,
    Absence,
    Exemption,
    Adjustment,
    MassEvaluation,
    DemocraticEvaluation,
    Veto,
    GradeOverride,
    Appeal,
    ImprovementRecord,
    ScoreSnapshot,
    DivisionMonthScore,
    DivisionYearResult,
    PersonMonthResult,
    PersonYearResult,
    WorkflowDiagram,
    WorkflowCase,
    WorkflowTask,
    WorkflowEvent,
    IssuedDocument,
    ChangeRequest,
    Job,
]

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS",
    "BaseModel",
    "DocumentImmutable",
    "PeriodLocked",
    "acting_as",
    "audit_suspended",
    "db",
    "init_db",
]
