"""R-WF-2: every diagram is drawn server-side with the current step highlighted."""

from __future__ import annotations

import pytest
from lxml import etree

from workflows.engine import bundled_diagrams
from workflows.render import HIGHLIGHT, render_svg
from workflows.roles import lane_label


@pytest.mark.parametrize("chain", sorted(bundled_diagrams()))
def test_every_diagram_draws_its_tasks_lanes_and_flows(chain):
    xml = bundled_diagrams()[chain].read_text(encoding="utf-8")
    svg = etree.fromstring(render_svg(xml).encode("utf-8"))
    texts = "".join(svg.itertext())
    source = etree.fromstring(xml.encode("utf-8"))
    for task in source.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}userTask"):
        assert task.get("name")[:4] in texts
    for lane in source.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}lane"):
        assert lane_label(lane.get("name")) in texts
    assert len(svg.findall("{http://www.w3.org/2000/svg}polyline")) > 3


def test_the_current_step_is_outlined_and_no_other():
    xml = bundled_diagrams()["monthly_plan"].read_text(encoding="utf-8")
    assert HIGHLIGHT not in render_svg(xml)
    assert render_svg(xml, {"leader_approve"}).count(HIGHLIGHT) == 1
