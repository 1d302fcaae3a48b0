"""Every shipped diagram opens in a modeler and follows the house conventions (R-WF-1, R-WF-2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from workflows.engine import bundled_diagrams, load_spec
from workflows.roles import LANES

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
FLOW_NODES = (
    "startEvent",
    "endEvent",
    "userTask",
    "scriptTask",
    "exclusiveGateway",
    "parallelGateway",
    "task",
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")
V2 = Path(__file__).parent / "data" / "monthly_plan_v2.bpmn"

EXPECTED_CHAINS = {
    "annual_targets",
    "monthly_plan",
    "monthly_report",
    "weekly_review",
    "extra_time",
    "adjustment",
    "annual_ranking",
    "appeal",
    "exemption",
    "change_request",
}
ALL_FILES = [pytest.param(path, id=name) for name, path in bundled_diagrams().items()] + [
    pytest.param(V2, id="monthly_plan_v2")
]


def _process(path: Path) -> tuple[etree._Element, etree._Element]:
    root = etree.parse(str(path)).getroot()  # noqa: S320 — our own files
    return root, root.find("bpmn:process", NS)


def _nodes(process: etree._Element) -> list[etree._Element]:
    return [el for tag in FLOW_NODES for el in process.findall(f"bpmn:{tag}", NS)]


def test_one_diagram_per_chain_of_r_wf_1() -> None:
    assert set(bundled_diagrams()) == EXPECTED_CHAINS


@pytest.mark.parametrize("path", ALL_FILES)
def test_diagram_loads_and_validates(path: Path) -> None:
    spec = load_spec(path.read_bytes())
    assert spec.process_id == path.stem.removesuffix("_v2")
    assert CHINESE.search(spec.name)


@pytest.mark.parametrize("path", ALL_FILES)
def test_every_element_has_diagram_interchange(path: Path) -> None:
    """Shapes with bounds for pool, lanes and flow nodes, edges with ≥2 waypoints for every flow:
    what bpmn.io / Camunda Modeler need to draw the diagram (R-WF-1: edited in any BPMN modeler)."""
    root, process = _process(path)
    shapes = {
        s.get("bpmnElement"): s for s in root.iterfind(".//bpmndi:BPMNShape", NS) if s.find("dc:Bounds", NS) is not None
    }
    edges = {e.get("bpmnElement"): e for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    plane = root.find(".//bpmndi:BPMNPlane", NS)
    assert plane is not None
    participant = root.find(".//bpmn:participant", NS)
    assert participant is not None and participant.get("processRef") == process.get("id")
    assert participant.get("id") in shapes
    for lane in process.iterfind(".//bpmn:lane", NS):
        assert lane.get("id") in shapes, f"lane {lane.get('name')} has no shape"
    for node in _nodes(process):
        assert node.get("id") in shapes, f"{node.get('id')} has no shape"
    flows = process.findall("bpmn:sequenceFlow", NS)
    assert flows
    for flow in flows:
        edge = edges.get(flow.get("id"))
        assert edge is not None, f"{flow.get('id')} has no edge"
        assert len(edge.findall("di:waypoint", NS)) >= 2


@pytest.mark.parametrize("path", ALL_FILES)
def test_lanes_are_role_keys_and_every_user_task_sits_in_one(path: Path) -> None:
    _, process = _process(path)
    lane_of: dict[str, str] = {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        assert lane.get("name") in LANES
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            assert ref.text not in lane_of, f"{ref.text} is in two lanes"
            lane_of[ref.text] = lane.get("name")
    for node in _nodes(process):
        assert node.get("id") in lane_of, f"{node.get('id')} is in no lane"


@pytest.mark.parametrize("path", ALL_FILES)
def test_id_scheme_and_chinese_names(path: Path) -> None:
    """User task ids are ``<lane>_<verb>``, gateways ``gw_<task or variable>``, outcome scripts
    ``set_outcome_<outcome>``; user tasks and gateways carry Chinese names for the task list."""
    _, process = _process(path)
    spec = load_spec(path.read_bytes())
    for step in spec.steps.values():
        assert step.bpmn_id.startswith(step.lane + "_"), step.bpmn_id
        assert CHINESE.search(step.name)
    for gw in process.findall("bpmn:exclusiveGateway", NS):
        assert gw.get("id").startswith("gw_")
        assert CHINESE.search(gw.get("name") or "")
    for script in process.findall("bpmn:scriptTask", NS):
        outcome = script.get("id").removeprefix("set_outcome_")
        assert script.findtext("bpmn:script", namespaces=NS).strip() == f"outcome = '{outcome}'"


@pytest.mark.parametrize("path", ALL_FILES)
def test_no_end_is_reachable_without_setting_an_outcome(path: Path) -> None:
    """The service reads ``outcome`` when a case ends, so every path to an end passes a ``set_outcome_*``."""
    _, process = _process(path)
    targets: dict[str, list[str]] = {}
    for flow in process.findall("bpmn:sequenceFlow", NS):
        targets.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    ends = {e.get("id") for e in process.findall("bpmn:endEvent", NS)}
    seen, todo = set(), [e.get("id") for e in process.findall("bpmn:startEvent", NS)]
    while todo:
        node = todo.pop()
        if node in seen or node.startswith("set_outcome_"):
            continue
        seen.add(node)
        assert node not in ends, f"{node} is reachable without an outcome"
        todo.extend(targets.get(node, []))


@pytest.mark.parametrize("path", ALL_FILES)
def test_decision_gateways_offer_labelled_choices(path: Path) -> None:
    """Every reviewing step (one followed by a gateway) offers at least two labelled choices."""
    spec = load_spec(path.read_bytes())
    reviewing = [s for s in spec.steps.values() if s.choices]
    assert reviewing
    for step in reviewing:
        assert len(step.choices) >= 2
        assert all(CHINESE.search(c.label) for c in step.choices)
