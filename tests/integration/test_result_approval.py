"""Results are approved, then final (R-SCO-3, R-RPT-1; issue 9 item 6): a recompute makes a candidate; the official
ranking and money are those of the snapshot the party group approved, and notices say which."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from models import Division, IssuedDocument, Person, Veto
from reports import samples
from services import demo, notices, result_views
from services.access import scope_of
from services.results import approved_snapshot, current_snapshot, pending_candidate, recompute
from tests.factories import approve_ranking

TODAY = "2023-12-20"


@pytest.fixture
def bureau(database):
    from services import clock

    clock.pin(TODAY)
    demo.load()
    yield database
    clock.pin(None)


def person(username: str) -> Person:
    return Person.get(Person.username == username)


def text_of(document: IssuedDocument) -> str:
    with pdfplumber.open(io.BytesIO(bytes(IssuedDocument.get_by_id(document.id).pdf))) as opened:
        return "".join("".join((page.extract_text() or "").split()) for page in opened.pages)


def issue(kind: str, **kwargs):
    return notices.issue(kind, 2023, settings=samples.SETTINGS, **kwargs)


def test_the_party_groups_approval_of_the_ranking_is_silently_replaced_by_the_next_recompute_and_the_annual_notice_says_approved_even_when_no_approval_exists_R_SCO_3(  # noqa: E501
    bureau,
):
    """Regression (issue 9 item 6): without an approved snapshot the annual notice and the annual payout are
    refused; after approval they name the approved version; a later recompute is a candidate (待审定) that
    replaces neither the official results nor the notices' source until it is approved in turn."""
    first = recompute(2023, reason="初算")
    for kind in ("annual", "payout_annual"):
        with pytest.raises(notices.NoResults, match="尚未经局党组审定"):
            issue(kind)
    assert approved_snapshot(2023) is None and pending_candidate(2023).id == first.id

    approve_ranking(2023)
    assert approved_snapshot(2023).id == first.id and pending_candidate(2023) is None
    annual = issue("annual")
    text = text_of(annual)
    assert "经局党组研究同意" in text and "2023年度第1版考核结果（局党组2023年12月20日审定）" in text
    assert annual.snapshot_id == first.id

    second = recompute(2023, reason="申诉成立")
    assert current_snapshot(2023).id == second.id, "the latest recompute is the current candidate"
    assert approved_snapshot(2023).id == first.id, "the approval is not replaced by the recompute"
    assert pending_candidate(2023).id == second.id
    payout = issue("payout_annual")
    assert payout.snapshot_id == first.id and "第1版考核结果" in text_of(payout)
    with pytest.raises(notices.NoResults, match="2023年度第2版考核结果尚未经局党组审定"):
        notices.issue("annual", 2023, settings=samples.SETTINGS, snapshot=second)

    approve_ranking(2023)
    assert approved_snapshot(2023).id == second.id and pending_candidate(2023) is None


def test_results_screens_show_the_approved_version_and_the_pending_candidate_with_its_differences_R_SCO_3(
    bureau, client, login_as
):
    """The results screens show the approved snapshot by default, and a newer candidate as 待审定 with what it
    would change per division (score/rank/tier) and per person (grade/bonus)."""
    recompute(2023, reason="初算")
    login_as(person("jixiaoban"))
    page = client.get("/results/?year=2023").get_data(as_text=True)
    assert "待审定" in page
    approve_ranking(2023)

    first_leader = result_views.ranking(approved_snapshot(2023), scope_of(person("juzhang")))[0]
    Veto.create(year=2023, division=Division.get_by_id(first_leader.division_id), reason="严重违纪")
    recompute(2023, reason="一票否决")
    selection = result_views.select_snapshot(2023, None)
    assert selection.snapshot.id == approved_snapshot(2023).id
    changes = result_views.candidate_changes(selection, scope_of(person("juzhang")))
    assert changes is not None and (changes.approved.version, changes.candidate.version) == (1, 2)
    vetoed = next(c for c in changes.divisions if c.division == first_leader.division)
    assert vetoed.tier[0] == "A" and vetoed.tier[1] != "A"
    page = client.get("/results/?year=2023").get_data(as_text=True)
    assert "第2版考核结果待审定" in page and "局党组已审定" in page and first_leader.division in page
