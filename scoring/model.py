"""The scoring model: frozen inputs and outputs of RULES.md (绩效考核规则).

Every number is a ``decimal.Decimal``; nothing here is rounded (RULES §0: round only when writing output).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

D = Decimal


class Position(StrEnum):
    """职务: who the person is in the scoring (RULES §4–§6)."""

    DIRECTOR = "director"  # 局长 (主要领导)
    LEADER = "leader"  # 分管领导
    HEAD = "head"  # 处室负责人
    DEPUTY = "deputy"  # 处室副职
    STAFF = "staff"  # 工作人员


ASSESSABLE = frozenset({Position.HEAD, Position.DEPUTY, Position.STAFF})


class Category(StrEnum):
    """处室类别 (R-ORG-1)."""

    BUSINESS = "business"  # 业务处室
    GENERAL = "general"  # 综合处室


class ItemStatus(StrEnum):
    """Outcome of a monthly plan item at the monthly meeting (RULES §2)."""

    DONE = "done"
    UNFINISHED_ACK = "unfinished_ack"  # 未完成，经局长认可
    UNFINISHED = "unfinished"  # 未完成，未认可


class AbsenceKind(StrEnum):
    """Absences that take a person out of scope (RULES §4) and count towards the limit (RULES §5)."""

    SICK = "sick"  # 病假
    PERSONAL = "personal"  # 事假
    TRAINING = "training"  # 脱产培训
    SECONDMENT = "secondment"  # 外出借调


class AdjustmentKind(StrEnum):
    """Year-end 加扣分 (R-SCO-2)."""

    BONUS = "bonus"
    DEDUCTION = "deduction"


class Grade(StrEnum):
    """Individual annual grade (考核等次)."""

    EXCELLENT = "excellent"  # 优秀
    COMPETENT = "competent"  # 称职
    BASICALLY_COMPETENT = "basically_competent"  # 基本称职
    INCOMPETENT = "incompetent"  # 不称职


class Tier(StrEnum):
    """Division tier of the forced distribution (R-SCO-8)."""

    A = "A"
    B = "B"
    C = "C"


class YearMonth(NamedTuple):
    """A calendar month, ordered; ``str()`` gives ``2023-10`` as in the input and output."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, _stdlib_calendar.monthrange(self.year, self.month)[1])

    def days(self) -> list[date]:
        first = self.first_day
        return [first + timedelta(days=i) for i in range(self.last_day.day)]


def months_between(start: YearMonth, end: YearMonth) -> list[YearMonth]:
    """The months start..end inclusive."""
    out = []
    y, m = start
    while (y, m) <= end:
        out.append(YearMonth(y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(frozen=True, slots=True)
class Rules:
    """Per-year rule parameters (RULES §8); every default is the rulebook's."""

    daily_hours: Decimal = D(8)
    qualifying_ratio: Decimal = D("0.70")
    unack_deduction_ratio: Decimal = D("0.5")
    head_org: Decimal = D("0.8")
    deputy_org: Decimal = D("0.2")
    bonus_cap: Decimal | None = D(5)
    w_monthly: Decimal = D("0.8")
    w_mass: Decimal = D("0.2")
    absence_limit_days: int = 90
    w_time: Decimal = D("0.8")
    w_democratic: Decimal = D("0.2")
    tier_a: Decimal = D("0.30")
    tier_b: Decimal = D("0.50")
    quota_a: Decimal = D("0.70")
    quota_b: Decimal = D("0.50")
    quota_c: Decimal = D("0.20")
    coef_a: Decimal = D("1.2")
    coef_b: Decimal = D("1.0")
    coef_c: Decimal = D("0.8")
    competitive_cap_hours: Decimal | None = None

    def quota(self, tier: Tier) -> Decimal:
        return {Tier.A: self.quota_a, Tier.B: self.quota_b, Tier.C: self.quota_c}[tier]

    def coefficient(self, tier: Tier) -> Decimal:
        return {Tier.A: self.coef_a, Tier.B: self.coef_b, Tier.C: self.coef_c}[tier]


@dataclass(frozen=True, slots=True)
class Division:
    """处室 (R-ORG-1); ``leader`` is the id of its leader in charge (分管领导, R-ORG-2)."""

    id: str
    name: str = ""
    category: Category = Category.BUSINESS
    leader: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """人员; ``level`` (级别) selects the pay standard (RULES §6)."""

    id: str
    position: Position
    division: str | None = None
    level: str = ""
    name: str = ""
    joined: date | None = None
    left: date | None = None


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One item of a division's monthly performance plan (月度绩效计划, RULES §2)."""

    division: str
    month: YearMonth
    weight: Decimal
    status: ItemStatus
    item: str = ""


class HoursEntry(NamedTuple):
    """Confirmed log hours or approved extra time of one person on one day (RULES §4).

    A readable way to write one entry; ``ScoringInput.hours`` takes any ``(person, date, hours)`` tuple, and
    ``parse_input`` builds plain tuples: a city year holds millions of entries, and plain tuples of immutable
    values are the smallest records and the only ones the garbage collector stops scanning.
    """

    person: str
    date: date
    hours: Decimal


HoursRow = tuple[str, date, Decimal]
"""(person, date, hours): one entry of ``ScoringInput.hours`` or ``extra_time``."""


@dataclass(frozen=True, slots=True)
class Absence:
    """Approved absence, both ends inclusive (RULES §4, §5; R-SCP-2)."""

    person: str
    kind: AbsenceKind
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Exemption:
    """Approved exemption from assessment, effective from ``start`` (RULES §4, §5; R-SCP-3)."""

    person: str
    start: date


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Approved year-end bonus or deduction points of a division (R-SCO-2); points are positive."""

    division: str
    kind: AdjustmentKind
    points: Decimal
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Standard:
    """Pay standard of one rank level, in yuan (RULES §6)."""

    org_monthly: Decimal
    personal_monthly: Decimal
    competitive_rate: Decimal
    annual_base: Decimal


@dataclass(frozen=True, slots=True)
class CalendarOverrides:
    """The office's own calendar days (R-CAL-1): forced working days and forced non-working days."""

    workdays: frozenset[date] = frozenset()
    holidays: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class ScoringInput:
    """Everything one year's scoring needs; the shape of ``examples/scoring/*.input.json``."""

    year: int
    period_start: YearMonth
    period_end: YearMonth
    rules: Rules = Rules()
    calendar: CalendarOverrides = CalendarOverrides()
    standards: Mapping[str, Standard] = field(default_factory=dict)
    divisions: tuple[Division, ...] = ()
    people: tuple[Person, ...] = ()
    plan_items: tuple[PlanItem, ...] = ()
    hours: tuple[HoursRow, ...] = ()
    extra_time: tuple[HoursRow, ...] = ()
    absences: tuple[Absence, ...] = ()
    exemptions: tuple[Exemption, ...] = ()
    mass_evaluation: Mapping[str, Decimal] = field(default_factory=dict)
    democratic_evaluation: Mapping[str, Decimal] = field(default_factory=dict)
    adjustments: tuple[Adjustment, ...] = ()
    vetoes: frozenset[str] = frozenset()
    grades: Mapping[str, Grade] = field(default_factory=dict)

    @property
    def months(self) -> list[YearMonth]:
        """The period months (RULES §0)."""
        return months_between(self.period_start, self.period_end)


@dataclass(frozen=True, slots=True)
class DivisionResult:
    """A division's scores for the year (RULES §2, §3)."""

    id: str
    monthly: Mapping[YearMonth, Decimal]
    monthly_avg: Decimal
    mass_evaluation: Decimal | None
    bonus: Decimal
    deduction: Decimal
    annual: Decimal
    per_capita_hours: Decimal
    rank: int
    tier: Tier
    vetoed: bool


class PersonMonth(NamedTuple):
    """One person's figures for one month (RULES §4, §6). Leaders carry only ``org_bonus``.

    A NamedTuple: a city year has a quarter of a million of these, and a tuple is the cheapest immutable
    record.
    """

    legal_hours: Decimal | None = None
    qualifying_hours: Decimal | None = None
    performance_hours: Decimal | None = None
    competitive_hours: Decimal | None = None
    personal_score: Decimal | None = None
    composite: Decimal | None = None
    org_bonus: Decimal | None = None
    qualifying_bonus: Decimal | None = None
    competitive_bonus: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PersonAnnual:
    """One person's annual figures (RULES §5); ``personal`` and ``composite`` only for assessed people."""

    performance_hours: Decimal
    qualifying_hours: Decimal
    time_score: Decimal
    personal: Decimal | None
    composite: Decimal | None


@dataclass(frozen=True, slots=True)
class AnnualBonus:
    """Annual bonus = annual_base × division coefficient × personal coefficient (RULES §6)."""

    division_coefficient: Decimal | None
    personal_coefficient: Decimal
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class PersonResult:
    """One person's results. Which fields exist depends on the position (RULES §6, §7):
    the director has none, a leader in charge has monthly ``org_bonus``, grade and annual bonus,
    heads, deputies and staff have everything."""

    id: str
    division: str | None
    position: Position
    monthly: Mapping[YearMonth, PersonMonth] | None = None
    assessed: bool | None = None
    not_assessed_reason: str | None = None
    annual: PersonAnnual | None = None
    rank_in_division: int | None = None
    grade: Grade | None = None
    annual_bonus: AnnualBonus | None = None


@dataclass(frozen=True, slots=True)
class ScoringResult:
    """The result of one year's scoring, in input order, with warnings as plain sentences."""

    year: int
    months: tuple[YearMonth, ...]
    divisions: tuple[DivisionResult, ...]
    people: tuple[PersonResult, ...]
    warnings: tuple[str, ...]
