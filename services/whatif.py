"""What-if (issue 4 §5): the performance office changes rule parameters on a copy of the year and sees, side by
side, which ranks, tiers, grades and amounts would change — nothing is stored until the rules are committed."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import scoring
from models import AssessmentYear, Person, ScoreSnapshot, db
from scoring import limits
from services.results import ScoringFailed, build_input, compute, recompute, refuse_closed_year

# RULES §8, in the order the office thinks of them, with their Chinese labels.
RULE_PARAMETERS: dict[str, str] = {
    "daily_hours": "每日工作时长（小时）",
    "qualifying_ratio": "达标绩效比例",
    "unack_deduction_ratio": "未认可未完成事项扣分比例",
    "bonus_cap": "加分上限（空 = 不设上限）",
    "w_monthly": "年度得分中月度平均权重",
    "w_mass": "年度得分中群众评议权重",
    "tier_a": "A 档比例",
    "tier_b": "B 档比例",
    "head_org": "处室负责人组织绩效权重",
    "deputy_org": "处室副职组织绩效权重",
    "absence_limit_days": "不参与考核的请假天数上限",
    "w_time": "个人年度得分中绩效时间权重",
    "w_democratic": "个人年度得分中民主评议权重",
    "quota_a": "A 档处室优秀比例",
    "quota_b": "B 档处室优秀比例",
    "quota_c": "C 档处室优秀比例",
    "coef_a": "A 档系数",
    "coef_b": "B 档系数",
    "coef_c": "C 档系数",
    "competitive_cap_hours": "竞争绩效封顶小时（空 = 不封顶）",
}
NULLABLE = {"bonus_cap", "competitive_cap_hours"}


@dataclass(frozen=True)
class Change:
    kind: str  # division | person
    subject: str
    field: str
    before: Any
    after: Any
    key: str = ""  # annual | rank | tier | rank_in_division | grade | assessed | money
    subject_id: str = ""  # the division's or person's code


@dataclass(frozen=True)
class WhatIf:
    year: int
    rules_before: dict[str, Any]
    rules_after: dict[str, Any]
    changes: list[Change]
    total_money_before: Decimal
    total_money_after: Decimal


def clean_overrides(raw: dict[str, str]) -> dict[str, Any]:
    """Validate a form of rule parameters: known names, finite decimal numbers ≥ 0 below the bound every figure
    keeps (``scoring.limits``: no NaN, Infinity or 1e400); blank means 'keep'."""
    problems, clean = [], {}
    for name, value in raw.items():
        if name not in RULE_PARAMETERS:
            problems.append(f"未知的规则参数：{name}")
            continue
        text = (value or "").strip()
        if text == "":
            continue
        if text.lower() in {"null", "none", "无"} and name in NULLABLE:
            clean[name] = None
            continue
        try:
            number = limits.figure(text)
        except limits.NotAFigure as exc:
            words = "不是数字" if exc.reason == "not_a_number" else limits.problem(exc.reason)
            problems.append(f"{RULE_PARAMETERS[name]}：“{text}” {words}")
            continue
        if number < 0:
            problems.append(f"{RULE_PARAMETERS[name]}：不能为负数")
            continue
        clean[name] = str(number)
    if problems:
        raise ScoringFailed(problems)
    return clean


def clean_form(form: Any) -> dict[str, Any]:
    """The rule parameters of a what-if form that lists every parameter: other fields (csrf_token, year, reason)
    are not parameters; a cleared nullable field means "none" (no cap), as its label says."""
    raw = {}
    for name in RULE_PARAMETERS:
        if name in form:
            value = (form.get(name) or "").strip()
            raw[name] = "无" if value == "" and name in NULLABLE else value
    return clean_overrides(raw)


def _money(person: dict) -> Decimal:
    total = Decimal(0)
    for month in (person.get("monthly") or {}).values():
        for key in ("org_bonus", "qualifying_bonus", "competitive_bonus"):
            if month.get(key) is not None:
                total += Decimal(month[key])
    bonus = person.get("annual_bonus") or {}
    if bonus.get("amount") is not None:
        total += Decimal(bonus["amount"])
    return total


def what_if(year: int, overrides: dict[str, Any]) -> WhatIf:
    """Compute the year twice — with the rules in force and with `overrides` — and list every difference."""
    base_input = build_input(year)
    trial_input = copy.deepcopy(base_input)
    trial_input["rules"] = {**(base_input["rules"] or {}), **overrides}
    before, after = compute(base_input), compute(trial_input)
    names = {d["id"]: d["name"] for d in base_input["divisions"]}
    people = {p["id"]: p["name"] for p in base_input["people"]}
    changes: list[Change] = []
    after_div = {d["id"]: d for d in after["divisions"]}
    for d in before["divisions"]:
        new = after_div[d["id"]]
        for key, label in (("annual", "年度得分"), ("rank", "排名"), ("tier", "档次")):
            if d[key] != new[key]:
                changes.append(Change("division", names[d["id"]], label, d[key], new[key], key, d["id"]))
    after_people = {p["id"]: p for p in after["people"]}
    for p in before["people"]:
        new = after_people[p["id"]]
        for key, label in (("rank_in_division", "处室内排名"), ("grade", "等次"), ("assessed", "参与考核")):
            if p.get(key) != new.get(key):
                changes.append(Change("person", people[p["id"]], label, p.get(key), new.get(key), key, p["id"]))
        money_before, money_after = _money(p), _money(new)
        if money_before != money_after:
            changes.append(
                Change("person", people[p["id"]], "兑现金额合计", money_before, money_after, "money", p["id"])
            )
    return WhatIf(
        year,
        base_input["rules"] or {},
        trial_input["rules"],
        changes,
        sum((_money(p) for p in before["people"]), Decimal(0)),
        sum((_money(p) for p in after["people"]), Decimal(0)),
    )


def effective_rules(year: int) -> dict[str, str | None]:
    """Every parameter of RULES §8 as it applies to `year`: the year's own value, else the rulebook default."""
    settings = AssessmentYear.get_or_none(AssessmentYear.year == year)
    return with_defaults((settings.rules if settings is not None else None) or {})


def with_defaults(stored: dict[str, Any]) -> dict[str, str | None]:
    """Stored rule overrides (a year's or a snapshot's) completed with the rulebook defaults (RULES §8)."""
    defaults = {f.name: f.default for f in dataclasses.fields(scoring.Rules)}
    result: dict[str, str | None] = {}
    for name in RULE_PARAMETERS:
        value = stored[name] if name in stored else defaults.get(name)
        result[name] = None if value is None else str(value)
    return result


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(a) == Decimal(b)


def changed_only(year: int, overrides: dict[str, Any], current: dict[str, str | None] | None = None) -> dict[str, Any]:
    """The overrides that differ from what applies now (`current`, read if not given): a form that repeats every
    current value changes nothing."""
    current = effective_rules(year) if current is None else current
    return {name: value for name, value in overrides.items() if not _same(value, current.get(name))}


def commit_and_recompute(year: int, overrides: dict[str, Any], actor: Person | None, reason: str) -> ScoreSnapshot:
    """Write the rule change into the year and recompute a new snapshot, both or neither (R-AUD-1: the year's
    change is audited through its save; the snapshot names the actor and the reason)."""
    with db.atomic():
        commit_rules(year, overrides, actor)
        return recompute(year, actor=actor, reason=reason)


def commit_rules(year: int, overrides: dict[str, Any], actor: Person | None = None) -> AssessmentYear:
    """Write the rule change into the year (audited); refused once the year is locked."""
    refuse_closed_year(year)
    settings = AssessmentYear.get(AssessmentYear.year == year)
    if settings.locked:
        raise ScoringFailed([f"{year} 年度规则已锁定，不能修改"])
    rules = {**(settings.rules or {}), **overrides}
    try:
        scoring.parse_rules(rules)  # the same range check as the admin screen and the scoring input (RULES §8)
    except scoring.InputError as exc:
        raise ScoringFailed(exc.problems) from exc
    settings.rules = rules
    settings.save()
    return settings
