"""``python -m scoring`` on bad input: exit 2, nothing on stdout, one line per problem (RULES §7)."""

import json

import pytest

from scoring import InputError, parse_input


def write(tmp_path, data) -> str:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def assert_rejected(proc, lines):
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == lines


def test_weights_not_summing_to_100_are_rejected(run_scoring, tmp_path, basic_input):
    """R-TGT-3, R-SCO-1, RULES §2/§7: a division-month's weights must sum to exactly 100."""
    basic_input["plan_items"][0]["weight"] = 25
    proc = run_scoring(write(tmp_path, basic_input))
    assert_rejected(proc, ["plan_items：处室 GH 2023-10 月度计划权重合计 95，应为 100"])


def test_every_problem_is_reported_on_its_own_line(run_scoring, tmp_path, basic_input):
    """RULES §7: all problems at once, each naming the offending ids and values; a broken record is not
    reported again as an unknown id."""
    basic_input["plan_items"][5]["weight"] = "30.5"
    basic_input["plan_items"][1]["status"] = "finished"
    basic_input["vetoes"] = ["XX"]
    basic_input["hours"][0]["date"] = "2023/10/06"
    basic_input["hours"][1]["hours"] = "eight"
    basic_input["grades"]["P99"] = "excellent"
    basic_input["people"][4]["position"] = "chief"  # P02: its hours are not reported as unknown
    basic_input["absences"].append({"person": "P03", "kind": "holiday", "start": "2023-10-10", "end": "2023-10-11"})
    basic_input["people"][5]["level"] = "科员"
    proc = run_scoring(write(tmp_path, basic_input))
    assert_rejected(
        proc,
        [
            "people[4].position：未知的取值 'chief'，应为 director / leader / head / deputy / staff",
            "plan_items[1].status：未知的取值 'finished'，应为 done / unfinished_ack / unfinished",
            "hours：日期 '2023/10/06' 格式错误，应为 YYYY-MM-DD（共 1 条）",
            "hours：工时 'eight' 不是有效的数字（共 1 条）",
            "absences[1].kind：未知的取值 'holiday'，应为 sick / personal / training / secondment",
            "plan_items：处室 GH 2023-11 月度计划权重合计 100.5，应为 100",
            "vetoes：引用了不存在的处室 XX",
            "grades：引用了不存在的人员 P99",
            "standards：级别 科员 没有薪酬标准（人员 P03）",
        ],
    )


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (
            lambda d: d["people"].append({"id": "P99", "division": "ZZ", "position": "staff", "level": "科级"}),
            "people：人员 P99 的处室 ZZ 不存在",
        ),
        (
            lambda d: d["hours"].append({"person": "P77", "date": "2023-10-09", "hours": "8"}),
            "hours：引用了不存在的人员 P77（1 条）",
        ),
        (
            lambda d: d["extra_time"].append({"person": "P77", "date": "2023-10-09", "hours": 8}),
            "extra_time：引用了不存在的人员 P77（1 条）",
        ),
        (lambda d: d["mass_evaluation"].update(ZZ="90"), "mass_evaluation：引用了不存在的处室 ZZ"),
        (
            lambda d: d["democratic_evaluation"].update(P77="90"),
            "democratic_evaluation：引用了不存在的人员 P77",
        ),
        (
            lambda d: d["exemptions"].append({"person": "P77", "from": "2023-06-01"}),
            "exemptions：引用了不存在的人员 P77",
        ),
        (
            lambda d: d["adjustments"].append({"division": "ZZ", "kind": "bonus", "points": 1, "reason": "创新"}),
            "adjustments：引用了不存在的处室 ZZ（创新）",
        ),
        (
            lambda d: d["adjustments"].append({"division": "GH", "kind": "penalty", "points": 1}),
            "adjustments[3].kind：未知的取值 'penalty'，应为 bonus / deduction",
        ),
        (
            lambda d: d["divisions"][0].update(leader="P01"),
            "divisions：处室 GH 的分管领导 P01 的 position 为 head，应为 leader",
        ),
        (
            lambda d: d["people"][3].update(joined="2023-13-01"),
            "people[3].joined：日期 '2023-13-01' 格式错误，应为 YYYY-MM-DD",
        ),
        (lambda d: d["mass_evaluation"].update(GH="九十"), "mass_evaluation.GH：'九十' 不是有效的数字"),
        (
            lambda d: d["grades"].update(P03="good"),
            "grades.P03：未知的取值 'good'，应为 excellent / competent / basically_competent / incompetent",
        ),
        (lambda d: d["rules"].update(tier_A="0.3"), "rules：未知参数 tier_A"),
        (lambda d: d["period"].update(end="2024-01"), "period：考核期 2023-10..2024-01 应在 2023 年内"),
        (lambda d: d["people"].append(dict(d["people"][3])), "people：编号 P01 重复 2 次"),
    ],
)
def test_each_kind_of_bad_input_names_the_culprit(basic_input, change, line):
    """RULES §7: unknown divisions or people referenced anywhere, malformed dates and numbers, unknown
    values, duplicate ids."""
    change(basic_input)
    with pytest.raises(InputError) as err:
        parse_input(basic_input)
    assert err.value.problems == [line]


def test_pay_standard_is_required_only_for_people_who_are_paid(basic_input):
    """R-PAY-3, RULES §6: the director's level (局级) has no standard and needs none."""
    assert "局级" not in basic_input["standards"]
    parse_input(basic_input)


def test_missing_file_is_one_line_and_exit_2(run_scoring, tmp_path):
    """RULES §7: an unreadable file is bad input."""
    proc = run_scoring(str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "nope.json" in proc.stderr


def test_invalid_json_is_one_line_and_exit_2(run_scoring, tmp_path):
    """RULES §7: a file that is not JSON is bad input."""
    path = tmp_path / "bad.json"
    path.write_text("{ not json", encoding="utf-8")
    proc = run_scoring(str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "不是有效的 JSON" in proc.stderr


@pytest.mark.parametrize("document", ["[]", "2023", "{}"])
def test_a_document_that_is_not_an_input_object_is_rejected(run_scoring, tmp_path, document):
    """RULES §7: the top level must be an object with a year."""
    path = tmp_path / "input.json"
    path.write_text(document, encoding="utf-8")
    proc = run_scoring(str(path))
    assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1


def test_usage_without_an_argument(run_scoring):
    """RULES §7: the command takes exactly one input path."""
    proc = run_scoring()
    assert proc.returncode == 2 and proc.stdout == "" and "用法" in proc.stderr
