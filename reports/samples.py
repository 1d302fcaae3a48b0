"""Sample notices with plausible figures: print previews of the format, the report tests and the benchmark.

The figures follow the shape of ``examples/scoring/basic.output.json``; names are invented.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from reports.viewmodels import (
    AnnualPayoutLine,
    AnnualRankingNotice,
    Deduction,
    DivisionAnnualResult,
    DivisionMonthlyResult,
    Grade,
    IndividualNotice,
    MonthlyDivisionNotice,
    MonthlyFigures,
    MonthlyPayoutLine,
    NoticeMeta,
    NoticeSettings,
    PayoutSheet,
    Target,
    TargetLetter,
    TargetSource,
    Tier,
    build_annual_payout_sheet,
    build_monthly_payout_sheet,
)

D = Decimal

SETTINGS = NoticeSettings(
    issuer_mark="滨江市规划局绩效管理办公室",
    doc_number_prefix="规绩",
    signing_organ="滨江市规划局绩效管理办公室",
    printing_organ="滨江市规划局办公室",
    copy_to=("局领导", "局党组成员"),
)

DIVISIONS = (
    "规划管理处",
    "用地规划处",
    "工程规划处",
    "市政规划处",
    "村镇规划处",
    "办公室",
    "政策法规处",
    "监察室",
)

SIGNED = dt.date(2023, 11, 3)


def meta(seq: int = 12, addressee: str | None = "局机关各处室", attachments: tuple[str, ...] = ()) -> NoticeMeta:
    return NoticeMeta(doc_year=2023, doc_seq=seq, signed_on=SIGNED, addressee=addressee, attachments=attachments)


def monthly_division_notice(extra_deductions: int = 0) -> MonthlyDivisionNotice:
    """October 2023; ``extra_deductions`` pads 用地规划处 with more lines to make the table run over pages."""
    padded = tuple(
        Deduction(f"第{i}批建设项目规划条件核提", D("2.00"), D("1.00"), "未在承诺时限内办结，局长未认可")
        for i in range(1, extra_deductions + 1)
    )
    results = (
        DivisionMonthlyResult("规划管理处", D("100.00")),
        DivisionMonthlyResult(
            "用地规划处",
            D("85.00") - sum((d.points for d in padded), D(0)),
            (
                Deduction("完成东城片区控制性详细规划修编报批", D("20.00"), D("10.00"), "未按期报批，局长未认可"),
                Deduction("建设用地规划许可证按时办结", D("10.00"), D("5.00"), "两件超时办结"),
                *padded,
            ),
        ),
        DivisionMonthlyResult("工程规划处", D("100.00")),
        DivisionMonthlyResult(
            "市政规划处",
            D("95.00"),
            (Deduction("地下管线普查成果入库", D("10.00"), D("5.00"), "入库率未达标"),),
        ),
        DivisionMonthlyResult("村镇规划处", D("100.00")),
        DivisionMonthlyResult("办公室", D("100.00")),
        DivisionMonthlyResult("政策法规处", D("100.00")),
        DivisionMonthlyResult("监察室", D("100.00")),
    )
    return MonthlyDivisionNotice(meta(attachments=("2023年10月处室组织绩效考核明细表",)), 2023, 10, results)


def annual_ranking_notice() -> AnnualRankingNotice:
    rows = [
        ("规划管理处", "96.67", "91.50", "5.00", "0.00", "100.63", Tier.A, False),
        ("办公室", "98.33", "93.25", "0.00", "0.00", "97.32", Tier.A, False),
        ("用地规划处", "95.00", "88.00", "0.00", "1.50", "92.10", Tier.B, False),
        ("工程规划处", "94.17", "89.00", "0.00", "0.00", "91.92", Tier.B, False),
        ("政策法规处", "93.33", "90.75", "0.00", "0.50", "91.20", Tier.B, False),
        ("村镇规划处", "92.50", "87.50", "0.00", "0.00", "90.50", Tier.B, False),
        ("市政规划处", "91.67", "86.00", "0.00", "2.00", "87.40", Tier.C, False),
        ("监察室", "97.50", "92.00", "0.00", "0.00", "95.30", Tier.C, True),
    ]
    results = tuple(
        DivisionAnnualResult(
            rank=i,
            division=name,
            monthly_average=D(avg),
            mass_evaluation=D(mass),
            bonus=D(bonus),
            deduction=D(ded),
            annual_score=D(annual),
            tier=tier,
            vetoed=vetoed,
            veto_reason="发生违反工作纪律问题被市纪委通报" if vetoed else "",
        )
        for i, (name, avg, mass, bonus, ded, annual, tier, vetoed) in enumerate(rows, 1)
    )
    return AnnualRankingNotice(
        NoticeMeta(doc_year=2024, doc_seq=3, signed_on=dt.date(2024, 1, 22), addressee="局机关各处室"),
        2023,
        results,
    )


def individual_notice(name: str = "张晓梅", division: str = "规划管理处", seq: int = 40) -> IndividualNotice:
    months = tuple(
        MonthlyFigures(
            month=m,
            legal_hours=D(legal),
            qualifying_hours=(D(legal) * D("0.7")).quantize(D("0.01")),
            performance_hours=D(perf),
            competitive_hours=max(D(perf) - (D(legal) * D("0.7")).quantize(D("0.01")), D(0)),
            personal_score=D(score),
            composite_score=D(score),
            bonus=D(bonus),
        )
        for m, legal, perf, score, bonus in [
            (10, "152.00", "135.50", "127.35", "1036.50"),
            (11, "176.00", "125.50", "101.87", "634.50"),
            (12, "168.00", "143.00", "121.60", "981.00"),
        ]
    )
    return IndividualNotice(
        meta=NoticeMeta(doc_year=2024, doc_seq=seq, signed_on=dt.date(2024, 1, 22)),
        year=2023,
        name=name,
        division=division,
        position="一级主任科员",
        months=months,
        annual_composite=D("117.45"),
        rank_in_division=2,
        division_headcount=9,
        grade=Grade.EXCELLENT,
        annual_bonus=D("14400.00"),
        appeal_deadline=dt.date(2024, 1, 31),
    )


def target_letter() -> TargetLetter:
    targets = (
        Target("完成城市国土空间总体规划（2021—2035年）成果报批", TargetSource.CITY, "取得省政府批复", "12月底前"),
        Target(
            "推进“多规合一”业务协同平台建设",
            TargetSource.PROVINCE,
            "平台上线运行，审批时限压减30%",
            "9月底前",
        ),
        Target("开展规划领域突出问题专项整治", TargetSource.PARTY_GROUP, "形成整改台账，整改率100%", "11月底前"),
        Target("建设项目规划条件核提按时办结", TargetSource.FUNCTION, "按时办结率100%", "全年"),
        Target("编制东城片区控制性详细规划", TargetSource.FUNCTION, "通过专家评审并公示", "10月底前"),
    )
    return TargetLetter(
        meta=NoticeMeta(doc_year=2023, doc_seq=2, signed_on=dt.date(2023, 2, 10)),
        year=2023,
        division="规划管理处",
        targets=targets,
        director_name="王建国",
        head_name="李志远",
        director_signed_on=dt.date(2023, 2, 10),
        head_signed_on=None,
    )


def monthly_payout_sheet(people_per_division: int = 4) -> PayoutSheet:
    lines = [
        MonthlyPayoutLine(
            division,
            f"{division[:2]}{i}号",
            "处长" if i == 1 else "副处长" if i == 2 else "科员",
            D("1000.00") if i == 1 else D("800.00") if i == 2 else D("0.00"),
            D("800.00") if i == 1 else D("700.00") if i == 2 else D("600.00"),
            D("0.00") if i == 1 else D(str(37 * i)) + D("0.50"),
        )
        for division in DIVISIONS
        for i in range(1, people_per_division + 1)
    ]
    total = sum((ln.total for ln in lines), D(0))
    return build_monthly_payout_sheet(meta(seq=13, addressee="局财务室"), 2023, 10, lines, expected_total=total)


def annual_payout_sheet() -> PayoutSheet:
    lines = [
        AnnualPayoutLine("规划管理处", "李志远", "处长", D("15000.00"), D("1.20"), D("1.00"), D("18000.00")),
        AnnualPayoutLine("规划管理处", "张晓梅", "一级主任科员", D("12000.00"), D("1.20"), D("1.20"), D("17280.00")),
        AnnualPayoutLine("规划管理处", "陈思远", "科员", D("10000.00"), D("1.20"), None, D("0.00")),
        AnnualPayoutLine("办公室", "刘芳", "主任", D("15000.00"), D("1.00"), D("1.20"), D("18000.00")),
        AnnualPayoutLine("办公室", "赵磊", "科员", D("10000.00"), D("1.00"), D("1.00"), D("10000.00")),
    ]
    return build_annual_payout_sheet(
        NoticeMeta(doc_year=2024, doc_seq=4, signed_on=dt.date(2024, 1, 22), addressee="局财务室"),
        2023,
        lines,
        expected_total=D("63280.00"),
    )
