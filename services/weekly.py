"""Weekly tasks (周绩效任务, R-RUN-5, R-TGT-5): on Monday each person declares the week's tasks, each linked to an
item of the division's approved monthly plan; the head sees them together, edits them and issues the division's
tasks for the week. An issued week is locked.

Every write locks the division's row first (§15: `FOR UPDATE` on PostgreSQL, the write lock on SQLite), so a
declaration and the head's issuing of the same week run one after the other and the later one sees the week as
the earlier left it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models import Division, MonthlyPlan, Person, PlanItem, WeeklyTask, db
from models.base import for_update
from services.validation import RuleViolation

MAX_TITLE = 200
LOCKED_STATUSES = ("issued", "done", "unfinished")


@dataclass(frozen=True)
class TaskInput:
    """One row of a declaration form: the task's title and the plan item it serves; `task_id` when editing."""

    title: str
    plan_item_id: int | None
    task_id: int | None = None


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def plan_items_for(division_id: int, monday: dt.date) -> list[PlanItem]:
    """The items of the division's approved monthly plans of the months the week touches (a week across the
    month's end may serve either month's plan)."""
    months = {(monday.year, monday.month), ((s := monday + dt.timedelta(days=6)).year, s.month)}
    query = (
        PlanItem.select(PlanItem, MonthlyPlan)
        .join(MonthlyPlan)
        .where(MonthlyPlan.division == division_id, MonthlyPlan.status == "approved")
        .order_by(MonthlyPlan.year, MonthlyPlan.month, PlanItem.seq, PlanItem.id)
    )
    return [item for item in query if (item.plan.year, item.plan.month) in months]


def is_issued(division_id: int, monday: dt.date) -> bool:
    return (
        WeeklyTask.select()
        .where(
            WeeklyTask.division == division_id,
            WeeklyTask.week_start == monday,
            WeeklyTask.status.in_(LOCKED_STATUSES),
        )
        .exists()
    )


def may_lead(person: Person, division_id: int | None) -> bool:
    """The division's head combines and issues its weekly tasks (R-RUN-5)."""
    return bool(person.active and person.position == "head" and division_id and person.division_id == division_id)


def _open_week(division_id: int, monday: dt.date, today: dt.date) -> None:
    """Lock the division's row for the transaction, and refuse a week that is not open for declaring."""
    if monday.weekday() != 0:
        raise RuleViolation("week", f"周：{monday:%Y-%m-%d} 不是周一")
    if monday < monday_of(today):
        raise RuleViolation("week", f"周：{monday:%Y-%m-%d} 这一周已经过去，不能再申报或修改")
    for_update(Division.select().where(Division.id == division_id)).first()
    if is_issued(division_id, monday):
        raise RuleViolation("week", f"周：{monday:%Y-%m-%d} 这一周的任务已下达，不能再修改")


def _checked(n: int, row: TaskInput, allowed: dict[int, PlanItem]) -> tuple[str, PlanItem]:
    title = (row.title or "").strip()
    if not title:
        raise RuleViolation(f"row-{n}-title", f"第{n}项：任务：不能为空")
    if len(title) > MAX_TITLE:
        raise RuleViolation(f"row-{n}-title", f"第{n}项：任务：不能超过 {MAX_TITLE} 字")
    if not allowed:
        raise RuleViolation(f"row-{n}-plan_item", f"第{n}项：计划事项：本处室这一周还没有已生效的月度绩效计划")
    item = allowed.get(row.plan_item_id or 0)
    if item is None:
        raise RuleViolation(f"row-{n}-plan_item", f"第{n}项：计划事项：请选择本处室已生效月度绩效计划中的一项")
    return title, item


def declare(person: Person, monday: dt.date, rows: Sequence[TaskInput], today: dt.date) -> list[WeeklyTask]:
    """R-RUN-5: the person's tasks of the week, replacing what they declared before; refused once the head has
    issued the week, for a past week, and for a task not linked to the division's approved monthly plan."""
    if person.division_id is None:
        raise RuleViolation("person", "人员：不属于任何处室，不能申报周任务")
    if not rows:
        raise RuleViolation("tasks", "任务：请至少申报一项任务")
    with db.atomic():
        _open_week(person.division_id, monday, today)
        allowed = {item.id: item for item in plan_items_for(person.division_id, monday)}
        checked = [_checked(n, row, allowed) for n, row in enumerate(rows, start=1)]
        WeeklyTask.delete().where(
            WeeklyTask.person == person, WeeklyTask.week_start == monday, WeeklyTask.status == "declared"
        ).execute()
        return [
            WeeklyTask.create(
                division=person.division_id, week_start=monday, person=person, plan_item=item, title=title
            )
            for title, item in checked
        ]


def edit(
    head: Person, monday: dt.date, rows: Sequence[TaskInput], removed: Iterable[int], today: dt.date
) -> list[WeeklyTask]:
    """R-TGT-5: the head edits the division's declared tasks of the week (title, plan item), removes some and adds
    the division's own (rows without `task_id`), before issuing."""
    division_id = head.division_id
    if not may_lead(head, division_id):
        raise RuleViolation("person", "人员：只有处室负责人可以汇总和下达本处室的周任务")
    gone = set(removed)
    if not rows and not gone:
        raise RuleViolation("tasks", "任务：没有要保存的任务")
    with db.atomic():
        _open_week(division_id, monday, today)
        allowed = {item.id: item for item in plan_items_for(division_id, monday)}
        mine = WeeklyTask.select().where(WeeklyTask.division == division_id, WeeklyTask.week_start == monday)
        known = {task.id: task for task in mine}
        if gone - known.keys():
            raise RuleViolation("tasks", "任务：要删除的任务不属于本处室这一周")
        saved = []
        for n, row in enumerate(rows, start=1):
            if row.task_id in gone:
                continue
            title, item = _checked(n, row, allowed)
            if row.task_id is None:
                saved.append(WeeklyTask.create(division=division_id, week_start=monday, plan_item=item, title=title))
                continue
            task = known.get(row.task_id)
            if task is None:
                raise RuleViolation(f"row-{n}-title", f"第{n}项：任务：不属于本处室这一周")
            task.title, task.plan_item = title, item
            task.save()
            saved.append(task)
        if gone:
            WeeklyTask.delete().where(WeeklyTask.id.in_(list(gone))).execute()
        return saved


def issue(head: Person, monday: dt.date, today: dt.date) -> int:
    """R-RUN-5, R-TGT-5: the head issues the division's tasks of the week; the week is locked from then on.
    Returns the number of tasks issued."""
    division_id = head.division_id
    if not may_lead(head, division_id):
        raise RuleViolation("person", "人员：只有处室负责人可以汇总和下达本处室的周任务")
    with db.atomic():
        _open_week(division_id, monday, today)
        count = (
            WeeklyTask.update(status="issued")
            .where(
                WeeklyTask.division == division_id,
                WeeklyTask.week_start == monday,
                WeeklyTask.status == "declared",
            )
            .execute()
        )
        if not count:
            raise RuleViolation("tasks", "任务：这一周还没有任何任务，不能下达")
    return count
