"""Pages stay fast at city scale (issue 10 item 7): lists page on the server with their totals and order kept,
searches find rows, deep pages answer, and exports stream every row (R-RPT-2, R-SCO-5, R-SEC-1, R-UI-1).

Speed itself is shown by bench/bench_pages.py; these tests pin the behaviour with chunk and page sizes made
small, so a handful of rows spans several chunks and pages.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from models import PersonYearResult, WorkLogEntry, audit_suspended, streaming
from services import result_pages
from services.results import current_snapshot, recompute
from tests.factories import make_library_entry, make_log_entry
from tests.integration.admin_world import build_world, shows_id, xlsx_rows
from tests.integration.test_results_screens import YEAR, build_bureau


def _html(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


# ------------------------------------------------------------------------------------------------ /results/people


@pytest.fixture
def bureau(database):
    bureau = build_bureau(staff=3)  # 4 divisions of 4 people, and the office
    recompute(YEAR)
    return bureau


def _shown_people(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-person="(\d+)"', html)]


def test_r_sco_5_the_people_table_pages_with_totals_of_every_row_and_the_order_kept(
    bureau, client, login_as, monkeypatch
):
    """R-SCO-5, R-RPT-2: page 2 shows the next rows in the table's order; the totals count all rows, not the
    page's; the xlsx still holds every row."""
    monkeypatch.setattr(result_pages, "PER_PAGE", 5)
    login_as(bureau.office)
    snapshot = current_snapshot(YEAR)
    rows = list(PersonYearResult.select().where(PersonYearResult.snapshot == snapshot))
    first, second = _html(client.get("/results/people")), _html(client.get("/results/people?page=2"))
    everyone = _shown_people(first) + _shown_people(second)
    assert len(_shown_people(first)) == 5 and len(_shown_people(second)) == 5
    assert len(set(everyone)) == 10, "page 2 continues where page 1 stopped"
    pages = -(-len(rows) // 5)
    assert f"第 2 页，共 {pages} 页" in second
    excellent = sum(1 for r in rows if r.grade == "excellent")
    bonus = sum((r.annual_bonus or Decimal(0) for r in rows), Decimal(0))
    assert f"共 {len(rows)} 人" in second and f"优秀 {excellent} 人" in second
    assert f"年度奖金合计 {bonus:,.2f} 元" in second
    last = _html(client.get(f"/results/people?page={pages + 50}"))
    assert f"第 {pages} 页，共 {pages} 页" in last, "a page beyond the last shows the last"
    sheet = xlsx_rows(client.get("/results/people?format=xlsx&page=2").data)
    assert len(sheet) == 1 + len(rows)


def test_r_sco_5_the_people_table_finds_a_person_and_filters_by_division(bureau, client, login_as):
    """R-SCO-5: search by name; the division filter narrows rows and totals; a head still sees only their own
    division whatever they ask (R-SEC-1)."""
    login_as(bureau.office)
    wanted = bureau.staff[2][1]
    found = _html(client.get("/results/people", query_string={"q": wanted.name}))
    assert _shown_people(found) == [wanted.id] and "共 1 人" in found
    division = bureau.divisions[1]
    filtered = _html(client.get(f"/results/people?division={division.id}"))
    assert set(_shown_people(filtered)) == {bureau.heads[1].id, *(p.id for p in bureau.staff[1])}
    login_as(bureau.heads[0])
    theirs = _html(client.get(f"/results/people?division={division.id}"))
    assert _shown_people(theirs) == [] and "共 0 人" in theirs


# ------------------------------------------------------------------------------------------------ admin lists


@pytest.fixture
def world(database):
    return build_world()


def _log(world, n: int, **overrides) -> list[WorkLogEntry]:
    item = make_library_entry(world.mine)
    with audit_suspended():
        return [
            make_log_entry(world.staff, item, date=dt.date(2023, 10, 2) + dt.timedelta(days=i % 20), **overrides)
            for i in range(n)
        ]


def test_r_rpt_2_an_admin_list_pages_with_its_count_and_search_finds_a_row(world, client, login_as, monkeypatch):
    """R-RPT-2: the count of the list is every row of the reader's scope; a search by the related person's name
    and by the start of a description finds the row."""
    entries = _log(world, 7, description="例行巡查")
    special = make_log_entry(world.colleague, entries[0].item, description="专项督办 第3号")
    login_as(world.office)
    monkeypatch.setattr("portal.admin_views.base.BureauModelView.page_size", 3)
    second = _html(client.get("/admin/worklogentry/?page=1"))  # Flask-Admin counts pages from 0
    assert re.search(r"列表\s*\(8\)", second), "the count, not a page's"
    order = [e.id for e in WorkLogEntry.select().order_by(WorkLogEntry.date.desc(), WorkLogEntry.id.desc())]
    assert [i for i in order if shows_id(second, i)] == order[3:6], "page 2 holds rows 4–6 in the list's order"
    assert re.search(r"列表\s*\(1\)", _html(client.get("/admin/worklogentry/?search=专项")))
    by_person = _html(client.get("/admin/worklogentry/", query_string={"search": world.colleague.name}))
    assert shows_id(by_person, special.id) and not shows_id(by_person, entries[0].id)
    by_text = _html(client.get("/admin/worklogentry/", query_string={"search": "专项督办"}))
    assert shows_id(by_text, special.id) and not shows_id(by_text, entries[1].id)


@pytest.mark.parametrize("page", ["5000", "2", "99999999999999999999", "-3"])
def test_r_ui_1_a_deep_page_number_answers_with_a_chinese_message_never_500(world, client, login_as, page, monkeypatch):
    """R-UI-1, issue 10 item 7: a page deeper than the lists go shows the deepest page and says, in Chinese,
    to search or filter instead; nonsense page numbers are the first page. (Lists here go 2 pages deep, a row
    a page, so that three rows reach the limit.)"""
    from portal.admin_views import listing
    from portal.admin_views.views import WorkLogEntryView

    monkeypatch.setattr(listing, "MAX_LIST_PAGE", 2)
    monkeypatch.setattr(WorkLogEntryView, "page_size", 1)
    _log(world, 3, description="日常")
    login_as(world.office)
    response = client.get(f"/admin/worklogentry/?page={page}")
    assert response.status_code == 200
    if page in ("5000", "2"):
        assert "列表最多翻到第 2 页" in response.get_data(as_text=True)


def test_r_ui_1_a_page_past_the_end_of_a_short_list_shows_its_last_page(world, client, login_as):
    """R-UI-1: a page number beyond a short list shows the list's rows (its last page), not an empty page."""
    entries = _log(world, 3, description="日常")
    login_as(world.office)
    html = _html(client.get("/admin/worklogentry/?page=5000"))
    assert all(shows_id(html, e.id) for e in entries)


def test_r_rpt_2_an_export_longer_than_one_chunk_has_every_row_and_formulas_stay_text(
    world, client, login_as, monkeypatch
):
    """R-RPT-2, issue 9 §8: rows stream in chunks (made 4 rows here); every row arrives once, in the list's
    order, and text that looks like a formula comes back as that text, never a formula."""
    monkeypatch.setattr(streaming, "CHUNK", 4)
    entries = _log(world, 9, description="=1+2", hours=Decimal("1.50"))
    login_as(world.office)
    response = client.get("/admin/worklogentry/export/xlsx/")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(entries)
    for row in rows:
        *_, hours, _confirmed, _status, description = row
        assert (description.data_type, description.value) == ("s", "=1+2")
        assert (hours.data_type, hours.value) == ("n", 1.5)
    dates = [row[1].value for row in rows]
    assert dates == sorted(dates, reverse=True), "the list's default order: newest first"
