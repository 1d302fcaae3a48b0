"""Consistency checks of a ScoringInput (RULES §1, §2, §6, §7): every problem, one sentence each, in Chinese,
naming the offending ids and values."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .model import ASSESSABLE, Position, Rules, ScoringInput, YearMonth
from .workcalendar import WorkCalendar

HUNDRED = Decimal(100)


def _num(x: Decimal) -> str:
    """A number as the office would write it: 95, 99.5."""
    return format(x.normalize(), "f")


def _ids(values: Iterable[str], limit: int = 5) -> str:
    values = sorted(values)
    shown = "、".join(values[:limit])
    return shown + (f" 等 {len(values)} 人" if len(values) > limit else "")


RATIOS = (
    "qualifying_ratio",
    "unack_deduction_ratio",
    "head_org",
    "deputy_org",
    "w_monthly",
    "w_mass",
    "w_time",
    "w_democratic",
    "tier_a",
    "tier_b",
    "quota_a",
    "quota_b",
    "quota_c",
)
"""Parameters that are shares or weights: each lies in 0..1 (RULES §8)."""

COEFFICIENTS = ("coef_a", "coef_b", "coef_c")
MAX_COEFFICIENT = Decimal(3)
"""A tier's bonus coefficient lies in 0..3: the rulebook's are 1.2 / 1.0 / 0.8, and no city pays three times."""

MAX_DAILY_HOURS = Decimal(24)
MAX_BONUS_CAP = HUNDRED
MAX_ABSENCE_LIMIT_DAYS = 366
MAX_COMPETITIVE_CAP_HOURS = Decimal(24 * 366)


def check_rules(rules: Rules) -> list[str]:
    """Every rule parameter out of its range (RULES §8), one sentence each naming it, or ``[]``.

    Shares and weights lie in 0..1, and the tier shares A + B leave C a share that is not negative;
    coefficients lie in 0..``MAX_COEFFICIENT``; a working day is longer than 0 and at most 24 hours; the bonus
    cap is at most 100 points, the absence limit at most a year of days, the competitive cap at most a year of
    hours. The same check serves ``python -m scoring``, the what-if form and the year's rules in the portal."""
    problems: list[str] = []

    def out_of(name: str, low: Decimal | int, high: Decimal | int, low_open: bool = False) -> None:
        value = getattr(rules, name)
        if value is None:
            return
        if value < low or value > high or (low_open and value == low):
            bracket = "(" if low_open else "["
            problems.append(f"rules.{name}：{_num(Decimal(value))} 超出允许范围 {bracket}{low}, {high}]")

    for name in RATIOS:
        out_of(name, 0, 1)
    for name in COEFFICIENTS:
        out_of(name, 0, MAX_COEFFICIENT)
    out_of("daily_hours", 0, MAX_DAILY_HOURS, low_open=True)
    out_of("bonus_cap", 0, MAX_BONUS_CAP)
    out_of("absence_limit_days", 0, MAX_ABSENCE_LIMIT_DAYS)
    out_of("competitive_cap_hours", 0, MAX_COMPETITIVE_CAP_HOURS)
    if 0 <= rules.tier_a <= 1 and 0 <= rules.tier_b <= 1 and rules.tier_a + rules.tier_b > 1:
        problems.append(
            f"rules.tier_a、rules.tier_b：A、B 档比例合计 {_num(rules.tier_a + rules.tier_b)} 超过 1，C 档比例不能为负"
        )
    return problems


@dataclass(frozen=True)
class Broken:
    """Records that failed to parse, so that one mistake is reported once and not again as an unknown id."""

    people: frozenset[str] = frozenset()
    divisions: frozenset[str] = frozenset()
    plan_months: frozenset[tuple[str, YearMonth]] = frozenset()


def check_input(inp: ScoringInput, broken: Broken = Broken()) -> list[str]:
    """Every problem that makes the year unscorable, or ``[]``.

    Detected: duplicate ids; unknown divisions or people referenced anywhere; a division's leader who is not
    a leader in charge; heads, deputies and staff without a division; joined after left; absences ending
    before they start; plan weights of a division-month not summing to exactly 100 (RULES §2); a period
    outside the year; a day both forced working and non-working, and period days the calendar cannot decide
    (RULES §1, R-CAL-1); a level with no pay standard for someone who is paid (RULES §6).
    """
    problems: list[str] = []
    fail = problems.append

    if not (inp.period_start.year == inp.period_end.year == inp.year):
        fail(f"period：考核期 {inp.period_start}..{inp.period_end} 应在 {inp.year} 年内")
    elif inp.period_start > inp.period_end:
        fail(f"period：起始月 {inp.period_start} 晚于结束月 {inp.period_end}")

    division_ids = {d.id for d in inp.divisions} | broken.divisions
    person_by_id = {p.id: p for p in inp.people}
    person_ids = person_by_id.keys() | broken.people
    for what, ids in (("divisions", [d.id for d in inp.divisions]), ("people", [p.id for p in inp.people])):
        for id_, n in Counter(ids).items():
            if n > 1:
                fail(f"{what}：编号 {id_} 重复 {n} 次")

    for d in inp.divisions:
        if d.leader is None:
            continue
        leader = person_by_id.get(d.leader)
        if d.leader in broken.people:
            continue
        if leader is None:
            fail(f"divisions：处室 {d.id} 的分管领导 {d.leader} 不在 people 中")
        elif leader.position is not Position.LEADER:
            fail(f"divisions：处室 {d.id} 的分管领导 {d.leader} 的 position 为 {leader.position}，应为 leader")

    for p in inp.people:
        if p.division is not None and p.division not in division_ids:
            fail(f"people：人员 {p.id} 的处室 {p.division} 不存在")
        elif p.division is None and p.position in ASSESSABLE:
            fail(f"people：人员 {p.id}（{p.position}）未指定处室")
        if p.joined is not None and p.left is not None and p.joined > p.left:
            fail(f"people：人员 {p.id} 的 joined {p.joined} 晚于 left {p.left}")

    weights: dict[tuple[str, YearMonth], Decimal] = defaultdict(Decimal)
    unknown_divisions: Counter[str] = Counter()
    for item in inp.plan_items:
        if item.division not in division_ids:
            unknown_divisions[item.division] += 1
        else:
            weights[item.division, item.month] += item.weight
    for (d_id, m), total in weights.items():
        if total != HUNDRED and (d_id, m) not in broken.plan_months:
            fail(f"plan_items：处室 {d_id} {m} 月度计划权重合计 {_num(total)}，应为 100")
    for d_id, n in unknown_divisions.items():
        fail(f"plan_items：引用了不存在的处室 {d_id}（{n} 条）")

    for what, entries in (("hours", inp.hours), ("extra_time", inp.extra_time)):
        unknown = {person for person, _, _ in entries} - person_ids
        if unknown:
            counts = Counter(person for person, _, _ in entries if person in unknown)
            for person, n in counts.items():
                fail(f"{what}：引用了不存在的人员 {person}（{n} 条）")

    for a in inp.absences:
        if a.person not in person_ids:
            fail(f"absences：引用了不存在的人员 {a.person}")
        if a.start > a.end:
            fail(f"absences：人员 {a.person} 的缺勤 {a.start}..{a.end} 结束早于开始")
    for e in inp.exemptions:
        if e.person not in person_ids:
            fail(f"exemptions：引用了不存在的人员 {e.person}")
    for adj in inp.adjustments:
        if adj.division not in division_ids:
            fail(f"adjustments：引用了不存在的处室 {adj.division}（{adj.reason or adj.kind}）")
    for d_id in sorted(inp.mass_evaluation.keys() - division_ids):
        fail(f"mass_evaluation：引用了不存在的处室 {d_id}")
    for d_id in sorted(inp.vetoes - division_ids):
        fail(f"vetoes：引用了不存在的处室 {d_id}")
    for p_id in sorted(inp.democratic_evaluation.keys() - person_ids):
        fail(f"democratic_evaluation：引用了不存在的人员 {p_id}")
    for p_id in sorted(inp.grades.keys() - person_ids):
        fail(f"grades：引用了不存在的人员 {p_id}")

    unpaid: dict[str, list[str]] = defaultdict(list)
    for p in inp.people:
        if p.position is not Position.DIRECTOR and p.level not in inp.standards:
            unpaid[p.level].append(p.id)
    for level, ids in unpaid.items():
        fail(f"standards：级别 {level or '（空）'} 没有薪酬标准（人员 {_ids(ids)}）")

    problems.extend(_calendar_problems(inp))
    return problems


def _calendar_problems(inp: ScoringInput) -> list[str]:
    """R-CAL-1: the package data ends some year; a period day it cannot decide must be given by the office."""
    problems = [
        f"calendar：{d.isoformat()} 同时出现在 workdays 和 holidays 中"
        for d in sorted(inp.calendar.workdays & inp.calendar.holidays)
    ]
    if problems or inp.period_start > inp.period_end:
        return problems
    calendar = WorkCalendar(inp.calendar)
    days = [d for m in inp.months for d in m.days()]
    missing: dict[int, list[date]] = defaultdict(list)
    for d in calendar.uncovered(days):
        missing[d.year].append(d)
    for year, ds in missing.items():
        problems.append(
            f"calendar：{year} 年不在内置节假日数据范围内，考核期内有 {len(ds)} 天"
            f"（{ds[0].isoformat()}..{ds[-1].isoformat()}）未在 calendar.workdays / calendar.holidays 中给出"
        )
    return problems
