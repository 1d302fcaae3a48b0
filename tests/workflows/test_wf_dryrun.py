"""The dry run walks every path of a diagram before an upload is accepted (R-WF-1: "a route is checked before it
takes effect, so that no edit can leave a case stuck"; R-WF-3: every rule holds on every path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.approvals import CHAINS, dry_run_samples
from workflows.dryrun import Limits, check, dry_run
from workflows.engine import DiagramError, bundled_diagrams, load_bundled, load_spec

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("chain", sorted(bundled_diagrams()))
def test_r_wf_1_every_shipped_diagram_passes_the_dry_run_on_every_path(chain: str) -> None:
    """Each chain's sample start data (e.g. every ``subject_position``, both ``proposer`` values): every path
    ends with an outcome and every person's step is reached on some path."""
    spec = load_bundled(chain)
    report = check(spec, dry_run_samples(chain))
    assert report.ok and report.ended >= 1
    assert report.reached == set(spec.steps), f"never reached: {set(spec.steps) - report.reached}"


def test_r_wf_1_the_dry_run_takes_every_choice_of_every_step() -> None:
    """Exemption: head, leader, director each approve or reject — three ways to reject, one to approve."""
    report = dry_run(load_bundled("exemption"), dry_run_samples("exemption"))
    assert report.outcomes == {"approved", "rejected"} and report.ended == 4


def test_r_wf_1_a_chain_branching_on_start_data_is_tried_with_each_sample() -> None:
    only_staff = dry_run(load_bundled("weekly_review"), [{"subject_position": "staff", "due": None}])
    assert "leader_rate" not in only_staff.reached and "head_rate" in only_staff.reached
    every = dry_run(load_bundled("weekly_review"), dry_run_samples("weekly_review"))
    assert {"leader_rate", "head_rate"} <= every.reached
    assert len(CHAINS["weekly_review"].sample_start_data()) == 3


def test_r_wf_3_a_condition_on_a_variable_the_chain_never_sets_is_refused_naming_the_step(tiny) -> None:
    spec = load_spec(tiny(condition="hours > 8"))
    with pytest.raises(DiagramError) as err:
        check(spec, dry_run_samples("monthly_plan"))
    (problem,) = err.value.problems
    assert "「复核结果」(gw)" in problem and "hours > 8" in problem and "变量「hours」未定义" in problem
    assert "「复核」" in problem, "the path that led there"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("x = 'a' * 1000000000\noutcome = 'approved'", "重复生成的序列过大"),
        ("outcome = 'approved' if len([i for i in range(100000000)]) else ''", "range 范围过大"),
        ("outcome = 'approved' if sum(1 for i in range(99999) for j in range(99999)) else ''", "循环次数超过上限"),
    ],
)
def test_r_wf_1_a_script_over_its_budget_is_refused_at_the_dry_run(tiny, code: str, reason: str) -> None:
    with pytest.raises(DiagramError) as err:
        check(load_spec(tiny(script=code)))
    assert any("「结果」(set_outcome)" in p and reason in p for p in err.value.problems), err.value.problems


def test_r_wf_1_a_path_ending_without_an_outcome_is_refused(tiny) -> None:
    report = dry_run(load_spec(tiny(script="checked = True")))
    assert {f.code for f in report.findings} == {"no_outcome"}
    assert any("没有设置 outcome" in f.message and "「复核」" in f.message for f in report.findings)


def test_r_wf_1_a_join_that_waits_for_a_branch_never_taken_is_refused_as_stuck() -> None:
    """The reject branch meets the approve branch at a parallel join, which then waits forever on either path."""
    report = dry_run(load_spec((DATA / "dryrun_stuck_join.bpmn").read_bytes()))
    (finding,) = report.findings  # one finding per place, the first path that showed it
    assert finding.code == "stuck" and "「汇合」(join)" in finding.message and "「复核」" in finding.message
    assert report.ended == 0 and report.states == 3


def test_r_wf_1_an_engine_loop_without_a_person_is_refused_naming_the_element() -> None:
    report = dry_run(load_spec((DATA / "dryrun_engine_loop.bpmn").read_bytes()))
    (finding,) = report.findings
    assert finding.code == "step_failed" and finding.element == "count_round"
    assert "不经过用户任务的循环" in finding.message


def test_r_wf_1_the_walk_is_bounded_and_says_so() -> None:
    report = dry_run(load_bundled("adjustment"), dry_run_samples("adjustment"), limits=Limits(states=3))
    assert [f.code for f in report.findings] == ["too_many"] and report.states <= 4
