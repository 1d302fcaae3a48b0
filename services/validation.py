"""The business rules every path checks (issue 9 §3, R-WF-3): one function per rule, called by the services
(submission, every approval step, logging work, filing a claim or an appeal, setting the year's rules) and by the
admin screens before they save. A refusal is a `RuleViolation` naming the field, with a message in Chinese.

Bounds, and why (docs/requirements.md R-RUN-3, R-RUN-4, R-RUN-6, R-RUN-7, R-TGT-3):

- `MAX_QUANTITY` 1000 units per log entry: a day's work of a clerk is never a thousand cases; larger numbers
  are typos (a quantity of 99,999,999 would make 399,999,996 hours).
- `MAX_ENTRY_HOURS` and `MAX_DAY_HOURS` 24: one entry, and a person's whole day, hold at most the hours a day has.
- `MAX_STANDARD_HOURS` 24 per unit: one unit of a library item is at most a day's work; longer work is a unit of
  its own in the library or is logged day by day.
- `MAX_WEIGHT` 100: a plan item weighs more than 0 and at most the month's 100 points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import peewee as pw

import scoring
from models import Absence, AssessmentYear, ItemLibraryEntry, MonthlyPlan, PlanItem, WorkLogEntry
from models.base import closed_period_refusal
from scoring import limits
from services import clock

MAX_QUANTITY = Decimal(1000)
MAX_ENTRY_HOURS = Decimal(24)
MAX_DAY_HOURS = Decimal(24)
MAX_STANDARD_HOURS = Decimal(24)
MAX_WEIGHT = Decimal(100)
MAX_CLAIM_HOURS = Decimal(200)


class RuleViolation(ValueError):
    """A value a business rule refuses; `field` names the field, the message is for the user, in Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _num(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


# --- plans (R-TGT-3) ------------------------------------------------------------------------------------------


def _weights(plan: MonthlyPlan) -> list[Decimal]:
    return [Decimal(w) for (w,) in PlanItem.select(PlanItem.weight).where(PlanItem.plan == plan).tuples()]


def check_item_weights(weights: Iterable[Decimal]) -> Decimal:
    """Each item weighs more than 0 and at most 100; returns the total."""
    total = Decimal(0)
    for weight in weights:
        if weight is None or weight <= 0 or weight > MAX_WEIGHT:
            shown = "空" if weight is None else _num(weight)
            raise RuleViolation("weight", f"权重：{shown} 不在允许范围内，每项权重应大于 0 且不超过 100")
        total += weight
    return total


def check_plan_draft(plan: MonthlyPlan) -> None:
    """A plan being written (admin screens): every weight in range and the total not above 100 (R-TGT-3)."""
    total = check_item_weights(_weights(plan))
    if total > MAX_WEIGHT:
        raise RuleViolation("weight", f"权重：月度计划各事项权重合计为 {_num(total)}，不能超过 100")


def check_plan(plan: MonthlyPlan) -> None:
    """R-TGT-3: a plan that is submitted, resubmitted or passes an approval step has items weighing exactly 100."""
    weights = _weights(plan)
    if not weights:
        raise RuleViolation("items", "月度计划还没有任何事项，不能提交")
    total = check_item_weights(weights)
    if total != MAX_WEIGHT:
        raise RuleViolation("weight", f"权重：月度计划各事项权重合计为 {_num(total)}，应为 100")


# --- the item library and the daily log (R-RUN-3, R-RUN-4) ---------------------------------------------------


def check_library_item(item: ItemLibraryEntry) -> None:
    """R-RUN-3: standard hours per unit are more than 0 and at most `MAX_STANDARD_HOURS`."""
    hours = item.standard_hours
    if hours is None or Decimal(hours) <= 0 or Decimal(hours) > MAX_STANDARD_HOURS:
        shown = "空" if hours is None else _num(hours)
        raise RuleViolation("standard_hours", f"标准工时：{shown} 小时不在允许范围内，应大于 0 且不超过 24 小时")


def check_work_date(person_id: int, day: dt.date, what: str = "日期") -> None:
    """A day a person may book work on: not after today, not in a closed period, not inside one of the
    person's approved absences (R-SCP-2: absences are entered by the office from approved leave)."""
    if day > clock.today():
        raise RuleViolation("date", f"{what}：{day:%Y-%m-%d} 晚于今天，不能预先填报")
    if day.year < limits.MIN_YEAR:
        raise RuleViolation("date", f"{what}：{day:%Y-%m-%d} 不在系统管理的考核年度内")
    absence = (
        Absence.select()
        .where((Absence.person == person_id) & (Absence.start <= day) & (Absence.end >= day))
        .order_by(Absence.start)
        .first()
    )
    if absence is not None:
        raise RuleViolation(
            "date",
            f"{what}：{day:%Y-%m-%d} 在本人请假/脱产期间"
            f"（{absence.start:%Y-%m-%d} 至 {absence.end:%Y-%m-%d}），不能填报",
        )


def check_open_year(day: dt.date, what: str = "日期") -> None:
    """Work is logged only in an assessment year the office has opened and not locked."""
    year = AssessmentYear.get_or_none(AssessmentYear.year == day.year)
    if year is None:
        raise RuleViolation("date", f"{what}：{day.year} 年度尚未开启考核，不能填报")
    if year.locked:
        raise RuleViolation("date", f"{what}：{day.year} 年度已锁定，不能再填报")


def check_log_entry(entry: WorkLogEntry) -> None:
    """R-RUN-4: the quantity (0 < q ≤ 1000), the entry's hours (≤ 24), its date (open year, not after today, not in a
    closed period nor an absence) and the person's day (≤ 24 hours with this entry)."""
    quantity = Decimal(entry.quantity if entry.quantity is not None else 0)
    if quantity <= 0:
        raise RuleViolation("quantity", "数量必须大于 0")
    if quantity > MAX_QUANTITY:
        raise RuleViolation("quantity", f"数量：{_num(quantity)} 超出上限，每条日志的数量不能超过 {_num(MAX_QUANTITY)}")
    hours = Decimal(entry.hours)
    if hours > MAX_ENTRY_HOURS:
        raise RuleViolation("quantity", f"数量：折合 {_num(hours)} 小时，每条日志不能超过 24 小时")
    check_work_date(entry.person_id, entry.date)
    check_open_year(entry.date)
    refusal = closed_period_refusal(entry)
    if refusal is not None:
        raise RuleViolation("date", f"日期：{refusal}")
    others = WorkLogEntry.select(pw.fn.COALESCE(pw.fn.SUM(WorkLogEntry.hours), 0)).where(
        (WorkLogEntry.person == entry.person_id) & (WorkLogEntry.date == entry.date)
    )
    if entry.id is not None:
        others = others.where(WorkLogEntry.id != entry.id)
    logged = Decimal(str(others.scalar() or 0)).quantize(Decimal("0.01"))  # SQLite sums to a float
    day_total = logged + hours
    if day_total > MAX_DAY_HOURS:
        raise RuleViolation(
            "quantity", f"数量：{entry.date:%Y-%m-%d} 当天日志合计 {_num(day_total)} 小时，一天不能超过 24 小时"
        )


# --- weekly ratings (R-RUN-6) ---------------------------------------------------------------------------------


def check_rating(
    entries: Iterable[WorkLogEntry], decision: str | None, adjusted: Mapping[int, Decimal], comment: str
) -> None:
    """R-RUN-6: a rating lowers or confirms, never confirms more than was logged; rejecting needs a comment."""
    if decision == "reject" and not (comment or "").strip():
        raise RuleViolation("comment", "意见：不认可时请填写意见")
    if decision != "adjust":
        return
    by_id = {entry.id: entry for entry in entries}
    for entry_id, hours in adjusted.items():
        entry = by_id.get(entry_id)
        if entry is None:
            raise RuleViolation("hours", f"工时：日志 {entry_id} 不属于本周，不能调整")
        if not hours.is_finite() or hours < 0 or hours > entry.hours:
            raise RuleViolation(
                "hours",
                f"工时：{entry.date:%Y-%m-%d}“{entry.item.name}”调整为 {_num(hours) if hours.is_finite() else hours} "
                f"小时，应在 0 到填报的 {_num(entry.hours)} 小时之间",
            )


# --- extra time (R-RUN-7) and appeals (R-APL-2) --------------------------------------------------------------


def check_claim(person_id: int, day: dt.date, hours: Decimal) -> None:
    """R-RUN-7: a claim counts only in its own year (the current one), for a day not after today, outside a closed
    period and the person's absences, for more than 0 and at most `MAX_CLAIM_HOURS` hours."""
    if hours is None or hours <= 0 or hours > MAX_CLAIM_HOURS:
        raise RuleViolation("hours", "加时小时数：应大于 0 且不超过 200")
    this_year = clock.today().year
    if day.year != this_year:
        raise RuleViolation("date", f"日期：加时只在当年有效，只能申报 {this_year} 年的加时")
    check_work_date(person_id, day)
    from models import ClosedPeriod

    closed = ClosedPeriod.select().where(
        (ClosedPeriod.year == day.year)
        & (ClosedPeriod.month.is_null() | (ClosedPeriod.month == day.month))
        & ClosedPeriod.reopened_at.is_null()
    )
    if closed.exists():
        raise RuleViolation("date", f"日期：{day.year}年{day.month}月已结账锁定，不能再申报")


def check_appeal(year: int | None, month: int | None) -> None:
    """R-APL-2: an appeal is about a result of a year the system handles, not of a month still to come."""
    today = clock.today()
    if year is None or not limits.MIN_YEAR <= year <= today.year:
        raise RuleViolation("year", f"年度：{year} 不在允许范围内，应在 {limits.MIN_YEAR} 到 {today.year} 之间")
    if month is not None and not 1 <= month <= 12:
        raise RuleViolation("month", "月份：应在 1 到 12 之间")
    if month is not None and (year, month) > (today.year, today.month):
        raise RuleViolation("month", f"月份：{year}年{month}月还没有考核结果，不能申诉")


# --- the year's rules (RULES §8) ------------------------------------------------------------------------------


def check_rule_parameters(raw: Mapping[str, Any] | None) -> None:
    """The year's rule overrides pass the scoring rules' own check (scoring.parse_rules): known names, finite
    numbers, shares in 0..1 whose tiers add up, coefficients in range. One message lists every problem."""
    try:
        scoring.parse_rules(raw or {})
    except scoring.InputError as exc:
        raise RuleViolation("rules", "规则参数：" + "；".join(exc.problems)) from exc
