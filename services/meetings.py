"""The monthly analysis meeting's outcomes (R-RUN-1, R-SCO-1): what became of each item of an approved plan.

At the meeting each item of the month's approved plan is judged done, unfinished but acknowledged by the
director, or unfinished; the division's monthly score follows from it (docs/rules.md §2). Recording the outcomes
is a step of the plan's life, not an edit of a decided record: it runs as the chain (models/guard.py), once per
plan, by the performance office or the director. Afterwards an outcome changes only by a change request, which
for a past month's plan also needs the director (R-WF-3).
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from models import Division, MonthlyPlan, PeriodLocked, Person, PlanItem, db
from models.base import for_update
from models.guard import chain_write

OUTCOMES = ("done", "unfinished_ack", "unfinished")


class OutcomeError(ValueError):
    """A refused recording; `code` says which rule, the message is for the user in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Outcome:
    outcome: str
    note: str = ""
    adjustment: str = ""


def may_record(person: Person) -> bool:
    """The performance office keeps the meeting's minutes; the director may record them too."""
    return bool(person.roles & {"office", "director"})


def recorded(plan: MonthlyPlan) -> bool:
    """Whether the meeting's outcomes of this plan are on record (no item is still pending)."""
    items = plan.items
    return bool(items.count()) and not items.where(PlanItem.outcome == "pending").exists()


def record_outcomes(plan_id: int, outcomes: dict[int, Outcome], actor: Person) -> MonthlyPlan:
    """Record the outcome of every item of an approved plan at once (R-RUN-1).

    Refused unless the actor may record, the plan is approved, no outcome is recorded yet, and every item of the
    plan — no other — gets one of done / unfinished_ack / unfinished. A closed month refuses the save
    (PeriodLocked)."""
    if not may_record(actor):
        raise OutcomeError("not_allowed", "只有局绩效办或局长可以记录分析会评定结果")
    with db.atomic():
        plan = for_update(MonthlyPlan.select().where(MonthlyPlan.id == plan_id)).first()
        if plan is None:
            raise OutcomeError("no_plan", "找不到该月度计划")
        if plan.status != "approved":
            raise OutcomeError("not_approved", "月度计划尚未生效，不能记录评定结果")
        items = list(plan.items.order_by(PlanItem.seq, PlanItem.id))
        if any(item.outcome != "pending" for item in items):
            raise OutcomeError("already_recorded", "该计划的评定结果已记录，如需更改请提出变更申请（须经局长同意）")
        if {item.id for item in items} != set(outcomes):
            raise OutcomeError("incomplete", "请为计划的每一个事项选择评定结果")
        for item in items:
            given = outcomes[item.id]
            if given.outcome not in OUTCOMES:
                raise OutcomeError("bad_outcome", f"事项“{item.title}”的评定结果无效")
            if given.outcome != "done" and not given.note.strip():
                raise OutcomeError("note_needed", f"事项“{item.title}”未完成，请说明原因")
        with chain_write("monthly meeting"):
            for item in items:
                given = outcomes[item.id]
                item.outcome = given.outcome
                item.outcome_note = given.note.strip()
                item.adjustment = given.adjustment.strip()
                try:
                    item.save()
                except PeriodLocked as exc:
                    raise OutcomeError("period_locked", str(exc)) from exc
    return plan


def plans_to_judge(year: int, month: int) -> list[MonthlyPlan]:
    """The approved plans of a month with their divisions and items (three queries), for the meeting's screen."""
    plans = (
        MonthlyPlan.select(MonthlyPlan, Division)
        .join(Division)
        .where(MonthlyPlan.year == year, MonthlyPlan.month == month, MonthlyPlan.status == "approved")
        .order_by(Division.sort_order, Division.id)
    )
    return list(pw.prefetch(plans, PlanItem.select().order_by(PlanItem.seq, PlanItem.id)))
