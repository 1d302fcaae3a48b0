"""How much one run of diagram code may use (R-WF-1): loop steps, time, and the size of what it builds.

``sandbox.py`` decides *what* a condition or script may do; this module bounds *how much*, so that no diagram
can hang a worker or exhaust its memory. RestrictedPython sends every loop (``_getiter_``), attribute
(``_getattr_``) and item (``_getitem_``) through a guard, and the sandbox rewrites every binary operator into
``_binop_`` and every f-string value into ``_format_``. Between ``begin()`` and ``end()`` the guards here:

* count loop iterations (``for``, comprehensions, unpacking): at most ``LIMITS.steps`` per run;
* check the time since the run's first guarded operation — wall-clock, so an upper bound of its CPU time —
  every 64 steps and in every guarded call: at most ``LIMITS.seconds``;
* refuse, *before* building it, a value of more than ``LIMITS.items`` items or characters made by the
  operations that multiply (``'x' * n``, ``range(n)``, ``join``, ``replace``, padding, ``str()`` and
  f-strings of containers), and check the size of everything else the code builds right after it
  (``list(...)``, ``sorted``, slices, method results, ``+``);
* keep integers made by ``*`` under ``LIMITS.int_bits`` bits;
* watch the process's resident memory (every 256 steps and after each large value): at most
  ``LIMITS.memory_mb`` more than at the first guarded operation of the run. (Approximate: memory the
  process freed earlier and the run reuses is not seen; the size limits above still hold.)

Going over budget raises ``BudgetExceeded`` (a ``SandboxViolation``) with a Chinese message; the engine reports
it as a failure of the step whose code ran. An ordinary condition (``decision == 'approve'``) touches no guard:
its budget costs setting and resetting one context variable.
"""

from __future__ import annotations

import builtins
import operator
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from RestrictedPython.Guards import safer_getattr

from workflows.errors import BudgetExceeded

__all__ = [
    "LIMITS",
    "BUILTINS",
    "Budget",
    "Limits",
    "guarded_binop",
    "guarded_format",
    "guarded_getattr",
    "guarded_getitem",
    "guarded_inplace",
    "guarded_iter",
    "begin",
    "end",
]


@dataclass(frozen=True, slots=True)
class Limits:
    steps: int = 200_000  # loop iterations
    seconds: float = 1.0
    items: int = 100_000  # items or characters in one value
    int_bits: int = 4_096
    memory_mb: int = 128


LIMITS = Limits()
_LARGE = 4_096  # a value this big triggers a memory check
_SIZED = (str, bytes, list, tuple, dict, set, frozenset)
_SEQUENCES = (str, bytes, list, tuple)
_SCALARS = (str, int, float, Decimal, date, type(None))
_PAGE = 4096


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None  # not Linux: the other limits still hold


class Budget:
    """What one run of diagram code has used so far."""

    __slots__ = ("limits", "memory_base", "started", "steps")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.started = time.perf_counter()
        self.steps = 0
        self.memory_base: int | None = None

    def step(self) -> None:
        self.steps += 1
        if self.steps & 63:
            if self.steps == 1:
                self.check_memory()
            return
        if self.steps > self.limits.steps:
            raise BudgetExceeded([f"循环次数超过上限（{self.limits.steps} 次）"])
        self.check_time()
        if not self.steps & 255:
            self.check_memory()

    def check_time(self) -> None:
        if time.perf_counter() - self.started > self.limits.seconds:
            raise BudgetExceeded([f"运行时间超过上限（{self.limits.seconds:g} 秒）"])

    def check_memory(self) -> None:
        resident = _resident_bytes()
        if resident is None:
            return
        if self.memory_base is None:
            self.memory_base = resident
        elif resident - self.memory_base > self.limits.memory_mb * 2**20:
            raise BudgetExceeded([f"占用内存超过上限（{self.limits.memory_mb} MB）"])

    def ensure(self, size: int, what: str) -> None:
        """Refuse to build a value of ``size`` items or characters over the limit."""
        self.check_time()
        if self.memory_base is None:
            self.check_memory()
        if size > self.limits.items:
            raise BudgetExceeded([f"{what}过大（{size} 项，上限 {self.limits.items} 项）"])

    def built(self, value: Any) -> Any:
        """Check a value just built by the code; return it."""
        self.check_time()
        if isinstance(value, _SIZED):
            size = len(value)
            if size > self.limits.items:
                raise BudgetExceeded([f"生成的数据过大（{size} 项，上限 {self.limits.items} 项）"])
            if size >= _LARGE or self.memory_base is None:
                self.check_memory()
        return value


_CURRENT: ContextVar[Budget | None] = ContextVar("diagram_code_budget", default=None)


def begin() -> Token[Budget | None]:
    """Start one run of diagram code (one condition or one script); pass the token to ``end``.

    The run's ``Budget`` is made by the first guard it calls (and its clock starts there): until then the
    code has only compared, combined and looked up values, which costs no more than the data it was given.
    """
    return _CURRENT.set(None)


def end(token: Token[Budget | None]) -> None:
    _CURRENT.reset(token)


def _current() -> Budget:
    budget = _CURRENT.get()
    if budget is None:
        budget = Budget(LIMITS)
        _CURRENT.set(budget)
    return budget


# --------------------------------------------------------------------------------------------- sizes


def text_size(value: object, cap: int) -> int:
    """About how many characters ``str(value)`` has, counting no further than just past ``cap``."""
    total = 0
    stack = [value]
    while stack and total <= cap:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            stack.extend(item)
        else:
            total += 24
    return total


def _ensure_text(budget: Budget, value: object) -> None:
    if not isinstance(value, _SCALARS):
        budget.ensure(text_size(value, budget.limits.items), "转换为文本的内容")


def _check_product(budget: Budget, left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > budget.limits.int_bits:
            raise BudgetExceeded([f"整数乘积过大（超过 {budget.limits.int_bits} 位）"])
    elif isinstance(left, _SEQUENCES) and isinstance(right, int):
        budget.ensure(len(left) * max(right, 0), "重复生成的序列")
    elif isinstance(right, _SEQUENCES) and isinstance(left, int):
        budget.ensure(len(right) * max(left, 0), "重复生成的序列")


# --------------------------------------------------------------------------------------------- guards


def guarded_iter(obj: Iterable[Any]) -> Iterator[Any]:
    """``_getiter_``: every item a loop takes is a step."""
    return _counted(iter(obj), _current())


def _counted(iterator: Iterator[Any], budget: Budget) -> Iterator[Any]:
    step = budget.step
    for item in iterator:
        step()
        yield item


def guarded_getitem(obj: Any, key: Any) -> Any:
    """``_getitem_``: a slice is a new value, checked."""
    value = obj[key]
    if type(key) is slice:
        return _current().built(value)
    return value


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "@": operator.matmul,
    "<<": operator.lshift,
    ">>": operator.rshift,
    "|": operator.or_,
    "^": operator.xor,
    "&": operator.and_,
}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
}


def _before(budget: Budget, op: str, left: Any, right: Any) -> None:
    if op == "*":
        _check_product(budget, left, right)
    elif op == "%" and isinstance(left, str | bytes):
        raise BudgetExceeded(["不允许用 % 格式化文本（请用 f 字符串）"])
    elif op == "<<" and isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + max(right, 0) > budget.limits.int_bits:
            raise BudgetExceeded([f"移位结果过大（超过 {budget.limits.int_bits} 位）"])


def guarded_binop(op: str, left: Any, right: Any) -> Any:
    """``_binop_``: the sandbox sends every ``a <op> b`` here."""
    budget = _current()
    _before(budget, op, left, right)
    return budget.built(_OPERATORS[op](left, right))


def guarded_inplace(op: str, target: Any, value: Any) -> Any:
    """``_inplacevar_``: ``x += y`` and its kin, with the checks of ``guarded_binop``."""
    try:
        function = _INPLACE[op]
    except KeyError:
        raise BudgetExceeded([f"不允许使用运算 {op}"]) from None
    budget = _current()
    _before(budget, op[:-1], target, value)
    return budget.built(function(target, value))


def guarded_format(value: Any, conversion: int = -1) -> Any:
    """``_format_``: the value of an f-string field, refused if its text would be too long."""
    if not isinstance(value, _SCALARS):
        _ensure_text(_current(), value)
    return value


# -- methods of data (str, list, dict…): the ones that multiply are sized first, all are checked after


def _width(budget: Budget, obj: Any, args: tuple, kwargs: dict) -> tuple:
    width = args[0] if args else kwargs.get("width", 0)
    if isinstance(width, int):
        budget.ensure(width, "填充后的文本")
    return args


def _tabs(budget: Budget, obj: Any, args: tuple, kwargs: dict) -> tuple:
    size = args[0] if args else kwargs.get("tabsize", 8)
    if isinstance(size, int):
        budget.ensure(len(obj) + obj.count("\t" if isinstance(obj, str) else b"\t") * max(size, 0), "展开后的文本")
    return args


def _replace(budget: Budget, obj: Any, args: tuple, kwargs: dict) -> tuple:
    if len(args) >= 2 and isinstance(args[0], type(obj)) and isinstance(args[1], type(obj)):
        old, new = args[0], args[1]
        count = args[2] if len(args) > 2 else kwargs.get("count", -1)
        times = obj.count(old) if old else len(obj) + 1
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        budget.ensure(len(obj) + times * max(len(new) - len(old), 0), "替换后的文本")
    return args


def _join(budget: Budget, obj: Any, args: tuple, kwargs: dict) -> tuple:
    if not args:
        return args
    parts = list(args[0])
    size = sum(len(p) for p in parts if isinstance(p, str | bytes)) + len(obj) * max(len(parts) - 1, 0)
    budget.ensure(size, "拼接后的文本")
    return (parts, *args[1:])


_Check = Callable[[Budget, Any, tuple, dict], tuple]
_METHOD_CHECKS: dict[str, _Check] = {
    "ljust": _width,
    "rjust": _width,
    "center": _width,
    "zfill": _width,
    "expandtabs": _tabs,
    "replace": _replace,
    "join": _join,
}
# Text whose length no check here can foresee.
_REFUSED_METHODS = frozenset({"format_map", "translate", "maketrans"})


def guarded_getattr(obj: Any, name: str, *default: Any) -> Any:
    """``_getattr_``: RestrictedPython's ``safer_getattr``; methods of data run under the budget."""
    value = safer_getattr(obj, name, *default)
    if isinstance(obj, _SIZED) and callable(value):
        if name in _REFUSED_METHODS:
            raise BudgetExceeded([f"不允许调用 {type(obj).__name__}.{name}"])
        return _method(obj, value, _METHOD_CHECKS.get(name))
    return value


def _method(obj: Any, bound: Callable[..., Any], check: _Check | None) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        budget = _current()
        if check is not None:
            args = check(budget, obj, args, kwargs)
        budget.check_time()
        before = len(obj)
        result = bound(*args, **kwargs)
        if len(obj) > before:
            budget.built(obj)
        return budget.built(result)

    return call


# -- builtins the code may call (sandbox.SAFE_BUILTINS): the ones that build or multiply are guarded


def _range(*args: int) -> range:
    numbers = range(*args)
    try:
        size = len(numbers)
    except OverflowError:
        size = _current().limits.items + 1
    _current().ensure(size, "range 范围")
    return numbers


def _building(kind: Callable[..., Any]) -> Callable[..., Any]:
    def build(*args: Any, **kwargs: Any) -> Any:
        budget = _current()
        budget.check_time()
        return budget.built(kind(*args, **kwargs))

    build.__name__ = kind.__name__
    return build


def _str(*args: Any, **kwargs: Any) -> str:
    budget = _current()
    if args:
        _ensure_text(budget, args[0])
    return budget.built(str(*args, **kwargs))


def _sum(iterable: Iterable[Any], /, start: Any = 0) -> Any:
    if not isinstance(start, int | float | Decimal):
        raise BudgetExceeded(["sum 只能对数字求和"])
    _current().check_time()
    return builtins.sum(iterable, start)


BUILTINS: dict[str, Callable[..., Any]] = {
    "range": _range,
    "str": _str,
    "sum": _sum,
    **{kind.__name__: _building(kind) for kind in (list, tuple, set, dict, sorted)},
}
