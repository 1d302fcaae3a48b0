"""The adapter's contract: versions, persistence, task list data and refusals (R-WF-1, R-WF-2)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from workflows import engine
from workflows.engine import (
    DiagramError,
    Instance,
    InvalidInput,
    StateError,
    StepFailed,
    TaskNotReady,
    WorkflowError,
    load_bundled,
    load_spec,
)

V2 = Path(__file__).parent / "data" / "monthly_plan_v2.bpmn"


def _complete_next(instance: Instance, decision: str | None = None) -> str:
    task = instance.ready_tasks()[0]
    instance.complete(task.id, f"user-{task.lane}", decision)
    return task.lane


def _finish(instance: Instance) -> list[str]:
    """Approve every step until the case ends; the lanes met."""
    lanes = []
    while not instance.is_finished:
        choices = instance.ready_tasks()[0].choices
        lanes.append(_complete_next(instance, "approve" if choices else None))
    return lanes


# -- R-WF-1: routes change by editing diagrams; running cases keep their version


def test_running_case_finishes_on_v1_while_new_cases_follow_v2() -> None:
    """R-WF-1: monthly_plan v2 adds a 处室负责人 check; a case started on v1 keeps v1's route."""
    v1 = load_bundled("monthly_plan")
    v2 = load_spec(V2.read_bytes())
    assert v1.process_id == v2.process_id == "monthly_plan"
    assert v1.version != v2.version
    assert "head_check" in v2.steps and "head_check" not in v1.steps

    old = Instance.start(v1, {"plan_id": 1})
    assert _complete_next(old) == "division"
    stored = old.dumps()

    with pytest.raises(StateError, match="不符"):
        Instance.restore(v2, stored)
    resumed = Instance.restore(v1, stored)
    assert _finish(resumed) == ["office", "leader", "director"]
    assert resumed.outcome == "approved"

    new = Instance.start(v2, {"plan_id": 2})
    assert _finish(new) == ["division", "head", "office", "leader", "director"]
    assert new.outcome == "approved"


def test_v2_head_check_returns_to_the_division() -> None:
    """R-TGT-4 on v2: the new 处室负责人 step may return the plan like every other review step."""
    v2 = load_spec(V2.read_bytes())
    case = Instance.start(v2)
    _complete_next(case)
    assert case.current_steps() == ["head_check"]
    _complete_next(case, "return")
    assert case.current_steps() == ["division_resubmit"]
    _complete_next(case)
    assert case.current_steps() == ["head_check"]


# -- persistence


def test_state_is_json_without_the_diagram() -> None:
    spec = load_bundled("appeal")
    case = Instance.start(spec, {"appeal_id": 9, "filed_on": date(2023, 4, 3)})
    _complete_next(case)
    text = case.dumps()
    state = case.state()
    assert state == json.loads(text)
    assert state["process_id"] == "appeal" and state["spec_version"] == spec.version
    assert "spec" not in state["workflow"] and "subprocess_specs" not in state["workflow"]
    assert "task_specs" not in text and "上级沟通" not in text  # no spec, no diagram text
    assert len(text) < 8_000


def test_restore_from_dict_with_a_freshly_parsed_diagram_keeps_task_ids_and_data() -> None:
    spec = load_bundled("extra_time")
    case = Instance.start(spec, {"claim_id": 3, "due": date(2023, 5, 9)})
    _complete_next(case)
    before = case.ready_tasks()
    state = case.state()

    engine._load_spec_cached.cache_clear()
    fresh = load_bundled("extra_time")
    assert fresh is not spec and fresh.version == spec.version
    restored = Instance.restore(fresh, state)
    assert restored.ready_tasks() == before
    assert restored.ready_tasks()[0].due == date(2023, 5, 9)
    assert restored.history == case.history
    assert _finish(restored) == ["head", "office"]


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("not json", "JSON"),
        ('{"format": 99}', "格式"),
        ('{"format": 1, "process_id": "appeal", "spec_version": "x", "workflow": {}}', "不符"),
    ],
)
def test_unreadable_or_foreign_state_is_refused(state: str, message: str) -> None:
    with pytest.raises(StateError, match=message):
        Instance.restore(load_bundled("monthly_plan"), state)


# -- the task list (R-WF-2)


def test_ready_task_carries_what_the_task_list_shows() -> None:
    spec = load_bundled("monthly_plan")
    case = Instance.start(spec, {"plan_id": 5, "due": date(2023, 3, 7)})
    _complete_next(case)
    (task,) = case.ready_tasks()
    assert (task.bpmn_id, task.name, task.lane, task.lane_label) == (
        "office_review",
        "局绩效办复核",
        "office",
        "局绩效办",
    )
    assert [(c.value, c.label) for c in task.choices] == [("approve", "通过"), ("return", "退回")]
    assert task.due == date(2023, 3, 7)
    assert task.data["plan_id"] == 5
    assert case.current_steps() == ["office_review"]


def test_due_of_one_step_overrides_the_case_due() -> None:
    """R-RUN-2: the report is due on the 2nd working day; the leader's step may carry its own date."""
    case = Instance.start(
        load_bundled("monthly_report"), {"due": date(2023, 3, 7), "due_leader_approve": date(2023, 3, 9)}
    )
    assert case.ready_tasks()[0].due == date(2023, 3, 7)
    _complete_next(case)
    assert case.ready_tasks()[0].due == date(2023, 3, 9)


def test_history_records_who_when_what() -> None:
    case = Instance.start(load_bundled("annual_ranking"), actor="office-1", at=datetime(2024, 1, 5, 9, tzinfo=UTC))
    task = case.ready_tasks()[0]
    event = case.complete(task.id, "office-1", comment="报送", at=datetime(2024, 1, 5, 10, tzinfo=UTC))
    assert event == {
        "kind": "complete",
        "at": "2024-01-05T10:00:00+00:00",
        "actor": "office-1",
        "task_id": task.id,
        "bpmn_id": "office_submit",
        "task_name": "报送年度考核排名",
        "lane": "office",
        "decision": "submit",
        "comment": "报送",
    }
    assert case.history[0]["kind"] == "start" and case.history[0]["actor"] == "office-1"
    assert case.history[-1] == event


def test_extra_data_is_kept_with_the_decision() -> None:
    """R-RUN-6: an adjusting rating carries the confirmed hours for the service to store."""
    case = Instance.start(load_bundled("weekly_review"), {"subject_position": "staff"})
    task = case.ready_tasks()[0]
    case.complete(task.id, "head-1", "adjust", "周三工时偏高", {"confirmed_hours": 30.5})
    assert case.outcome == "adjusted"
    assert case.data["confirmed_hours"] == 30.5 and case.data["comment"] == "周三工时偏高"


# -- refusals


def test_decision_must_be_one_of_the_choices() -> None:
    case = Instance.start(load_bundled("exemption"))
    _complete_next(case)
    task = case.ready_tasks()[0]
    with pytest.raises(InvalidInput, match="approve（同意）"):
        case.complete(task.id, "head-1", "return")
    with pytest.raises(InvalidInput):
        case.complete(task.id, "head-1", None)
    assert case.ready_tasks() == [task]


@pytest.mark.parametrize(
    "extra",
    [{"decision": "approve"}, {"_secret": 1}, {"not an identifier": 1}, {"blob": object()}],
)
def test_extra_data_must_be_plain_and_not_override_the_decision(extra: dict) -> None:
    case = Instance.start(load_bundled("annual_ranking"))
    with pytest.raises(InvalidInput):
        case.complete(case.ready_tasks()[0].id, "office-1", data=extra)


def test_start_data_must_be_storable() -> None:
    with pytest.raises(InvalidInput):
        Instance.start(load_bundled("appeal"), {"when": datetime.now})


@pytest.mark.parametrize("task_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_task_is_not_ready(task_id: str) -> None:
    case = Instance.start(load_bundled("appeal"))
    with pytest.raises(TaskNotReady):
        case.complete(task_id, "someone")


def test_a_completed_task_cannot_be_completed_again() -> None:
    case = Instance.start(load_bundled("appeal"))
    task = case.ready_tasks()[0]
    case.complete(task.id, "appellant-1")
    with pytest.raises(TaskNotReady, match="不在待办状态"):
        case.complete(task.id, "appellant-1")


def test_missing_routing_variable_is_a_clear_error() -> None:
    """R-RUN-6: the weekly review routes on ``subject_position``; starting without it fails loudly, naming the
    gateway and the variable."""
    with pytest.raises(WorkflowError, match="「被评定人职务」.*变量「subject_position」未定义") as err:
        Instance.start(load_bundled("weekly_review"), {})
    assert isinstance(err.value, StepFailed) and err.value.element == "gw_subject_position"


# -- load_spec


def test_str_and_bytes_load_to_the_same_version() -> None:
    raw = V2.read_bytes()
    assert load_spec(raw).version == load_spec(raw.decode("utf-8")).version


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<not-closed", "XML 解析失败"),
        ("<a/>", "BPMN 2.0"),
    ],
)
def test_broken_files_are_refused(xml: str, message: str) -> None:
    with pytest.raises(DiagramError, match=message):
        load_spec(xml)


def test_process_must_be_named_when_several(tiny) -> None:
    with pytest.raises(DiagramError, match="没有可执行流程「nope」"):
        load_spec(tiny(), process_id="nope")


def test_unsupported_elements_are_refused(tiny) -> None:
    timer = (
        '<bpmn:intermediateCatchEvent id="wait" name="等待">'
        '<bpmn:timerEventDefinition id="t"><bpmn:timeDuration>"PT1H"</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )
    with pytest.raises(DiagramError) as err:
        load_spec(tiny(extra_elements=timer))
    assert any("intermediateCatchEvent" in p for p in err.value.problems)
    assert any("timerEventDefinition" in p for p in err.value.problems)


def test_diagram_without_lanes_is_refused(tiny) -> None:
    xml = tiny().replace('<bpmn:lane id="lane_1" name="office">', "<!--").replace("</bpmn:lane>", "-->")
    with pytest.raises(DiagramError) as err:
        load_spec(xml)
    assert any("没有泳道" in p for p in err.value.problems)
