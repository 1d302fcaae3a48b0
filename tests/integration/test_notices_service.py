"""Issuing official notices from the stored results of the demo bureau (issue 6; R-RPT-1, R-TGT-2, R-PAY-1..3,
R-APL-2, R-AUD-1). Every test runs on SQLite and on PostgreSQL; each renders only a few PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
import zipfile
from decimal import Decimal

import pdfplumber
import pytest

from models import (
    AuditLog,
    Division,
    DivisionMonthScore,
    DocumentImmutable,
    DocumentSequence,
    IssuedDocument,
    Person,
    PersonMonthResult,
    PersonYearResult,
    Veto,
    db,
)
from reports import samples
from reports.formatting import format_cn_date, format_money
from reports.notices import MissingGlyphError
from reports.viewmodels import PayoutTotalsMismatch
from services import demo, notices
from services.calendar import add_workdays
from services.results import current_snapshot, recompute
from tests.factories import approve_ranking

TODAY = dt.date(2023, 12, 20)
SETTINGS = samples.SETTINGS


@pytest.fixture
def bureau(database):
    """The demo bureau with its 2023 results computed (what `flask demo` leaves behind)."""
    demo.load()
    recompute(2023, reason="test")
    approve_ranking(2023)  # R-SCO-3: annual notices and payouts come from the approved snapshot
    return current_snapshot(2023)


def text_of(document: IssuedDocument) -> str:
    pdf = IssuedDocument.get_by_id(document.id).pdf
    with pdfplumber.open(io.BytesIO(bytes(pdf))) as opened:
        return "".join("".join((page.extract_text() or "").split()) for page in opened.pages)


def issue(kind, **kwargs):
    return notices.issue(kind, 2023, settings=SETTINGS, today=TODAY, **kwargs)


def test_r_rpt_1_monthly_and_annual_notices_carry_the_snapshot_figures(bureau):
    """Monthly: every division's score and every unacknowledged item that lost points. Annual: ranks, tiers, the
    advanced divisions and a veto with its reason (R-SCO-4). Both name the snapshot they were drawn from."""
    Veto.create(year=2023, division=Division.get(Division.code == "JCS"), reason="发生严重违纪问题")
    snapshot = recompute(2023, reason="veto")
    approve_ranking(2023)

    monthly = issue("monthly", month=10)
    text = text_of(monthly)
    rows = list(
        DivisionMonthScore.select().where(DivisionMonthScore.snapshot == snapshot, DivisionMonthScore.month == 10)
    )
    assert len(rows) == 8
    for row in rows:
        assert row.division.name in text
        assert f"{row.score:.2f}" in text
        for deduction in row.deductions:
            assert deduction["item"][:6] in text and f"{Decimal(deduction['lost']):.2f}" in text
    assert any(row.deductions for row in rows), "the demo has unacknowledged items in October"
    assert "规绩〔2023〕1号" in text and "关于2023年10月处室组织" in text
    assert monthly.snapshot_id == snapshot.id and monthly.number == "规绩〔2023〕1号"

    annual = issue("annual")
    text = text_of(annual)
    assert annual.number == "规绩〔2023〕2号"
    assert "规划管理处" in text and "一票否决" in text and "监察室因发生严重违纪问题" in text
    advanced = [r.division for r in result_rows(snapshot) if r.tier == "A"]
    assert advanced and "、".join(advanced) in text
    for row in result_rows(snapshot):
        assert f"{row.rank}{row.division}" in text and f"{row.annual:.2f}" in text


def result_rows(snapshot):
    from services import result_views
    from services.access import Scope

    return result_views.ranking(snapshot, Scope(0, None, own_only=False, can_manage=True))


def test_r_apl_2_individual_notice_gives_rank_grade_bonus_and_the_appeal_deadline(bureau):
    """The person's months, composite, rank r of the N ranked in the division, grade, bonus, and 5 working days
    to appeal; a leader (no rank in a division) or a person not assessed gets a refusal, not a notice."""
    person = Person.get(Person.username == "keyuan")
    row = PersonYearResult.get(PersonYearResult.snapshot == bureau, PersonYearResult.person == person)
    ranked = (
        PersonYearResult.select()
        .where(
            PersonYearResult.snapshot == bureau,
            PersonYearResult.division == row.division,
            PersonYearResult.rank_in_division.is_null(False),
        )
        .count()
    )
    document = issue("individual", person=person)
    text = text_of(document)
    assert f"{person.name}同志" in text
    assert f"在{row.division.name}{ranked}人中排名第{row.rank_in_division}名" in text
    assert {"excellent": "优秀", "competent": "称职"}[row.grade] in text
    assert f"年度绩效奖{format_money(row.annual_bonus)}元" in text
    assert f"{row.composite:.2f}" in text
    deadline = add_workdays(TODAY, 5)
    assert deadline == dt.date(2023, 12, 27)
    assert f"可于{format_cn_date(deadline)}前向局绩效办提出书面申诉" in text
    assert document.person_id == person.id and document.division_id == row.division_id

    with pytest.raises(notices.NotAssessed, match="局领导"):
        issue("individual", person=Person.get(Person.code == "L1"))
    other = Person.get(Person.username == "jieyong")
    PersonYearResult.update(assessed=False, not_assessed_reason="借调外单位", rank_in_division=None, grade=None).where(
        PersonYearResult.snapshot == bureau, PersonYearResult.person == other
    ).execute()
    with pytest.raises(notices.NotAssessed, match="不参加个人考核（借调外单位）"):
        issue("individual", person=other)
    assert IssuedDocument.select().count() == 1


def test_r_tgt_2_target_letter_lists_the_approved_targets_with_sources_and_signatories(bureau):
    """R-TGT-1: each annual common target carries its source; R-TGT-2: the approved ones form the letter."""
    division = Division.get(Division.code == "YD")
    head = Person.get(Person.division == division, Person.position == "head")
    director = Person.get(Person.position == "director")
    document = issue("letter", division=division)
    text = text_of(document)
    assert "2023年度工作目标责任状" in text and "责任处室：用地规划处" in text
    for source in ("市委市政府目标任务", "省住建厅对口要求", "局党组重点工作", "处室职能"):
        assert source in text
    assert f"局长（签字）：{director.name}" in text and f"处室负责人（签字）：{head.name}" in text
    assert document.snapshot_id is None and document.division_id == division.id


def test_r_pay_1_r_pay_2_r_pay_3_payout_totals_equal_the_sums_of_the_stored_results(bureau):
    """Monthly sheet: organisational, qualifying and competitive bonuses; annual: base × coefficients. The printed
    grand total equals the database's sum, which the sheet checks against its own lines."""
    monthly = issue("payout_monthly", month=11)
    rows = PersonMonthResult.select().where(PersonMonthResult.snapshot == bureau, PersonMonthResult.month == 11)
    expected = sum(
        (
            sum((v or Decimal(0) for v in (r.org_bonus, r.qualifying_bonus, r.competitive_bonus)), Decimal(0))
            for r in rows
        ),
        Decimal(0),
    )
    text = text_of(monthly)
    assert "合计" in text and format_money(expected) in text
    assert "2023年11月绩效考核兑现表" in text and "局领导" in text and "规划管理处" in text

    annual = issue("payout_annual")
    rows = PersonYearResult.select().where(PersonYearResult.snapshot == bureau)
    expected = sum((r.annual_bonus or Decimal(0) for r in rows), Decimal(0))
    assert expected > 0 and format_money(expected) in text_of(annual)

    division = Division.get(Division.code == "GH")
    gh = issue("payout_annual", division=division)
    in_gh = sum((r.annual_bonus or Decimal(0) for r in rows if r.division_id == division.id), Decimal(0))
    gh_text = text_of(gh)
    assert format_money(in_gh) in gh_text and "用地规划处" not in gh_text


def test_r_pay_1_a_payout_sheet_whose_lines_disagree_with_the_sql_total_is_refused(bureau, monkeypatch):
    real = notices._grand_total
    monkeypatch.setattr(notices, "_grand_total", lambda *a, **k: real(*a, **k) + Decimal("0.01"))
    with pytest.raises(PayoutTotalsMismatch):
        issue("payout_annual")
    assert IssuedDocument.select().count() == 0


def test_r_rpt_1_numbers_increase_per_year_and_a_failed_render_uses_none(bureau, monkeypatch):
    """Numbers come from the per-year sequence in the archiving transaction: a render that fails rolls the number
    back with it, so the issued numbers have no gaps and none is ever printed twice."""
    first = issue("monthly", month=10)

    def broken(notice, settings):
        raise MissingGlyphError("no glyph for U+9FFF")

    with monkeypatch.context() as patch:
        patch.setattr(notices, "render_pdf", broken)
        with pytest.raises(MissingGlyphError):
            issue("monthly", month=11)
    assert IssuedDocument.select().count() == 1
    assert DocumentSequence.get(DocumentSequence.year == 2023).last == 1

    second = issue("monthly", month=11)
    next_year = notices.issue("monthly", 2023, month=12, settings=SETTINGS, today=dt.date(2024, 1, 5))
    assert [first.seq, second.seq] == [1, 2]
    assert (next_year.doc_year, next_year.seq, next_year.number) == (2024, 1, "规绩〔2024〕1号")

    with pytest.raises(notices.AlreadyIssued, match="规绩〔2023〕1号"):
        issue("monthly", month=10)
    assert DocumentSequence.get(DocumentSequence.year == 2023).last == 2


def test_r_aud_1_an_issued_document_is_audited_and_never_changed_or_deleted(bureau):
    office = Person.get(Person.username == "jixiaoban")
    document = issue("annual", actor=office)
    assert document.issued_by_id == office.id
    assert len(document.sha256) == 64 and document.size == len(IssuedDocument.get_by_id(document.id).pdf)
    trail = AuditLog.get(AuditLog.model == "IssuedDocument", AuditLog.record_id == str(document.id))
    assert trail.actor_id == office.id and trail.after["number"] == document.number
    assert "%PDF" not in str(trail.after["pdf"]), "the trail records that there is a PDF, not its bytes"
    stored = IssuedDocument.get_by_id(document.id)
    stored.title = "改过的标题"
    with pytest.raises(DocumentImmutable):
        stored.save()
    with pytest.raises(DocumentImmutable):
        stored.delete_instance()


def test_r_apl_2_reissue_after_an_upheld_appeal_names_the_document_it_replaces(bureau):
    person = Person.get(Person.username == "keyuan")
    old = issue("individual", person=person)
    snapshot = recompute(2023, reason="申诉成立")  # the upheld appeal changed the results
    approve_ranking(2023)  # and the party group approved the corrected ranking
    office = Person.get(Person.username == "jixiaoban")
    new = notices.reissue(old, "申诉成立，重新核定", actor=office, settings=SETTINGS, today=TODAY)
    assert new.replaces_id == old.id and new.seq == old.seq + 1 and new.snapshot_id == snapshot.id
    assert new.reason == "申诉成立，重新核定"
    assert f"本件代替{old.number}，原件同时作废" in text_of(new)
    assert [d.id for d in notices.live_individual_notices(2023)] == [new.id]
    assert IssuedDocument.get_by_id(old.id).replaced_by.get().id == new.id
    with pytest.raises(notices.AlreadyReplaced, match=new.number):
        notices.reissue(old, "再次更正", settings=SETTINGS, today=TODAY)
    with pytest.raises(notices.NoticeError, match="理由"):
        notices.reissue(new, "  ", settings=SETTINGS, today=TODAY)


def test_r_rpt_1_numbers_stay_unique_under_concurrent_issuing(database):
    """Eight threads, each with its own connection, take 5 numbers each at once: 40 distinct numbers, no gaps."""
    url = database
    taken: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            db.connect(reuse_if_open=True)
            barrier.wait()
            for _ in range(5):
                with notices.write_transaction():
                    taken.append(notices.allocate_number("规绩", 2023))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(taken) == list(range(1, 41)), url
    assert notices.allocate_number("规绩", 2023, count=3) == 41
    assert DocumentSequence.get(DocumentSequence.year == 2023).last == 43


def test_r_rpt_1_documents_issued_at_once_get_consecutive_distinct_numbers(bureau):
    """Three offices issue the three monthly notices at the same moment: the lock serialises them."""
    results: dict[int, str] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def worker(month: int) -> None:
        try:
            db.connect(reuse_if_open=True)
            barrier.wait()
            results[month] = issue("monthly", month=month).number
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(m,)) for m in (10, 11, 12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(results.values()) == [f"规绩〔2023〕{n}号" for n in (1, 2, 3)]


def test_batch_issues_a_division_in_rank_order_on_two_processes_and_zips_them(bureau):
    """issue 6 §6: one action for everyone ranked (here one division); a rerun issues nothing twice."""
    division = Division.get(Division.code == "GH")
    ranked = list(
        PersonYearResult.select()
        .where(PersonYearResult.snapshot == bureau, PersonYearResult.division == division)
        .order_by(PersonYearResult.rank_in_division)
    )
    first = issue("individual", person=ranked[2].person)
    calls: list[tuple[int, int]] = []
    out = io.BytesIO()
    result = notices.issue_batch(
        2023,
        division,
        lambda done, total: calls.append((done, total)),
        settings=SETTINGS,
        out=out,
        today=TODAY,
        chunk=4,
    )
    assert [d.person_id for d in result.existing] == [first.person_id]
    assert [d.person_id for d in result.issued] == [r.person_id for r in ranked if r.person_id != first.person_id]
    assert [d.seq for d in result.issued] == list(range(2, 2 + len(ranked) - 1))
    assert calls[0] == (0, len(ranked) - 1) and calls[-1] == (len(ranked) - 1, len(ranked) - 1)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        names = archive.namelist()
        assert len(names) == len(ranked)
        assert f"规绩〔2023〕2号-{ranked[0].person.name}.pdf" in names
        pdf = archive.read(f"规绩〔2023〕2号-{ranked[0].person.name}.pdf")
    assert IssuedDocument.get(IssuedDocument.seq == 2).sha256 == hashlib.sha256(pdf).hexdigest()
    assert f"{ranked[0].person.name}同志" in text_of(IssuedDocument.get(IssuedDocument.seq == 2))

    again = notices.issue_batch(2023, division, settings=SETTINGS, today=TODAY)
    assert again.issued == [] and len(again.existing) == len(ranked)
