"""Stored results (issue 4 §3–5): recompute into a versioned snapshot, rerun from the dumped input, what-if.
R-SCO-1, R-SCO-3, R-SCO-8, R-PAY-3 flow from the database through the same pure function as `python -m scoring`."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from models import (
    AssessmentYear,
    AuditLog,
    DivisionMonthScore,
    DivisionYearResult,
    Person,
    PersonYearResult,
    PlanItem,
    ScoreSnapshot,
    audit,
)
from services import demo, result_views, whatif
from services.access import scope_of
from services.results import ScoringFailed, current_snapshot, recompute


@pytest.fixture
def demo_bureau(database):
    demo.load()
    return database


def test_recompute_stores_a_new_current_version_each_time(demo_bureau):
    """Each run is a snapshot naming its input hash, its rules, when and by whom; older ones are kept."""
    office = Person.get(Person.username == "jixiaoban")
    first = recompute(2023, actor=office, reason="月度结果")
    second = recompute(2023)
    assert (first.version, second.version) == (1, 2)
    assert current_snapshot(2023).id == second.id
    assert ScoreSnapshot.get_by_id(first.id).current is False
    superseded = AuditLog.get(AuditLog.model == "ScoreSnapshot", AuditLog.action == "update")
    assert (superseded.record_id, superseded.before, superseded.after) == (
        str(first.id),
        {"current": True},
        {"current": False},
    ), "R-AUD-1: the previous snapshot stops being current on the trail too"
    assert audit.verify().intact
    assert first.input_sha256 == second.input_sha256 and len(first.input_sha256) == 64
    assert first.created_by_id == office.id
    assert DivisionYearResult.select().where(DivisionYearResult.snapshot == second).count() == 8
    assert DivisionMonthScore.select().where(DivisionMonthScore.snapshot == second).count() == 24
    ranks = sorted(r.rank for r in DivisionYearResult.select().where(DivisionYearResult.snapshot == second))
    assert ranks == list(range(1, 9))
    tiers = [r.tier for r in DivisionYearResult.select().where(DivisionYearResult.snapshot == second)]
    assert sorted(tiers) == ["A", "A", "B", "B", "B", "B", "C", "C"], "R-SCO-8: 8 divisions → 2 A, 4 B, 2 C"


def test_an_unacknowledged_item_shows_as_the_deduction_of_its_month(demo_bureau):
    """R-SCO-1: the monthly score loses half the weight of each unacknowledged unfinished item, explained."""
    snapshot = recompute(2023)
    for row in DivisionMonthScore.select().where(DivisionMonthScore.snapshot == snapshot):
        lost = sum((Decimal(d["lost"]) for d in row.deductions), Decimal(0))
        assert row.score == Decimal(100) - lost
    items = PlanItem.select().where(PlanItem.outcome == "unfinished").count()
    assert sum(len(r.deductions) for r in DivisionMonthScore.select()) == items > 0


def test_dumped_input_reruns_to_the_same_numbers(demo_bureau, runner, tmp_path):
    """RULES §7: the portal's scoring and `python -m scoring` never disagree."""
    result = runner.invoke(args=["score", "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert "2023年度第1版考核结果" in result.output
    dump = tmp_path / "input.json"
    result = runner.invoke(args=["score", "--year", "2023", "--dump-input", str(dump)])
    assert result.exit_code == 0, result.output
    out = subprocess.run(
        [sys.executable, "-m", "scoring", str(dump)], capture_output=True, text=True, check=True, timeout=60
    )
    rerun = {d["id"]: d for d in json.loads(out.stdout)["divisions"]}
    snapshot = current_snapshot(2023)
    for row in DivisionYearResult.select().where(DivisionYearResult.snapshot == snapshot):
        assert rerun[row.division.code]["annual"] == f"{row.annual:.2f}"
        assert rerun[row.division.code]["rank"] == row.rank
    people = {p["id"]: p for p in json.loads(out.stdout)["people"]}
    for row in PersonYearResult.select().where(PersonYearResult.snapshot == snapshot):
        amount = (people[row.person.code].get("annual_bonus") or {}).get("amount")
        assert amount == (None if row.annual_bonus is None else f"{row.annual_bonus:.2f}")


def test_score_command_reports_bad_data_in_chinese(runner, database):
    result = runner.invoke(args=["score", "--year", "2030"])
    assert result.exit_code == 2
    assert "没有 2030 年度的考核设置" in result.output


def test_result_views_follow_the_viewer_scope(demo_bureau):
    """R-SEC-1: staff see their own figures, heads their division, the office everything."""
    snapshot = recompute(2023)
    staff = Person.get(Person.username == "keyuan")
    head = Person.get(Person.username == "chuzhang")
    office = Person.get(Person.username == "jixiaoban")
    assert {r.person_id for r in result_views.people(snapshot, scope_of(staff))} == {staff.id}
    head_rows = result_views.people(snapshot, scope_of(head))
    assert {r.division for r in head_rows} == {"规划管理处"} and len(head_rows) == 6
    assert len(result_views.people(snapshot, scope_of(office))) == Person.select().count()
    assert [r.division for r in result_views.ranking(snapshot, scope_of(head))] == ["规划管理处"]
    assert len(result_views.ranking(snapshot, scope_of(office))) == 8
    detail = result_views.person_detail(snapshot, staff)
    assert [m.month for m in detail.months] == [10, 11, 12]


def test_what_if_lists_what_a_rule_change_would_change_without_storing_it(demo_bureau):
    """Issue 4 §5: tier_a 0.5 makes 4 A divisions; nothing is stored until committed."""
    recompute(2023)
    report = whatif.what_if(2023, whatif.clean_overrides({"tier_a": "0.5", "tier_b": "0.3"}))
    tier_changes = [c for c in report.changes if c.field == "档次"]
    assert len([c for c in tier_changes if c.after == "A"]) == 2
    assert report.total_money_after > report.total_money_before
    assert AssessmentYear.get(AssessmentYear.year == 2023).rules == {}
    whatif.commit_rules(2023, {"tier_a": "0.5", "tier_b": "0.3"})
    snapshot = recompute(2023, reason="规则调整")
    tiers = [r.tier for r in DivisionYearResult.select().where(DivisionYearResult.snapshot == snapshot)]
    assert tiers.count("A") == 4


def test_what_if_refuses_bad_parameters_in_chinese():
    with pytest.raises(ScoringFailed) as info:
        whatif.clean_overrides({"tier_a": "三成", "nonsense": "1", "coef_a": "-1"})
    assert info.value.problems == [
        "A 档比例：“三成” 不是数字",
        "未知的规则参数：nonsense",
        "A 档系数：不能为负数",
    ]
