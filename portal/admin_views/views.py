"""One admin view per model, grouped in the menu categories of the bureau (R-RPT-2, R-SEC-1).

Only presentation lives here: columns, search, filters, sort, labels. Scope and write rights come from
the base class and `OWNERSHIP`.
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, url_for
from flask_admin.babel import lazy_gettext as _l
from flask_babel import gettext
from markupsafe import Markup, escape

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
)
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
from portal.admin_views.base import BureauModelView
from portal.admin_views.people import PersonView
from portal.fields import FiniteJSONField
from services import validation, worklog

# ---- 组织机构 ------------------------------------------------------------------------------------


class DivisionView(BureauModelView):
    column_list = ("code", "name", "category", "sort_order", "active")
    column_searchable_list = ("code", "name")
    filter_fields = ("category", "active")
    column_default_sort = ("sort_order", False)
    extra_labels = {"name": _l("Division name"), "category": _l("Division category")}


class LeaderAssignmentView(BureauModelView):
    column_list = ("division", "leader")
    column_searchable_list = (Division.name, Person.name)


class DivisionMembershipView(BureauModelView):
    column_list = ("person", "division", "position", "start", "end")
    column_searchable_list = (Person.name,)
    filter_fields = ("position", "start")
    column_default_sort = ("start", True)


def _status_with_changes(kind: str) -> Any:
    """The record's status on its details page, where editing a decided record leads: with the links to its
    versions and, once decided, to 申请变更 — the only way it changes (R-WF-3)."""

    def formatter(view: Any, context: Any, model: Any, name: str) -> Markup:
        value = getattr(model, name)
        shown = escape(dict(model._meta.fields[name].choices or ()).get(value, value))
        links = Markup(' · <a href="{}">{}</a>').format(
            url_for("changes.history", kind=kind, record_id=model.id), gettext("Versions")
        )
        if value == "approved":
            links += Markup(' · <a href="{}">{}</a>').format(
                url_for("changes.new", kind=kind, record_id=model.id), gettext("Request a change")
            )
        return shown + links

    return formatter


# ---- 目标计划 ------------------------------------------------------------------------------------


class AnnualTargetView(BureauModelView):
    column_formatters_detail = {"status": _status_with_changes("target")}
    column_list = ("year", "division", "source", "title", "status")
    column_searchable_list = ("title", Division.name)
    filter_fields = ("year", "source", "status")
    column_default_sort = [("year", True), ("id", False)]


class AnnualArrangementView(BureauModelView):
    column_formatters_detail = {"status": _status_with_changes("arrangement")}
    column_list = ("year", "division", "status", "content")
    column_searchable_list = ("content", Division.name)
    filter_fields = ("year", "status")
    column_default_sort = [("year", True), ("id", False)]


class MonthlyPlanView(BureauModelView):
    column_formatters_detail = {"status": _status_with_changes("plan")}
    column_list = ("division", "year", "month", "status", "submitted_at", "approved_at")
    column_searchable_list = (Division.name,)
    filter_fields = ("year", "month", "status")
    column_default_sort = [("year", True), ("month", True), ("id", False)]

    def check_saved(self, model: MonthlyPlan) -> None:
        validation.check_plan_draft(model)  # R-TGT-3; exactly 100 is checked when it is submitted

    inline_models = [
        (
            PlanItem,
            {
                "form_columns": ("id", "seq", "title", "weight"),  # outcomes come from the monthly meeting
                "form_label": _l("Plan items"),
                "form_args": {
                    "seq": {"label": _l("No.")},
                    "title": {"label": _l("Title")},
                    "weight": {"label": _l("Weight")},
                },
            },
        )
    ]


class PlanItemView(BureauModelView):
    column_list = ("plan", "seq", "title", "weight", "target", "outcome")
    list_joins = ("plan.division", "target")
    column_searchable_list = ("title",)
    filter_fields = (MonthlyPlan.year, MonthlyPlan.month, "outcome")
    column_default_sort = [("plan", True), ("seq", False)]

    def check_saved(self, model: PlanItem) -> None:
        validation.check_plan_draft(model.plan)


class WeeklyTaskView(BureauModelView):
    column_list = ("division", "week_start", "person", "plan_item", "title", "status")
    column_searchable_list = ("title",)
    filter_fields = ("week_start", "status")
    column_default_sort = [("week_start", True), ("id", False)]


class AnalysisMeetingView(BureauModelView):
    column_list = ("year", "month", "date", "report_due", "notes")
    filter_fields = ("year", "month")
    column_default_sort = [("year", True), ("month", True)]


class MonthlyReportView(BureauModelView):
    column_formatters_detail = {"status": _status_with_changes("report")}
    column_list = ("division", "year", "month", "due", "submitted_at", "late", "status")
    column_searchable_list = ("completion", "next_targets")
    filter_fields = ("year", "month", "status", "late")
    column_default_sort = [("year", True), ("month", True), ("id", False)]


# ---- 日常工作 ------------------------------------------------------------------------------------


class ItemLibraryEntryView(BureauModelView):
    column_list = ("division", "name", "unit", "standard_hours", "category", "active")
    column_searchable_list = ("name", "category")
    filter_fields = ("category", "active")
    column_default_sort = [("name", False)]
    extra_labels = {"name": _l("Item"), "category": _l("Item category")}

    def on_model_change(self, form: Any, model: ItemLibraryEntry, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        validation.check_library_item(model)


class WorkLogEntryView(BureauModelView):
    """工作日志: hours are derived from the item library (R-RUN-4), so the form does not offer them."""

    column_list = ("person", "date", "item", "quantity", "hours", "confirmed_hours", "status", "description")
    form_excluded_columns = ("hours",)

    def on_model_change(self, form: Any, model: WorkLogEntry, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        if model.status in (None, "draft"):
            worklog.attach(model)

    column_searchable_list = ("description", Person.name)
    filter_fields = ("date", "status")
    column_default_sort = [("date", True), ("id", True)]


class WeeklyReviewView(BureauModelView):
    column_list = ("person", "week_start", "rater", "due", "status", "rated_at", "late")
    column_searchable_list = (Person.name,)
    filter_fields = ("week_start", "status", "late")
    column_default_sort = [("week_start", True), ("id", False)]


class ExtraTimeClaimView(BureauModelView):
    column_list = ("person", "date", "hours", "bulletin", "standard", "status")
    column_searchable_list = ("bulletin", "standard", "reason", Person.name)
    filter_fields = ("date", "status")
    column_default_sort = [("date", True), ("id", True)]

    def on_model_change(self, form: Any, model: ExtraTimeClaim, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        validation.check_claim(model.person_id, model.date, model.hours)


# ---- 考核评价 ------------------------------------------------------------------------------------


class AbsenceView(BureauModelView):
    column_list = ("person", "kind", "start", "end", "note")
    column_searchable_list = ("note", Person.name)
    filter_fields = ("kind", "start")
    column_default_sort = [("start", True)]
    extra_labels = {"kind": _l("Absence kind")}


class ExemptionView(BureauModelView):
    column_list = ("person", "from_date", "reason", "status")
    column_searchable_list = ("reason", Person.name)
    filter_fields = ("from_date", "status")
    column_default_sort = [("from_date", True)]


class AdjustmentView(BureauModelView):
    column_formatters_detail = {"status": _status_with_changes("adjustment")}
    column_list = ("year", "division", "kind", "category", "points", "status", "reason")
    column_searchable_list = ("reason", Division.name)
    filter_fields = ("year", "kind", "category", "status")
    column_default_sort = [("year", True), ("id", False)]
    extra_labels = {"kind": _l("Bonus or deduction"), "category": _l("Item category")}


class MassEvaluationView(BureauModelView):
    column_list = ("year", "division", "score")
    filter_fields = ("year",)
    column_default_sort = [("year", True), ("id", False)]


class DemocraticEvaluationView(BureauModelView):
    column_list = ("year", "person", "score")
    column_searchable_list = (Person.name,)
    filter_fields = ("year",)
    column_default_sort = [("year", True), ("id", False)]


class VetoView(BureauModelView):
    column_list = ("year", "division", "reason")
    filter_fields = ("year",)
    column_default_sort = [("year", True)]


class GradeOverrideView(BureauModelView):
    column_list = ("year", "person", "grade", "reason")
    column_searchable_list = (Person.name,)
    filter_fields = ("year", "grade")
    column_default_sort = [("year", True)]


class AppealView(BureauModelView):
    column_list = ("year", "month", "appellant", "division", "subject", "status", "filed_at")
    column_searchable_list = ("subject", "grounds")
    filter_fields = ("year", "month", "status")
    column_default_sort = [("filed_at", True)]

    def on_model_change(self, form: Any, model: Appeal, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        validation.check_appeal(model.year, model.month)


class ImprovementRecordView(BureauModelView):
    column_list = ("year", "month", "kind", "division", "person", "author", "date")
    column_searchable_list = ("findings", "actions")
    filter_fields = ("year", "month", "kind")
    column_default_sort = [("date", True)]


# ---- 规则设置 ------------------------------------------------------------------------------------


class AssessmentYearView(BureauModelView):
    column_list = ("year", "period_start", "period_end", "locked")
    form_overrides = {"rules": FiniteJSONField}
    column_default_sort = [("year", True)]

    def on_model_change(self, form: Any, model: AssessmentYear, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        validation.check_rule_parameters(model.rules)  # the scoring rules' own check (RULES §8)


class PayStandardView(BureauModelView):
    column_list = ("year", "level", "org_monthly", "personal_monthly", "competitive_rate", "annual_base")
    column_searchable_list = ("level",)
    filter_fields = ("year",)
    column_default_sort = [("year", True), ("level", False)]


class CalendarOverrideView(BureauModelView):
    column_list = ("date", "kind", "note")
    filter_fields = ("date", "kind")
    column_default_sort = [("date", True)]
    extra_labels = {"kind": _l("Day kind")}


class ClosedPeriodView(BureauModelView):
    column_list = ("year", "month", "closed_at", "closed_by", "reopened_at", "reopened_by", "reopen_reason")
    filter_fields = ("year",)
    column_default_sort = [("year", True), ("month", True)]


class DocumentSequenceView(BureauModelView):
    column_list = ("prefix", "year", "last")
    filter_fields = ("year",)
    column_default_sort = [("year", True), ("prefix", False)]


# ---- 审计日志 ------------------------------------------------------------------------------------


def _json_block(view: Any, context: Any, model: AuditLog, name: str) -> Markup:
    value = getattr(model, name)
    if value is None:
        return Markup("")
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return Markup('<pre class="mb-0">{}</pre>').format(escape(text))


class AuditLogView(BureauModelView):
    """留痕 (R-AUD-1): read-only, for the performance office and the director."""

    column_list = ("at", "actor_name", "action", "model", "record_id")
    column_details_list = ("at", "actor_id", "actor_name", "action", "model", "record_id", "before", "after")
    column_export_list = column_details_list
    column_searchable_list = ("model", "record_id", "actor_name")
    filter_fields = ("model", "action", "at", "actor_name")
    column_default_sort = [("at", True), ("id", True)]
    column_choices = {"action": [("create", _l("Created")), ("update", _l("Updated")), ("delete", _l("Deleted"))]}
    column_formatters_detail = {"before": _json_block, "after": _json_block}
    column_formatters_export = {
        "before": lambda view, context, model, name: json.dumps(getattr(model, name), ensure_ascii=False),
        "after": lambda view, context, model, name: json.dumps(getattr(model, name), ensure_ascii=False),
    }


# ---- 考核结果与审批流程 (read-only: results come from `flask score`, cases from the task list) -------------


class ScoreSnapshotView(BureauModelView):
    column_list = ("year", "version", "current", "locked", "created_at", "created_by", "reason", "input_sha256")
    column_details_list = column_list + ("rules", "warnings")
    filter_fields = ("year", "current")
    column_default_sort = [("year", True), ("version", True)]


class DivisionMonthScoreView(BureauModelView):
    column_list = ("snapshot", "division", "month", "score", "deductions")
    filter_fields = ("month", Division.name)
    column_default_sort = [("snapshot", True), ("month", False), ("id", False)]  # a stable order to page by


class DivisionYearResultView(BureauModelView):
    column_list = (
        "snapshot",
        "rank",
        "division",
        "monthly_avg",
        "mass_evaluation",
        "bonus",
        "deduction",
        "annual",
        "per_capita_hours",
        "tier",
        "vetoed",
    )
    filter_fields = ("tier", Division.name)
    column_default_sort = [("snapshot", True), ("rank", False)]


class PersonMonthResultView(BureauModelView):
    column_list = (
        "snapshot",
        "person",
        "month",
        "legal_hours",
        "qualifying_hours",
        "performance_hours",
        "competitive_hours",
        "personal_score",
        "composite",
        "org_bonus",
        "qualifying_bonus",
        "competitive_bonus",
    )
    column_searchable_list = (Person.name,)
    filter_fields = ("month",)
    column_default_sort = [("snapshot", True), ("month", False), ("id", False)]  # a stable order to page by


class PersonYearResultView(BureauModelView):
    column_list = (
        "snapshot",
        "person",
        "division",
        "assessed",
        "not_assessed_reason",
        "performance_hours",
        "time_score",
        "composite",
        "rank_in_division",
        "grade",
        "annual_bonus",
    )
    column_searchable_list = (Person.name,)
    filter_fields = ("grade", "assessed", Division.name)
    column_default_sort = [("snapshot", True), ("rank_in_division", False)]


class WorkflowDiagramView(BureauModelView):
    column_list = ("chain", "version", "uploaded_at", "uploaded_by", "note", "sha256")
    column_details_list = column_list
    filter_fields = ("chain",)
    column_default_sort = [("chain", False), ("version", True)]


class WorkflowCaseView(BureauModelView):
    column_list = ("title", "chain", "division", "person", "started_by", "started_at", "finished", "outcome")
    column_details_list = column_list + ("diagram", "updated_at")
    column_searchable_list = ("title",)
    filter_fields = ("chain", "finished", "outcome", Division.name)
    column_default_sort = [("started_at", True)]


class WorkflowTaskView(BureauModelView):
    column_list = ("case", "name", "lane", "division", "assignee", "due", "status", "completed_by", "decision")
    column_details_list = column_list + ("created_at", "completed_at", "comment")
    filter_fields = ("status", "lane", "due", Division.name)
    column_default_sort = [("due", False)]


class WorkflowEventView(BureauModelView):
    column_list = ("case", "at", "actor_name", "step", "action", "comment")
    column_searchable_list = ("actor_name", "step")
    filter_fields = ("action", "at")
    column_default_sort = [("at", True)]


class IssuedDocumentView(BureauModelView):
    """发文登记: numbers and fingerprints of every issued notice; the PDFs download from /notices/."""

    column_list = ("number", "title", "kind", "year", "month", "division", "person", "issued_at", "issued_by")
    column_details_list = column_list + ("sha256", "size", "snapshot", "replaces", "reason")
    column_searchable_list = ("number", "title")
    filter_fields = ("kind", "year", Division.name)
    column_default_sort = [("issued_at", True)]


class ChangeRequestView(BureauModelView):
    """变更申请: proposed on the record's own screens and decided by their chain (docs/integrity.md §2); read here."""

    column_list = ("title", "division", "requester", "status", "created_at", "decided_at", "version_applied")
    column_details_list = column_list + ("target_model", "target_id", "reason", "old_values", "new_values")
    column_searchable_list = ("title",)
    filter_fields = ("status", Division.name)
    column_default_sort = [("created_at", True)]
    extra_labels = {
        "created_at": _l("Proposed at"),
        "decided_at": _l("Decided at"),
        "requester": _l("Requester"),
        "version_applied": _l("Version applied"),
        "target_model": _l("Record type"),
        "target_id": _l("Record number"),
        "old_values": _l("Old values"),
        "new_values": _l("New values"),
        "approvers": _l("Approvers"),
        "base_version": _l("Version changed"),
        "open_slot": _l("Open"),
    }


class JobView(BureauModelView):
    """后台任务: queued by the portal, run by the workers; followed on /jobs (docs/deploy.md)."""

    column_list = ("kind", "state", "done", "total", "attempts", "started_by", "created_at", "finished_at")
    column_details_list = ("id", *column_list, "started_at", "error")
    filter_fields = ("kind", "state")
    column_default_sort = [("created_at", True)]

    def get_one(self, id: Any) -> Any:
        """A job's key is text, so no id is impossible to ask for: one that names no job is a 404 as well."""
        record = super().get_one(id)
        if record is None:
            abort(404)
        return record

    extra_labels = {
        "state": _l("Job state"),
        "done": _l("Done"),
        "total": _l("Total"),
        "attempts": _l("Attempts"),
        "created_at": _l("Queued at"),
        "finished_at": _l("Finished at"),
        "error": _l("Error"),
        "params": _l("Parameters"),
        "result": _l("Result"),
    }


ORGANISATION, PLANS, DAILY, ASSESSMENT, RULES = (
    _l("Organisation"),
    _l("Targets and plans"),
    _l("Daily work"),
    _l("Assessment"),
    _l("Rules"),
)
RESULTS = _l("Results and approvals")

# (view class, model, menu label, menu category): the menu in order; every model of ALL_MODELS once.
VIEWS: list[tuple[type[BureauModelView], type, Any, Any]] = [
    (DivisionView, Division, _l("Divisions"), ORGANISATION),
    (PersonView, Person, _l("People"), ORGANISATION),
    (LeaderAssignmentView, LeaderAssignment, _l("Leaders in charge"), ORGANISATION),
    (DivisionMembershipView, DivisionMembership, _l("Division history"), ORGANISATION),
    (AnnualTargetView, AnnualTarget, _l("Annual targets"), PLANS),
    (AnnualArrangementView, AnnualArrangement, _l("Annual arrangements"), PLANS),
    (MonthlyPlanView, MonthlyPlan, _l("Monthly plans"), PLANS),
    (PlanItemView, PlanItem, _l("Plan items"), PLANS),
    (WeeklyTaskView, WeeklyTask, _l("Weekly tasks"), PLANS),
    (AnalysisMeetingView, AnalysisMeeting, _l("Analysis meetings"), PLANS),
    (MonthlyReportView, MonthlyReport, _l("Monthly reports"), PLANS),
    (ItemLibraryEntryView, ItemLibraryEntry, _l("Item library"), DAILY),
    (WorkLogEntryView, WorkLogEntry, _l("Work log"), DAILY),
    (WeeklyReviewView, WeeklyReview, _l("Weekly reviews"), DAILY),
    (ExtraTimeClaimView, ExtraTimeClaim, _l("Extra-time claims"), DAILY),
    (AbsenceView, Absence, _l("Absences"), ASSESSMENT),
    (ExemptionView, Exemption, _l("Exemptions"), ASSESSMENT),
    (AdjustmentView, Adjustment, _l("Bonus and deduction items"), ASSESSMENT),
    (MassEvaluationView, MassEvaluation, _l("Mass evaluations"), ASSESSMENT),
    (DemocraticEvaluationView, DemocraticEvaluation, _l("Democratic evaluations"), ASSESSMENT),
    (VetoView, Veto, _l("Vetoes"), ASSESSMENT),
    (GradeOverrideView, GradeOverride, _l("Grade overrides"), ASSESSMENT),
    (AppealView, Appeal, _l("Appeals"), ASSESSMENT),
    (ImprovementRecordView, ImprovementRecord, _l("Improvement records"), ASSESSMENT),
    (AssessmentYearView, AssessmentYear, _l("Assessment years"), RULES),
    (PayStandardView, PayStandard, _l("Pay standards"), RULES),
    (CalendarOverrideView, CalendarOverride, _l("Calendar overrides"), RULES),
    (ClosedPeriodView, ClosedPeriod, _l("Closed periods"), RULES),
    (DocumentSequenceView, DocumentSequence, _l("Document numbers"), RULES),
    (ScoreSnapshotView, ScoreSnapshot, _l("Score snapshots"), RESULTS),
    (DivisionMonthScoreView, DivisionMonthScore, _l("Division monthly scores"), RESULTS),
    (DivisionYearResultView, DivisionYearResult, _l("Division annual results"), RESULTS),
    (PersonMonthResultView, PersonMonthResult, _l("Person monthly results"), RESULTS),
    (PersonYearResultView, PersonYearResult, _l("Person annual results"), RESULTS),
    (IssuedDocumentView, IssuedDocument, _l("Issued documents"), RESULTS),
    (WorkflowDiagramView, WorkflowDiagram, _l("Workflow diagrams"), RESULTS),
    (WorkflowCaseView, WorkflowCase, _l("Approval cases"), RESULTS),
    (WorkflowTaskView, WorkflowTask, _l("Approval tasks"), RESULTS),
    (WorkflowEventView, WorkflowEvent, _l("Approval history"), RESULTS),
    (ChangeRequestView, ChangeRequest, _l("Change requests"), RESULTS),
    (JobView, Job, _l("Background jobs"), None),
    (AuditLogView, AuditLog, _l("Audit log"), None),
]
