"""Issuing official notices from the stored results (issue 6; R-RPT-1, R-TGT-2, R-PAY-1..3, R-APL-2, R-AUD-1).

The builders read a stored `ScoreSnapshot` (the current one unless another is given) — never recompute — and fill
the view-models of `reports.viewmodels`. `issue()` then numbers, renders and archives one notice in a single
write transaction: the number is taken from `DocumentSequence`, the PDF rendered with it, and the
`IssuedDocument` row written; if anything fails (a missing glyph, a database error) the transaction rolls back
and the number was never used. So numbers are unique, increasing per year and without gaps, and no number
that ever appeared on an issued PDF is reused (GB/T 9704: 发文字号 are never reused).

`issue_batch()` issues the individual notices of a bureau (or one division) in chunks: each chunk allocates its
numbers in the parent, in order, renders on a process pool (both cores) and archives, in one transaction.

Settings come in as a `NoticeSettings` (`settings_from(app.config)`); nothing here imports Flask.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import itertools
import multiprocessing
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import peewee as pw

from models import (
    AnnualTarget,
    Division,
    DocumentSequence,
    IssuedDocument,
    PayStandard,
    Person,
    PersonMonthResult,
    PersonYearResult,
    ScoreSnapshot,
    Veto,
    acting_as,
    db,
)
from reports.formatting import format_doc_number
from reports.notices import render_pdf
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
    Notice,
    NoticeMeta,
    NoticeSettings,
    Target,
    TargetLetter,
    TargetSource,
    Tier,
    build_annual_payout_sheet,
    build_monthly_payout_sheet,
)
from services import clock, result_views
from services.access import Scope, scope_of
from services.calendar import add_workdays
from services.results import approved_snapshot, current_snapshot, snapshot_label

KINDS = ("monthly", "annual", "individual", "letter", "payout_monthly", "payout_annual")
KIND_LABELS = dict(IssuedDocument.kind.choices)
ADDRESSEE = "局机关各处室"
APPEAL_WORKDAYS = 5  # R-APL-2: the individual notice gives 5 working days to appeal
UNACKNOWLEDGED = "未完成且未经局长认可"
LEADERSHIP = "局领导"  # the group of people without a division (leaders in charge) on payout sheets
BATCH_CHUNK = 24  # notices per transaction in a batch: bounds how long the number sequence stays locked
_EVERYTHING = Scope(person_id=0, divisions=None, own_only=False, can_manage=True)
_CENTS = Decimal("0.01")


# --- errors: each carries the Chinese sentence the portal and the CLI show ---------------------------------


class NoticeError(Exception):
    """A notice cannot be issued; `str(error)` is the Chinese explanation for the user."""


class NoResults(NoticeError):
    """No stored results to draw the notice from."""


class NotAssessed(NoticeError):
    """The person was not assessed individually (R-SCP-2) or is not ranked in a division: no individual notice."""


class AlreadyIssued(NoticeError):
    """A live document of the same kind and subject exists; correct it with `reissue()`."""

    def __init__(self, document: IssuedDocument) -> None:
        super().__init__(
            f"{document.title}已出具（{document.number}，{document.issued_at:%Y-%m-%d}）；如需更正请重新出具"
        )
        self.document = document


class AlreadyReplaced(NoticeError):
    """Only the latest version of a document can be re-issued."""


# --- settings -----------------------------------------------------------------------------------------------


def settings_from(config: Mapping[str, Any]) -> NoticeSettings:
    """The office's header and colophon settings (NOTICE_ISSUER, NOTICE_PREFIX, NOTICE_PRINTER, NOTICE_COPY_TO,
    BUREAU_NAME). An issuer mark such as ``××市规划局文件`` is signed by the bureau itself (BUREAU_NAME)."""
    issuer = str(config["NOTICE_ISSUER"]).strip()
    signing = str(config.get("BUREAU_NAME") or "").strip() if issuer.endswith("文件") else issuer
    copy_to = config.get("NOTICE_COPY_TO") or ()
    if isinstance(copy_to, str):
        copy_to = [part.strip() for part in copy_to.replace("、", "，").replace(",", "，").split("，")]
    return NoticeSettings(
        issuer_mark=issuer,
        doc_number_prefix=str(config["NOTICE_PREFIX"]).strip(),
        signing_organ=signing or issuer,
        printing_organ=str(config["NOTICE_PRINTER"]).strip(),
        copy_to=tuple(part for part in copy_to if part),
    )


# --- numbering ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that holds the write lock from its first statement.

    SQLite: ``BEGIN IMMEDIATE``, so two issuers never both read and then both try to upgrade to a write lock
    (which fails at once with "database is locked" rather than waiting). PostgreSQL: a plain transaction; the
    sequence row's lock taken by `allocate_number` serialises issuers until commit. Inside an open transaction
    this is a savepoint of it, and the outer transaction decides.
    """
    if db.in_transaction() or not isinstance(db.obj, pw.SqliteDatabase):
        with db.atomic():
            yield
    else:
        with db.atomic(lock_type="IMMEDIATE"):
            yield


def allocate_number(prefix: str, year: int, count: int = 1) -> int:
    """Take the next `count` numbers of the (prefix, year) sequence; returns the first of them.

    One upsert, ``INSERT … ON CONFLICT DO UPDATE SET last = last + count RETURNING last``, on both backends: the
    row is created on the year's first document and otherwise incremented under its row lock (PostgreSQL) or
    the database write lock (SQLite), so concurrent issuers never get the same number. Call it inside the
    transaction that archives the documents: a rollback then returns the numbers as if never taken.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1: {count}")
    return _bump(prefix, year, count) - count + 1


def lock_sequence(prefix: str, year: int) -> None:
    """Take the sequence's lock without taking a number (an update by 0), to check something before allocating."""
    _bump(prefix, year, 0)


def _bump(prefix: str, year: int, count: int) -> int:
    query = (
        DocumentSequence.insert(prefix=prefix, year=year, last=count)
        .on_conflict(
            conflict_target=[DocumentSequence.prefix, DocumentSequence.year],
            update={DocumentSequence.last: DocumentSequence.last + count},
        )
        .returning(DocumentSequence.last)
    )
    return int(next(iter(query.execute())).last)


# --- what a document is about -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Kind and period of a document and whose it is; the key that says two documents are the same notice."""

    kind: str
    year: int
    month: int | None = None
    division: Division | None = None
    person: Person | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise NoticeError(f"未知的文件种类：{self.kind}（可选：{'、'.join(KINDS)}）")
        if self.kind in ("monthly", "payout_monthly"):
            if self.month is None or not 1 <= self.month <= 12:
                raise NoticeError(f"{KIND_LABELS[self.kind]}需要指定月份（1–12）")
        elif self.month is not None:
            raise NoticeError(f"{KIND_LABELS[self.kind]}不按月出具，不能指定月份")
        if self.kind == "individual" and self.person is None:
            raise NoticeError("个人绩效考核结果通知书需要指定人员")
        if self.kind == "letter" and self.division is None:
            raise NoticeError("年度工作目标责任状需要指定处室")
        if self.kind in ("monthly", "annual") and self.division is not None:
            raise NoticeError(f"{KIND_LABELS[self.kind]}面向全局各处室，不能指定处室")
        if self.kind != "individual" and self.person is not None:
            raise NoticeError(f"{KIND_LABELS[self.kind]}不针对个人，不能指定人员")
        if self.kind == "individual" and self.division is not None:
            raise NoticeError("个人绩效考核结果通知书按人员出具，不能指定处室")

    def live_documents(self) -> pw.ModelSelect:
        """Documents of this subject that no later document replaces."""
        query = light().where(
            IssuedDocument.kind == self.kind,
            IssuedDocument.year == self.year,
            IssuedDocument.id.not_in(_replaced_ids()),
        )
        for column, value in (
            (IssuedDocument.month, self.month),
            (IssuedDocument.division, self.division),
            (IssuedDocument.person, self.person),
        ):
            query = query.where(column.is_null() if value is None else column == value)
        return query


@dataclass(frozen=True)
class Draft:
    """A built notice waiting for its number: the view-model carries a placeholder sequence number.

    `division_id` is the division the archived row names: the subject's, or for an individual notice the
    person's division in the snapshot (so heads find their division's notices, R-SEC-1).
    """

    subject: Subject
    snapshot: ScoreSnapshot | None
    notice: Notice
    division_id: int | None = None


def _meta(today: dt.date, addressee: str | None = ADDRESSEE, replaces: str | None = None) -> NoticeMeta:
    return NoticeMeta(doc_year=today.year, doc_seq=1, signed_on=today, addressee=addressee, replaces=replaces)


def _numbered(notice: Notice, doc_year: int, seq: int) -> Notice:
    return dataclasses.replace(notice, meta=dataclasses.replace(notice.meta, doc_year=doc_year, doc_seq=seq))


APPROVED_ONLY = frozenset({"annual", "individual", "payout_annual"})
"""Kinds that state the year's ranking, grades or annual money: issued from a party-group-approved snapshot only
(R-SCO-3). Monthly notices use the approved snapshot when there is one, else the latest recompute."""


def _snapshot(year: int, snapshot: ScoreSnapshot | None, kind: str | None = None) -> ScoreSnapshot:
    """The snapshot a notice is drawn from: the one given, else the approved one, else (monthly kinds only) the
    latest recompute. Kinds of APPROVED_ONLY are refused from a snapshot the party group has not approved."""
    snapshot = snapshot or approved_snapshot(year) or current_snapshot(year)
    if snapshot is None:
        raise NoResults(f"{year}年度还没有考核结果，请先计算：flask --app portal score --year {year}")
    if kind in APPROVED_ONLY and not snapshot.locked:
        raise NoResults(f"{snapshot}尚未经局党组审定，不能出具{KIND_LABELS[kind]}；请先将考核结果报局党组审定")
    return snapshot


def _dec(value: Decimal | int | float | str | None) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


# --- builders: stored results → view-models -----------------------------------------------------------------


def build_monthly(snapshot: ScoreSnapshot, month: int, meta: NoticeMeta) -> MonthlyDivisionNotice:
    """Each division's S(d, m) and each item that lost points (DivisionMonthScore.deductions)."""
    rows = [r for r in result_views.month_scores(snapshot, _EVERYTHING) if r.month == month]
    if not rows:
        raise NoResults(f"{snapshot}中没有{snapshot.year}年{month}月的处室考核结果")
    results = tuple(
        DivisionMonthlyResult(
            division=r.division,
            score=r.score,
            deductions=tuple(
                Deduction(item=d["item"], weight=_dec(d["weight"]), points=_dec(d["lost"]), reason=UNACKNOWLEDGED)
                for d in r.deductions
            ),
        )
        for r in rows
    )
    return MonthlyDivisionNotice(meta=meta, year=snapshot.year, month=month, results=results)


def build_annual(snapshot: ScoreSnapshot, meta: NoticeMeta) -> AnnualRankingNotice:
    """Ranks, tiers, the advanced (A) divisions and the vetoes with their reasons (RULES §3, R-SCO-4)."""
    rows = result_views.ranking(snapshot, _EVERYTHING)
    if not rows:
        raise NoResults(f"{snapshot}中没有处室年度排名")
    reasons = dict(Veto.select(Veto.division, Veto.reason).where(Veto.year == snapshot.year).tuples())
    results = tuple(
        DivisionAnnualResult(
            rank=r.rank,
            division=r.division,
            monthly_average=r.monthly_avg,
            mass_evaluation=r.mass_evaluation,
            bonus=r.bonus,
            deduction=r.deduction,
            annual_score=r.annual,
            tier=Tier(r.tier),
            vetoed=r.vetoed,
            veto_reason=reasons.get(r.division_id, "") if r.vetoed else "",
        )
        for r in rows
    )
    return AnnualRankingNotice(meta=meta, year=snapshot.year, results=results)


def _refusal(row: result_views.PersonYearRow, year: int) -> str | None:
    """Why this person gets no individual notice, or None if they get one."""
    if row.assessed is False:
        reason = f"（{row.not_assessed_reason}）" if row.not_assessed_reason else ""
        return f"{row.name}{year}年度不参加个人考核{reason}，不出具个人绩效考核结果通知书"
    if row.rank_in_division is None or row.grade is None:
        return f"{row.name}不在处室内参加{year}年度个人考核排名（局领导由上级考核），不出具个人绩效考核结果通知书"
    return None


def _month_figures(month: PersonMonthResult) -> MonthlyFigures:
    bonus = sum((_dec(v) for v in (month.org_bonus, month.qualifying_bonus, month.competitive_bonus)), Decimal(0))
    # Figures that do not exist for a month (e.g. a head's competitive hours) stay None and print as "—";
    # the summed columns count them as 0.
    return MonthlyFigures(
        month=month.month,
        legal_hours=month.legal_hours,
        qualifying_hours=month.qualifying_hours,
        performance_hours=_dec(month.performance_hours),
        competitive_hours=month.competitive_hours,
        personal_score=month.personal_score,
        composite_score=month.composite,
        bonus=bonus,
    )


def _individual(
    row: result_views.PersonYearRow,
    months: Sequence[PersonMonthResult],
    headcount: int,
    year: int,
    meta: NoticeMeta,
    appeal_deadline: dt.date,
) -> IndividualNotice:
    refusal = _refusal(row, year)
    if refusal:
        raise NotAssessed(refusal)
    return IndividualNotice(
        meta=meta,
        year=year,
        name=row.name,
        division=row.division,
        position=result_views.POSITION_LABELS.get(row.position, row.position),
        months=tuple(_month_figures(m) for m in months),
        annual_composite=_dec(row.composite),
        rank_in_division=row.rank_in_division or 0,
        division_headcount=headcount,
        grade=Grade(row.grade),
        annual_bonus=row.annual_bonus,
        appeal_deadline=appeal_deadline,
    )


def _headcounts(snapshot: ScoreSnapshot, division_ids: Iterable[int] | None = None) -> dict[int, int]:
    """People ranked in each division of the snapshot (the N of "rank r of N")."""
    query = (
        PersonYearResult.select(PersonYearResult.division, pw.fn.COUNT(PersonYearResult.id))
        .where(PersonYearResult.snapshot == snapshot, PersonYearResult.rank_in_division.is_null(False))
        .group_by(PersonYearResult.division)
    )
    if division_ids is not None:
        query = query.where(PersonYearResult.division.in_(list(division_ids)))
    return dict(query.tuples())


def _division_of(snapshot: ScoreSnapshot, person: Person) -> int | None:
    return (
        PersonYearResult.select(PersonYearResult.division)
        .where(PersonYearResult.snapshot == snapshot, PersonYearResult.person == person)
        .scalar()
    )


def build_individual(snapshot: ScoreSnapshot, person: Person, meta: NoticeMeta) -> IndividualNotice:
    """A person's months, annual composite, rank among the N ranked in the division, grade, annual bonus and the
    appeal deadline: 5 working days after the notice is signed (R-APL-2). People not assessed individually, and
    leaders ranked outside the divisions, get a `NotAssessed` refusal instead of a notice."""
    detail = result_views.person_detail(snapshot, person)
    if detail is None:
        raise NotAssessed(f"{person.name}不在{snapshot}中，不出具个人绩效考核结果通知书")
    refusal = _refusal(detail.year, snapshot.year)
    if refusal:
        raise NotAssessed(refusal)
    division_id = _division_of(snapshot, person)
    headcount = _headcounts(snapshot, [division_id]).get(division_id, 0) if division_id else 0
    deadline = add_workdays(meta.signed_on, APPEAL_WORKDAYS)
    return _individual(detail.year, detail.months, headcount, snapshot.year, meta, deadline)


def build_letter(year: int, division: Division, meta: NoticeMeta) -> TargetLetter:
    """The division's approved annual targets with their sources, to be signed by the director and the head
    (R-TGT-2). Signature dates stay blank: they are written by hand when signing."""
    targets = list(
        AnnualTarget.select()
        .where(AnnualTarget.year == year, AnnualTarget.division == division, AnnualTarget.status == "approved")
        .order_by(AnnualTarget.id)
    )
    if not targets:
        raise NoResults(f"{division.name}{year}年度没有已批准的工作目标，不能出具目标责任状")
    order = {source: i for i, source in enumerate(TargetSource)}
    targets.sort(key=lambda t: (order.get(TargetSource(t.source), 99), t.id))
    director = (
        Person.select(Person.name).where(Person.position == "director", Person.active).order_by(Person.id).first()
    )
    head = (
        Person.select(Person.name)
        .where(Person.division == division, Person.position == "head", Person.active)
        .order_by(Person.id)
        .first()
    )
    return TargetLetter(
        meta=meta,
        year=year,
        division=division.name,
        targets=tuple(
            Target(content=t.title, source=TargetSource(t.source), measure=t.description, deadline=f"{year}年底前")
            for t in targets
        ),
        director_name=director.name if director else "",
        head_name=head.name if head else "",
    )


def _cents_sum(*columns: pw.Field) -> pw.Node:
    """SUM of money columns in whole fen, computed by the database: exact on PostgreSQL's numeric and on SQLite,
    which stores decimals as floating point."""
    cents = [pw.fn.ROUND(pw.fn.COALESCE(c, 0) * 100) for c in columns]
    expression = cents[0]
    for more in cents[1:]:
        expression = expression + more
    return pw.fn.SUM(expression)


def _yuan(cents: Any) -> Decimal:
    return (Decimal(str(cents or 0)) / 100).quantize(_CENTS)


def _payout_people(snapshot: ScoreSnapshot, division: Division | None) -> pw.ModelSelect:
    """Each person's year row of the snapshot with person and division, in division order then by rank."""
    query = (
        PersonYearResult.select(PersonYearResult, Person, Division)
        .join(Person)
        .switch(PersonYearResult)
        .join(Division, pw.JOIN.LEFT_OUTER)
        .where(PersonYearResult.snapshot == snapshot)
        .order_by(
            PersonYearResult.division.is_null(False),  # leaders (no division) first
            Division.sort_order,
            Division.id,
            PersonYearResult.rank_in_division,
            Person.code,
        )
    )
    if division is not None:
        query = query.where(PersonYearResult.division == division)
    return query


def build_monthly_payout(snapshot: ScoreSnapshot, month: int, meta: NoticeMeta, division: Division | None = None):
    """The month's bonuses by division (R-PAY-1 organisational, R-PAY-2 qualifying and competitive).

    The lines come from PersonMonthResult; the expected totals are summed separately by the database, so the
    sheet's own check compares two computations (`PayoutTotalsMismatch` if they ever disagree).
    """
    people = list(_payout_people(snapshot, division))
    months = {
        m.person_id: m
        for m in PersonMonthResult.select().where(
            PersonMonthResult.snapshot == snapshot,
            PersonMonthResult.month == month,
            PersonMonthResult.person.in_([p.person_id for p in people] or [0]),
        )
    }
    lines = []
    for row in people:
        m = months.get(row.person_id)
        if m is None or all(v is None for v in (m.org_bonus, m.qualifying_bonus, m.competitive_bonus)):
            continue
        lines.append(
            MonthlyPayoutLine(
                division=row.division.name if row.division_id else LEADERSHIP,
                name=row.person.name,
                position=result_views.POSITION_LABELS.get(row.person.position, row.person.position),
                org_bonus=_dec(m.org_bonus),
                qualifying_bonus=_dec(m.qualifying_bonus),
                competitive_bonus=_dec(m.competitive_bonus),
            )
        )
    if not lines:
        raise NoResults(f"{snapshot}中没有{snapshot.year}年{month}月的兑现数据")
    total, by_division = _expected_monthly(snapshot, month, division)
    return build_monthly_payout_sheet(
        meta, snapshot.year, month, lines, expected_total=total, expected_division_totals=by_division
    )


def _expected_monthly(
    snapshot: ScoreSnapshot, month: int, division: Division | None
) -> tuple[Decimal, dict[str, Decimal]]:
    pm = PersonMonthResult
    amount = _cents_sum(pm.org_bonus, pm.qualifying_bonus, pm.competitive_bonus)
    query = (
        pm.select(Division.name, amount)
        .join(
            PersonYearResult,
            on=(PersonYearResult.person == pm.person) & (PersonYearResult.snapshot == pm.snapshot),
        )
        .join(Division, pw.JOIN.LEFT_OUTER, on=(PersonYearResult.division == Division.id))
        .where(pm.snapshot == snapshot, pm.month == month)
        .group_by(Division.name)
    )
    if division is not None:
        query = query.where(PersonYearResult.division == division)
    by_division = {name or LEADERSHIP: _yuan(cents) for name, cents in query.tuples()}
    return _grand_total(pm, amount, snapshot, division, pm.month == month), by_division


def _grand_total(model: type[pw.Model], amount: pw.Node, snapshot, division, *where: pw.Expression) -> Decimal:
    query = model.select(amount).where(model.snapshot == snapshot, *where)
    if division is not None:
        if model is PersonYearResult:
            query = query.where(PersonYearResult.division == division)
        else:
            ids = PersonYearResult.select(PersonYearResult.person).where(
                PersonYearResult.snapshot == snapshot, PersonYearResult.division == division
            )
            query = query.where(model.person.in_(ids))
    return _yuan(query.scalar())


def build_annual_payout(snapshot: ScoreSnapshot, meta: NoticeMeta, division: Division | None = None):
    """Annual bonus = base × division coefficient × personal coefficient (R-PAY-3), by division; the base is the
    pay standard of the person's level. Totals are checked against an independent SQL sum."""
    bases = dict(
        PayStandard.select(PayStandard.level, PayStandard.annual_base).where(PayStandard.year == snapshot.year).tuples()
    )
    lines = [
        AnnualPayoutLine(
            division=row.division.name if row.division_id else LEADERSHIP,
            name=row.person.name,
            position=result_views.POSITION_LABELS.get(row.person.position, row.person.position),
            base=_dec(bases.get(row.person.level)),
            division_coefficient=row.division_coefficient,
            personal_coefficient=row.personal_coefficient,
            amount=_dec(row.annual_bonus),
        )
        for row in _payout_people(snapshot, division)
        if row.annual_bonus is not None
    ]
    if not lines:
        raise NoResults(f"{snapshot}中没有年度奖金数据")
    py = PersonYearResult
    amount = _cents_sum(py.annual_bonus)
    query = (
        py.select(Division.name, amount)
        .join(Division, pw.JOIN.LEFT_OUTER, on=(py.division == Division.id))
        .where(py.snapshot == snapshot, py.annual_bonus.is_null(False))
        .group_by(Division.name)
    )
    if division is not None:
        query = query.where(py.division == division)
    by_division = {name or LEADERSHIP: _yuan(cents) for name, cents in query.tuples()}
    total = _grand_total(py, amount, snapshot, division)
    return build_annual_payout_sheet(
        meta, snapshot.year, lines, expected_total=total, expected_division_totals=by_division
    )


def draft(
    subject: Subject,
    *,
    snapshot: ScoreSnapshot | None = None,
    today: dt.date | None = None,
    replaces: str | None = None,
) -> Draft:
    """Build the notice of `subject` from the stored results (or, for the letter, the approved targets)."""
    today = today or clock.today()
    kind, year = subject.kind, subject.year
    if kind == "letter":
        notice = build_letter(year, subject.division, _meta(today, None, replaces))
        return Draft(subject, None, notice, subject.division.id)
    snap = _snapshot(year, snapshot, kind)
    if kind == "monthly":
        notice: Notice = build_monthly(snap, subject.month, _meta(today, replaces=replaces))
    elif kind == "annual":
        notice = build_annual(snap, _meta(today, replaces=replaces))
    elif kind == "individual":
        notice = build_individual(snap, subject.person, _meta(today, None, replaces))
        notice = dataclasses.replace(notice, source=snapshot_label(snap))
        return Draft(subject, snap, notice, _division_of(snap, subject.person))
    elif kind == "payout_monthly":
        notice = build_monthly_payout(snap, subject.month, _meta(today, replaces=replaces), subject.division)
    else:
        notice = build_annual_payout(snap, _meta(today, replaces=replaces), subject.division)
    if kind in APPROVED_ONLY:
        notice = dataclasses.replace(notice, source=snapshot_label(snap))  # type: ignore[type-var]
    return Draft(subject, snap, notice, subject.division.id if subject.division is not None else None)


# --- issuing ------------------------------------------------------------------------------------------------


def _actor_block(actor: Person | None) -> contextlib.AbstractContextManager:
    return acting_as(actor.id, actor.name) if actor is not None else contextlib.nullcontext()


def _archive(
    draft_: Draft,
    notice: Notice,
    pdf: bytes,
    settings: NoticeSettings,
    actor: Person | None,
    replaces: IssuedDocument | None = None,
    reason: str = "",
) -> IssuedDocument:
    subject, meta = draft_.subject, notice.meta
    return IssuedDocument.create(
        kind=subject.kind,
        year=subject.year,
        month=subject.month,
        division=draft_.division_id,
        person=subject.person,
        prefix=settings.doc_number_prefix,
        doc_year=meta.doc_year,
        seq=meta.doc_seq,
        number=format_doc_number(settings.doc_number_prefix, meta.doc_year, meta.doc_seq),
        title=notice.title,
        snapshot=draft_.snapshot,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pdf=pdf,
        issued_at=clock.now(),
        issued_by=actor,
        replaces=replaces,
        reason=reason,
    )


def issue(
    kind: str,
    year: int,
    month: int | None = None,
    person: Person | None = None,
    division: Division | None = None,
    actor: Person | None = None,
    *,
    settings: NoticeSettings,
    snapshot: ScoreSnapshot | None = None,
    today: dt.date | None = None,
) -> IssuedDocument:
    """Build, number, render and archive one notice (R-RPT-1, R-AUD-1); returns the archived document.

    Refuses (`AlreadyIssued`) when the same notice was issued before and not replaced: a correction is a
    `reissue()`, which names the document it replaces.
    """
    subject = Subject(kind, year, month, division, person)
    with _actor_block(actor):
        built = draft(subject, snapshot=snapshot, today=today)
        return _issue_drafted(built, settings, actor)


def _issue_drafted(
    built: Draft,
    settings: NoticeSettings,
    actor: Person | None,
    replaces: IssuedDocument | None = None,
    reason: str = "",
) -> IssuedDocument:
    doc_year = built.notice.meta.doc_year
    with write_transaction():
        seq = allocate_number(settings.doc_number_prefix, doc_year)
        # Checked under the sequence lock, so two offices issuing the same notice at once cannot both succeed.
        existing = built.subject.live_documents()
        if replaces is not None:
            existing = existing.where(IssuedDocument.id != replaces.id)
        if (found := existing.first()) is not None:
            raise AlreadyIssued(found)
        notice = _numbered(built.notice, doc_year, seq)
        pdf = render_pdf(notice, settings)
        return _archive(built, notice, pdf, settings, actor, replaces, reason)


def reissue(
    document: IssuedDocument,
    reason: str,
    actor: Person | None = None,
    *,
    settings: NoticeSettings,
    today: dt.date | None = None,
) -> IssuedDocument:
    """Issue a corrected notice after an upheld appeal (R-APL-2): drawn afresh from the current results, with a
    new number; its body says which number it replaces, and `replaces` links the two. Both stay archived."""
    if not reason.strip():
        raise NoticeError("重新出具须说明理由（如：申诉成立）")
    later = IssuedDocument.select(IssuedDocument.number).where(IssuedDocument.replaces == document).first()
    if later is not None:
        raise AlreadyReplaced(f"{document.number}已被{later.number}代替，请对最新的文件重新出具")
    division = None if document.kind == "individual" else document.division  # an individual's is informative
    subject = Subject(document.kind, document.year, document.month, division, document.person)
    with _actor_block(actor):
        built = draft(subject, today=today, replaces=document.number)
        return _issue_drafted(built, settings, actor, replaces=document, reason=reason.strip()[:200])


# --- the batch of individual notices ------------------------------------------------------------------------

Progress = Callable[[int, int], None]


@dataclass
class BatchResult:
    """What a batch did: the notices it issued, those issued before, and the people who get none (and why)."""

    year: int
    division: Division | None
    issued: list[IssuedDocument] = field(default_factory=list)
    existing: list[IssuedDocument] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def documents(self) -> list[IssuedDocument]:
        return sorted(self.existing + self.issued, key=lambda d: (d.doc_year, d.seq))


@functools.cache
def _executor(workers: int) -> ProcessPoolExecutor:
    """A pool of rendering processes, kept for the life of the process (fonts load once per worker).

    The workers come from a fork server that has already imported the renderer: forking the portal itself
    would copy its threads' locks and its open database connections into the children.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reports.notices"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def render_many(notices: Sequence[Notice], settings: NoticeSettings, workers: int = 2) -> Iterator[bytes]:
    """Render in order, yielding each PDF as soon as it and those before it are done (so the caller archives
    while the rest still render); on `workers` processes when there are enough notices to be worth it."""
    if workers <= 1 or len(notices) < 2 * workers:
        return (render_pdf(n, settings) for n in notices)
    return _executor(workers).map(render_pdf, notices, itertools.repeat(settings), chunksize=1)


def light() -> pw.ModelSelect:
    """Documents without their PDF bytes, for lists and batches."""
    return IssuedDocument.select(*[f for f in IssuedDocument._meta.sorted_fields if f.name != "pdf"])


def _replaced_ids() -> pw.ModelSelect:
    return IssuedDocument.select(IssuedDocument.replaces).where(IssuedDocument.replaces.is_null(False))


def live_individual_notices(year: int, division: Division | None = None, people: Iterable[int] | None = None):
    """The individual notices of a year that no later notice replaces, in number order."""
    query = light().where(
        IssuedDocument.kind == "individual",
        IssuedDocument.year == year,
        IssuedDocument.id.not_in(_replaced_ids()),
    )
    if division is not None:
        query = query.where(IssuedDocument.division == division)
    if people is not None:
        query = query.where(IssuedDocument.person.in_(list(people) or [0]))
    return query.order_by(IssuedDocument.doc_year, IssuedDocument.seq)


def batch_drafts(
    snapshot: ScoreSnapshot, division: Division | None, today: dt.date
) -> tuple[list[Draft], list[tuple[str, str]]]:
    """The individual notices of everyone ranked in the snapshot (or in one division), in division order and
    rank, built with a fixed number of queries; and the people who get none, with the reason."""
    rows = result_views.people(snapshot, _EVERYTHING, division.id if division is not None else None)
    division_of = dict(
        PersonYearResult.select(PersonYearResult.person, PersonYearResult.division)
        .where(PersonYearResult.snapshot == snapshot)
        .tuples()
    )
    months: dict[int, list[PersonMonthResult]] = {}
    month_query = (
        PersonMonthResult.select()
        .where(PersonMonthResult.snapshot == snapshot)
        .order_by(PersonMonthResult.person, PersonMonthResult.month)
    )
    if division is not None:
        in_division = PersonYearResult.select(PersonYearResult.person).where(
            PersonYearResult.snapshot == snapshot, PersonYearResult.division == division
        )
        month_query = month_query.where(PersonMonthResult.person.in_(in_division))
    for m in month_query:
        months.setdefault(m.person_id, []).append(m)
    headcounts = _headcounts(snapshot)
    people = {p.id: p for p in Person.select().where(Person.id.in_([r.person_id for r in rows] or [0]))}
    deadline = add_workdays(today, APPEAL_WORKDAYS)
    source = snapshot_label(snapshot)
    drafts, skipped = [], []
    for row in rows:
        refusal = _refusal(row, snapshot.year)
        if refusal:
            skipped.append((row.name, refusal))
            continue
        division_id = division_of.get(row.person_id)
        headcount = headcounts.get(division_id, 0)
        notice = _individual(row, months.get(row.person_id, []), headcount, snapshot.year, _meta(today, None), deadline)
        notice = dataclasses.replace(notice, source=source)
        subject = Subject("individual", snapshot.year, person=people[row.person_id])
        drafts.append(Draft(subject, snapshot, notice, division_id))
    return drafts, skipped


def issue_batch(
    year: int,
    division: Division | None = None,
    progress: Progress | None = None,
    *,
    settings: NoticeSettings,
    actor: Person | None = None,
    out: IO[bytes] | None = None,
    workers: int = 2,
    snapshot: ScoreSnapshot | None = None,
    today: dt.date | None = None,
    chunk: int = BATCH_CHUNK,
) -> BatchResult:
    """Issue the individual notices of the whole bureau (or one division) in one action (issue 6 §6).

    People who already have a live notice keep it (a rerun completes an interrupted batch); people not assessed
    are listed in `skipped`. Numbers are allocated in the parent, in division and rank order, a chunk at a time
    in the transaction that archives the chunk, and the chunk renders on `workers` processes. `progress(done,
    total)` is called after each chunk. With `out`, the zip of every live notice of the scope is written to it.
    """
    today = today or clock.today()
    snap = _snapshot(year, snapshot, "individual")
    result = BatchResult(year, division)
    with _actor_block(actor):
        drafts, result.skipped = batch_drafts(snap, division, today)
        everyone = [x.subject.person.id for x in drafts]
        issued_before = {d.person_id for d in live_individual_notices(year, people=everyone)}
        todo = [d for d in drafts if d.subject.person.id not in issued_before]
        total, done = len(todo), 0
        if progress is not None:
            progress(0, total)
        for start in range(0, total, chunk):
            part = todo[start : start + chunk]
            with write_transaction():
                # Someone may have issued one of these meanwhile: look again, holding the sequence lock.
                doc_year = part[0].notice.meta.doc_year
                lock_sequence(settings.doc_number_prefix, doc_year)
                taken = {d.person_id for d in live_individual_notices(year, people=[x.subject.person.id for x in part])}
                part = [d for d in part if d.subject.person.id not in taken]
                if part:
                    first = allocate_number(settings.doc_number_prefix, doc_year, len(part))
                    notices = [_numbered(d.notice, doc_year, first + i) for i, d in enumerate(part)]
                    pdfs = render_many(notices, settings, workers)
                    ids = [
                        _archive(d, n, pdf, settings, actor).id for d, n, pdf in zip(part, notices, pdfs, strict=True)
                    ]
            if part:
                result.issued.extend(light().where(IssuedDocument.id.in_(ids)).order_by(IssuedDocument.seq))
            done += min(chunk, total - start)
            if progress is not None:
                progress(done, total)
        issued_now = {d.id for d in result.issued}
        result.existing = [d for d in live_individual_notices(year, people=everyone) if d.id not in issued_now]
    if out is not None:
        write_zip(result.documents, out)
    return result


def write_zip(documents: Sequence[IssuedDocument], out: IO[bytes]) -> int:
    """The PDFs of `documents` into a zip (stored, not deflated: PDFs are compressed already), named
    ``规绩〔2023〕12号-姓名.pdf``; reads the bytes 50 at a time. Returns the number of files."""
    names = {d.id: d.person.name if d.person_id else d.title for d in documents}
    ids = [d.id for d in documents]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for start in range(0, len(ids), 50):
            chunk = ids[start : start + 50]
            rows = IssuedDocument.select(IssuedDocument.id, IssuedDocument.number, IssuedDocument.pdf).where(
                IssuedDocument.id.in_(chunk)
            )
            by_id = {r.id: r for r in rows}
            for doc_id in chunk:
                row = by_id[doc_id]
                archive.writestr(f"{row.number}-{names[doc_id]}.pdf", bytes(row.pdf))
    return len(ids)


def zip_bytes(documents: Sequence[IssuedDocument]) -> bytes:
    buffer = io.BytesIO()
    write_zip(documents, buffer)
    return buffer.getvalue()


# --- lookups and who may read what --------------------------------------------------------------------------


def find_person(text: str) -> Person:
    """A person by code (P03) or username (keyuan)."""
    text = (text or "").strip()
    person = Person.get_or_none((Person.code == text) | (Person.username == text)) if text else None
    if person is None:
        raise NoticeError(f"找不到人员“{text}”（请输入人员编号或用户名）")
    return person


def find_division(text: str) -> Division:
    """A division by code (GH) or name (规划管理处)."""
    text = (text or "").strip()
    division = Division.get_or_none((Division.code == text) | (Division.name == text)) if text else None
    if division is None:
        raise NoticeError(f"找不到处室“{text}”（请输入处室编号或名称）")
    return division


BUREAU_WIDE = ("monthly", "annual")  # 通报 addressed to every division (主送 局机关各处室)


def may_read(person: Person, document: IssuedDocument) -> bool:
    """R-SEC-1: everyone reads their own individual notices and the bureau-wide result notices; heads (and the
    leaders in charge) their divisions' notices and target letters; the office, the director and the party group
    everything. Payout sheets hold everyone's pay: only those who see everything read them."""
    scope = scope_of(person)
    if scope.sees_everything or document.kind in BUREAU_WIDE:
        return True
    if document.kind == "individual" and document.person_id == person.id:
        return True
    if document.kind in ("individual", "letter") and not scope.own_only:
        return scope.allows_division(document.division_id)
    return False


def readable(person: Person, query: pw.ModelSelect) -> pw.ModelSelect:
    """`query` of documents narrowed to what `person` may read (the same rule as `may_read`, in SQL)."""
    scope = scope_of(person)
    if scope.sees_everything:
        return query
    allowed = IssuedDocument.kind.in_(BUREAU_WIDE) | (
        (IssuedDocument.kind == "individual") & (IssuedDocument.person == person)
    )
    if not scope.own_only:
        allowed |= IssuedDocument.kind.in_(("individual", "letter")) & IssuedDocument.division.in_(
            list(scope.divisions or ()) or [0]
        )
    return query.where(allowed)
