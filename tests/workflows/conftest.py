"""Helpers for the workflow tests: a driver that walks a case step by step, and a tiny diagram builder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import pytest

from workflows.engine import DiagramSpec, Instance, load_spec

Step = tuple[str, str, str | None, dict[str, Any] | None]  # (lane, bpmn id, decision, extra data)


def _drive(
    spec: DiagramSpec, data: dict[str, Any], steps: Sequence[Step], restore_at: int | None = None
) -> tuple[Instance, list[str]]:
    """Start a case and complete ``steps`` in order, asserting each is the only ready task.

    Before step ``restore_at`` the case is serialised, the diagram re-read from its XML and the case
    restored into a new ``Instance`` — the way the service continues a case in a later request.
    Returns the instance and the lanes of the tasks met, in order.
    """
    instance = Instance.start(spec, data, actor="starter")
    met: list[str] = []
    for n, (lane, bpmn_id, decision, extra) in enumerate(steps):
        if n == restore_at:
            stored = instance.dumps()
            instance = Instance.restore(load_spec(spec.xml.encode("utf-8")), stored)
        ready = instance.ready_tasks()
        assert [t.bpmn_id for t in ready] == [bpmn_id], f"step {n}: expected {bpmn_id}"
        assert ready[0].lane == lane
        met.append(ready[0].lane)
        instance.complete(ready[0].id, f"user-{lane}", decision, f"第{n + 1}步意见", extra)
    return instance, met


@pytest.fixture
def drive() -> Callable[..., tuple[Instance, list[str]]]:
    return _drive


def tiny_diagram(
    condition: str = "decision == 'approve'",
    script: str = "outcome = 'approved'",
    lane: str = "office",
    task_in_lane: bool = True,
    extra_elements: str = "",
) -> str:
    """A minimal valid diagram: start → userTask → gateway —[condition]→ script → end (else → end)."""
    refs = ["start", "gw", "set_outcome", "end"] + (["office_review"] if task_in_lane else [])
    flow_refs = "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in refs)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="urn:test">
  <bpmn:process id="tiny" name="测试流程" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_1" name="{escape(lane)}">{flow_refs}</bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="office_review" name="复核" />
    <bpmn:exclusiveGateway id="gw" name="复核结果" default="f_else" />
    <bpmn:scriptTask id="set_outcome" name="结果">
      <bpmn:script>{escape(script)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end" />
    {extra_elements}
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="office_review" />
    <bpmn:sequenceFlow id="f2" sourceRef="office_review" targetRef="gw" />
    <bpmn:sequenceFlow id="f3" name="通过" sourceRef="gw" targetRef="set_outcome">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >{escape(condition)}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_else" sourceRef="gw" targetRef="end" />
    <bpmn:sequenceFlow id="f4" sourceRef="set_outcome" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def tiny() -> Callable[..., str]:
    return tiny_diagram
