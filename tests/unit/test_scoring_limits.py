"""``python -m scoring`` refuses NaN, Infinity, 1e400 and oversized input: one line per problem, exit 2
(issue 9 §10; RULES §7). JSON's ``NaN`` / ``Infinity`` literals are accepted by Python's json module by default."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from scoring import limits
from scoring.__main__ import main
from tests.unit.scoring_cases import small_year

FINITE = "不是有限的数字（不接受 NaN、Infinity）"
LARGE = "超出允许的范围（绝对值应小于一万亿）"


@pytest.mark.parametrize(
    ("text", "number", "reason"),
    [
        ("42", Decimal(42), None),
        (" 1e3 ", Decimal(1000), None),
        ("-0.5", Decimal("-0.5"), None),
        ("999999999999.99", Decimal("999999999999.99"), None),
        ("1e12", None, "too_large"),
        ("1e400", None, "too_large"),
        ("-1E400", None, "too_large"),
        ("NaN", None, "not_finite"),
        ("sNaN", None, "not_finite"),
        ("-Infinity", None, "not_finite"),
        ("inf", None, "not_finite"),
        ("八", None, "not_a_number"),
        ("", None, "not_a_number"),
    ],
)
def test_a_figure_is_finite_and_below_a_trillion(text, number, reason):
    """Issue 9 §10: the one definition every entry point shares (scoring input, what-if, portal fields)."""
    if reason is None:
        assert limits.figure(text) == number
    else:
        with pytest.raises(limits.NotAFigure) as refused:
            limits.figure(text)
        assert refused.value.reason == reason


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _with(**changes) -> str:
    """The small year as JSON text with literal tokens put in place of the "@name@" markers."""
    data = small_year()
    data["rules"] = {"tier_a": "@tier_a@", "coef_a": "0.5"}
    data["hours"][0]["hours"] = "@hours@"
    data["mass_evaluation"] = {"GH": "@mass@"}
    text = json.dumps(data, ensure_ascii=False)
    for name, token in {"tier_a": "0.3", "hours": '"8"', "mass": "90", **changes}.items():
        text = text.replace(f'"@{name}@"', token)
    return text


CASES = [
    ({"tier_a": "NaN"}, [f"rules.tier_a：NaN {FINITE}"]),
    ({"tier_a": "Infinity"}, [f"rules.tier_a：Infinity {FINITE}"]),
    ({"mass": "-Infinity"}, [f"mass_evaluation.GH：-Infinity {FINITE}"]),
    ({"mass": "1e400"}, [f"mass_evaluation.GH：1E+400 {LARGE}"]),
    ({"tier_a": '"1e400"'}, [f"rules.tier_a：'1e400' {LARGE}"]),
    ({"tier_a": '"NaN"'}, [f"rules.tier_a：'NaN' {FINITE}"]),
    ({"tier_a": "9" * 20}, [f"rules.tier_a：{'9' * 20} {LARGE}"]),
    ({"hours": "NaN"}, [f"hours：工时 NaN {FINITE}（共 1 条）"]),
    ({"hours": '"1e400"'}, [f"hours：工时 '1e400' {LARGE}（共 1 条）"]),
    (
        {"tier_a": "NaN", "mass": "Infinity", "hours": "1e400"},
        [
            f"rules.tier_a：NaN {FINITE}",
            f"hours：工时 1E+400 {LARGE}（共 1 条）",
            f"mass_evaluation.GH：Infinity {FINITE}",
        ],
    ),
]


@pytest.mark.parametrize(("changes", "lines"), CASES)
def test_nan_infinity_and_1e400_are_refused_one_line_each(tmp_path, capsys, changes, lines):
    """Issue 9 §10, RULES §7: JSON literals and strings alike, each named where it stands; nothing on stdout."""
    assert main([_write(tmp_path, _with(**changes))]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == lines


def test_the_untouched_small_year_still_scores(tmp_path, capsys):
    """The markers above replaced by ordinary figures: the input is valid, so each case tests only its change."""
    assert main([_write(tmp_path, _with())]) == 0
    assert json.loads(capsys.readouterr().out)["year"] == 2023


@pytest.mark.parametrize(
    ("year", "line"),
    [
        ("0", "year：0 不在 2000–2100 年之间"),
        ("99999", "year：99999 不在 2000–2100 年之间"),
        ("NaN", "year：NaN 应为整数年份"),
    ],
)
def test_a_year_outside_2000_2100_is_refused(tmp_path, capsys, year, line):
    text = _with().replace('"year": 2023', f'"year": {year}', 1)
    assert main([_write(tmp_path, text)]) == 2
    assert capsys.readouterr().err.splitlines() == [line]


def test_a_file_beyond_512_mib_is_refused_before_it_is_read(tmp_path, capsys):
    """Issue 9 §10: the size is checked on the file (a sparse one here), so nothing is loaded into memory."""
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(limits.MAX_INPUT_BYTES + 1)
    assert main([str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"输入文件 {path} 有 {limits.MAX_INPUT_BYTES + 1} 字节，超过上限 {limits.MAX_INPUT_BYTES} 字节（512 MiB）"
    ]


def test_a_list_beyond_the_row_limit_is_one_line(tmp_path, capsys, monkeypatch):
    """Issue 9 §10: rows are counted per list before they are read (the limit lowered here to keep it small)."""
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    data = small_year()
    data["hours"] = data["hours"][:1] * 4
    data["vetoes"] = ["GH"] * 4
    assert main([_write(tmp_path, json.dumps(data, ensure_ascii=False))]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "hours：共 4 条，超过上限 3 条" in err and "vetoes：共 4 条，超过上限 3 条" in err


def test_help_documents_the_limits(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "512 MiB" in text and "10,000,000" in text and "NaN" in text and "1e400" in text


@pytest.mark.parametrize("text", ['{"year": 2023, "rules": {"tier_a": 1' + "0" * 5000 + "}}", "[" * 100000])
def test_json_the_parser_cannot_hold_is_one_line(tmp_path, capsys, text):
    """A 5,000-digit integer (beyond Python's limit) or 100,000 nested brackets: one line, not a traceback."""
    assert main([_write(tmp_path, text)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "不是有效的 JSON" in err[0]


def test_the_command_itself_exits_2_on_nan(run_scoring, tmp_path):
    """End to end: the process's exit status and streams."""
    proc = run_scoring(_write(tmp_path, _with(tier_a="NaN")))
    assert (proc.returncode, proc.stdout, proc.stderr.splitlines()) == (2, "", [f"rules.tier_a：NaN {FINITE}"])
