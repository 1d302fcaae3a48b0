"""The engine adapter: approval diagrams in, JSON state out (R-WF-1, R-WF-2).

Storage-agnostic by design: nothing here knows about the database. The service layer keeps

* each diagram version once, keyed by ``DiagramSpec.version`` (sha-256 of the XML), and
* each running case as the JSON from ``Instance.dumps()`` (or the dict from ``Instance.state()``), which
  holds SpiffWorkflow's task tree and our history but not the diagram.

To continue a case it loads the stored XML with ``load_spec`` and calls ``Instance.restore``; a case
therefore always finishes on the diagram version it started on, while new cases use the newest one.

Conventions every diagram follows (checked in tests/workflows):

* lanes are named by the keys of ``workflows.roles.LANES``;
* a person's step is a ``userTask``; its choices are the literal values in ``decision == '…'`` conditions
  on the exclusive gateway right after it, labelled by the flows' names; completing it stores
  ``decision`` and ``comment`` (plus any extra data) in the task data;
* a step without such a gateway takes no choice; its decision defaults to ``"submit"``;
* before each end event a script task sets ``outcome``, which the service reads when the case is finished;
* a task's due date is the data variable ``due_<bpmn id>`` or, failing that, ``due``.

After any exception from ``complete`` the ``Instance`` object may be half-advanced: discard it and
restore from the last stored state (the service's transaction rolls back the same way).
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.specs.MultiChoice import MultiChoice
from SpiffWorkflow.util.task import TaskState

from workflows import diagram_xml
from workflows.errors import (
    DiagramError,
    InvalidInput,
    SandboxViolation,
    StateError,
    StepFailed,
    TaskNotReady,
    WorkflowError,
)
from workflows.roles import LANES, lane_label
from workflows.sandbox import CodeFailed, RestrictedScriptEngine, check_code

__all__ = [
    "DIAGRAM_DIR",
    "Choice",
    "DiagramError",
    "DiagramSpec",
    "Instance",
    "InvalidInput",
    "SandboxViolation",
    "StateError",
    "Step",
    "StepFailed",
    "TaskNotReady",
    "TaskView",
    "WorkflowError",
    "bundled_diagrams",
    "load_bundled",
    "load_spec",
]

DIAGRAM_DIR = Path(__file__).parent / "diagrams"
STATE_FORMAT = 1
DEFAULT_DECISION = "submit"
# Engine tasks (gateways, scripts…) one call may run before a person's step must be reached: a diagram that
# loops through them forever fails with StepFailed instead of hanging the worker. (Spiff's task tree deepens
# with every round of such a loop; each round costs more, and near 1,000 rounds Spiff ends the case silently.)
MAX_ENGINE_STEPS = 200
# Seconds one call may spend in them: each script has its own budget (budget.py), a long chain of scripts
# is stopped here.
MAX_ENGINE_SECONDS = 3.0

_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NS = {"bpmn": _BPMN}
# Flow elements a diagram may use. Timers, messages, sub-processes and service tasks are refused until the
# service layer can drive them; a refused diagram never reaches a running case.
_SUPPORTED_ELEMENTS = frozenset(
    {
        "startEvent",
        "endEvent",
        "userTask",
        "manualTask",
        "scriptTask",
        "task",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "sequenceFlow",
        "laneSet",
        "documentation",
        "extensionElements",
        "textAnnotation",
        "association",
    }
)
_ALLOWED_EVENT_DEFINITIONS = frozenset({"terminateEventDefinition"})
_EXPRESSION_TAGS = (
    "conditionExpression",
    "script",
    "completionCondition",
    "loopCondition",
    "loopCardinality",
)
_HUMAN_TASKS = ("userTask", "manualTask")
_KIND_LABELS = {"sequenceFlow": "连线", "scriptTask": "脚本任务", "userTask": "用户任务", "process": "流程"}
_RESERVED_KEYS = frozenset({"decision", "comment"})


# --------------------------------------------------------------------------------------------- specs


@dataclass(frozen=True, slots=True)
class Choice:
    """One decision a person can take on a step: the stored ``value`` and the button ``label``."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Step:
    """A person's step (user task) of a diagram."""

    bpmn_id: str
    name: str
    lane: str
    choices: tuple[Choice, ...]

    @property
    def lane_label(self) -> str:
        return lane_label(self.lane)


@dataclass(frozen=True, slots=True)
class DiagramSpec:
    """One validated version of one approval diagram. Immutable and safe to share between instances."""

    process_id: str
    name: str
    version: str
    xml: str
    lanes: tuple[str, ...]
    steps: Mapping[str, Step]
    bpmn_spec: BpmnProcessSpec = field(repr=False, compare=False)


def _element_label(el: etree._Element) -> str:
    name = el.get("name")
    return f"「{name}」({el.get('id')})" if name else f"({el.get('id')})"


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _decision_literals(condition: str) -> list[str]:
    """Values ``v`` of a condition ``decision == 'v'`` or ``decision in ('v', 'w')``; else empty."""
    try:
        expr = ast.parse(condition.strip(), mode="eval").body
    except SyntaxError:
        return []
    if not (isinstance(expr, ast.Compare) and len(expr.ops) == 1):
        return []
    left, op, right = expr.left, expr.ops[0], expr.comparators[0]
    if isinstance(op, ast.Eq):
        if isinstance(right, ast.Name):
            left, right = right, left
        if isinstance(left, ast.Name) and left.id == "decision" and isinstance(right, ast.Constant):
            return [str(right.value)]
    if isinstance(op, ast.In) and isinstance(left, ast.Name) and left.id == "decision":
        if isinstance(right, ast.Tuple | ast.List | ast.Set):
            return [str(e.value) for e in right.elts if isinstance(e, ast.Constant)]
    return []


@lru_cache(maxsize=1)
def _validator() -> BpmnValidator:
    return BpmnValidator()


def _check_process(process: etree._Element) -> list[str]:
    """Problems of lanes, element types, names and embedded code of one process element."""
    problems: list[str] = []
    for el in process.iter(f"{{{_BPMN}}}*"):
        tag = _local(el)
        if el.getparent() is process and tag not in _SUPPORTED_ELEMENTS and tag not in ("dataObject",):
            problems.append(f"不支持的流程元素 {tag} {_element_label(el)}")
        if tag.endswith("EventDefinition") and tag not in _ALLOWED_EVENT_DEFINITIONS:
            problems.append(f"不支持的事件定义 {tag}（在 {_element_label(el.getparent())}）")
        nested = el.getparent() is not process
        if nested and tag in ("subProcess", "callActivity", "transaction", "adHocSubProcess"):
            problems.append(f"不支持的流程元素 {tag} {_element_label(el)}")

    lanes = process.findall(".//bpmn:lane", _NS)
    if not lanes:
        problems.append("流程没有泳道（laneSet），无法确定各步骤由哪个角色办理")
    lane_of: dict[str, str] = {}
    known = "、".join(LANES)
    for lane in lanes:
        key = (lane.get("name") or "").strip()
        if key not in LANES:
            problems.append(f"泳道「{key or lane.get('id')}」不是已知角色（可用：{known}）")
        for ref in lane.findall("bpmn:flowNodeRef", _NS):
            lane_of[(ref.text or "").strip()] = key

    for tag in _HUMAN_TASKS:
        for el in process.findall(f"bpmn:{tag}", _NS):
            if not (el.get("name") or "").strip():
                problems.append(f"用户任务 ({el.get('id')}) 没有名称")
            if el.get("id") not in lane_of:
                problems.append(f"用户任务{_element_label(el)}不在任何泳道中")

    for tag in _EXPRESSION_TAGS:
        for el in process.iter(f"{{{_BPMN}}}{tag}"):
            source = el.text or ""
            if not source.strip():
                continue
            owner = el.getparent()
            kind = _KIND_LABELS.get(_local(owner), _local(owner))
            what = "脚本" if tag == "script" else "条件表达式"
            mode = "exec" if tag == "script" else "eval"
            source = source.strip() if mode == "eval" else source
            for reason in check_code(source, mode):
                problems.append(f"{kind}{_element_label(owner)}的{what}：{reason}")
    return problems


def _steps_of(process: etree._Element, bpmn_spec: BpmnProcessSpec) -> dict[str, Step]:
    by_id = {el.get("id"): el for el in process.iter(f"{{{_BPMN}}}*") if el.get("id")}
    flows_from: dict[str, list[etree._Element]] = {}
    for flow in process.findall("bpmn:sequenceFlow", _NS):
        flows_from.setdefault(flow.get("sourceRef"), []).append(flow)

    steps: dict[str, Step] = {}
    for tag in _HUMAN_TASKS:
        for el in process.findall(f"bpmn:{tag}", _NS):
            task_id = el.get("id")
            choices: list[Choice] = []
            outgoing = flows_from.get(task_id, [])
            if len(outgoing) == 1:
                gateway = by_id.get(outgoing[0].get("targetRef"))
                if gateway is not None and _local(gateway) == "exclusiveGateway":
                    for flow in flows_from.get(gateway.get("id"), []):
                        cond = flow.find("bpmn:conditionExpression", _NS)
                        for value in _decision_literals(cond.text or "") if cond is not None else []:
                            choices.append(Choice(value, (flow.get("name") or value).strip()))
            lane = bpmn_spec.task_specs[task_id].lane
            steps[task_id] = Step(task_id, (el.get("name") or task_id).strip(), lane, tuple(choices))
    return steps


@lru_cache(maxsize=64)
def _load_spec_cached(data: bytes, process_id: str | None) -> DiagramSpec:
    root = diagram_xml.parse(data)  # DTDs and entities refused first
    try:
        _validator().validate(root)
    except ValidationException as err:
        line = f"（第{err.line_number}行）" if getattr(err, "line_number", None) else ""
        raise DiagramError([f"不符合 BPMN 2.0 规范{line}：{err}"]) from None

    processes = {p.get("id"): p for p in root.findall("bpmn:process", _NS) if p.get("isExecutable", "false") == "true"}
    if process_id is None:
        if len(processes) != 1:
            found = "、".join(processes) or "无"
            raise DiagramError([f"文件中应有且仅有一个可执行流程，实际：{found}；请指定 process_id"])
        process_id = next(iter(processes))
    process = processes.get(process_id)
    if process is None:
        raise DiagramError([f"文件中没有可执行流程「{process_id}」"])

    problems = _check_process(process)
    if problems:
        raise DiagramError(problems)

    parser = BpmnParser()
    try:
        parser.add_bpmn_xml(root, filename=f"{process_id}.bpmn")
        bpmn_spec = parser.get_spec(process_id)
    except ValidationException as err:
        raise DiagramError([f"流程无法解析：{err}"]) from None

    steps = _steps_of(process, bpmn_spec)
    lane_names = ((ln.get("name") or "").strip() for ln in process.findall(".//bpmn:lane", _NS))
    lanes = tuple(dict.fromkeys(lane_names))
    return DiagramSpec(
        process_id=process_id,
        name=process.get("name") or process_id,
        version=hashlib.sha256(data).hexdigest(),
        xml=data.decode("utf-8"),
        lanes=lanes,
        steps=MappingProxyType(steps),
        bpmn_spec=bpmn_spec,
    )


def load_spec(bpmn_xml: bytes | str, process_id: str | None = None) -> DiagramSpec:
    """Parse and validate one diagram version; raise ``DiagramError`` listing every problem (in Chinese).

    Checked: no DOCTYPE or entities (``diagram_xml``); well-formed XML valid against the BPMN 2.0 schema; one
    executable process (or the one named); only supported element types; lanes named by known role keys; every
    user task named and in a lane; every script and condition accepted by the sandbox. Cached by content.
    """
    data = bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bytes(bpmn_xml)
    return _load_spec_cached(data, process_id)


def bundled_diagrams() -> dict[str, Path]:
    """The diagrams shipped with the code, by file stem (``"monthly_plan"`` → its path)."""
    return {path.stem: path for path in sorted(DIAGRAM_DIR.glob("*.bpmn"))}


def load_bundled(name: str) -> DiagramSpec:
    """``load_spec`` of a shipped diagram, e.g. ``load_bundled("appeal")``."""
    try:
        path = bundled_diagrams()[name]
    except KeyError:
        raise DiagramError([f"没有名为「{name}」的内置流程图"]) from None
    return load_spec(path.read_bytes())


# ------------------------------------------------------------------------------------ serialisation


class _StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """Spiff's workflow converter without the spec: the diagram is stored once per version, not per case."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict, spec: BpmnProcessSpec | None = None, script_engine: Any = None) -> BpmnWorkflow:
        if spec is None:
            raise StateError("恢复实例需要流程定义")
        workflow = self.target_class(spec, {}, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(DEFAULT_CONFIG)
    config[BpmnWorkflow] = _StateOnlyWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]), "date")
    return BpmnWorkflowSerializer(registry)


_SERIALIZER = _make_serializer()
# Spiff's task converter leaves data deltas unconverted (dates, UUIDs…); its encoder converts them.
_ENCODER = create_encoder(_SERIALIZER.registry)
_SCRIPT_ENGINE = RestrictedScriptEngine()
_EVERY_CONDITION_ENGINE = RestrictedScriptEngine(every_condition=True)


def _script_engine(every_condition: bool) -> RestrictedScriptEngine:
    return _EVERY_CONDITION_ENGINE if every_condition else _SCRIPT_ENGINE


def _json(value: Any) -> str:
    return json.dumps(value, cls=_ENCODER, ensure_ascii=False, separators=(",", ":"))


class _StrictEncoder(_ENCODER):  # type: ignore[misc, valid-type]
    """Spiff's encoder silently drops callables; data we are handed must not lose anything."""

    def default(self, obj: Any) -> Any:
        if callable(obj):
            raise TypeError(f"{type(obj).__name__} 不是数据")
        return super().default(obj)


def _check_data(data: Mapping[str, Any], *, what: str) -> None:
    for key in data:
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("_"):
            raise InvalidInput(f"{what}的变量名「{key}」无效（须为不以下划线开头的标识符）")
    try:
        json.dumps(dict(data), cls=_StrictEncoder)
    except (TypeError, ValueError) as err:
        raise InvalidInput(f"{what}无法保存为 JSON：{err}") from None


# ----------------------------------------------------------------------------------------- instances


@dataclass(frozen=True, slots=True)
class TaskView:
    """A step waiting for a person, as the task list shows it."""

    id: str
    bpmn_id: str
    name: str
    lane: str
    lane_label: str
    choices: tuple[Choice, ...]
    due: Any
    data: dict[str, Any]


def _timestamp(at: datetime | None) -> str:
    return (at or datetime.now(UTC)).isoformat()


class Instance:
    """One running (or finished) case of one diagram version."""

    def __init__(self, spec: DiagramSpec, workflow: BpmnWorkflow, history: list[dict[str, Any]]) -> None:
        self.spec = spec
        self._workflow = workflow
        self.history = history

    # -- lifecycle

    @classmethod
    def start(
        cls,
        spec: DiagramSpec,
        data: Mapping[str, Any] | None = None,
        *,
        actor: str | None = None,
        at: datetime | None = None,
        every_condition: bool = False,
    ) -> Instance:
        """Start a case with initial data (record id, division id, ``due``…); run to the first human step.

        ``every_condition`` (dry runs): each gateway passed evaluates all its outgoing conditions, not only
        until one holds (``RestrictedScriptEngine``)."""
        data = dict(data or {})
        _check_data(data, what="初始数据")
        workflow = BpmnWorkflow(spec.bpmn_spec, script_engine=_script_engine(every_condition))
        start_task = workflow.get_next_task(state=TaskState.READY)
        start_task.data.update(copy.deepcopy(data))
        instance = cls(spec, workflow, [])
        instance._run_engine()
        instance.history.append(
            {
                "kind": "start",
                "at": _timestamp(at),
                "actor": actor,
                "task_id": None,
                "bpmn_id": None,
                "task_name": None,
                "lane": None,
                "decision": None,
                "comment": "",
            }
        )
        return instance

    @classmethod
    def restore(cls, spec: DiagramSpec, state: str | Mapping[str, Any], *, every_condition: bool = False) -> Instance:
        """Rebuild a case from ``dumps()``/``state()`` output and the diagram version it was started on
        (``every_condition`` as in ``start``)."""
        try:
            envelope = json.loads(state) if isinstance(state, str) else copy.deepcopy(dict(state))
        except json.JSONDecodeError as err:
            raise StateError(f"实例状态不是有效的 JSON：{err}") from None
        if envelope.get("format") != STATE_FORMAT:
            raise StateError(f"不支持的实例状态格式：{envelope.get('format')!r}")
        if envelope.get("process_id") != spec.process_id or envelope.get("spec_version") != spec.version:
            raise StateError(
                f"实例属于流程「{envelope.get('process_id')}」版本 {str(envelope.get('spec_version'))[:12]}，"
                f"与给定的流程定义「{spec.process_id}」版本 {spec.version[:12]} 不符"
            )
        dct = envelope["workflow"]
        version = dct.pop(_SERIALIZER.VERSION_KEY, None)
        if version != _SERIALIZER.VERSION and version in MIGRATIONS:
            # Spiff's migrations expect the spec inside the dict; lend it for the migration only.
            dct["spec"] = _SERIALIZER.to_dict(spec.bpmn_spec)
            dct["subprocess_specs"] = {}
            MIGRATIONS[version](dct)
            dct.pop("spec", None)
            dct.pop("subprocess_specs", None)
        dct.pop("typename", None)
        try:
            workflow = _SERIALIZER.registry.convert_from_dict["BpmnWorkflow"](
                dct, spec=spec.bpmn_spec, script_engine=_script_engine(every_condition)
            )
        except (KeyError, ValueError, TypeError) as err:
            raise StateError(f"实例状态无法恢复：{err!r}") from None
        return cls(spec, workflow, list(envelope.get("history", [])))

    def dumps(self) -> str:
        """State of the case as a JSON string, without the diagram (for a text column)."""
        workflow = _SERIALIZER.to_dict(self._workflow)
        workflow[_SERIALIZER.VERSION_KEY] = _SERIALIZER.VERSION
        envelope = {
            "format": STATE_FORMAT,
            "process_id": self.spec.process_id,
            "spec_version": self.spec.version,
            "history": self.history,
            "workflow": workflow,
        }
        return _json(envelope)

    def state(self) -> dict[str, Any]:
        """``dumps()`` as plain JSON types (for a JSON column)."""
        return json.loads(self.dumps())

    # -- reading

    @property
    def is_finished(self) -> bool:
        return self._workflow.is_completed()

    @property
    def data(self) -> dict[str, Any]:
        """Case data: the final data once finished, else the data the current step(s) see."""
        if self.is_finished:
            source = self._workflow.data
        else:
            ready = self._ready()
            source = ready[0].data if ready else self._workflow.data
        return {k: copy.deepcopy(v) for k, v in source.items() if k != "data_objects"}

    @property
    def outcome(self) -> str | None:
        """The ``outcome`` the diagram set before its end event; ``None`` while the case runs."""
        return self._workflow.data.get("outcome") if self.is_finished else None

    def ready_tasks(self) -> list[TaskView]:
        """Steps waiting for a person, in diagram order."""
        views = []
        for task in self._ready():
            step = self.spec.steps[task.task_spec.name]
            due = task.data.get(f"due_{step.bpmn_id}", task.data.get("due"))
            views.append(
                TaskView(
                    id=str(task.id),
                    bpmn_id=step.bpmn_id,
                    name=step.name,
                    lane=step.lane,
                    lane_label=step.lane_label,
                    choices=step.choices,
                    due=due,
                    data=copy.deepcopy(task.data),
                )
            )
        return views

    def current_steps(self) -> list[str]:
        """BPMN ids of the steps to highlight on the diagram."""
        return [task.task_spec.name for task in self._ready()]

    def waiting(self) -> list[str]:
        """Labels (「name」(id)) of the elements waiting for something other than a person, e.g. a parallel join
        waiting for its other branches. A case with these and no ready task can never move on."""
        return [_spec_label(task.task_spec) for task in self._workflow.get_tasks(state=TaskState.WAITING)]

    # -- acting

    def complete(
        self,
        task_id: str,
        actor: str,
        decision: str | None = None,
        comment: str = "",
        data: Mapping[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """Complete a waiting step with the actor's decision, run on to the next human step(s), and return
        the history event appended (kind, at, actor, task_id, bpmn_id, task_name, lane, decision, comment).

        The decision must be one of the step's choices; a step without choices takes ``"submit"`` by default.
        Extra ``data`` (e.g. adjusted hours) is merged into the task data; it may not set ``decision`` or
        ``comment`` and must be JSON-able. Whether ``actor`` may act in the step's lane is the caller's check.
        """
        task = self._ready_task(task_id)
        step = self.spec.steps[task.task_spec.name]
        allowed = [choice.value for choice in step.choices]
        if allowed and decision not in allowed:
            labels = "、".join(f"{c.value}（{c.label}）" for c in step.choices)
            raise InvalidInput(f"「{step.name}」的决定须为：{labels}；收到 {decision!r}")
        decision = decision if decision is not None else DEFAULT_DECISION
        extra = dict(data or {})
        clash = _RESERVED_KEYS & set(extra)
        if clash:
            raise InvalidInput(f"附加数据不能包含 {'、'.join(sorted(clash))}")
        _check_data(extra, what="附加数据")

        task.data.update(copy.deepcopy(extra))
        task.data["decision"] = decision
        task.data["comment"] = comment
        try:
            task.run()
        except SpiffWorkflowException as err:
            raise _failure(err) from err
        self._run_engine()
        event = {
            "kind": "complete",
            "at": _timestamp(at),
            "actor": actor,
            "task_id": str(task.id),
            "bpmn_id": step.bpmn_id,
            "task_name": step.name,
            "lane": step.lane,
            "decision": decision,
            "comment": comment,
        }
        self.history.append(event)
        return event

    # -- internals

    def _ready(self) -> list:
        return self._workflow.get_tasks(state=TaskState.READY, manual=True)

    def _ready_task(self, task_id: str) -> Any:
        try:
            task = self._workflow.get_task_from_id(UUID(str(task_id)))
        except (ValueError, TaskNotFoundException):
            raise TaskNotReady(f"实例中没有任务 {task_id}") from None
        if not task.has_state(TaskState.READY) or not task.task_spec.manual:
            raise TaskNotReady(f"任务「{task.task_spec.bpmn_name or task.task_spec.name}」当前不在待办状态")
        return task

    def _run_engine(self) -> None:
        """Run gateways and scripts up to the next person's step; ``StepFailed`` names the element that failed."""
        ran = 0
        started = time.perf_counter()

        def count(task: Any) -> None:
            nonlocal ran
            ran += 1
            if ran > MAX_ENGINE_STEPS:
                reason = f"自动执行超过 {MAX_ENGINE_STEPS} 步仍未到达任何人员办理的步骤（流程中有不经过用户任务的循环）"
                raise StepFailed(task.task_spec.name, _spec_label(task.task_spec), reason)
            if time.perf_counter() - started > MAX_ENGINE_SECONDS:
                reason = f"自动执行超过 {MAX_ENGINE_SECONDS:g} 秒仍未到达任何人员办理的步骤"
                raise StepFailed(task.task_spec.name, _spec_label(task.task_spec), reason)

        try:
            self._workflow.do_engine_steps(will_complete_task=count)
        except SandboxViolation:
            raise
        except SpiffWorkflowException as err:
            raise _failure(err) from err


def _spec_label(spec: Any) -> str:
    element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "?")
    name = (getattr(spec, "bpmn_name", None) or "").strip()
    return f"「{name}」({element})" if name else f"({element})"


def _cause_text(cause: BaseException) -> str:
    if isinstance(cause, SandboxViolation):
        return "；".join(cause.problems)
    if isinstance(cause, NameError):
        return f"变量「{cause.name}」未定义（流程数据中没有这个变量）"
    if isinstance(cause, ZeroDivisionError):
        return "除数为零"
    if isinstance(cause, RecursionError | MemoryError):
        return "超出运行限制"
    return f"{type(cause).__name__}：{cause}"


def _failure(err: SpiffWorkflowException) -> StepFailed:
    """The Chinese report of an engine error, naming the element it happened in."""
    task = getattr(err, "task", None)
    spec = task.task_spec if task is not None else getattr(err, "task_spec", None)
    element = str(getattr(spec, "bpmn_id", None) or getattr(spec, "name", "")) if spec is not None else ""
    label = _spec_label(spec) if spec is not None else "流程"
    if isinstance(err, CodeFailed):
        reason = f"{err.kind} {err.source.strip()} 出错：{_cause_text(err.cause)}"
    elif isinstance(spec, MultiChoice):
        reason = "没有任何一条出口连线的条件成立，也没有默认连线"
    else:
        reason = str(err)
    return StepFailed(element, label, reason)
