"""What-if (issue 4 §5): the performance office changes rule parameters on a copy of the year and sees, side by
side, which ranks, tiers, grades and amounts would change — nothing is stored until the rules are committed."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from models import AssessmentYear, Person
from services.results import ScoringFailed, build_input, compute

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


@dataclass(frozen=True)
class WhatIf:
    year: int
    rules_before: dict[str, Any]
    rules_after: dict[str, Any]
    changes: list[Change]
    total_money_before: Decimal
    total_money_after: Decimal


def clean_overrides(raw: dict[str, str]) -> dict[str, Any]:
    """Validate a form of rule parameters: known names, decimal numbers ≥ 0; blank means 'keep'."""
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
            number = Decimal(text)
        except InvalidOperation:
            problems.append(f"{RULE_PARAMETERS[name]}：“{text}” 不是数字")
            continue
        if number < 0:
            problems.append(f"{RULE_PARAMETERS[name]}：不能为负数")
            continue
        clean[name] = str(number)
    if problems:
        raise ScoringFailed(problems)
    return clean


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
                changes.append(Change("division", names[d["id"]], label, d[key], new[key]))
    after_people = {p["id"]: p for p in after["people"]}
    for p in before["people"]:
        new = after_people[p["id"]]
        for key, label in (("rank_in_division", "处室内排名"), ("grade", "等次"), ("assessed", "参与考核")):
            if p.get(key) != new.get(key):
                changes.append(Change("person", people[p["id"]], label, p.get(key), new.get(key)))
        money_before, money_after = _money(p), _money(new)
        if money_before != money_after:
            changes.append(Change("person", people[p["id"]], "兑现金额合计", money_before, money_after))
    return WhatIf(
        year,
        base_input["rules"] or {},
        trial_input["rules"],
        changes,
        sum((_money(p) for p in before["people"]), Decimal(0)),
        sum((_money(p) for p in after["people"]), Decimal(0)),
    )


def commit_rules(year: int, overrides: dict[str, Any], actor: Person | None = None) -> AssessmentYear:
    """Write the rule change into the year (audited); refused once the year is locked."""
    settings = AssessmentYear.get(AssessmentYear.year == year)
    if settings.locked:
        raise ScoringFailed([f"{year} 年度规则已锁定，不能修改"])
    settings.rules = {**(settings.rules or {}), **overrides}
    settings.save()
    return settings
