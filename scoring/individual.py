"""Individual figures: monthly time and scores, annual assessment, ranking and grades (RULES §4, §5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from .division import round_half_up
from .model import Absence, Grade, HoursRow, Position, Rules, Tier, YearMonth

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

# Enum member lookup costs ~150 ns on Python 3.11; these are compared once per person-month.
HEAD, DEPUTY = Position.HEAD, Position.DEPUTY


class MonthDays(NamedTuple):
    """A period month with its first and last day and its working days, computed once per month."""

    month: YearMonth
    first: date
    last: date
    workdays: tuple[date, ...]


class _Buckets(dict[date, "dict[str, Decimal] | None"]):
    """date → the running sums of its period month (person → hours); None for a day outside the period.

    Filled lazily: a year of log entries touches only a few hundred distinct days.
    """

    def __init__(self, months: Sequence[YearMonth]) -> None:
        super().__init__()
        self.by_month: dict[YearMonth, dict[str, Decimal]] = {m: {} for m in months}

    def __missing__(self, day: date) -> dict[str, Decimal] | None:
        bucket = self.by_month.get(YearMonth(day.year, day.month))
        self[day] = bucket
        return bucket


def performance_hours(
    sources: Iterable[tuple[str, Iterable[HoursRow]]],
    year: int,
    months: Sequence[YearMonth],
    warnings: list[str],
) -> dict[YearMonth, dict[str, Decimal]]:
    """Performance time P per period month and person, in one pass over the entries (RULES §4, R-SCO-5).

    P = Σ confirmed log hours dated in the month + Σ approved extra hours dated in the month. Entries dated
    outside ``year`` are ignored with a warning: extra time counts only within its own year (R-RUN-7).
    Entries of the year that fall outside the period simply belong to no period month.
    """
    buckets = _Buckets([m for m in months if m.year == year])
    for label, entries in sources:
        for person, day, hours in entries:
            bucket = buckets[day]
            if bucket is None:
                if day.year != year:
                    warnings.append(f"{label} of {person} on {day.isoformat()} outside {year}")
                continue
            try:
                bucket[person] += hours
            except KeyError:
                bucket[person] = hours
    return buckets.by_month


@dataclass(frozen=True, slots=True)
class Scope:
    """When a person counts (RULES §4): on or after ``joined``, on or before ``left``, outside every absence,
    and before the earliest exemption."""

    joined: date | None = None
    left: date | None = None
    absences: tuple[tuple[date, date], ...] = ()
    exempt_from: date | None = None

    def covers(self, first: date, last: date) -> bool:
        """Whether the person is in scope on every day from ``first`` to ``last``."""
        return (
            (self.joined is None or self.joined <= first)
            and (self.left is None or self.left >= last)
            and (self.exempt_from is None or self.exempt_from > last)
            and not any(s <= last and e >= first for s, e in self.absences)
        )

    def workdays_in(self, month: MonthDays) -> int:
        """Number of the month's working days on which the person is in scope.

        Only a month cut by joining, leaving, an absence or an exemption is walked day by day.
        """
        first, last, workdays = month.first, month.last, month.workdays
        start = first if self.joined is None or self.joined <= first else self.joined
        end = last if self.left is None or self.left >= last else self.left
        if self.exempt_from is not None and self.exempt_from <= end:
            end = self.exempt_from - timedelta(days=1)
        spans = [(s, e) for s, e in self.absences if s <= end and e >= start]
        if start == first and end == last and not spans:
            return len(workdays)
        return sum(1 for d in workdays if start <= d <= end and not any(s <= d <= e for s, e in spans))


class MonthFigures(NamedTuple):
    """RULES §4 figures of one person-month before money."""

    legal: Decimal
    qualifying: Decimal
    performance: Decimal
    competitive: Decimal
    personal: Decimal | None
    composite: Decimal | None


def composite_score(position: Position, org: Decimal, personal: Decimal, rules: Rules) -> Decimal:
    """Composite score (RULES §4, §5, R-SCO-6): head = head_org × division + (1 − head_org) × personal;
    deputy likewise with deputy_org; staff = personal."""
    if position is HEAD:
        return rules.head_org * org + (ONE - rules.head_org) * personal
    if position is DEPUTY:
        return rules.deputy_org * org + (ONE - rules.deputy_org) * personal
    return personal


def month_figures(
    position: Position, workdays: int, performance: Decimal, division_score: Decimal, rules: Rules
) -> MonthFigures:
    """One person's month (RULES §4, R-SCO-5, R-SCO-6).

    legal L = in-scope working days × daily_hours; qualifying Q = qualifying_ratio × L; competitive
    C = max(0, P − Q); personal score = 100 × P ÷ Q, not capped, null when Q = 0; composite mixes in the
    division's S(d, m) for heads and deputies, null when the personal score is null.
    """
    legal = workdays * rules.daily_hours
    qualifying = rules.qualifying_ratio * legal
    competitive = max(ZERO, performance - qualifying)
    if not qualifying:
        return MonthFigures(legal, qualifying, performance, competitive, None, None)
    personal = HUNDRED * performance / qualifying
    composite = composite_score(position, division_score, personal, rules)
    return MonthFigures(legal, qualifying, performance, competitive, personal, composite)


def absence_days(absences: Iterable[Absence], year: int) -> int:
    """Calendar days of the year inside any absence (RULES §5, R-SCP-2); overlapping absences count once."""
    lo, hi = date(year, 1, 1), date(year, 12, 31)
    spans = sorted((max(a.start, lo), min(a.end, hi)) for a in absences if a.end >= lo and a.start <= hi)
    total = 0
    covered_to = lo - timedelta(days=1)
    for s, e in spans:
        s = max(s, covered_to + timedelta(days=1))
        if e >= s:
            total += (e - s).days + 1
            covered_to = e
    return total


def not_assessed_reason(absences: Iterable[Absence], exempt_from: date | None, year: int, rules: Rules) -> str | None:
    """Why a head, deputy or staff member is not assessed, or None if assessed (RULES §5, R-SCP-2, R-SCP-3).

    Not assessed: more than ``absence_limit_days`` (default 90) calendar days of sick/personal leave,
    training or secondment inside the year; or an exemption dated on or before the end of the year.
    """
    reasons = []
    days = absence_days(absences, year)
    if days > rules.absence_limit_days:
        reasons.append(f"病假、事假、脱产培训或借调共 {days} 天，超过 {rules.absence_limit_days} 天")
    if exempt_from is not None and exempt_from <= date(year, 12, 31):
        reasons.append(f"自 {exempt_from.isoformat()} 起免予考核")
    return "；".join(reasons) or None


def time_score(performance: Decimal, qualifying: Decimal) -> Decimal:
    """time_score = 100 × P_y ÷ Q_y, 0 when Q_y = 0 (RULES §5, R-SCO-7)."""
    return HUNDRED * performance / qualifying if qualifying else ZERO


def personal_annual(time: Decimal, democratic: Decimal, rules: Rules) -> Decimal:
    """personal_annual = w_time × time_score + w_democratic × democratic evaluation (RULES §5, R-SCO-7)."""
    return rules.w_time * time + rules.w_democratic * democratic


@dataclass(frozen=True, slots=True)
class Candidate:
    """An assessed person as the division ranking sees them."""

    id: str
    composite: Decimal
    performance: Decimal
    eligible: bool


def rank_in_division(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Ranking inside a division (RULES §5, R-SCO-7): composite_annual desc, then P_y desc, then id asc."""
    return sorted(candidates, key=lambda c: (-c.composite, -c.performance, c.id))


def excellence_quota(n_assessed: int, tier: Tier, rules: Rules) -> int:
    """q = round_half_up(n_assessed × quota of the division's tier) (RULES §5, R-SCO-8):
    A 0.70, B 0.50, C 0.20 by default."""
    return round_half_up(n_assessed * rules.quota(tier))


def grades(ranked: Sequence[Candidate], quota: int, by_hand: Mapping[str, Grade]) -> dict[str, Grade]:
    """Grades of a division's assessed people (RULES §5, R-SCO-4, R-SCO-8).

    The first ``quota`` eligible people in rank order are excellent (ineligible: the head of a vetoed
    division, and anyone graded basically_competent or incompetent by hand); the rest keep a hand-set
    basically_competent / incompetent grade, else competent.
    """
    out = {}
    left = quota
    for c in ranked:
        if left > 0 and c.eligible:
            out[c.id] = Grade.EXCELLENT
            left -= 1
        else:
            hand = by_hand.get(c.id)
            out[c.id] = hand if hand in (Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT) else Grade.COMPETENT
    return out
