"""Stored scoring results (issue 4): each run of the rules over a year is a versioned snapshot that names its
input (SHA-256 of the exact scoring input), its rule parameters, when and by whom. Screens and notices read
these rows, never recompute on the fly."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from models.base import BaseModel, Hours, JSONField, Money
from models.guard import ChainOwned
from models.org import Division, Person


class ScoreSnapshot(BaseModel):
    """一次考核计算结果: the input's hash, the rules used, warnings; `current` marks the one in force."""

    year = pw.IntegerField()
    version = pw.IntegerField()
    created_at = pw.DateTimeField(default=dt.datetime.now)
    created_by = pw.ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    reason = pw.CharField(max_length=200, default="")
    input_sha256 = pw.CharField(max_length=64)
    rules = JSONField(default=dict)
    warnings = JSONField(default=list)
    current = pw.BooleanField(default=False)
    locked = pw.BooleanField(default=False)

    class Meta:
        table_name = "score_snapshot"
        # a computed result never changes; the party group's approval (the ranking chain) locks it
        chain_owned = ChainOwned(
            status="locked",
            initial=False,
            editable=frozenset(),
            deletable=frozenset(),
            free_fields=("current",),
            label="考核结果",
        )
        indexes = ((("year", "version"), True),)

    def __str__(self) -> str:
        return f"{self.year}年度第{self.version}版考核结果"


class DivisionMonthScore(BaseModel):
    """S(d, m) of RULES §2 with the items that lost points."""

    snapshot = pw.ForeignKeyField(ScoreSnapshot, backref="division_months", on_delete="CASCADE")
    division = pw.ForeignKeyField(Division, on_delete="RESTRICT")
    month = pw.IntegerField()
    score = Hours()
    deductions = JSONField(default=list)

    class Meta:
        table_name = "division_month_score"
        indexes = ((("snapshot", "division", "month"), True),)


class DivisionYearResult(BaseModel):
    """Annual score, rank and tier of a division (RULES §3)."""

    snapshot = pw.ForeignKeyField(ScoreSnapshot, backref="division_years", on_delete="CASCADE")
    division = pw.ForeignKeyField(Division, on_delete="RESTRICT")
    monthly_avg = Hours()
    mass_evaluation = Hours()
    bonus = Hours()
    deduction = Hours()
    annual = Hours()
    per_capita_hours = Hours()
    rank = pw.IntegerField()
    tier = pw.CharField(max_length=1)
    vetoed = pw.BooleanField(default=False)

    class Meta:
        table_name = "division_year_result"
        indexes = ((("snapshot", "division"), True), (("snapshot", "rank"), False))


class PersonMonthResult(BaseModel):
    """A person's monthly hours, scores and money (RULES §4, §6); null where a value does not exist."""

    snapshot = pw.ForeignKeyField(ScoreSnapshot, backref="person_months", on_delete="CASCADE")
    person = pw.ForeignKeyField(Person, on_delete="RESTRICT")
    month = pw.IntegerField()
    legal_hours = Hours(null=True)
    qualifying_hours = Hours(null=True)
    performance_hours = Hours(null=True)
    competitive_hours = Hours(null=True)
    personal_score = Hours(null=True)
    composite = Hours(null=True)
    org_bonus = Money(null=True)
    qualifying_bonus = Money(null=True)
    competitive_bonus = Money(null=True)

    class Meta:
        table_name = "person_month_result"
        indexes = ((("snapshot", "person", "month"), True),)


class PersonYearResult(BaseModel):
    """A person's annual assessment: rank in the division, grade and annual bonus (RULES §5, §6)."""

    snapshot = pw.ForeignKeyField(ScoreSnapshot, backref="person_years", on_delete="CASCADE")
    person = pw.ForeignKeyField(Person, on_delete="RESTRICT")
    division = pw.ForeignKeyField(Division, null=True, on_delete="RESTRICT")
    assessed = pw.BooleanField(null=True)
    not_assessed_reason = pw.CharField(max_length=200, null=True)
    performance_hours = Hours(null=True)
    qualifying_hours = Hours(null=True)
    time_score = Hours(null=True)
    personal = Hours(null=True)
    composite = Hours(null=True)
    rank_in_division = pw.IntegerField(null=True)
    grade = pw.CharField(max_length=20, null=True)
    division_coefficient = Hours(null=True)
    personal_coefficient = Hours(null=True)
    annual_bonus = Money(null=True)

    class Meta:
        table_name = "person_year_result"
        indexes = ((("snapshot", "person"), True), (("snapshot", "division", "rank_in_division"), False))
