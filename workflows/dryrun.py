"""The dry run of a diagram before it is accepted (R-WF-1: "a route is checked before it takes effect, so that
no edit can leave a case stuck or skip a required step").

``dry_run(spec, samples)`` starts one case per sample of start data and walks every path people can take: in
each state the first waiting step (in diagram order) is completed once with each of its choices — once with
the default decision when it has none — and the other waiting steps are completed in the states that follow,
so every combination of choices is taken, the branches of a parallel split included. A state met before
(the same steps waiting with the same data, the same elements waiting at joins) is not walked again; that
folds the return-and-resubmit loops.

A path fails when
* the engine raises: a condition on a variable the chain never sets (``hours > 8``), a script error, a
  script over its budget, no outgoing flow of a gateway applies, an engine loop through no person's step —
  ``StepFailed`` names the element. Each gateway passed evaluates *every* outgoing condition, not only
  until one holds, so a failing condition is found whatever the order of the flows;
* the case ends without setting a textual ``outcome`` (the service reads it);
* the case stops half-way: no step waits for a person, yet the case has not ended (a join waiting for a
  branch that was never taken).

The walk is bounded (``Limits``: states, steps on one path, seconds); a diagram whose paths cannot all be
walked within them is refused too. Pure engine code: the service passes the chain's samples and turns the
findings into a refusal (``check``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workflows.engine import DiagramSpec, Instance, TaskView
from workflows.errors import DiagramError, StepFailed, WorkflowError

__all__ = ["LIMITS", "DryRunReport", "Finding", "Limits", "check", "dry_run"]

ACTOR = "试运行"


@dataclass(frozen=True, slots=True)
class Limits:
    states: int = 2_000  # states walked over all samples
    depth: int = 60  # person steps on one path
    seconds: float = 10.0


LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Finding:
    """Why a path failed. ``code``: ``step_failed`` | ``no_outcome`` | ``stuck`` | ``too_long`` | ``too_many``;
    ``element``/``label``: where (BPMN id, 「name」(id)); ``detail``: the reason in Chinese; ``path``: the
    steps and choices that led there; ``sample``: the start data of that case."""

    code: str
    element: str
    label: str
    detail: str
    path: tuple[str, ...]
    sample: Mapping[str, Any]

    @property
    def message(self) -> str:
        where = f"在{self.label}" if self.label else ""
        route = "→".join(self.path) or "发起"
        data = "、".join(f"{k}={v}" for k, v in self.sample.items()) or "无"
        return f"试运行{where}失败：{self.detail}（发起数据：{data}；路径：{route}）"


@dataclass(frozen=True, slots=True)
class DryRunReport:
    states: int  # states walked
    ended: int  # paths that reached an end event with an outcome
    outcomes: frozenset[str]
    reached: frozenset[str]  # BPMN ids of the person steps some path reached
    findings: tuple[Finding, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.findings


class _Walk:
    def __init__(self, spec: DiagramSpec, step_data: Mapping[str, Mapping[str, Any]], limits: Limits) -> None:
        self.spec = spec
        self.step_data = step_data
        self.limits = limits
        self.started = time.perf_counter()
        self.states = 0
        self.ended = 0
        self.outcomes: set[str] = set()
        self.reached: set[str] = set()
        self.seen: set[tuple[Any, ...]] = set()
        self.findings: dict[tuple[str, str], Finding] = {}
        self.stopped = False

    def found(self, code: str, element: str, label: str, detail: str, path: tuple[str, ...], sample: Any) -> None:
        self.findings.setdefault((code, element), Finding(code, element, label, detail, path, dict(sample)))

    def failed(self, err: Exception, path: tuple[str, ...], sample: Mapping[str, Any]) -> None:
        if isinstance(err, StepFailed):
            self.found("step_failed", err.element, err.label, err.reason, path, sample)
        elif isinstance(err, WorkflowError):
            self.found("step_failed", "", "", str(err), path, sample)
        else:  # the engine itself failed on this diagram: refuse it rather than crash the upload
            self.found("step_failed", "", "", f"流程引擎无法执行（{type(err).__name__}：{err}）", path, sample)

    def over_limits(self, path: tuple[str, ...], sample: Mapping[str, Any]) -> bool:
        if self.states > self.limits.states or time.perf_counter() - self.started > self.limits.seconds:
            detail = f"路径过多，无法在 {self.limits.states} 个状态、{self.limits.seconds:g} 秒内逐一试运行"
            self.found("too_many", "", "", detail, path, sample)
            self.stopped = True
        elif len(path) > self.limits.depth:
            detail = f"一条路径超过 {self.limits.depth} 个步骤仍未结束（循环每次都改变数据？）"
            self.found("too_long", "", "", detail, path, sample)
        else:
            return False
        return True

    def sample(self, data: Mapping[str, Any]) -> None:
        try:
            first = Instance.start(self.spec, data, actor=ACTOR, every_condition=True)
        except Exception as err:  # noqa: BLE001 - every failure is a finding (see failed)
            self.failed(err, (), data)
            return
        pending: list[tuple[Instance, tuple[str, ...]]] = [(first, ())]
        while pending and not self.stopped:
            instance, path = pending.pop()
            self.states += 1
            if self.over_limits(path, data):
                continue
            pending.extend(self.successors(instance, path, data))

    def successors(
        self, instance: Instance, path: tuple[str, ...], data: Mapping[str, Any]
    ) -> list[tuple[Instance, tuple[str, ...]]]:
        if instance.is_finished:
            outcome = instance.outcome
            if isinstance(outcome, str) and outcome:
                self.ended += 1
                self.outcomes.add(outcome)
            else:
                detail = "流程结束时没有设置 outcome（结束前须有脚本任务 outcome = '…'）"
                self.found("no_outcome", path[-1] if path else "", "", detail, path, data)
            return []
        ready = instance.ready_tasks()
        if not ready:
            waiting = "、".join(instance.waiting()) or "无"
            detail = f"流程停在半途：没有等待办理的步骤，流程也没有结束（仍在等待：{waiting}）"
            self.found("stuck", waiting, "", detail, path, data)
            return []
        key = (tuple((t.bpmn_id, _canonical(t.data)) for t in ready), tuple(instance.waiting()))
        if key in self.seen:
            return []
        self.seen.add(key)
        task = ready[0]
        self.reached.update(t.bpmn_id for t in ready)
        return self.complete_each_way(instance, task, path, data)

    def complete_each_way(
        self, instance: Instance, task: TaskView, path: tuple[str, ...], data: Mapping[str, Any]
    ) -> list[tuple[Instance, tuple[str, ...]]]:
        ways: list[tuple[str | None, str]] = [(c.value, f"「{task.name}」{c.label}") for c in task.choices]
        ways = ways or [(None, f"「{task.name}」")]
        state = instance.dumps() if len(ways) > 1 else ""
        extra = self.step_data.get(task.bpmn_id)
        following = []
        for n, (decision, label) in enumerate(ways):
            branch = instance if n == len(ways) - 1 else Instance.restore(self.spec, state, every_condition=True)
            try:
                branch.complete(task.id, ACTOR, decision, ACTOR, extra)
            except Exception as err:  # noqa: BLE001 - every failure is a finding (see failed)
                self.failed(err, (*path, label), data)
                continue
            following.append((branch, (*path, label)))
        return following


def _canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)


def dry_run(
    spec: DiagramSpec,
    samples: Sequence[Mapping[str, Any]] = ({},),
    *,
    step_data: Mapping[str, Mapping[str, Any]] | None = None,
    limits: Limits | None = None,
) -> DryRunReport:
    """Walk every path of ``spec`` for each sample of start data (see the module docstring).

    ``step_data`` maps a step's BPMN id to the extra data the portal sends when completing it (e.g. the
    adjusted hours of a weekly rating); steps not named get none.
    """
    walk = _Walk(spec, step_data or {}, limits or LIMITS)
    for data in samples:
        if walk.stopped:
            break
        walk.sample(data)
    return DryRunReport(
        states=walk.states,
        ended=walk.ended,
        outcomes=frozenset(walk.outcomes),
        reached=frozenset(walk.reached),
        findings=tuple(walk.findings.values()),
        seconds=time.perf_counter() - walk.started,
    )


def check(
    spec: DiagramSpec,
    samples: Sequence[Mapping[str, Any]] = ({},),
    *,
    step_data: Mapping[str, Mapping[str, Any]] | None = None,
    limits: Limits | None = None,
) -> DryRunReport:
    """``dry_run``, raising ``DiagramError`` with one Chinese message per finding if any path failed."""
    report = dry_run(spec, samples, step_data=step_data, limits=limits)
    if report.findings:
        raise DiagramError([finding.message for finding in report.findings])
    return report
