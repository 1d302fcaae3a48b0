"""Organisation: divisions, people, their dated history, the year and its rules (SPEC §1–§2, R-ORG-*)."""

from __future__ import annotations

import contextvars
import datetime as dt
from typing import Any

import peewee as pw
from werkzeug.security import check_password_hash, generate_password_hash

from models import guard
from models.base import BaseModel, JSONField, Money, PeriodLocked

DIVISION_CATEGORIES = (("business", "业务处室"), ("general", "综合处室"))
POSITIONS = (
    ("director", "局长"),
    ("leader", "分管领导"),
    ("head", "处室负责人"),
    ("deputy", "处室副职"),
    ("staff", "工作人员"),
)
EMPLOYMENT_KINDS = (("regular", "在编"), ("borrowed", "借用"))
# werkzeug's default (scrypt) unless a deployment or the test suite chooses another method
PASSWORD_METHOD: str | None = None


class Division(BaseModel):
    """处室 (R-ORG-1): business or general; one leader in charge (R-ORG-2)."""

    code = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=50, unique=True)
    category = pw.CharField(max_length=10, choices=DIVISION_CATEGORIES)
    sort_order = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "division"

    def __str__(self) -> str:
        return self.name


class Person(BaseModel):
    """人员: position, rank level (drives pay standards), employment kind, login (R-ORG-3, R-SEC-1).

    `division` is the current division; `DivisionMembership` keeps the dated history.
    `office_member` marks the performance office (局绩效办); `party_group_member` the party group (局党组);
    `system_admin` the system administrators (系统管理员), who alone manage accounts, passwords and roles
    (`services.accounts`). `session_version` is stored in each login session and checked on every request:
    raising it ends every session of the person. `failed_logins` counts wrong passwords since the last
    success; `locked_until` refuses logins until then.
    """

    code = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=50, index=True)
    division = pw.ForeignKeyField(Division, null=True, backref="people", on_delete="RESTRICT")
    position = pw.CharField(max_length=10, choices=POSITIONS, index=True)
    level = pw.CharField(max_length=20)
    employment = pw.CharField(max_length=10, choices=EMPLOYMENT_KINDS, default="regular")
    joined = pw.DateField(null=True)
    left = pw.DateField(null=True)
    office_member = pw.BooleanField(default=False)
    party_group_member = pw.BooleanField(default=False)
    username = pw.CharField(max_length=50, unique=True, null=True)
    password_hash = pw.CharField(max_length=255, null=True)
    active = pw.BooleanField(default=True)
    locale = pw.CharField(max_length=10, default="zh_Hans_CN")
    system_admin = pw.BooleanField(default=False)
    must_change_password = pw.BooleanField(default=False)
    session_version = pw.IntegerField(default=0)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)

    class Meta:
        table_name = "person"
        audit_exclude = ("password_hash",)

    def __str__(self) -> str:
        return self.name

    def set_password(self, password: str) -> None:
        if PASSWORD_METHOD:
            self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        else:
            self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def roles(self) -> frozenset[str]:
        """Access roles of SPEC §1: the position plus office / party-group membership, and "sysadmin"."""
        roles = {self.position}
        if self.office_member:
            roles.add("office")
        if self.party_group_member:
            roles.add("party_group")
        if self.system_admin:
            roles.add("sysadmin")
        return frozenset(roles)


class DivisionMembership(BaseModel):
    """A person's division from a date on (R-ORG-3): a move takes effect on `start`."""

    person = pw.ForeignKeyField(Person, backref="memberships", on_delete="CASCADE")
    division = pw.ForeignKeyField(Division, backref="memberships", on_delete="RESTRICT")
    position = pw.CharField(max_length=10, choices=POSITIONS)
    start = pw.DateField()
    end = pw.DateField(null=True)

    class Meta:
        table_name = "division_membership"
        indexes = ((("person", "start"), True),)


class LeaderAssignment(BaseModel):
    """分管关系 (R-ORG-2): each division has one leader in charge; a leader may own several divisions."""

    division = pw.ForeignKeyField(Division, unique=True, backref="leader_assignment", on_delete="CASCADE")
    leader = pw.ForeignKeyField(Person, backref="led_divisions", on_delete="RESTRICT")

    class Meta:
        table_name = "leader_assignment"

    def __str__(self) -> str:
        return f"{self.leader.name} 分管 {self.division.name}"


class AssessmentYear(BaseModel):
    """考核年度: the period and the rule parameters of RULES §8 (only overrides are stored)."""

    year = pw.IntegerField(unique=True)
    period_start = pw.IntegerField(default=1)
    period_end = pw.IntegerField(default=12)
    rules = JSONField(default=dict)
    locked = pw.BooleanField(default=False)

    class Meta:
        table_name = "assessment_year"

    def __str__(self) -> str:
        return f"{self.year}年度"

    def locked_period(self) -> tuple[int, int | None]:
        """The year's period and rule parameters freeze with the year (R-AUD-1)."""
        return (self.year, None)


class PayStandard(BaseModel):
    """兑现标准 by rank level and year (R-PAY-3: bases come from the city's rules)."""

    year = pw.IntegerField(index=True)
    level = pw.CharField(max_length=20)
    org_monthly = Money(default=0)
    personal_monthly = Money(default=0)
    competitive_rate = Money(default=0)
    annual_base = Money(default=0)

    class Meta:
        table_name = "pay_standard"
        indexes = ((("year", "level"), True),)

    def locked_period(self) -> tuple[int, int | None]:
        return (self.year, None)


class CalendarOverride(BaseModel):
    """日历调整 (R-CAL-1): the office forces a day to working or non-working; the override wins."""

    date = pw.DateField(unique=True)
    kind = pw.CharField(max_length=10, choices=(("workday", "工作日"), ("holiday", "休息日")))
    note = pw.CharField(max_length=100, default="")

    class Meta:
        table_name = "calendar_override"

    def locked_period(self) -> tuple[int, int | None]:
        return (self.date.year, self.date.month)


class ClosedPeriod(BaseModel):
    """结账: once a month (or, with month empty, a whole year) is closed, its records are locked (R-AUD-1).

    A closure row is never edited or deleted, the admin screens included. The director may reopen it, once, with
    a reason (`services.periods.reopen`): that fills `reopened_at`, `reopened_by` and `reopen_reason`, the only
    change a stored row accepts. Closing the period again makes a new row; at most one row of a period is in
    force (not reopened), which a partial unique index guards (migration 011)."""

    year = pw.IntegerField()
    month = pw.IntegerField(null=True)
    closed_at = pw.DateTimeField(default=dt.datetime.now)
    closed_by = pw.ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    reopened_at = pw.DateTimeField(null=True)
    reopened_by = pw.ForeignKeyField(Person, null=True, backref="reopened_periods", on_delete="RESTRICT")
    reopen_reason = pw.TextField(default="")

    class Meta:
        table_name = "closed_period"
        indexes = ((("year", "month"), False),)

    @property
    def in_force(self) -> bool:
        return self.reopened_at is None

    def save(self, *args: Any, **kwargs: Any) -> int:
        if self._pk is not None and not kwargs.get("force_insert", False):
            stored = type(self).get_or_none(type(self).id == self._pk)
            if stored is not None and not _is_reopening(stored, self):
                raise PeriodLocked(CLOSURE_IMMUTABLE)
            token = _reopening.set(True)
            try:
                return super().save(*args, **kwargs)
            finally:
                _reopening.reset(token)
        return super().save(*args, **kwargs)

    def delete_instance(self, *args: Any, **kwargs: Any) -> int:
        raise PeriodLocked(CLOSURE_IMMUTABLE)

    @classmethod
    def update(cls, __data: dict | None = None, **update: Any) -> pw.ModelUpdate:
        if not _reopening.get():  # a bulk UPDATE would skip the one-reopening rule of save()
            raise PeriodLocked(CLOSURE_IMMUTABLE)
        return super().update(__data, **update)

    @classmethod
    def delete(cls) -> pw.ModelDelete:
        if not guard.in_chain():  # only wiping the whole database (`flask demo --reset`) removes closures
            raise PeriodLocked(CLOSURE_IMMUTABLE)
        return super().delete()


_reopening: contextvars.ContextVar[bool] = contextvars.ContextVar("closure_reopening", default=False)
CLOSURE_IMMUTABLE = "结账记录不能修改或删除；重新开放须由局长说明理由办理"
_CLOSURE_FIELDS = ("year", "month", "closed_at", "closed_by")


def _is_reopening(stored: ClosedPeriod, new: ClosedPeriod) -> bool:
    """The one change a closure row accepts: reopened once, by someone, with a reason; nothing else moves."""
    return (
        stored.reopened_at is None
        and new.reopened_at is not None
        and new.reopened_by_id is not None
        and bool((new.reopen_reason or "").strip())
        and all(stored.__data__.get(f) == new.__data__.get(f) for f in _CLOSURE_FIELDS)
    )


ClosedPeriod.add_index(
    pw.SQL(
        "CREATE UNIQUE INDEX IF NOT EXISTS closed_period_in_force ON closed_period (year, COALESCE(month, 0)) "
        "WHERE reopened_at IS NULL"
    )
)


class DocumentSequence(BaseModel):
    """发文字号序列: numbers per prefix and year, allocated once and never reused (R-RPT-1)."""

    prefix = pw.CharField(max_length=20)
    year = pw.IntegerField()
    last = pw.IntegerField(default=0)

    class Meta:
        table_name = "document_sequence"
        indexes = ((("prefix", "year"), True),)
