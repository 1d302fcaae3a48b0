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

Names that are neither whitelisted builtins nor assigned by the script are task-data variables
(``decision``, ``subject_position``…); a missing one is a runtime ``NameError``.
"""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import CodeType, ModuleType
from typing import Any, Literal

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

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
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as err:
        return (f"第{err.lineno or 1}行：语法错误（{err.msg}）",)
    return tuple(_problems_of(tree))


def check_code(source: str, mode: Mode) -> list[str]:
    """Reasons (in Chinese) why ``source`` may not run in a diagram; empty when it may."""
    return list(_check(source, mode))


@lru_cache(maxsize=1024)
def _compile(source: str, mode: Mode) -> CodeType:
    problems = _check(source, mode)
    if problems:
        raise SandboxViolation(problems, source)
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source, filename="<diagram>")
    if result.errors or result.code is None:
        raise SandboxViolation(list(result.errors) or ["无法编译"], source)
    return result.code


_INPLACE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
}


def _inplacevar(op: str, target: Any, value: Any) -> Any:
    try:
        return _INPLACE_OPS[op](target, value)
    except KeyError:
        raise SandboxViolation([f"不允许使用运算 {op}"]) from None


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_GUARDS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
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
        return eval(code, _namespace(context, external_context))  # noqa: S307 — checked and RestrictedPython-compiled

    def execute(self, script: str, context: dict, external_context: Mapping | None = None) -> bool:
        code = _compile(script, "exec")
        namespace = _namespace(context, external_context)
        exec(code, namespace)  # noqa: S102 — checked and RestrictedPython-compiled
        external = external_context or {}
        for key, value in namespace.items():
            if key.startswith("_") or key in external or callable(value) or isinstance(value, ModuleType):
                continue
            context[key] = value
        return True

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        raise SandboxViolation(["不支持服务任务（serviceTask）"])


class RestrictedScriptEngine(PythonScriptEngine):
    """``PythonScriptEngine`` on the restricted environment; sandbox refusals surface as ``SandboxViolation``.

    Spiff wraps any error of an expression in ``WorkflowTaskException``; a refusal is checked first so that
    callers see the sandbox's own exception and message.
    """

    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression: str) -> None:
        problems = check_code(expression, "eval")
        if problems:
            raise SandboxViolation(problems, expression)

    def evaluate(self, task: Any, expression: str, external_context: Mapping | None = None) -> Any:
        _compile(expression, "eval")
        return super().evaluate(task, expression, external_context)

    def execute(self, task: Any, script: str, external_context: Mapping | None = None) -> Any:
        _compile(script, "exec")
        return super().execute(task, script, external_context)
