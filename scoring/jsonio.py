"""JSON-shaped dicts in and out (RULES §7): ``parse_input`` collects every problem; ``result_to_dict`` writes
numbers as strings with exactly two decimals, rounded half-up, and null where a value does not exist.

Named ``jsonio`` rather than ``io`` so that the package never shadows the standard library's module.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from typing import Any, TypeVar

from . import limits
from .model import (
    Absence,
    AbsenceKind,
    Adjustment,
    AdjustmentKind,
    AnnualBonus,
    CalendarOverrides,
    Category,
    Division,
    DivisionResult,
    Exemption,
    Grade,
    HoursRow,
    ItemStatus,
    Person,
    PersonAnnual,
    PersonMonth,
    PersonResult,
    PlanItem,
    Position,
    Rules,
    ScoringInput,
    ScoringResult,
    Standard,
    YearMonth,
)
from .validate import Broken, check_input, check_rules


def _shown(value: object) -> str:
    """A value as the input spelled it: JSON's NaN / Infinity literals arrive as floats."""
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, Decimal):  # a JSON number (parse_float=Decimal), shown as written: 1E+400
        return str(value)
    return repr(value)


class InputError(ValueError):
    """Bad input; ``problems`` holds one clear sentence per problem, naming the offending ids and values."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


E = TypeVar("E", bound=StrEnum)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_NON_FINITE = {"nan", "snan", "inf", "infinity"}
_MISSING: Any = object()
_STANDARD_FIELDS = [f.name for f in fields(Standard)]
_RULE_FIELDS = {f.name: f for f in fields(Rules)}
_NULLABLE_RULES = {"bonus_cap", "competitive_cap_hours"}


def parse_input(data: Mapping[str, Any]) -> ScoringInput:
    """Build a ScoringInput from the JSON-shaped dict of ``examples/scoring/*.input.json`` (RULES §7, §8).

    Numbers may be JSON numbers or strings; keys not shown in the example are optional. Every problem is
    collected (wrong shapes, malformed dates and numbers, unknown values, then the checks of ``check_input``)
    and raised together as one ``InputError``.
    """
    p = _Parser()
    inp = p.parse(data)
    problems = list(p.problems)
    if inp is not None:
        broken = Broken(frozenset(p.broken_people), frozenset(p.broken_divisions), frozenset(p.broken_months))
        problems += check_input(inp, broken)
    if problems or inp is None:
        raise InputError(problems)
    return inp


def parse_rules(raw: Mapping[str, Any]) -> Rules:
    """The rule parameters of one year (RULES §8) from stored or typed overrides, or ``InputError`` naming every
    unknown, malformed or out-of-range parameter: the same check as the ``rules`` of a scoring input."""
    p = _Parser()
    if not isinstance(raw, Mapping):
        raise InputError(["rules：应为参数名到数值的对象"])
    rules = p.rules(raw)
    if p.problems:
        raise InputError(p.problems)
    return rules


class _Parser:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.broken_people: set[str] = set()
        self.broken_divisions: set[str] = set()
        self.broken_months: set[tuple[str, YearMonth]] = set()
        self._dates: dict[str, date] = {}
        self._numbers: dict[str, Decimal] = {}

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}：{message}")

    # -- scalars --

    def number(self, where: str, value: object) -> Decimal | None:
        """A finite figure below ``limits.MAX_MAGNITUDE``; NaN, ±Infinity (as JSON literals or strings) and
        1e400 are each one problem naming where they stand."""
        if value is _MISSING:
            return None
        reason = "not_a_number"
        if isinstance(value, str):
            cached = self._numbers.get(value)
            if cached is not None:
                return cached
            text = value.strip()
            if _NUMBER.fullmatch(text) or text.lstrip("+-").lower() in _NON_FINITE:
                try:
                    self._numbers[value] = limits.figure(text)
                    return self._numbers[value]
                except limits.NotAFigure as exc:
                    reason = exc.reason
        elif isinstance(value, bool):
            pass
        elif isinstance(value, int | float | Decimal):
            try:
                return limits.figure(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
            except limits.NotAFigure as exc:
                reason = exc.reason
        self.fail(where, f"{_shown(value)} {limits.problem(reason)}")
        return None

    def day(self, where: str, value: object) -> date | None:
        if value is _MISSING:
            return None
        if isinstance(value, str):
            cached = self._dates.get(value)
            if cached is not None:
                return cached
            if _DATE.fullmatch(value):
                try:
                    self._dates[value] = date.fromisoformat(value)
                    return self._dates[value]
                except ValueError:
                    pass
        self.fail(where, f"日期 {value!r} 格式错误，应为 YYYY-MM-DD")
        return None

    def optional_date(self, where: str, value: object) -> date | None:
        return None if value is None else self.day(where, value)

    def month(self, where: str, value: object) -> YearMonth | None:
        if value is _MISSING:
            return None
        m = _MONTH.fullmatch(value) if isinstance(value, str) else None
        if m and 1 <= int(m[2]) <= 12:
            return YearMonth(int(m[1]), int(m[2]))
        self.fail(where, f"月份 {value!r} 格式错误，应为 YYYY-MM")
        return None

    def enum(self, where: str, value: object, kind: type[E]) -> E | None:
        if value is _MISSING:
            return None
        if isinstance(value, str) and value in kind._value2member_map_:
            return kind(value)
        allowed = " / ".join(k.value for k in kind)
        self.fail(where, f"未知的取值 {value!r}，应为 {allowed}")
        return None

    def text(self, where: str, value: object, *, required: bool = True) -> str | None:
        if value is _MISSING:
            return None
        if isinstance(value, str) and (value or not required):
            return value
        if value is None and not required:
            return None
        self.fail(where, f"{value!r} 应为非空字符串")
        return None

    def too_many(self, where: str, raw: list | dict) -> bool:
        """A list or object beyond ``limits.MAX_ROWS`` is one problem, and is not read further."""
        if len(raw) <= limits.MAX_ROWS:
            return False
        self.fail(where, f"共 {len(raw)} 条，超过上限 {limits.MAX_ROWS} 条")
        return True

    def records(self, data: Mapping[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        raw = data.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail(key, "应为列表")
            return []
        if self.too_many(key, raw):
            return []
        out = []
        for i, r in enumerate(raw):
            if isinstance(r, dict):
                out.append((f"{key}[{i}]", r))
            else:
                self.fail(f"{key}[{i}]", "应为对象")
        return out

    def mapping(self, data: Mapping[str, Any], key: str) -> dict[str, Any]:
        raw = data.get(key)
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fail(key, "应为对象")
            return {}
        if self.too_many(key, raw):
            return {}
        return raw

    def field(self, where: str, record: Mapping[str, Any], key: str) -> Any:
        """A required field; when missing, one problem and ``_MISSING``, which the scalar parsers skip."""
        if key not in record:
            self.fail(where, f"缺少 {key}")
            return _MISSING
        return record[key]

    # -- the document --

    def parse(self, data: Mapping[str, Any]) -> ScoringInput | None:
        if not isinstance(data, dict):
            self.fail("输入", "顶层应为 JSON 对象")
            return None
        year = data.get("year")
        if isinstance(year, bool) or not isinstance(year, int):
            self.fail("year", f"{_shown(year)} 应为整数年份")
            return None
        if not limits.MIN_YEAR <= year <= limits.MAX_YEAR:
            self.fail("year", f"{year} 不在 {limits.MIN_YEAR}–{limits.MAX_YEAR} 年之间")
            return None
        period = self.mapping(data, "period")
        start = self.month("period.start", period.get("start", f"{year}-01"))
        end = self.month("period.end", period.get("end", f"{year}-12"))

        calendar = self.mapping(data, "calendar")
        overrides = CalendarOverrides(
            workdays=frozenset(self.dates("calendar.workdays", calendar.get("workdays"))),
            holidays=frozenset(self.dates("calendar.holidays", calendar.get("holidays"))),
        )
        inp = ScoringInput(
            year=year,
            period_start=start or YearMonth(year, 1),
            period_end=end or YearMonth(year, 12),
            rules=self.rules(self.mapping(data, "rules")),
            calendar=overrides,
            standards=self.standards(self.mapping(data, "standards")),
            divisions=tuple(self.divisions(data)),
            people=tuple(self.people(data)),
            plan_items=tuple(self.plan_items(data)),
            hours=self.hours(data, "hours"),
            extra_time=self.hours(data, "extra_time"),
            absences=tuple(self.absences(data)),
            exemptions=tuple(self.exemptions(data)),
            mass_evaluation=self.scores(data, "mass_evaluation"),
            democratic_evaluation=self.scores(data, "democratic_evaluation"),
            adjustments=tuple(self.adjustments(data)),
            vetoes=frozenset(self.vetoes(data)),
            grades=self.grades(data),
        )
        return inp

    def dates(self, where: str, raw: object) -> list[date]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail(where, "应为日期列表")
            return []
        if self.too_many(where, raw):
            return []
        return [d for i, v in enumerate(raw) if (d := self.day(f"{where}[{i}]", v)) is not None]

    def rules(self, raw: Mapping[str, Any]) -> Rules:
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in _RULE_FIELDS:
                self.fail("rules", f"未知参数 {key}")
                continue
            if value is None and key in _NULLABLE_RULES:
                values[key] = None
                continue
            n = self.number(f"rules.{key}", value)
            if n is None:
                continue
            if n < 0:
                self.fail(f"rules.{key}", f"{value!r} 不能为负数")
            elif key == "absence_limit_days":
                if n != n.to_integral_value():
                    self.fail(f"rules.{key}", f"{value!r} 应为整数天数")
                else:
                    values[key] = int(n)
            elif key == "daily_hours" and n == 0:
                self.fail(f"rules.{key}", "每日工时应大于 0")
            else:
                values[key] = n
        rules = Rules(**values)
        self.problems.extend(check_rules(rules))
        return rules

    def standards(self, raw: Mapping[str, Any]) -> dict[str, Standard]:
        out = {}
        for level, body in raw.items():
            where = f"standards.{level}"
            if not isinstance(body, dict):
                self.fail(where, "应为对象")
                continue
            values = [self.number(f"{where}.{k}", self.field(where, body, k)) for k in _STANDARD_FIELDS]
            if all(v is not None for v in values):
                out[level] = Standard(*values)  # type: ignore[arg-type]
        return out

    def divisions(self, data: Mapping[str, Any]) -> list[Division]:
        out = []
        for where, r in self.records(data, "divisions"):
            id_ = self.text(f"{where}.id", self.field(where, r, "id"))
            name = self.text(f"{where}.name", r.get("name", ""), required=False)
            category = self.enum(f"{where}.category", r.get("category", "business"), Category)
            leader = self.text(f"{where}.leader", r.get("leader"), required=False)
            if id_ is not None and category is not None:
                out.append(Division(id_, name or "", category, leader))
            elif id_ is not None:
                self.broken_divisions.add(id_)
        return out

    def people(self, data: Mapping[str, Any]) -> list[Person]:
        out = []
        for where, r in self.records(data, "people"):
            id_ = self.text(f"{where}.id", self.field(where, r, "id"))
            position = self.enum(f"{where}.position", self.field(where, r, "position"), Position)
            division = self.text(f"{where}.division", r.get("division"), required=False)
            level = self.text(f"{where}.level", r.get("level", ""), required=False)
            name = self.text(f"{where}.name", r.get("name", ""), required=False)
            joined = self.optional_date(f"{where}.joined", r.get("joined"))
            left = self.optional_date(f"{where}.left", r.get("left"))
            if id_ is not None and position is not None:
                out.append(Person(id_, position, division, level or "", name or "", joined, left))
            elif id_ is not None:
                self.broken_people.add(id_)
        return out

    def plan_items(self, data: Mapping[str, Any]) -> list[PlanItem]:
        out = []
        for where, r in self.records(data, "plan_items"):
            division = self.text(f"{where}.division", self.field(where, r, "division"))
            month = self.month(f"{where}.month", self.field(where, r, "month"))
            weight = self.number(f"{where}.weight", self.field(where, r, "weight"))
            status = self.enum(f"{where}.status", self.field(where, r, "status"), ItemStatus)
            item = self.text(f"{where}.item", r.get("item", ""), required=False)
            if weight is not None and weight < 0:
                self.fail(f"{where}.weight", f"权重 {r['weight']!r} 不能为负数")
            if division is not None and month is not None and weight is not None and status is not None:
                out.append(PlanItem(division, month, weight, status, item or ""))
            elif division is not None and month is not None:
                self.broken_months.add((division, month))
        return out

    def hours(self, data: Mapping[str, Any], key: str) -> tuple[HoursRow, ...]:
        """Log hours or extra time. The hot path of a city year: every date and hours string is parsed
        once and shared; only an entry that misses the caches takes the validating path."""
        raw = data.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.fail(key, "应为列表")
            return ()
        if self.too_many(key, raw):
            return ()
        dates, numbers = self._dates, self._numbers
        out: list[HoursRow] = []
        append = out.append
        bad_dates: Counter[str] = Counter()
        bad_numbers: Counter[str] = Counter()
        negative: Counter[str] = Counter()
        for i, e in enumerate(raw):
            entry: HoursRow | None
            try:
                entry = (e["person"], dates[e["date"]], numbers[e["hours"]])
            except (KeyError, TypeError):
                entry = self._slow_hours(f"{key}[{i}]", e, bad_dates, bad_numbers)
                if entry is None:
                    continue
            if entry[2] < 0:
                negative[repr(e["hours"])] += 1
            append(entry)
        for message, n in bad_dates.items():
            self.fail(key, f"{message}（共 {n} 条）")
        for message, n in bad_numbers.items():
            self.fail(key, f"工时 {message}（共 {n} 条）")
        for text, n in negative.items():
            self.fail(key, f"工时 {text} 不能为负数（共 {n} 条）")
        return tuple(out)

    def _slow_hours(self, where: str, e: object, bad_dates: Counter[str], bad_numbers: Counter[str]) -> HoursRow | None:
        if not isinstance(e, dict):
            self.fail(where, "应为对象")
            return None
        person = self.text(f"{where}.person", self.field(where, e, "person"))
        day = self._quiet(self.day, self.field(where, e, "date"), bad_dates)
        hours = self._quiet(self.number, self.field(where, e, "hours"), bad_numbers)
        if person is None or day is None or hours is None:
            return None
        return (person, day, hours)

    def _quiet(self, parse: Callable[[str, object], Any], value: object, bad: Counter[str]) -> Any:
        """Parse without a line per entry: a million malformed entries make one line per distinct problem."""
        before = len(self.problems)
        if value is _MISSING:
            return None
        out = parse("", value)
        if len(self.problems) > before:
            bad[self.problems[before].removeprefix("：")] += 1
            del self.problems[before:]
        return out

    def absences(self, data: Mapping[str, Any]) -> list[Absence]:
        out = []
        for where, r in self.records(data, "absences"):
            person = self.text(f"{where}.person", self.field(where, r, "person"))
            kind = self.enum(f"{where}.kind", self.field(where, r, "kind"), AbsenceKind)
            start = self.day(f"{where}.start", self.field(where, r, "start"))
            end = self.day(f"{where}.end", self.field(where, r, "end"))
            if person is not None and kind is not None and start is not None and end is not None:
                out.append(Absence(person, kind, start, end))
        return out

    def exemptions(self, data: Mapping[str, Any]) -> list[Exemption]:
        out = []
        for where, r in self.records(data, "exemptions"):
            person = self.text(f"{where}.person", self.field(where, r, "person"))
            start = self.day(f"{where}.from", self.field(where, r, "from"))
            if person is not None and start is not None:
                out.append(Exemption(person, start))
        return out

    def scores(self, data: Mapping[str, Any], key: str) -> dict[str, Decimal]:
        out = {}
        for id_, value in self.mapping(data, key).items():
            n = self.number(f"{key}.{id_}", value)
            if n is not None:
                out[id_] = n
        return out

    def adjustments(self, data: Mapping[str, Any]) -> list[Adjustment]:
        out = []
        for where, r in self.records(data, "adjustments"):
            division = self.text(f"{where}.division", self.field(where, r, "division"))
            kind = self.enum(f"{where}.kind", self.field(where, r, "kind"), AdjustmentKind)
            points = self.number(f"{where}.points", self.field(where, r, "points"))
            reason = self.text(f"{where}.reason", r.get("reason", ""), required=False)
            if points is not None and points < 0:
                self.fail(f"{where}.points", f"分值 {r['points']!r} 应为正数（扣分用 kind=deduction）")
            elif division is not None and kind is not None and points is not None:
                out.append(Adjustment(division, kind, points, reason or ""))
        return out

    def vetoes(self, data: Mapping[str, Any]) -> list[str]:
        raw = data.get("vetoes") or []
        if not isinstance(raw, list):
            self.fail("vetoes", "应为处室列表")
            return []
        if self.too_many("vetoes", raw):
            return []
        return [v for i, x in enumerate(raw) if (v := self.text(f"vetoes[{i}]", x)) is not None]

    def grades(self, data: Mapping[str, Any]) -> dict[str, Grade]:
        out = {}
        for id_, value in self.mapping(data, "grades").items():
            g = self.enum(f"grades.{id_}", value, Grade)
            if g is not None:
                out[id_] = g
        return out


# -- output --

_CENT = Decimal("0.01")
_HALF_UP = Context(rounding=ROUND_HALF_UP)
"""Rounding for written figures; passed to ``quantize`` as a context (a city year writes ~2.5M figures, and the
keyword argument costs more than the rounding itself)."""


def money_str(x: Decimal | None) -> str | None:
    """Two decimals, half-up (RULES §0); never ``-0.00``."""
    if x is None:
        return None
    q = x.quantize(_CENT, None, _HALF_UP)
    return str(q) if q else "0.00"


def _month_dict(m: PersonMonth, position: Position) -> dict[str, str | None]:
    if position is Position.LEADER:
        return {"org_bonus": money_str(m.org_bonus)}
    return {
        "legal_hours": money_str(m.legal_hours),
        "qualifying_hours": money_str(m.qualifying_hours),
        "performance_hours": money_str(m.performance_hours),
        "competitive_hours": money_str(m.competitive_hours),
        "personal_score": money_str(m.personal_score),
        "composite": money_str(m.composite),
        "org_bonus": money_str(m.org_bonus),
        "qualifying_bonus": money_str(m.qualifying_bonus),
        "competitive_bonus": money_str(m.competitive_bonus),
    }


def _annual_dict(a: PersonAnnual | None) -> dict[str, str | None] | None:
    if a is None:
        return None
    return {
        "performance_hours": money_str(a.performance_hours),
        "qualifying_hours": money_str(a.qualifying_hours),
        "time_score": money_str(a.time_score),
        "personal": money_str(a.personal),
        "composite": money_str(a.composite),
    }


def _bonus_dict(b: AnnualBonus | None) -> dict[str, str | None] | None:
    if b is None:
        return None
    return {
        "division_coefficient": money_str(b.division_coefficient),
        "personal_coefficient": money_str(b.personal_coefficient),
        "amount": money_str(b.amount),
    }


def _division_dict(d: DivisionResult) -> dict[str, Any]:
    return {
        "id": d.id,
        "monthly": {str(m): money_str(s) for m, s in d.monthly.items()},
        "monthly_avg": money_str(d.monthly_avg),
        "mass_evaluation": money_str(d.mass_evaluation),
        "bonus": money_str(d.bonus),
        "deduction": money_str(d.deduction),
        "annual": money_str(d.annual),
        "per_capita_hours": money_str(d.per_capita_hours),
        "rank": d.rank,
        "tier": d.tier.value,
        "vetoed": d.vetoed,
    }


def _person_dict(p: PersonResult) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "division": p.division, "position": p.position.value}
    if p.position is Position.DIRECTOR:
        return out
    monthly = p.monthly or {}
    out["monthly"] = {str(m): _month_dict(v, p.position) for m, v in monthly.items()}
    if p.position is not Position.LEADER:
        out["assessed"] = p.assessed
        out["not_assessed_reason"] = p.not_assessed_reason
        out["annual"] = _annual_dict(p.annual)
        out["rank_in_division"] = p.rank_in_division
    out["grade"] = p.grade.value if p.grade is not None else None
    out["annual_bonus"] = _bonus_dict(p.annual_bonus)
    return out


def result_to_dict(result: ScoringResult) -> dict[str, Any]:
    """The result in the shape of ``examples/scoring/*.output.json`` (RULES §7)."""
    return {
        "year": result.year,
        "divisions": [_division_dict(d) for d in result.divisions],
        "people": [_person_dict(p) for p in result.people],
        "warnings": list(result.warnings),
    }
