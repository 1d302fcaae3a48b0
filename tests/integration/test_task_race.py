"""Two people claiming or completing the same task at once (issue 9 §10, R-WF-2, docs/style.md §15): one wins, and
the other is told in Chinese who did it — never "database is locked", never a 500. Real threads, each with its
own database connection, released together."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from models import WorkflowEvent, WorkflowTask, db
from services import approvals
from services.approvals import TaskTaken
from tests.factories import make_division, make_leader_of, make_person, make_plan


@pytest.fixture
def office_task(database):
    """A monthly plan waiting in the office's group lane, where any of two members may take it."""
    division = make_division(name="规划管理处")
    head = make_person(division=division, position="head", name="处长甲")
    make_leader_of(division)
    office = make_division(name="办公室", category="general")
    first = make_person(division=office, office_member=True, name="绩效办甲")
    second = make_person(division=office, office_member=True, name="绩效办乙")
    approvals.start("monthly_plan", make_plan(division, weights=(70, 30)), head, "请审核")
    task = WorkflowTask.get(WorkflowTask.status == "open")
    assert task.lane == "office" and task.assignee_id is None
    return task, first, second


def _race(task: WorkflowTask, people, act: Callable) -> dict[str, BaseException | None]:
    """Run `act(task, person)` for each person in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(people))
    outcome: dict[str, BaseException | None] = {}

    def run(person) -> None:
        with db.connection_context():
            barrier.wait()
            try:
                act(WorkflowTask.get_by_id(task.id), person)
                outcome[person.name] = None
            except BaseException as exc:  # noqa: BLE001 - the test inspects whatever each side met
                outcome[person.name] = exc

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcome) == len(people), "a thread hung"
    return outcome


@pytest.mark.parametrize("rounds", range(3))
def test_r_wf_2_two_people_claiming_one_task_at_once_one_wins_the_other_is_told_who(office_task, rounds):
    task, first, second = office_task
    outcome = _race(task, (first, second), approvals.claim)
    winners = [name for name, exc in outcome.items() if exc is None]
    assert len(winners) == 1, outcome
    loser = next(exc for exc in outcome.values() if exc is not None)
    assert isinstance(loser, TaskTaken), repr(loser)
    assert str(loser) == f"该任务已由{winners[0]}认领办理"
    assert WorkflowTask.get_by_id(task.id).assignee.name == winners[0]


@pytest.mark.parametrize("rounds", range(3))
def test_r_wf_2_two_people_completing_one_task_at_once_one_wins_the_other_is_told_who(office_task, rounds):
    task, first, second = office_task
    outcome = _race(task, (first, second), lambda t, person: approvals.complete(t, person, "approve", "同意"))
    winners = [name for name, exc in outcome.items() if exc is None]
    assert len(winners) == 1, outcome
    loser = next(exc for exc in outcome.values() if exc is not None)
    assert isinstance(loser, TaskTaken), repr(loser)
    assert str(loser).startswith(f"该任务已由{winners[0]}于 ") and "database is locked" not in str(loser)
    done = WorkflowTask.get_by_id(task.id)
    assert done.status == "done" and done.completed_by.name == winners[0]
    assert WorkflowEvent.select().where(WorkflowEvent.action == "approve").count() == 1


def test_r_wf_2_the_portal_tells_the_later_claimant_who_took_the_task(office_task, client, login_as):
    task, first, second = office_task
    approvals.claim(task, first)
    login_as(second)
    response = client.post(f"/tasks/{task.id}/claim", follow_redirects=True)
    assert response.status_code == 200
    assert "该任务已由绩效办甲认领办理" in response.get_data(as_text=True)
    login_as(first)
    approvals.complete(task, first, "approve", "同意")
    login_as(second)
    response = client.post(f"/tasks/{task.id}/complete", data={"decision": "approve", "comment": "同意"})
    assert response.status_code == 400
    assert "该任务已由绩效办甲于" in response.get_data(as_text=True)
