"""The restricted script engine for conditions and script tasks in approval diagrams (R-WF-1).

SpiffWorkflow's stock ``PythonScriptEngine`` runs diagram code with plain ``eval``/``exec`` and the
full builtins, so anyone who can upload a diagram could run anything on the server. Here every
expression and script passes two gates:

1. ``check_code`` — an AST whitelist, applied when a diagram is loaded (clear Chinese messages) and
   again before anything runs (so a spec that skipped ``load_spec`` is refused too). Allowed: literals,
   arithmetic without ``**``, comparisons, boolean logic, ``if``/``for``/comprehensions, assignment,
   subscripts, method calls on data (``comment.strip()``), and calls of the names in ``SAFE_BUILTINS``.
   Refused: ``import``, names and attributes starting with ``_``, Python builtins outside the whitelist
   (``open``, ``eval``, ``getattr``…), calls of anything else, ``def``/``class``/``lambda``/``while``/
   ``with``/``try``/``global``/``del``.
2. RestrictedPython compilation, run with only ``SAFE_BUILTINS`` and RestrictedPython's guards, so
   attribute access, item access and writes go through guard functions as a second line of defence.
   Every binary operator and f-string value also goes through a guard, and each run has a budget of
   loop steps, time and memory (``workflows/budget.py``): ``'x' * 1000000000`` or a loop over a huge
   range fails with a Chinese message instead of hanging the worker. The check also bounds the code's
   size: ``MAX_SOURCE`` characters, ``MAX_NODES`` syntax nodes, ``MAX_DEPTH`` levels of nesting.

Names that are neither whitelisted builtins nor assigned by the script are task-data variables
(``decision``, ``subject_position``…); a missing one is a runtime ``NameError``.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import CodeType, ModuleType
from typing import Any, Literal

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from workflows import budget
from workflows.errors import SandboxViolation

Mode = Literal["eval", "exec"]

SAFE_BUILTINS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in (
        "abs",
        "all",
        "any",
        "bool",
        "dict",
        "divmod",
        "enumerate",
        "float",
        "int",
        "len",
        "list",
        "max",
        "min",
        "range",
        "round",
        "set",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
    )
} | {"True": True, "False": False, "None": None}

_FORBIDDEN_BUILTINS = frozenset(dir(builtins)) - set(SAFE_BUILTINS)
_KNOWN_NAMES = frozenset(SAFE_BUILTINS) | _FORBIDDEN_BUILTINS

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Module,
    ast.Expression,
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.If,
    ast.For,
    ast.Pass,
    ast.Break,
    ast.Continue,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.keyword,
    ast.Name,
    ast.Constant,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.comprehension,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.expr_context,
    ast.boolop,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
)

_REFUSED_CONSTRUCTS = {
    "Import": "不允许导入模块（import）",
    "ImportFrom": "不允许导入模块（from … import）",
    "FunctionDef": "不允许定义函数（def）",
    "AsyncFunctionDef": "不允许定义函数（async def）",
    "ClassDef": "不允许定义类（class）",
    "Lambda": "不允许使用 lambda",
    "While": "不允许使用 while 循环",
    "With": "不允许使用 with 语句",
    "Try": "不允许使用 try 语句",
    "Raise": "不允许使用 raise 语句",
    "Global": "不允许使用 global 声明",
    "Nonlocal": "不允许使用 nonlocal 声明",
    "Delete": "不允许使用 del 语句",
    "Starred": "不允许使用星号展开（*）",
    "NamedExpr": "不允许使用海象赋值（:=）",
    "Assert": "不允许使用 assert 语句",
    "Return": "不允许使用 return 语句",
}
_SILENT = (ast.alias, ast.arguments, ast.arg, ast.withitem, ast.excepthandler)
MAX_SOURCE = 10_000  # characters of one condition or script
MAX_NODES = 2_000  # syntax nodes
MAX_DEPTH = 100  # levels of nesting


def _size_problems(tree: ast.AST) -> list[str]:
    """Too many nodes or too deep: refused before RestrictedPython's recursive compiler sees the tree."""
    nodes = 0
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        deepest = max(deepest, depth)
        if nodes > MAX_NODES:
            return [f"代码过于复杂（超过 {MAX_NODES} 个语法单元）"]
        if deepest > MAX_DEPTH:
            return [f"表达式嵌套过深（超过 {MAX_DEPTH} 层）"]
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return []


def _problems_of(tree: ast.AST) -> list[str]:
    problems: list[str] = []
    for node in ast.walk(tree):
        line = f"第{node.lineno}行：" if hasattr(node, "lineno") else ""
        if isinstance(node, _SILENT):
            continue  # parts of a construct that is reported on its own
        if not isinstance(node, _ALLOWED_NODES):
            kind = type(node).__name__
            problems.append(line + _REFUSED_CONSTRUCTS.get(kind, f"不允许使用语法结构 {kind}"))
        elif isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Pow):
            problems.append(f"{line}不允许使用幂运算（**）")
        elif isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.LShift):
            problems.append(f"{line}不允许使用左移运算（<<）")
        elif isinstance(node, ast.Dict) and None in node.keys:
            problems.append(f"{line}不允许使用 ** 展开字典")
        elif isinstance(node, ast.Name):
            if node.id.startswith("_"):
                problems.append(f"{line}不允许使用以下划线开头的名称「{node.id}」")
            elif node.id in _FORBIDDEN_BUILTINS:
                problems.append(f"{line}不允许使用「{node.id}」（不在白名单内）")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            problems.append(f"{line}不允许访问以下划线开头的属性「{node.attr}」")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id not in _KNOWN_NAMES:
                problems.append(f"{line}不允许调用「{func.id}」（只可调用白名单函数）")
            elif not isinstance(func, ast.Name | ast.Attribute):
                problems.append(f"{line}不允许调用表达式的结果")
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            problems.append(f"{line}不允许在 f 字符串中使用格式说明")
    return list(dict.fromkeys(problems))


@lru_cache(maxsize=1024)
def _check(source: str, mode: Mode) -> tuple[str, ...]:
    if len(source) > MAX_SOURCE:
        return (f"代码过长（{len(source)} 个字符，上限 {MAX_SOURCE}）",)
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as err:
        return (f"第{err.lineno or 1}行：语法错误（{err.msg}）",)
    except (RecursionError, MemoryError):
        return (f"表达式嵌套过深（超过 {MAX_DEPTH} 层）",)
    return tuple(_size_problems(tree) or _problems_of(tree))


def check_code(source: str, mode: Mode) -> list[str]:
    """Reasons (in Chinese) why ``source`` may not run in a diagram; empty when it may."""
    return list(_check(source, mode))


_BINOP_SYMBOLS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
}


class _BudgetedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: ``a <op> b`` becomes ``_binop_('<op>', a, b)`` and an f-string field
    ``{v}`` becomes ``{_format_(v)}``, so the budget sees every value that could grow (budget.py)."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = _BINOP_SYMBOLS.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(ast.Name("_binop_", ast.Load()), [ast.Constant(symbol), node.left, node.right], [])
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        call = ast.Call(ast.Name("_format_", ast.Load()), [node.value], [])
        node.value = ast.fix_missing_locations(ast.copy_location(call, node.value))
        return node


@lru_cache(maxsize=1024)
def _compile(source: str, mode: Mode) -> CodeType:
    problems = _check(source, mode)
    if problems:
        raise SandboxViolation(problems, source)
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source, filename="<diagram>", policy=_BudgetedTransformer)
    if result.errors or result.code is None:
        raise SandboxViolation(list(result.errors) or ["无法编译"], source)
    return result.code


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_GUARDS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS | budget.BUILTINS,
    "_getattr_": budget.guarded_getattr,
    "_getitem_": budget.guarded_getitem,
    "_getiter_": budget.guarded_iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": budget.guarded_inplace,
    "_binop_": budget.guarded_binop,
    "_format_": budget.guarded_format,
    "_apply_": _apply,
}


def _namespace(context: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict[str, Any]:
    """Task data (and Spiff's data objects) plus the guards, set last so that data cannot shadow them."""
    namespace = dict(external or {})
    namespace.update(context)
    namespace.update(_GUARDS)
    return namespace


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates conditions and runs scripts against task data only, through both sandbox gates."""

    def evaluate(self, expression: str, context: dict, external_context: Mapping | None = None) -> Any:
        code = _compile(expression, "eval")
        token = budget.begin()
        try:
            return eval(code, _namespace(context, external_context))  # noqa: S307 — checked and RestrictedPython-compiled
        finally:
            budget.end(token)

    def execute(self, script: str, context: dict, external_context: Mapping | None = None) -> bool:
        code = _compile(script, "exec")
        namespace = _namespace(context, external_context)
        token = budget.begin()
        try:
            exec(code, namespace)  # noqa: S102 — checked and RestrictedPython-compiled
        finally:
            budget.end(token)
        external = external_context or {}
        for key, value in namespace.items():
            if key.startswith("_") or key in external or callable(value) or isinstance(value, ModuleType):
                continue
            context[key] = value
        return True

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        raise SandboxViolation(["不支持服务任务（serviceTask）"])


class CodeFailed(WorkflowTaskException):
    """A condition or script of a diagram raised while it ran: ``kind`` (条件表达式 or 脚本), ``source`` and the
    original ``cause`` (a ``NameError``, a ``BudgetExceeded``…), for the engine to report in Chinese."""

    def __init__(self, task: Any, kind: str, source: str, cause: Exception) -> None:
        super().__init__(f"{kind} {source.strip()} 出错", task=task, exception=cause)
        self.kind = kind
        self.source = source
        self.cause = cause


class RestrictedScriptEngine(PythonScriptEngine):
    """``PythonScriptEngine`` on the restricted environment; sandbox refusals surface as ``SandboxViolation``.

    A refusal of the code itself is checked first so that callers see the sandbox's own exception and
    message; an error while the code runs becomes ``CodeFailed``, which Spiff handles like its own
    ``WorkflowTaskException`` and the engine reports with the element, the code and the cause.

    ``every_condition`` (for dry runs): when a gateway evaluates its first outgoing condition, every other
    one is evaluated too, so a condition that fails on the data at hand is found even if an earlier one
    holds — the order of a gateway's flows is the modeler's, not the author's.
    """

    def __init__(self, *, every_condition: bool = False) -> None:
        super().__init__(environment=RestrictedEnvironment())
        self.every_condition = every_condition

    def validate(self, expression: str) -> None:
        problems = check_code(expression, "eval")
        if problems:
            raise SandboxViolation(problems, expression)

    def evaluate(self, task: Any, expression: str, external_context: Mapping | None = None) -> Any:
        result = self._evaluate(task, expression, external_context)
        if self.every_condition:
            conditions = [c.args[0] for c, _ in getattr(task.task_spec, "cond_task_specs", ()) if c is not None]
            if conditions and conditions[0] == expression:
                for other in conditions[1:]:
                    self._evaluate(task, other, external_context)
        return result

    def _evaluate(self, task: Any, expression: str, external_context: Mapping | None) -> Any:
        _compile(expression, "eval")
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException:
            raise
        except Exception as err:
            raise CodeFailed(task, "条件表达式", expression, err) from err

    def execute(self, task: Any, script: str, external_context: Mapping | None = None) -> Any:
        _compile(script, "exec")
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except SpiffWorkflowException:
            raise
        except Exception as err:
            raise CodeFailed(task, "脚本", script, err) from err
