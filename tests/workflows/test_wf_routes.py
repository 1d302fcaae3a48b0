"""Every path of every approval diagram, driven from a table (R-WF-1).

Each case starts a case with its initial data, completes the listed steps in order — asserting that each
is the only task waiting and which lane it is in — saves and restores the case half-way through, and
checks the end: finished, the ``outcome`` the service reads, the last decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from workflows.engine import load_bundled

A, R, X = "approve", "return", "reject"


def case(req: str, diagram: str, path: str, steps: list, outcome: str, data: dict[str, Any] | None = None) -> Any:
    normalised = [(s + (None,)) if len(s) == 3 else s for s in steps]
    return pytest.param(diagram, data or {}, normalised, outcome, id=f"{req}-{diagram}-{path}")


def four_step_chain(req: str, diagram: str) -> list:
    """division → office 复核 → leader → director; each review may return to the division (R-TGT-4)."""
    submit = ("division", "division_submit", None)
    resubmit = ("division", "division_resubmit", None)
    office = ("office", "office_review")
    leader = ("leader", "leader_approve")
    director = ("director", "director_approve")
    return [
        case(req, diagram, "straight", [submit, (*office, A), (*leader, A), (*director, A)], "approved"),
        case(
            req,
            diagram,
            "office-returns",
            [submit, (*office, R), resubmit, (*office, A), (*leader, A), (*director, A)],
            "approved",
        ),
        case(
            req,
            diagram,
            "leader-returns",
            [submit, (*office, A), (*leader, R), resubmit, (*office, A), (*leader, A), (*director, A)],
            "approved",
        ),
        case(
            req,
            diagram,
            "director-returns-twice",
            [
                submit,
                (*office, A),
                (*leader, A),
                (*director, R),
                resubmit,
                (*office, A),
                (*leader, A),
                (*director, R),
                resubmit,
                (*office, A),
                (*leader, A),
                (*director, A),
            ],
            "approved",
        ),
    ]


DUE = {"due": date(2023, 3, 7)}
RATE = {"confirmed_hours": 6.5}

CASES = [
    *four_step_chain("R-TGT-4", "annual_targets"),
    *four_step_chain("R-TGT-4", "monthly_plan"),
    # R-RUN-2: the completion report goes to the leader in charge; the due date is data.
    case(
        "R-RUN-2",
        "monthly_report",
        "straight",
        [("division", "division_submit", None), ("leader", "leader_approve", A)],
        "approved",
        DUE,
    ),
    case(
        "R-RUN-2",
        "monthly_report",
        "leader-returns",
        [
            ("division", "division_submit", None),
            ("leader", "leader_approve", R),
            ("division", "division_resubmit", None),
            ("leader", "leader_approve", A),
        ],
        "approved",
        DUE,
    ),
    # R-RUN-6: heads rate staff weeks, leaders rate heads' weeks; confirm / adjust / reject.
    *[
        case(
            "R-RUN-6",
            "weekly_review",
            f"{position}-{decision}",
            [(lane, f"{lane}_rate", decision, RATE if decision == "adjust" else None)],
            outcome,
            {"subject_position": position, "week": "2023-W10"},
        )
        for position, lane in (("staff", "head"), ("deputy", "head"), ("head", "leader"))
        for decision, outcome in (("confirm", "confirmed"), ("adjust", "adjusted"), ("reject", "rejected"))
    ],
    # R-RUN-7: person claims → head reviews → office approves.
    case(
        "R-RUN-7",
        "extra_time",
        "straight",
        [("person", "person_claim", None), ("head", "head_review", A), ("office", "office_approve", A)],
        "approved",
    ),
    case(
        "R-RUN-7",
        "extra_time",
        "head-returns",
        [
            ("person", "person_claim", None),
            ("head", "head_review", R),
            ("person", "person_revise", None),
            ("head", "head_review", A),
            ("office", "office_approve", A),
        ],
        "approved",
    ),
    case(
        "R-RUN-7",
        "extra_time",
        "office-returns",
        [
            ("person", "person_claim", None),
            ("head", "head_review", A),
            ("office", "office_approve", R),
            ("person", "person_revise", None),
            ("head", "head_review", A),
            ("office", "office_approve", A),
        ],
        "approved",
    ),
    case(
        "R-RUN-7",
        "extra_time",
        "head-rejects",
        [("person", "person_claim", None), ("head", "head_review", X)],
        "rejected",
    ),
    case(
        "R-RUN-7",
        "extra_time",
        "office-rejects",
        [("person", "person_claim", None), ("head", "head_review", A), ("office", "office_approve", X)],
        "rejected",
    ),
    # R-SCO-2: office proposes deductions, divisions declare bonuses; office reviews; director approves.
    case(
        "R-SCO-2",
        "adjustment",
        "office-proposal",
        [
            ("office", "office_propose", None),
            ("office", "office_review", A),
            ("director", "director_approve", A),
        ],
        "approved",
        {"proposer": "office"},
    ),
    case(
        "R-SCO-2",
        "adjustment",
        "division-declaration",
        [
            ("division", "division_declare", None),
            ("office", "office_review", A),
            ("director", "director_approve", A),
        ],
        "approved",
        {"proposer": "division"},
    ),
    case(
        "R-SCO-2",
        "adjustment",
        "office-returns-to-division",
        [
            ("division", "division_declare", None),
            ("office", "office_review", R),
            ("division", "division_declare", None),
            ("office", "office_review", A),
            ("director", "director_approve", A),
        ],
        "approved",
        {"proposer": "division"},
    ),
    case(
        "R-SCO-2",
        "adjustment",
        "director-returns-to-office",
        [
            ("office", "office_propose", None),
            ("office", "office_review", A),
            ("director", "director_approve", R),
            ("office", "office_propose", None),
            ("office", "office_review", A),
            ("director", "director_approve", A),
        ],
        "approved",
        {"proposer": "office"},
    ),
    case(
        "R-SCO-2",
        "adjustment",
        "office-rejects",
        [("division", "division_declare", None), ("office", "office_review", X)],
        "rejected",
        {"proposer": "division"},
    ),
    case(
        "R-SCO-2",
        "adjustment",
        "director-rejects",
        [
            ("office", "office_propose", None),
            ("office", "office_review", A),
            ("director", "director_approve", X),
        ],
        "rejected",
        {"proposer": "office"},
    ),
    # R-SCO-3: the party group approves the ranking.
    case(
        "R-SCO-3",
        "annual_ranking",
        "straight",
        [("office", "office_submit", None), ("party_group", "party_group_approve", A)],
        "approved",
    ),
    case(
        "R-SCO-3",
        "annual_ranking",
        "party-group-returns",
        [
            ("office", "office_submit", None),
            ("party_group", "party_group_approve", R),
            ("office", "office_resubmit", None),
            ("party_group", "party_group_approve", A),
        ],
        "approved",
    ),
    # R-APL-2: superior first; unresolved appeals go to the office, whose answer the appellant acknowledges.
    case(
        "R-APL-2",
        "appeal",
        "resolved-by-superior",
        [("appellant", "appellant_file", None), ("superior", "superior_talk", "resolve")],
        "resolved",
    ),
    case(
        "R-APL-2",
        "appeal",
        "escalated-upheld",
        [
            ("appellant", "appellant_file", None),
            ("superior", "superior_talk", "escalate"),
            ("office", "office_answer", "uphold"),
            ("appellant", "appellant_acknowledge", "acknowledge"),
        ],
        "upheld",
    ),
    case(
        "R-APL-2",
        "appeal",
        "escalated-rejected",
        [
            ("appellant", "appellant_file", None),
            ("superior", "superior_talk", "escalate"),
            ("office", "office_answer", X),
            ("appellant", "appellant_acknowledge", "acknowledge"),
        ],
        "rejected",
    ),
    # R-SCP-3: person applies → head → leader → director; any reviewer may reject.
    case(
        "R-SCP-3",
        "exemption",
        "straight",
        [
            ("person", "person_apply", None),
            ("head", "head_review", A),
            ("leader", "leader_review", A),
            ("director", "director_approve", A),
        ],
        "approved",
    ),
    case(
        "R-SCP-3",
        "exemption",
        "head-rejects",
        [("person", "person_apply", None), ("head", "head_review", X)],
        "rejected",
    ),
    case(
        "R-SCP-3",
        "exemption",
        "leader-rejects",
        [("person", "person_apply", None), ("head", "head_review", A), ("leader", "leader_review", X)],
        "rejected",
    ),
    case(
        "R-SCP-3",
        "exemption",
        "director-rejects",
        [
            ("person", "person_apply", None),
            ("head", "head_review", A),
            ("leader", "leader_review", A),
            ("director", "director_approve", X),
        ],
        "rejected",
    ),
]


def _needs(*lanes: str) -> dict[str, bool]:
    return {f"need_{lane}": lane in lanes for lane in ("head", "leader", "director")}


_PROPOSE = ("person", "person_propose", None)
_CR_OFFICE = ("office", "office_review")
CASES += [
    case(
        "R-WF-3",
        "change_request",
        "plan-leader-director",
        [_PROPOSE, (*_CR_OFFICE, A), ("leader", "leader_approve", A), ("director", "director_approve", A)],
        "approved",
        _needs("leader", "director"),
    ),
    case(
        "R-WF-3",
        "change_request",
        "v2-plan-head-leader",
        [_PROPOSE, (*_CR_OFFICE, A), ("head", "head_approve", A), ("leader", "leader_approve", A)],
        "approved",
        _needs("head", "leader"),
    ),
    case(
        "R-WF-3",
        "change_request",
        "report-leader",
        [_PROPOSE, (*_CR_OFFICE, A), ("leader", "leader_approve", A)],
        "approved",
        _needs("leader"),
    ),
    case("R-WF-3", "change_request", "office-only", [_PROPOSE, (*_CR_OFFICE, A)], "approved", _needs()),
    case(
        "R-WF-3",
        "change_request",
        "office-rejects",
        [_PROPOSE, (*_CR_OFFICE, X)],
        "rejected",
        _needs("leader", "director"),
    ),
    case(
        "R-WF-3",
        "change_request",
        "head-rejects",
        [_PROPOSE, (*_CR_OFFICE, A), ("head", "head_approve", X)],
        "rejected",
        _needs("head", "leader"),
    ),
    case(
        "R-WF-3",
        "change_request",
        "leader-rejects",
        [_PROPOSE, (*_CR_OFFICE, A), ("leader", "leader_approve", X)],
        "rejected",
        _needs("leader", "director"),
    ),
    case(
        "R-WF-3",
        "change_request",
        "director-rejects",
        [_PROPOSE, (*_CR_OFFICE, A), ("director", "director_approve", X)],
        "rejected",
        _needs("director"),
    ),
]


@pytest.mark.parametrize(("diagram", "data", "steps", "outcome"), CASES)
def test_route(drive, diagram: str, data: dict, steps: list, outcome: str) -> None:
    spec = load_bundled(diagram)
    instance, met = drive(spec, data, steps, restore_at=len(steps) // 2)

    assert met == [lane for lane, *_ in steps]
    assert instance.is_finished
    assert instance.ready_tasks() == []
    assert instance.current_steps() == []
    assert instance.outcome == outcome
    final = instance.data
    assert final["decision"] == (steps[-1][2] or "submit")
    assert final["comment"] == f"第{len(steps)}步意见"
    for key, value in data.items():
        assert final[key] == value
    if steps[-1][3]:
        assert final.items() >= steps[-1][3].items()

    history = instance.history
    assert [e["kind"] for e in history] == ["start"] + ["complete"] * len(steps)
    assert [e["bpmn_id"] for e in history[1:]] == [bpmn_id for _, bpmn_id, *_ in steps]
    assert [e["actor"] for e in history[1:]] == [f"user-{lane}" for lane, *_ in steps]
    assert [e["decision"] for e in history[1:]] == [d or "submit" for _, _, d, _ in steps]
