"""Targets and plans (SPEC §3, R-TGT-*) and the monthly meeting and report (R-RUN-1, R-RUN-2)."""

from __future__ import annotations

import peewee as pw

from models.base import BaseModel, Hours
from models.guard import ChainOwned
from models.org import Division, Person

APPROVAL_STATUSES = (
    ("draft", "草稿"),
    ("submitted", "已提交"),
    ("in_review", "审批中"),
    ("returned", "已退回"),
    ("approved", "已生效"),
)
TARGET_SOURCES = (
    ("city", "市委市政府目标任务"),
    ("province", "省住建厅对口要求"),
    ("party_group", "局党组重点工作"),
    ("function", "处室职能"),
)
ITEM_OUTCOMES = (
    ("pending", "待评定"),
    ("done", "已完成"),
    ("unfinished_ack", "未完成（局长认可）"),
    ("unfinished", "未完成（未认可）"),
)


class AnnualTarget(BaseModel):
    """年度共性工作目标 (R-TGT-1) with its source; approved targets form the responsibility letter (R-TGT-2)."""

    year = pw.IntegerField(index=True)
    division = pw.ForeignKeyField(Division, backref="targets", on_delete="RESTRICT")
    source = pw.CharField(max_length=20, choices=TARGET_SOURCES)
    title = pw.CharField(max_length=200)
    description = pw.TextField(default="")
    status = pw.CharField(max_length=10, choices=APPROVAL_STATUSES, default="draft", index=True)
    version = pw.IntegerField(default=1)  # raised by each approved change request (R-WF-3)

    class Meta:
        table_name = "annual_target"
        chain_owned = ChainOwned(chain_fields=("version",), label="年度目标")

    def __str__(self) -> str:
        return self.title

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, None)


class AnnualArrangement(BaseModel):
    """年度主要工作安排 (R-TGT-3), approved along the R-TGT-4 chain."""

    year = pw.IntegerField()
    division = pw.ForeignKeyField(Division, backref="arrangements", on_delete="RESTRICT")
    content = pw.TextField()
    status = pw.CharField(max_length=10, choices=APPROVAL_STATUSES, default="draft", index=True)
    version = pw.IntegerField(default=1)

    class Meta:
        table_name = "annual_arrangement"
        chain_owned = ChainOwned(chain_fields=("version",), label="年度主要工作安排")
        indexes = ((("year", "division"), True),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, None)


class MonthlyPlan(BaseModel):
    """月度绩效计划 (R-TGT-3): weighted items summing to exactly 100, approved along R-TGT-4."""

    division = pw.ForeignKeyField(Division, backref="monthly_plans", on_delete="RESTRICT")
    year = pw.IntegerField()
    month = pw.IntegerField()
    status = pw.CharField(max_length=10, choices=APPROVAL_STATUSES, default="draft", index=True)
    submitted_at = pw.DateTimeField(null=True)
    approved_at = pw.DateTimeField(null=True)
    version = pw.IntegerField(default=1)  # raised by each approved change request (R-WF-3)

    class Meta:
        table_name = "monthly_plan"
        chain_owned = ChainOwned(chain_fields=("submitted_at", "approved_at", "version"), label="月度绩效计划")
        indexes = ((("division", "year", "month"), True), (("year", "month"), False))

    def __str__(self) -> str:
        return f"{self.division.name} {self.year}年{self.month}月绩效计划"

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, self.month)


class PlanItem(BaseModel):
    """An item of a monthly plan with its weight and its outcome after the monthly meeting (R-RUN-1)."""

    plan = pw.ForeignKeyField(MonthlyPlan, backref="items", on_delete="CASCADE")
    seq = pw.IntegerField(default=0)
    title = pw.CharField(max_length=200)
    weight = Hours()
    target = pw.ForeignKeyField(AnnualTarget, null=True, backref="plan_items", on_delete="SET NULL")
    outcome = pw.CharField(max_length=20, choices=ITEM_OUTCOMES, default="pending", index=True)
    outcome_note = pw.TextField(default="")
    adjustment = pw.TextField(default="")

    class Meta:
        table_name = "plan_item"
        # the outcome is recorded at the monthly meeting (R-RUN-1), a step of the plan's life, not an edit
        chain_owned = ChainOwned(
            status=None, parent="plan", chain_fields=("outcome", "outcome_note", "adjustment"), label="计划事项"
        )

    def __str__(self) -> str:
        return self.title

    def locked_period(self) -> tuple[int, int | None]:
        return (self.plan.year, self.plan.month)


class WeeklyTask(BaseModel):
    """周绩效任务 (R-TGT-5, R-RUN-5): declared by a person or issued by the head for the division."""

    division = pw.ForeignKeyField(Division, backref="weekly_tasks", on_delete="RESTRICT")
    week_start = pw.DateField(index=True)
    person = pw.ForeignKeyField(Person, null=True, backref="weekly_tasks", on_delete="RESTRICT")
    plan_item = pw.ForeignKeyField(PlanItem, null=True, backref="weekly_tasks", on_delete="SET NULL")
    title = pw.CharField(max_length=200)
    status = pw.CharField(
        max_length=10,
        choices=(("declared", "已申报"), ("issued", "已下达"), ("done", "已完成"), ("unfinished", "未完成")),
        default="declared",
    )

    class Meta:
        table_name = "weekly_task"


class AnalysisMeeting(BaseModel):
    """月度绩效分析会 (R-RUN-1): before the 5th, moved later past holidays; the report falls due 2 working
    days after it (R-RUN-2)."""

    year = pw.IntegerField()
    month = pw.IntegerField()
    date = pw.DateField()
    report_due = pw.DateField()
    notes = pw.TextField(default="")

    class Meta:
        table_name = "analysis_meeting"
        indexes = ((("year", "month"), True),)


class MonthlyReport(BaseModel):
    """上月完成情况及下月目标 (R-RUN-2), due by the end of the 2nd working day after the meeting."""

    division = pw.ForeignKeyField(Division, backref="monthly_reports", on_delete="RESTRICT")
    year = pw.IntegerField()
    month = pw.IntegerField()
    completion = pw.TextField(default="")
    next_targets = pw.TextField(default="")
    due = pw.DateField(null=True)
    submitted_at = pw.DateTimeField(null=True)
    late = pw.BooleanField(default=False)
    status = pw.CharField(max_length=10, choices=APPROVAL_STATUSES, default="draft", index=True)
    version = pw.IntegerField(default=1)

    class Meta:
        table_name = "monthly_report"
        chain_owned = ChainOwned(chain_fields=("submitted_at", "late", "due", "version"), label="月度完成情况报告")
        indexes = ((("division", "year", "month"), True),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, self.month)
