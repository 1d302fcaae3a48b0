"""Scripts and conditions run on a budget of loop steps, time and memory (R-WF-1, issue 9 §9): code that would
hang a worker or fill its memory fails quickly with a Chinese message that names the step."""

from __future__ import annotations

from decimal import Decimal

import pytest

from workflows import budget, engine
from workflows.engine import DiagramError, Instance, StepFailed, load_spec
from workflows.errors import BudgetExceeded
from workflows.sandbox import MAX_DEPTH, MAX_SOURCE, RestrictedEnvironment, check_code

BIG = "x" * 100_000  # the largest text one value may hold


@pytest.mark.parametrize(
    ("mode", "code", "reason"),
    [
        ("exec", "x = 'a' * 1000000000", "重复生成的序列过大"),
        ("exec", "x = [0] * 1000000000", "重复生成的序列过大"),
        ("eval", "len([i for i in range(100000000)]) > 0", "range 范围过大"),
        ("eval", "sum(1 for i in range(100000) for j in range(100000)) > 0", "循环次数超过上限"),
        ("exec", "x = 3\nfor i in range(40):\n    x = x * x", "整数乘积过大"),
        ("exec", "x = 'ab'\nfor i in range(40):\n    x = x + x", "生成的数据过大"),
        ("exec", "x = [1]\nfor i in range(40):\n    x += x", "生成的数据过大"),
        ("exec", "x = [1]\nfor i in range(40):\n    x.extend(x)", "生成的数据过大"),
        ("exec", "x = str([big] * 1000)", "转换为文本的内容过大"),
        ("exec", "x = f'{[big] * 1000}'", "转换为文本的内容过大"),
        ("exec", "x = ''.join([big] * 1000)", "拼接后的文本过大"),
        ("exec", "x = big.replace('x', big)", "替换后的文本过大"),
        ("exec", "x = 'a'.ljust(1000000000)", "填充后的文本过大"),
        ("exec", "x = '%0999999999d' % 1", "不允许用 % 格式化文本"),
        ("exec", "x = sum([[big]] * 1000, [])", "sum 只能对数字求和"),
        ("exec", "x = [big.upper() for i in range(100000)]", "占用内存超过上限"),
    ],
)
def test_r_wf_1_code_over_its_budget_fails_with_a_chinese_reason(
    mode: str, code: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the reason asked for is the first limit met, not the time a busy machine takes to get there
    monkeypatch.setattr(budget, "LIMITS", budget.Limits(seconds=60))
    assert check_code(code, mode) == [], "the static check lets it through; the budget stops it"
    env = RestrictedEnvironment()
    run = env.evaluate if mode == "eval" else env.execute
    with pytest.raises(BudgetExceeded) as err:
        run(code, {"big": BIG})
    assert reason in str(err.value) and str(err.value).startswith("脚本或条件超出运行限制：")


def test_r_wf_1_a_run_over_its_time_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each step here is C-level work (max over a range) that step counting alone would let run for minutes."""
    monkeypatch.setattr(budget, "LIMITS", budget.Limits(seconds=0.05))
    with pytest.raises(BudgetExceeded, match="运行时间超过上限"):
        RestrictedEnvironment().evaluate("[max(range(100000)) for i in range(100000)]", {})


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("outcome = 'a' * 10**9", "幂运算"),
        ("outcome = 1 << 100000000", "左移运算"),
        ("outcome = {**data}", "** 展开"),
        ("outcome = " + "-" * 3000 + "1", "嵌套过深"),
        ("outcome = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "嵌套过深"),
        ("outcome = " + " + ".join(["x"] * (MAX_DEPTH + 5)), "嵌套过深"),
        ("outcome = 'ok'\n" + "x = 1\n" * (MAX_SOURCE // 6), "代码过长"),
    ],
)
def test_r_wf_1_code_whose_size_or_nesting_is_out_of_bounds_is_refused_at_load(tiny, code: str, reason: str) -> None:
    with pytest.raises(DiagramError) as err:
        load_spec(tiny(script=code))
    assert any(reason in p for p in err.value.problems), err.value.problems


def test_r_wf_1_a_script_over_its_budget_fails_the_step_it_belongs_to(tiny) -> None:
    """Through the engine: ``StepFailed`` names the script task and says why, the case is not advanced."""
    spec = load_spec(tiny(script="x = 'a' * 1000000000\noutcome = 'approved'"))
    case = Instance.start(spec)
    task = case.ready_tasks()[0]
    with pytest.raises(StepFailed) as err:
        case.complete(task.id, "office-1", "approve")
    assert err.value.element == "set_outcome"
    assert "「结果」(set_outcome)" in str(err.value) and "重复生成的序列过大" in str(err.value)


@pytest.mark.parametrize(
    ("mode", "code", "expected"),
    [
        ("eval", "decision == 'approve'", True),
        ("eval", "sum(e['hours'] for e in entries) <= Decimal40", True),
        ("eval", "'-'.join(sorted(tags)) == 'a-b'", True),
        ("eval", "comment.strip().replace('好', '很好').center(6, '*')", "**很好**"),
        ("eval", "f'{len(entries)} 条：{tags}'", "2 条：['b', 'a']"),
        ("eval", "[e['hours'] * 2 for e in entries][1:]", [Decimal("8")]),
        ("eval", "str(dict(zip(tags, range(2))))", "{'b': 0, 'a': 1}"),
        ("eval", "'a' * 3 + 'b' * 2", "aaabb"),
    ],
)
def test_r_wf_1_ordinary_code_runs_unchanged_under_the_budget(mode: str, code: str, expected: object) -> None:
    context = {
        "decision": "approve",
        "comment": " 好 ",
        "tags": ["b", "a"],
        "entries": [{"hours": Decimal("3.5")}, {"hours": Decimal(4)}],
        "Decimal40": Decimal(40),
    }
    assert RestrictedEnvironment().evaluate(code, context) == expected


def test_r_wf_1_in_place_operators_keep_their_meaning() -> None:
    context: dict = {"items": [1]}
    RestrictedEnvironment().execute("alias = items\nitems += [2]\ntotal = 10\ntotal -= 3\ntotal *= 2", context)
    assert context["alias"] == [1, 2] and context["total"] == 14


def test_r_wf_1_the_engine_run_between_two_people_is_bounded_in_time_as_a_whole(tiny, monkeypatch) -> None:
    """Each script has its own budget; a long chain of them is stopped by the engine's own clock."""
    monkeypatch.setattr(engine, "MAX_ENGINE_SECONDS", 0.0)
    with pytest.raises(StepFailed, match="自动执行超过 0 秒"):
        Instance.start(load_spec(tiny()))
