"""Conditions and scripts in diagrams see task data and a whitelist, nothing else (R-WF-1, R-SEC-1)."""

from __future__ import annotations

import dataclasses

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
from SpiffWorkflow.util.task import TaskState

from workflows.engine import DiagramError, Instance, SandboxViolation, load_spec
from workflows.sandbox import RestrictedEnvironment, RestrictedScriptEngine, check_code


@pytest.mark.parametrize(
    ("where", "code", "expected"),
    [
        ("condition", "__import__('os').system('id') == 0", "「__import__」"),
        ("condition", "decision.__class__.__mro__", "「__class__」"),
        ("condition", "eval('1') == 1", "「eval」"),
        ("condition", "getattr(decision, 'upper')() == 'APPROVE'", "「getattr」"),
        ("condition", "helper(decision)", "不允许调用「helper」"),
        ("condition", "(lambda: True)()", "lambda"),
        ("condition", "decision ==", "语法错误"),
        ("script", "data = open('/etc/passwd').read()", "「open」"),
        ("script", "import os\noutcome = os.getcwd()", "导入模块"),
        ("script", "from os import path", "导入模块"),
        ("script", "while True:\n    pass", "while"),
        ("script", "outcome = 10 ** 10 ** 10", "幂运算"),
        ("script", "def f():\n    return 1", "定义函数"),
        ("script", "globals()['x'] = 1", "「globals」"),
    ],
)
def test_diagram_with_unsafe_code_is_refused_at_load(tiny, where: str, code: str, expected: str) -> None:
    xml = tiny(condition=code) if where == "condition" else tiny(script=code)
    with pytest.raises(DiagramError) as err:
        load_spec(xml)
    kind = "条件表达式" if where == "condition" else "脚本"
    assert any(kind in p and expected in p for p in err.value.problems), err.value.problems


def test_every_problem_is_reported_once_each(tiny) -> None:
    xml = tiny(condition="__import__('os')", script="x = open('/etc/passwd')", lane="boss", task_in_lane=False)
    with pytest.raises(DiagramError) as err:
        load_spec(xml)
    problems = err.value.problems
    assert len(problems) == 4, problems
    assert any("泳道「boss」不是已知角色" in p for p in problems)
    assert any("不在任何泳道中" in p for p in problems)
    assert str(err.value).startswith("流程图不可用：")


@pytest.mark.parametrize(
    "code",
    [
        "decision == 'approve'",
        "decision in ('approve', 'return') and len(comment.strip()) > 0",
        "sum(e['hours'] for e in entries) <= 40",
        "max([1, 2, 3]) == 3 and sorted({'b': 1, 'a': 2})[0] == 'a'",
    ],
)
def test_plain_conditions_pass_the_check(code: str) -> None:
    assert check_code(code, "eval") == []


def test_scripts_compute_from_task_data_and_write_back() -> None:
    context = {"entries": [{"hours": 3.5}, {"hours": 4}], "comment": "  好  "}
    script = (
        "total = sum(e['hours'] for e in entries)\n"
        "total += 1\n"
        "summary = {'count': len(entries)}\n"
        "summary['note'] = comment.strip()\n"
        "for a, b in zip([1, 2], [3, 4]):\n"
        "    last = a + b\n"
    )
    RestrictedEnvironment().execute(script, context)
    assert context["total"] == 8.5
    assert context["summary"] == {"count": 2, "note": "好"}
    assert context["last"] == 6


@pytest.mark.parametrize(
    "expression",
    [
        "'{0.__class__}'.format(decision)",  # passes the AST gate; RestrictedPython's getattr guard refuses
        "decision.format_map({})",
    ],
)
def test_runtime_guards_refuse_what_the_ast_check_cannot_see(expression: str) -> None:
    assert check_code(expression, "eval") == []
    with pytest.raises(NotImplementedError):
        RestrictedEnvironment().evaluate(expression, {"decision": "x"})


def test_task_data_cannot_shadow_the_guards() -> None:
    env = RestrictedEnvironment()
    assert env.evaluate("len(items)", {"items": [1, 2], "_getattr_": getattr}) == 2


@pytest.mark.parametrize(
    ("condition", "script"),
    [
        ("__import__('os').getcwd() != ''", "outcome = 'approved'"),
        ("decision == 'approve'", "outcome = open('/etc/passwd').read()"),
    ],
)
def test_unchecked_spec_is_refused_at_run_time(tiny, condition: str, script: str) -> None:
    """A spec that never went through ``load_spec`` still cannot run unsafe code in our script engine."""
    parser = BpmnParser()
    parser.add_bpmn_str(tiny(condition=condition, script=script).encode("utf-8"))
    workflow = BpmnWorkflow(parser.get_spec("tiny"), script_engine=RestrictedScriptEngine())
    workflow.do_engine_steps()
    task = workflow.get_next_task(state=TaskState.READY, manual=True)
    task.data["decision"] = "approve"
    task.run()
    with pytest.raises(SandboxViolation) as err:
        workflow.do_engine_steps()
    assert "不允许使用" in str(err.value)


def test_runtime_refusal_surfaces_through_the_adapter(tiny) -> None:
    """A DiagramSpec whose Spiff spec skipped the checks: ``complete`` raises ``SandboxViolation``."""
    parser = BpmnParser()
    parser.add_bpmn_str(tiny(condition="__import__('os').getcwd() != ''").encode("utf-8"))
    spec = dataclasses.replace(load_spec(tiny()), bpmn_spec=parser.get_spec("tiny"))
    instance = Instance.start(spec)
    task = instance.ready_tasks()[0]
    with pytest.raises(SandboxViolation):
        instance.complete(task.id, "u", "approve")
