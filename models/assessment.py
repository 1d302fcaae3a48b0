"""Scope, year-end items, evaluations, appeals and improvement (SPEC §5–§7)."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from models.base import BaseModel, Hours
from models.guard import ChainOwned
from models.org import Division, Person
from models.worklog import CLAIM_STATUSES

ABSENCE_KINDS = (("sick", "病假"), ("personal", "事假"), ("training", "脱产培训"), ("secondment", "外单位挂职"))
ADJUSTMENT_CATEGORIES = (
    ("target_missed", "目标未完成"),
    ("assigned_overdue", "交办事项逾期"),
    ("soft_environment", "软环境通报"),
    ("dereliction", "工作重大失职"),
    ("petition", "信访有理投诉"),
    ("lawsuit", "行政诉讼败诉"),
    ("discipline", "党政纪处理"),
    ("ranking_advance", "排名进位"),
    ("commendation", "上级表彰"),
    ("innovation", "创新创优"),
)
GRADES = (
    ("excellent", "优秀"),
    ("competent", "称职"),
    ("basically_competent", "基本称职"),
    ("incompetent", "不称职"),
)


class Absence(BaseModel):
    """病事假、脱产培训、挂职 (R-SCP-2): over 90 days in the year takes a person out of assessment."""

    person = pw.ForeignKeyField(Person, backref="absences", on_delete="RESTRICT")
    kind = pw.CharField(max_length=12, choices=ABSENCE_KINDS)
    start = pw.DateField()
    end = pw.DateField()
    note = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "absence"
        indexes = ((("person", "start"), False),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.start.year, self.start.month)


class Exemption(BaseModel):
    """不参与个人绩效管理 (R-SCP-3): person applies → head → leader in charge → director."""

    person = pw.ForeignKeyField(Person, backref="exemptions", on_delete="RESTRICT")
    from_date = pw.DateField()
    reason = pw.TextField()
    status = pw.CharField(max_length=10, choices=CLAIM_STATUSES, default="draft", index=True)

    class Meta:
        table_name = "exemption"
        chain_owned = ChainOwned(label="不参与个人绩效管理申请")

    @property
    def year(self) -> int:
        """The assessment year the exemption starts in."""
        return self.from_date.year

    def locked_period(self) -> tuple[int, int | None]:
        return (self.from_date.year, self.from_date.month)


class Adjustment(BaseModel):
    """年终加扣分 (R-SCO-2): proposed deductions and declared bonus items, approved with evidence."""

    year = pw.IntegerField(index=True)
    division = pw.ForeignKeyField(Division, backref="adjustments", on_delete="RESTRICT")
    kind = pw.CharField(max_length=10, choices=(("bonus", "加分"), ("deduction", "扣分")))
    category = pw.CharField(max_length=20, choices=ADJUSTMENT_CATEGORIES)
    points = Hours()
    reason = pw.TextField()
    evidence = pw.TextField(default="")
    status = pw.CharField(max_length=10, choices=CLAIM_STATUSES, default="draft", index=True)
    version = pw.IntegerField(default=1)  # raised by each approved change request (R-WF-3)

    class Meta:
        table_name = "adjustment"
        chain_owned = ChainOwned(chain_fields=("version",), label="加扣分事项")

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, None)


class MassEvaluation(BaseModel):
    """群众评议 of a division for a year (R-SCO-3)."""

    year = pw.IntegerField()
    division = pw.ForeignKeyField(Division, on_delete="RESTRICT")
    score = Hours()

    class Meta:
        table_name = "mass_evaluation"
        indexes = ((("year", "division"), True),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, None)


class DemocraticEvaluation(BaseModel):
    """民主评议 of a person for a year (R-SCO-7)."""

    year = pw.IntegerField()
    person = pw.ForeignKeyField(Person, on_delete="RESTRICT")
    score = Hours()

    class Meta:
        table_name = "democratic_evaluation"
        indexes = ((("year", "person"), True),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, None)


class Veto(BaseModel):
    """一票否决 (R-SCO-4): the division and its head lose eligibility for excellence."""

    year = pw.IntegerField()
    division = pw.ForeignKeyField(Division, on_delete="RESTRICT")
    reason = pw.TextField()

    class Meta:
        table_name = "veto"
        indexes = ((("year", "division"), True),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, None)


class GradeOverride(BaseModel):
    """A grade set by hand: basically competent / incompetent for anyone, or a leader's grade (RULES §5, §6)."""

    year = pw.IntegerField()
    person = pw.ForeignKeyField(Person, on_delete="RESTRICT")
    grade = pw.CharField(max_length=20, choices=GRADES)
    reason = pw.TextField(default="")

    class Meta:
        table_name = "grade_override"
        indexes = ((("year", "person"), True),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, None)


class Appeal(BaseModel):
    """申诉 (R-APL-2): talk to the superior first, then the performance office answers; an upheld appeal
    changes the result and both values are kept."""

    year = pw.IntegerField(index=True)
    month = pw.IntegerField(null=True)
    appellant = pw.ForeignKeyField(Person, backref="appeals", on_delete="RESTRICT")
    division = pw.ForeignKeyField(Division, null=True, on_delete="RESTRICT")
    subject = pw.CharField(max_length=200)
    grounds = pw.TextField()
    status = pw.CharField(
        max_length=12,
        choices=(
            ("filed", "已提出"),
            ("talking", "沟通中"),
            ("escalated", "已提交绩效办"),
            ("resolved", "沟通解决"),
            ("upheld", "申诉成立"),
            ("rejected", "申诉不成立"),
        ),
        default="filed",
        index=True,
    )
    answer = pw.TextField(default="")
    value_before = pw.CharField(max_length=100, default="")
    value_after = pw.CharField(max_length=100, default="")
    filed_at = pw.DateTimeField(default=dt.datetime.now)

    class Meta:
        table_name = "appeal"
        chain_owned = ChainOwned(
            initial="filed",
            editable=frozenset({"filed"}),
            deletable=frozenset(),
            chain_fields=("answer",),
            label="申诉",
        )

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, self.month)


class ImprovementRecord(BaseModel):
    """绩效改进 (R-APL-1): a leader's guidance to a low-scoring division or a head's talk with a person."""

    year = pw.IntegerField()
    month = pw.IntegerField(null=True)
    kind = pw.CharField(max_length=10, choices=(("guidance", "处室指导"), ("talk", "个人谈话")))
    division = pw.ForeignKeyField(Division, on_delete="RESTRICT")
    person = pw.ForeignKeyField(Person, null=True, backref="improvement_talks", on_delete="RESTRICT")
    author = pw.ForeignKeyField(Person, backref="improvement_written", on_delete="RESTRICT")
    findings = pw.TextField()
    actions = pw.TextField()
    date = pw.DateField(default=dt.date.today)

    class Meta:
        table_name = "improvement_record"
