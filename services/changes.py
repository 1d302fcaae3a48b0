"""Change requests (变更申请, R-WF-3): a decided record changes only by a request that runs its own chain — the
requester, the performance office's review, then the approvers the record's own chain had (its diagram's reviewing
lanes: division head, leader in charge, director) — and, once approved, applies as the record's next version. A
change to a past month's plan whose meeting outcomes are recorded also needs the director.

What each kind of record offers for change, how its rules are re-checked on the proposed values and how an
approved change is written sits in that kind's `Target` entry below (docs/style.md §11). Values are plain JSON:
Decimals as strings, so the request keeps the old and the new content exactly (docs/style.md: Money and hours
are Decimal). The old version stays readable: each approved request keeps the values it replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import peewee as pw

from models import (
    Adjustment,
    AnnualArrangement,
    AnnualTarget,
    ChangeRequest,
    MonthlyPlan,
    MonthlyReport,
    Person,
    PlanItem,
    WorkflowCase,
    db,
)
from models.assessment import ADJUSTMENT_CATEGORIES
from models.base import closed_period_refusal, for_update
from models.guard import chain_write
from models.plans import ITEM_OUTCOMES, TARGET_SOURCES
from services import approvals, clock, meetings
from services.approvals import ApprovalError, NotAllowed

APPROVER_LANES = ("head", "leader", "director")  # the lanes a change request passes after the office, in order
DECIDED = "approved"
HUNDRED = Decimal(100)


class ChangeError(ApprovalError):
    """A refused change request; `code` says which rule, the message is for the user in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --- the kinds of record a change request may change ---------------------------------------------------------


def _text(values: dict[str, Any], name: str, *, required: bool = True, max_length: int | None = None) -> str:
    value = str(values.get(name) or "").strip()
    if required and not value:
        raise ChangeError("missing", f"请填写“{name}”")
    if max_length is not None and len(value) > max_length:
        raise ChangeError("too_long", f"“{name}”不能超过 {max_length} 个字")
    return value


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ChangeError("not_a_number", f"{what}应为数字") from None
    if not number.is_finite():
        raise ChangeError("not_a_number", f"{what}应为数字")
    return number.quantize(Decimal("0.01"))


def _plan_values(plan: MonthlyPlan) -> dict[str, Any]:
    return {
        "items": [
            {
                "id": item.id,
                "title": item.title,
                "weight": str(item.weight.quantize(Decimal("0.01"))),
                "outcome": item.outcome,
                "outcome_note": item.outcome_note,
            }
            for item in approvals.plan_items_of(plan)
        ]
    }


def _plan_check(plan: MonthlyPlan, values: dict[str, Any]) -> dict[str, Any]:
    """R-TGT-3 on the proposed plan: at least one item, every weight above 0, the weights sum to exactly 100;
    once the meeting's outcomes are recorded (R-RUN-1) every item keeps one, with a reason when unfinished."""
    known = {item.id for item in plan.items}
    outcomes = {key for key, _ in ITEM_OUTCOMES}
    recorded = meetings.recorded(plan)
    items = []
    for raw in values.get("items") or []:
        item_id = raw.get("id")
        if item_id is not None and int(item_id) not in known:
            raise ChangeError("foreign_item", "申请中的事项不属于该计划")
        title = _text(raw, "title", max_length=200)
        weight = _decimal(raw.get("weight"), f"事项“{title}”的权重")
        if weight <= 0 or weight > HUNDRED:
            raise ChangeError("bad_weight", f"事项“{title}”的权重应大于 0 且不超过 100")
        outcome = str(raw.get("outcome") or "pending")
        if outcome not in outcomes or (recorded and outcome == "pending"):
            raise ChangeError("bad_outcome", f"事项“{title}”的评定结果无效")
        note = str(raw.get("outcome_note") or "").strip()
        if outcome in {"unfinished", "unfinished_ack"} and not note:
            raise ChangeError("note_needed", f"事项“{title}”未完成，请说明原因")
        items.append(
            {
                "id": None if item_id is None else int(item_id),
                "title": title,
                "weight": str(weight),
                "outcome": outcome,
                "outcome_note": note,
            }
        )
    if not items:
        raise ChangeError("no_items", "月度计划至少要有一个事项")
    total = sum((Decimal(item["weight"]) for item in items), Decimal(0))
    if total != HUNDRED:
        raise ChangeError("weights_not_100", f"月度计划各事项权重合计为 {total.normalize():f}，应为 100")
    return {"items": items}


def _plan_apply(plan: MonthlyPlan, values: dict[str, Any]) -> None:
    current = {item.id: item for item in plan.items}
    kept = set()
    for seq, row in enumerate(values["items"], start=1):
        item = current.get(row["id"]) if row["id"] is not None else None
        if item is None:
            item = PlanItem(plan=plan)
        else:
            kept.add(item.id)
        item.seq = seq
        item.title = row["title"]
        item.weight = Decimal(row["weight"])
        item.outcome = row["outcome"]
        item.outcome_note = row["outcome_note"]
        item.save()
    for item_id, item in current.items():
        if item_id not in kept:
            item.delete_instance()  # audited; the old version keeps it (the request's old values)


def _fields_values(names: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    def values(record: Any) -> dict[str, Any]:
        out = {}
        for name in names:
            value = getattr(record, name)
            out[name] = str(value.quantize(Decimal("0.01"))) if isinstance(value, Decimal) else value
        return out

    return values


def _fields_apply(record: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        field = record._meta.fields[name]
        setattr(record, name, Decimal(value) if isinstance(field, pw.DecimalField) else value)


def _target_check(target: AnnualTarget, values: dict[str, Any]) -> dict[str, Any]:
    source = str(values.get("source") or "")
    if source not in dict(TARGET_SOURCES):
        raise ChangeError("bad_source", "目标来源无效")
    return {
        "source": source,
        "title": _text(values, "title", max_length=200),
        "description": _text(values, "description", required=False),
    }


def _arrangement_check(arrangement: AnnualArrangement, values: dict[str, Any]) -> dict[str, Any]:
    return {"content": _text(values, "content")}


def _report_check(report: MonthlyReport, values: dict[str, Any]) -> dict[str, Any]:
    return {"completion": _text(values, "completion"), "next_targets": _text(values, "next_targets")}


def _adjustment_check(adjustment: Adjustment, values: dict[str, Any]) -> dict[str, Any]:
    category = str(values.get("category") or "")
    if category not in dict(ADJUSTMENT_CATEGORIES):
        raise ChangeError("bad_category", "加扣分类别无效")
    points = _decimal(values.get("points"), "分值")
    if points <= 0 or points > HUNDRED:
        raise ChangeError("bad_points", "分值应大于 0 且不超过 100")
    return {
        "category": category,
        "points": str(points),
        "reason": _text(values, "reason"),
        "evidence": _text(values, "evidence", required=False),
    }


def _arrangement_of(target: AnnualTarget) -> AnnualArrangement | None:
    return AnnualArrangement.get_or_none(
        (AnnualArrangement.year == target.year) & (AnnualArrangement.division == target.division_id)
    )


@dataclass(frozen=True)
class Target:
    """A kind of decided record a change request may change: `key` (in URLs), its model, the chain that decided
    it, the record whose case that was, its content as JSON values, the re-check of its rules (returning the
    normalised values) and how approved values are written."""

    key: str
    model: type[pw.Model]
    chain: str
    values: Callable[[Any], dict[str, Any]]
    check: Callable[[Any, dict[str, Any]], dict[str, Any]]
    apply: Callable[[Any, dict[str, Any]], None] = _fields_apply
    decided_by: Callable[[Any], Any] = lambda record: record

    def title(self, record: Any) -> str:
        if isinstance(record, AnnualTarget):
            return f"{record.division.name}{record.year}年度目标“{record.title}”"
        return approvals.CHAINS[self.chain].describe(record)[0]


TARGETS: dict[str, Target] = {
    t.key: t
    for t in (
        Target("plan", MonthlyPlan, "monthly_plan", _plan_values, _plan_check, _plan_apply),
        Target(
            "target",
            AnnualTarget,
            "annual_targets",
            _fields_values(("source", "title", "description")),
            _target_check,
            decided_by=_arrangement_of,
        ),
        Target("arrangement", AnnualArrangement, "annual_targets", _fields_values(("content",)), _arrangement_check),
        Target(
            "report", MonthlyReport, "monthly_report", _fields_values(("completion", "next_targets")), _report_check
        ),
        Target(
            "adjustment",
            Adjustment,
            "adjustment",
            _fields_values(("category", "points", "reason", "evidence")),
            _adjustment_check,
        ),
    )
}
BY_MODEL = {t.model.__name__: t for t in TARGETS.values()}


def target_of(key: str) -> Target:
    found = TARGETS.get(key)
    if found is None:
        raise LookupError(key)
    return found


def record_of(request: ChangeRequest) -> Any:
    target = BY_MODEL[request.target_model]
    return target.model.get_by_id(request.target_id)


# --- who approves --------------------------------------------------------------------------------------------


def _deciding_spec(target: Target, record: Any) -> Any:
    """The diagram version that decided the record (its last approved case), else the chain's newest."""
    subject = target.decided_by(record)
    case = None
    if subject is not None:
        case = (
            WorkflowCase.select()
            .where(
                (WorkflowCase.subject_model == type(subject).__name__)
                & (WorkflowCase.subject_id == subject.id)
                & (WorkflowCase.chain == target.chain)
                & (WorkflowCase.outcome == "approved")
            )
            .order_by(WorkflowCase.id.desc())
            .first()
        )
    diagram = case.diagram if case is not None else approvals.latest_diagram(target.chain)
    return approvals.spec_of(diagram)


def outcomes_recorded_in_past_month(record: Any) -> bool:
    """A past month's plan whose meeting outcomes are recorded: changing it also needs the director (R-WF-3)."""
    if not isinstance(record, MonthlyPlan):
        return False
    today = clock.today()
    return (record.year, record.month) < (today.year, today.month) and meetings.recorded(record)


def approver_lanes(target: Target, record: Any) -> list[str]:
    """The approvers after the office: the reviewing lanes of the record's own chain, plus the director for a
    past month's plan with recorded outcomes."""
    spec = _deciding_spec(target, record)
    lanes = {step.lane for step in spec.steps.values() if step.choices}
    if outcomes_recorded_in_past_month(record):
        lanes.add("director")
    return [lane for lane in APPROVER_LANES if lane in lanes]


# --- proposing, applying ---------------------------------------------------------------------------------------


def may_propose(person: Person, target: Target, record: Any) -> bool:
    """Whoever submits the record into its chain (the head for the division's records, the office for
    deductions), and the performance office, which keeps the meeting's outcomes."""
    return approvals.may_submit(person, target.chain, record) or "office" in person.roles


def open_request_of(model_name: str, record_id: int) -> ChangeRequest | None:
    return ChangeRequest.get_or_none(
        (ChangeRequest.target_model == model_name)
        & (ChangeRequest.target_id == record_id)
        & (ChangeRequest.status == "in_review")
    )


def _refuse_unless_decided(record: Any) -> None:
    status = getattr(record, "status", None)
    if status in {"draft", "returned"}:
        raise ChangeError("not_decided", "该记录尚未生效，请直接修改，无需变更申请")
    if status != DECIDED:
        raise ChangeError("not_decided", "该记录尚在审批中或未获批准，不能提出变更申请")


def propose(target_key: str, record_id: int, new_values: dict[str, Any], reason: str, actor: Person) -> ChangeRequest:
    """R-WF-3: ask to change a decided record. Refused (ChangeError) unless the record is decided, its period is
    open, no other request of it is open, the proposed values keep the record's rules and differ from the
    current ones; NotAllowed unless the actor may propose. Starts the request's chain in the actor's name."""
    target = target_of(target_key)
    if not reason.strip():
        raise ChangeError("reason_needed", "请说明变更理由")
    try:
        with db.atomic():
            record = for_update(target.model.select().where(target.model.id == record_id)).first()
            if record is None:
                raise LookupError(record_id)
            if not may_propose(actor, target, record):
                raise NotAllowed("您无权对该记录提出变更申请")
            _refuse_unless_decided(record)
            refusal = closed_period_refusal(record)
            if refusal is not None:
                raise ChangeError("period_locked", str(refusal))
            if open_request_of(target.model.__name__, record.id) is not None:
                raise ChangeError("already_open", "该记录已有一份变更申请正在审批中，请待其办结后再申请")
            old = target.values(record)
            new = target.check(record, new_values)
            if new == old:
                raise ChangeError("no_change", "申请的内容与现有内容相同")
            with chain_write("change request"):
                request = ChangeRequest.create(
                    target_model=target.model.__name__,
                    target_id=record.id,
                    title=f"{target.title(record)}变更申请"[:200],
                    division=getattr(record, "division_id", None),
                    requester=actor,
                    reason=reason.strip(),
                    old_values=old,
                    new_values=new,
                    approvers=approver_lanes(target, record),
                    base_version=record.version,
                    created_at=clock.now(),
                )
            approvals.start("change_request", request, actor, reason.strip())
    except pw.IntegrityError:
        # the unique index on the open request: another proposal won the race (docs/style.md §15)
        raise ChangeError("already_open", "该记录已有一份变更申请正在审批中，请待其办结后再申请") from None
    return request


def settle(request: ChangeRequest, finished: bool, outcome: str | None) -> None:
    """The request's chain moved (inside its step's transaction and `chain_write`): when it ends approved the
    proposed values become the record's next version; when it ends otherwise the record stays as it was."""
    if not finished:
        return
    request.open_slot = None
    request.decided_at = clock.now()
    if outcome != "approved":
        request.status = "rejected"
        request.save()
        return
    target = BY_MODEL[request.target_model]
    model = target.model
    record = for_update(model.select().where(model.id == request.target_id)).get()
    if record.version != request.base_version or target.values(record) != request.old_values:
        raise ApprovalError("记录在申请提出后已发生变化，请不同意本申请，再按现有内容重新申请")
    refusal = closed_period_refusal(record)
    if refusal is not None:
        raise ApprovalError(str(refusal))
    values = target.check(record, request.new_values)
    target.apply(record, values)
    record.version = request.base_version + 1
    record.save()
    request.status = "approved"
    request.version_applied = record.version
    request.save()
