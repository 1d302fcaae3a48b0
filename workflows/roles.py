"""Diagram lanes and the organisational roles they stand for (R-WF-1, roles in SPEC §1).

This is the one place where a lane name in a .bpmn file is given a meaning. A lane is named by its key
(``<bpmn:lane name="office">``); the service resolves who may act on a task in that lane from ``role``
(the organisational role of SPEC §1) and ``relation`` (how the actor relates to the case), so a diagram
never names people or divisions.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Lane:
    """One lane of an approval diagram.

    ``role`` is a role key of SPEC §1 or ``None`` when the lane is defined only by its relation to the case
    (the appellant, the appellant's superior, the person concerned). ``relation`` tells the service which
    holders of the role qualify: ``"case_division"`` (members of the division the case belongs to),
    ``"case_division_leader"`` (the leader in charge of that division), ``"bureau"`` (any holder),
    ``"case_person"`` (the person the case is about), ``"appellant"``, ``"appellant_superior"``.
    """

    key: str
    role: str | None
    relation: str
    label: str


LANES: dict[str, Lane] = {
    lane.key: lane
    for lane in (
        Lane("division", "head", "case_division", "提交处室"),
        Lane("head", "head", "case_division", "处室负责人"),
        Lane("office", "office", "bureau", "局绩效办"),
        Lane("leader", "leader", "case_division_leader", "分管领导"),
        Lane("director", "director", "bureau", "局长"),
        Lane("party_group", "party_group", "bureau", "局党组"),
        Lane("appellant", None, "appellant", "申诉人"),
        Lane("superior", None, "appellant_superior", "上级"),
        Lane("person", None, "case_person", "本人"),
    )
}


def lane_label(key: str) -> str:
    """Chinese label of a lane key; the key itself when unknown (so a bad diagram still renders)."""
    lane = LANES.get(key)
    return lane.label if lane else key
