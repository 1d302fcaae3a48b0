"""View-models of the official notices (R-RPT-1): plain frozen dataclasses the service layer fills in.

Nothing here knows about the database or the scoring rules; the service copies the figures it already has.
Checks made here are about the document only (a printed total must equal its lines, ranks must be unique),
so a notice can never contradict itself on paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True)
class NoticeSettings:
    """Bureau-wide header and colophon text, taken from configuration.

    ``issuer_mark`` is the red 发文机关标志 (``××市规划局文件`` or ``××市规划局绩效管理办公室``);
    ``doc_number_prefix`` is the 发文机关代字 in ``规绩〔2023〕12号``; ``signing_organ`` signs above the date;
    ``printing_organ`` and ``copy_to`` fill the colophon (版记).
    """

    issuer_mark: str
    doc_number_prefix: str
    signing_organ: str
    printing_organ: str
    copy_to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("issuer_mark", "doc_number_prefix", "signing_organ", "printing_organ"):
            if not getattr(self, name).strip():
                raise ValueError(f"NoticeSettings.{name} must not be empty")


@dataclass(frozen=True)
class NoticeMeta:
    """What every notice carries: its allocated number, addressee, dates and attachment list.

    ``doc_year``/``doc_seq`` come from the service's per-year sequence (the year of issue, which for an annual
    notice is usually the year after the one assessed). ``printed_on`` defaults to ``signed_on``. ``replaces`` is
    the number of the document this one corrects (a re-issue after an upheld appeal, R-APL-2); the body says so.
    """

    doc_year: int
    doc_seq: int
    signed_on: dt.date
    addressee: str | None = None
    printed_on: dt.date | None = None
    attachments: tuple[str, ...] = ()
    replaces: str | None = None

    @property
    def print_date(self) -> dt.date:
        return self.printed_on or self.signed_on


# --- 处室月度组织绩效考核结果通报 -------------------------------------------------------------------------


@dataclass(frozen=True)
class Deduction:
    """One unfinished plan item and the points it cost (R-SCO-1)."""

    item: str
    weight: Decimal
    points: Decimal
    reason: str


@dataclass(frozen=True)
class DivisionMonthlyResult:
    division: str
    score: Decimal
    deductions: tuple[Deduction, ...] = ()

    @property
    def points_deducted(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))


@dataclass(frozen=True)
class MonthlyDivisionNotice:
    """《关于2023年10月处室组织绩效考核结果的通报》: each division's score and each deduction."""

    meta: NoticeMeta
    year: int
    month: int
    results: tuple[DivisionMonthlyResult, ...]
    basis: str = "局绩效管理工作方案"
    remarks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        _require_unique((r.division for r in self.results), "division")

    @property
    def title(self) -> str:
        return f"关于{self.year}年{self.month}月处室组织绩效考核结果的通报"

    @property
    def title_lines(self) -> tuple[str, ...]:
        """Too long for one 2号 line: broken between words, the longer line first (梯形, GB/T 9704 §7.3.1)."""
        return (f"关于{self.year}年{self.month}月处室组织", "绩效考核结果的通报")

    @property
    def deductions(self) -> tuple[tuple[str, Deduction], ...]:
        return tuple((r.division, d) for r in self.results for d in r.deductions)


# --- 年度绩效考核结果通报 ---------------------------------------------------------------------------------


class Tier(StrEnum):
    """Forced-distribution tier of a division (R-SCO-8); A divisions are the advanced divisions (先进处室)."""

    A = "A"
    B = "B"
    C = "C"


@dataclass(frozen=True)
class DivisionAnnualResult:
    rank: int
    division: str
    monthly_average: Decimal
    mass_evaluation: Decimal
    bonus: Decimal
    deduction: Decimal
    annual_score: Decimal
    tier: Tier
    vetoed: bool = False
    veto_reason: str = ""

    def __post_init__(self) -> None:
        if self.vetoed and self.tier is Tier.A:
            raise ValueError(f"{self.division}: a vetoed division cannot be tier A (R-SCO-4)")


@dataclass(frozen=True)
class AnnualRankingNotice:
    """《关于2023年度绩效考核结果的通报》: ranking, tiers, advanced divisions named in the body, vetoes."""

    meta: NoticeMeta
    year: int
    results: tuple[DivisionAnnualResult, ...]
    basis: str = "局绩效管理工作方案"
    approved_by: str = "局党组"
    remarks: tuple[str, ...] = ()
    source: str = ""  # the approved result it is drawn from: 2023年度第N版考核结果（局党组…审定）

    def __post_init__(self) -> None:
        _require_unique((r.division for r in self.results), "division")
        _require_unique((r.rank for r in self.results), "rank")
        object.__setattr__(self, "results", tuple(sorted(self.results, key=lambda r: r.rank)))

    @property
    def title(self) -> str:
        return f"关于{self.year}年度绩效考核结果的通报"

    @property
    def title_lines(self) -> tuple[str, ...]:
        return (self.title,)

    @property
    def advanced_divisions(self) -> tuple[str, ...]:
        return tuple(r.division for r in self.results if r.tier is Tier.A)

    @property
    def vetoed_divisions(self) -> tuple[DivisionAnnualResult, ...]:
        return tuple(r for r in self.results if r.vetoed)


# --- 个人绩效考核结果通知书 -------------------------------------------------------------------------------


class Grade(StrEnum):
    """Annual individual grade (R-SCO-7/R-PAY-3); values match the scoring output."""

    EXCELLENT = "excellent"
    COMPETENT = "competent"
    BASICALLY_COMPETENT = "basically_competent"
    INCOMPETENT = "incompetent"

    @property
    def label(self) -> str:
        return _GRADE_LABELS[self]


_GRADE_LABELS = {
    Grade.EXCELLENT: "优秀",
    Grade.COMPETENT: "称职",
    Grade.BASICALLY_COMPETENT: "基本称职",
    Grade.INCOMPETENT: "不称职",
}


@dataclass(frozen=True)
class MonthlyFigures:
    """One month of a person's performance time (R-SCO-5) and what it paid (R-PAY-1, R-PAY-2)."""

    month: int
    legal_hours: Decimal
    qualifying_hours: Decimal
    performance_hours: Decimal
    competitive_hours: Decimal
    personal_score: Decimal
    composite_score: Decimal
    bonus: Decimal


@dataclass(frozen=True)
class IndividualNotice:
    """个人绩效考核结果通知书, one per person; tells how to appeal and by when (R-APL-2)."""

    meta: NoticeMeta
    year: int
    name: str
    division: str
    position: str
    months: tuple[MonthlyFigures, ...]
    annual_composite: Decimal
    rank_in_division: int
    division_headcount: int
    grade: Grade
    annual_bonus: Decimal | None
    appeal_deadline: dt.date
    appeal_office: str = "局绩效办"
    source: str = ""

    def __post_init__(self) -> None:
        if not 1 <= self.rank_in_division <= self.division_headcount:
            raise ValueError(f"rank {self.rank_in_division} outside 1..{self.division_headcount}")
        _require_unique((m.month for m in self.months), "month")

    @property
    def title(self) -> str:
        return f"{self.year}年度个人绩效考核结果通知书"

    @property
    def title_lines(self) -> tuple[str, ...]:
        return (self.title,)

    @property
    def total_performance_hours(self) -> Decimal:
        return sum((m.performance_hours for m in self.months), Decimal(0))

    @property
    def total_monthly_bonus(self) -> Decimal:
        return sum((m.bonus for m in self.months), Decimal(0))


# --- 年度工作目标责任状 -----------------------------------------------------------------------------------


class TargetSource(StrEnum):
    """Where an annual common target comes from (R-TGT-1)."""

    CITY = "city"
    PROVINCE = "province"
    PARTY_GROUP = "party_group"
    FUNCTION = "function"

    @property
    def label(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    TargetSource.CITY: "市委市政府目标任务",
    TargetSource.PROVINCE: "省住建厅对口要求",
    TargetSource.PARTY_GROUP: "局党组重点工作",
    TargetSource.FUNCTION: "处室职能",
}


@dataclass(frozen=True)
class Target:
    content: str
    source: TargetSource
    measure: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class TargetLetter:
    """《2023年度工作目标责任状》 of one division (R-TGT-2), signed by the director and the division head."""

    meta: NoticeMeta
    year: int
    division: str
    targets: tuple[Target, ...]
    director_name: str = ""
    head_name: str = ""
    director_signed_on: dt.date | None = None
    head_signed_on: dt.date | None = None

    @property
    def title(self) -> str:
        return f"{self.year}年度工作目标责任状"

    @property
    def title_lines(self) -> tuple[str, ...]:
        return (self.title,)


# --- 绩效考核兑现表 ---------------------------------------------------------------------------------------


class PayoutTotalsMismatch(ValueError):
    """A total given for a payout sheet differs from the sum of its lines."""


class PayoutKind(StrEnum):
    MONTHLY = "monthly"
    ANNUAL = "annual"


@dataclass(frozen=True)
class PayoutColumn:
    """A money or coefficient column; ``summed`` columns get subtotals and a grand total."""

    label: str
    summed: bool = True
    money: bool = True


@dataclass(frozen=True)
class PayoutLine:
    name: str
    position: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class PayoutGroup:
    division: str
    lines: tuple[PayoutLine, ...]
    subtotal: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class PayoutSheet:
    """绩效考核兑现表 (R-PAY-1..3), by division with subtotals and a grand total.

    Build it with :func:`build_monthly_payout_sheet` or :func:`build_annual_payout_sheet`. Constructing one
    directly re-checks every subtotal and the grand total against the lines.
    """

    meta: NoticeMeta
    kind: PayoutKind
    year: int
    month: int | None
    columns: tuple[PayoutColumn, ...]
    groups: tuple[PayoutGroup, ...]
    total: tuple[Decimal | None, ...]
    source: str = ""

    def __post_init__(self) -> None:
        if (self.kind is PayoutKind.MONTHLY) != (self.month is not None):
            raise ValueError("a monthly sheet needs a month; an annual sheet has none")
        width = len(self.columns)
        for group in self.groups:
            for line in group.lines:
                if len(line.values) != width:
                    raise ValueError(f"{group.division}/{line.name}: {len(line.values)} values for {width} columns")
            _check_totals(self.columns, [line.values for line in group.lines], group.subtotal, group.division)
        _check_totals(self.columns, [g.subtotal for g in self.groups], self.total, "合计")

    @property
    def period(self) -> str:
        return f"{self.year}年{self.month}月" if self.month is not None else f"{self.year}年度"

    @property
    def title(self) -> str:
        return f"{self.period}绩效考核兑现表"

    @property
    def title_lines(self) -> tuple[str, ...]:
        return (self.title,)


@dataclass(frozen=True)
class MonthlyPayoutLine:
    """A person's monthly bonuses: 组织绩效兑现奖 (leaders, heads, deputies), 达标 and 竞争 parts."""

    division: str
    name: str
    position: str
    org_bonus: Decimal
    qualifying_bonus: Decimal
    competitive_bonus: Decimal

    @property
    def total(self) -> Decimal:
        return self.org_bonus + self.qualifying_bonus + self.competitive_bonus


@dataclass(frozen=True)
class AnnualPayoutLine:
    """A person's annual bonus: base × division coefficient × personal coefficient (R-PAY-3)."""

    division: str
    name: str
    position: str
    base: Decimal
    division_coefficient: Decimal | None
    personal_coefficient: Decimal | None
    amount: Decimal


MONTHLY_PAYOUT_COLUMNS = (
    PayoutColumn("组织绩效兑现奖"),
    PayoutColumn("达标绩效奖"),
    PayoutColumn("竞争绩效奖"),
    PayoutColumn("合计"),
)
ANNUAL_PAYOUT_COLUMNS = (
    PayoutColumn("奖金基数", summed=False),
    PayoutColumn("处室系数", summed=False, money=False),
    PayoutColumn("个人系数", summed=False, money=False),
    PayoutColumn("年度奖金"),
)


def build_monthly_payout_sheet(
    meta: NoticeMeta,
    year: int,
    month: int,
    lines: Sequence[MonthlyPayoutLine],
    *,
    expected_total: Decimal,
    expected_division_totals: Mapping[str, Decimal] | None = None,
) -> PayoutSheet:
    """Group a month's payout lines by division (first-seen order) and total them.

    ``expected_total`` (and optionally each division's total) is what the service computed independently,
    e.g. the payroll sum; any disagreement with the lines raises :class:`PayoutTotalsMismatch`.
    """
    rows = [
        (
            ln.division,
            PayoutLine(ln.name, ln.position, (ln.org_bonus, ln.qualifying_bonus, ln.competitive_bonus, ln.total)),
        )
        for ln in lines
    ]
    return _build_sheet(
        meta,
        PayoutKind.MONTHLY,
        year,
        month,
        MONTHLY_PAYOUT_COLUMNS,
        rows,
        expected_total,
        expected_division_totals,
    )


def build_annual_payout_sheet(
    meta: NoticeMeta,
    year: int,
    lines: Sequence[AnnualPayoutLine],
    *,
    expected_total: Decimal,
    expected_division_totals: Mapping[str, Decimal] | None = None,
) -> PayoutSheet:
    """Group the annual bonus lines by division and total the amounts (see build_monthly_payout_sheet)."""
    rows = [
        (
            ln.division,
            PayoutLine(ln.name, ln.position, (ln.base, ln.division_coefficient, ln.personal_coefficient, ln.amount)),
        )
        for ln in lines
    ]
    return _build_sheet(
        meta,
        PayoutKind.ANNUAL,
        year,
        None,
        ANNUAL_PAYOUT_COLUMNS,
        rows,
        expected_total,
        expected_division_totals,
    )


def _build_sheet(
    meta: NoticeMeta,
    kind: PayoutKind,
    year: int,
    month: int | None,
    columns: tuple[PayoutColumn, ...],
    rows: Sequence[tuple[str, PayoutLine]],
    expected_total: Decimal,
    expected_division_totals: Mapping[str, Decimal] | None,
) -> PayoutSheet:
    by_division: dict[str, list[PayoutLine]] = {}
    for division, line in rows:
        by_division.setdefault(division, []).append(line)
    groups = tuple(
        PayoutGroup(division, tuple(group), _column_sums(columns, [ln.values for ln in group]))
        for division, group in by_division.items()
    )
    total = _column_sums(columns, [g.subtotal for g in groups])
    if total[-1] != expected_total:
        raise PayoutTotalsMismatch(f"{kind} {year}: lines sum to {total[-1]}, expected total is {expected_total}")
    if expected_division_totals is not None:
        unknown = set(expected_division_totals) - set(by_division)
        if unknown:
            raise PayoutTotalsMismatch(f"totals given for divisions without lines: {sorted(unknown)}")
        for group in groups:
            expected = expected_division_totals.get(group.division)
            if expected is None:
                raise PayoutTotalsMismatch(f"{group.division}: no expected total given")
            if group.subtotal[-1] != expected:
                raise PayoutTotalsMismatch(
                    f"{group.division}: lines sum to {group.subtotal[-1]}, expected total is {expected}"
                )
    return PayoutSheet(meta, kind, year, month, columns, groups, total)


def _column_sums(
    columns: tuple[PayoutColumn, ...], rows: Sequence[tuple[Decimal | None, ...]]
) -> tuple[Decimal | None, ...]:
    return tuple(
        sum((row[i] or Decimal(0) for row in rows), Decimal(0)) if col.summed else None for i, col in enumerate(columns)
    )


def _check_totals(
    columns: tuple[PayoutColumn, ...],
    rows: Sequence[tuple[Decimal | None, ...]],
    given: tuple[Decimal | None, ...],
    where: str,
) -> None:
    computed = _column_sums(columns, rows)
    if tuple(given) != computed:
        raise PayoutTotalsMismatch(f"{where}: totals {given} differ from the sum of the lines {computed}")


def _require_unique(values: Iterable[object], what: str) -> None:
    seen: set[object] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what}: {value}")
        seen.add(value)


Notice = MonthlyDivisionNotice | AnnualRankingNotice | IndividualNotice | TargetLetter | PayoutSheet

__all__ = [
    "ANNUAL_PAYOUT_COLUMNS",
    "MONTHLY_PAYOUT_COLUMNS",
    "AnnualPayoutLine",
    "AnnualRankingNotice",
    "Deduction",
    "DivisionAnnualResult",
    "DivisionMonthlyResult",
    "Grade",
    "IndividualNotice",
    "MonthlyDivisionNotice",
    "MonthlyFigures",
    "MonthlyPayoutLine",
    "Notice",
    "NoticeMeta",
    "NoticeSettings",
    "PayoutColumn",
    "PayoutGroup",
    "PayoutKind",
    "PayoutLine",
    "PayoutSheet",
    "PayoutTotalsMismatch",
    "Target",
    "TargetLetter",
    "TargetSource",
    "Tier",
]
