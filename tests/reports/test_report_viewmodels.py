"""Notice view-models refuse to print a document that contradicts itself (R-RPT-1, R-PAY-1..3, R-SCO-4)."""

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from reports import samples
from reports.viewmodels import (
    AnnualPayoutLine,
    DivisionAnnualResult,
    Grade,
    MonthlyPayoutLine,
    NoticeMeta,
    PayoutTotalsMismatch,
    Tier,
    build_annual_payout_sheet,
    build_monthly_payout_sheet,
)

META = NoticeMeta(doc_year=2023, doc_seq=13, signed_on=dt.date(2023, 11, 3))
LINES = [
    MonthlyPayoutLine("规划管理处", "李志远", "处长", D("1000.00"), D("800.00"), D("0.00")),
    MonthlyPayoutLine("规划管理处", "张晓梅", "科员", D("0.00"), D("600.00"), D("436.50")),
    MonthlyPayoutLine("办公室", "刘芳", "主任", D("1000.00"), D("800.00"), D("0.00")),
]


def test_monthly_payout_sheet_groups_by_division_with_subtotals_and_total():
    """R-PAY-1, R-PAY-2: org + qualifying + competitive per line; subtotals per division; grand total."""
    sheet = build_monthly_payout_sheet(META, 2023, 10, LINES, expected_total=D("4636.50"))
    assert [g.division for g in sheet.groups] == ["规划管理处", "办公室"]
    assert sheet.groups[0].subtotal == (D("1000.00"), D("1400.00"), D("436.50"), D("2836.50"))
    assert sheet.total == (D("2000.00"), D("2200.00"), D("436.50"), D("4636.50"))
    assert sheet.title == "2023年10月绩效考核兑现表"


def test_payout_sheet_raises_when_the_expected_total_disagrees_with_the_lines():
    with pytest.raises(PayoutTotalsMismatch, match="4636.50"):
        build_monthly_payout_sheet(META, 2023, 10, LINES, expected_total=D("4636.49"))


def test_payout_sheet_raises_when_a_division_total_disagrees():
    with pytest.raises(PayoutTotalsMismatch, match="办公室"):
        build_monthly_payout_sheet(
            META,
            2023,
            10,
            LINES,
            expected_total=D("4636.50"),
            expected_division_totals={"规划管理处": D("2836.50"), "办公室": D("1700.00")},
        )


def test_payout_sheet_raises_when_a_division_total_is_given_for_a_division_without_lines():
    with pytest.raises(PayoutTotalsMismatch, match="监察室"):
        build_monthly_payout_sheet(
            META,
            2023,
            10,
            LINES,
            expected_total=D("4636.50"),
            expected_division_totals={"规划管理处": D("2836.50"), "办公室": D("1800.00"), "监察室": D(0)},
        )


def test_a_hand_built_payout_sheet_with_a_wrong_subtotal_is_refused():
    sheet = build_monthly_payout_sheet(META, 2023, 10, LINES, expected_total=D("4636.50"))
    wrong = dataclasses.replace(sheet.groups[0], subtotal=(D(0), D(0), D(0), D(0)))
    with pytest.raises(PayoutTotalsMismatch):
        dataclasses.replace(sheet, groups=(wrong, *sheet.groups[1:]))


def test_annual_payout_totals_only_the_amount_not_bases_or_coefficients():
    """R-PAY-3: coefficients are not summed; someone with no personal coefficient gets nothing."""
    lines = [
        AnnualPayoutLine("规划管理处", "李志远", "处长", D("15000"), D("1.20"), D("1.00"), D("18000.00")),
        AnnualPayoutLine("规划管理处", "陈思远", "科员", D("10000"), D("1.20"), None, D("0.00")),
    ]
    sheet = build_annual_payout_sheet(META, 2023, lines, expected_total=D("18000.00"))
    assert sheet.total == (None, None, None, D("18000.00"))
    assert sheet.title == "2023年度绩效考核兑现表"


def test_a_vetoed_division_cannot_be_tier_a():
    """R-SCO-4: one-vote veto removes eligibility for excellence."""
    with pytest.raises(ValueError, match="R-SCO-4"):
        DivisionAnnualResult(1, "监察室", D(95), D(90), D(0), D(0), D(95), Tier.A, vetoed=True)


def test_annual_notice_lists_results_by_rank_and_names_only_tier_a_as_advanced():
    notice = samples.annual_ranking_notice()
    shuffled = dataclasses.replace(notice, results=tuple(reversed(notice.results)))
    assert [r.rank for r in shuffled.results] == list(range(1, 9))
    assert shuffled.advanced_divisions == ("规划管理处", "办公室")
    assert [r.division for r in shuffled.vetoed_divisions] == ["监察室"]


def test_annual_notice_refuses_duplicate_ranks():
    notice = samples.annual_ranking_notice()
    duplicate = dataclasses.replace(notice.results[1], rank=1)
    with pytest.raises(ValueError, match="rank"):
        dataclasses.replace(notice, results=(notice.results[0], duplicate))


def test_individual_notice_rank_must_lie_within_the_division():
    with pytest.raises(ValueError, match="rank"):
        dataclasses.replace(samples.individual_notice(), rank_in_division=10, division_headcount=9)


@pytest.mark.parametrize(
    ("grade", "label"),
    [
        (Grade.EXCELLENT, "优秀"),
        (Grade.COMPETENT, "称职"),
        (Grade.BASICALLY_COMPETENT, "基本称职"),
        (Grade.INCOMPETENT, "不称职"),
    ],
)
def test_grades_match_the_scoring_output_and_print_in_chinese(grade, label):
    assert Grade(grade.value) is grade
    assert grade.label == label
