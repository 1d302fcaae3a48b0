"""The daily log screen (R-RUN-4): several items ticked and saved at once, all or nothing, through
services/worklog.log_work; rated entries locked (R-RUN-6); the person's most used items first."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from models import WeeklyReview, WorkLogEntry
from models.guard import chain_write
from services import clock
from services.daily_log import Row, log_day
from services.log_views import day_screen
from services.validation import RuleViolation
from tests.factories import make_division, make_library_entry, make_log_entry, make_person, open_year
from tests.querycount import count_queries

TODAY = dt.date(2023, 10, 11)  # a Wednesday
LOG_PAGE_QUERIES = 5  # the session's person and four for the screen (services/log_views.py)


@pytest.fixture
def desk(database, app):
    open_year(2023)
    app.config["TODAY"] = TODAY
    clock.pin(TODAY)
    division = make_division(name="规划管理处")
    staff = make_person(division=division, name="科员甲")
    review = make_library_entry(division, name="规划方案审查", standard_hours=Decimal("2.5"), unit="件")
    window = make_library_entry(division, name="窗口受理", standard_hours=Decimal("0.5"), unit="件", category="窗口")
    yield division, staff, review, window
    clock.pin(None)


def test_r_run_4_several_ticked_items_are_saved_at_once_with_derived_hours(desk):
    division, staff, review, window = desk
    entries = log_day(staff, TODAY, [Row(review.id, "2", "两个方案"), Row(window.id, "3")])
    assert [(e.item.name, e.hours, e.description) for e in entries] == [
        ("规划方案审查", Decimal("5.00"), "两个方案"),
        ("窗口受理", Decimal("1.50"), ""),
    ]
    assert WeeklyReview.select().count() == 1, "the week's review is opened once (R-RUN-6)"


@pytest.mark.parametrize(
    ("rows", "message", "field"),
    [
        (lambda r, w: [Row(r.id, "1"), Row(w.id, "0")], "第2行（窗口受理）：数量必须大于 0", "row-2-quantity"),
        (
            lambda r, w: [Row(r.id, "abc"), Row(w.id, "1")],
            "第1行（规划方案审查）：数量：“abc”不是数字",
            "row-1-quantity",
        ),
        (lambda r, w: [Row(r.id, "10"), Row(w.id, "1")], "第1行（规划方案审查）：数量：折合 25 小时", "row-1-quantity"),
        (
            lambda r, w: [Row(r.id, "9"), Row(w.id, "4")],
            "第2行（窗口受理）：数量：2023-10-11 当天日志合计 24.5 小时",
            "row-2-quantity",
        ),
        (lambda r, w: [Row(r.id, "1"), Row(999999, "1")], "第2行：事项：所选事项不存在", "row-2-item"),
        (lambda r, w: [], "请至少勾选一项工作", "items"),
        (lambda r, w: [Row(r.id, "1"), Row(r.id, "2")], "只能勾选一次", "items"),
    ],
)
def test_r_run_4_a_refused_row_refuses_the_whole_day_naming_row_and_field(desk, rows, message, field):
    division, staff, review, window = desk
    with pytest.raises(RuleViolation, match=re.escape(message)) as refused:
        log_day(staff, TODAY, rows(review, window))
    assert refused.value.field == field
    assert not WorkLogEntry.select().exists(), "all or nothing"


def test_r_run_4_the_rules_of_log_work_hold_for_a_day_after_today_and_a_closed_year(desk):
    division, staff, review, window = desk
    with pytest.raises(RuleViolation, match="第1行（窗口受理）：日期：2023-10-12 晚于今天"):
        log_day(staff, TODAY + dt.timedelta(days=1), [Row(window.id, "1")])
    foreign = make_library_entry(make_division(), name="别处事项")
    with pytest.raises(RuleViolation, match="第1行（别处事项）：事项“别处事项”不属于科员甲所在处室的事项库"):
        log_day(staff, TODAY, [Row(foreign.id, "1")])
    assert not WorkLogEntry.select().exists()


def test_r_run_4_the_screen_puts_my_most_used_items_first_and_copies_the_last_day(desk):
    """R-RUN-4: the personal item list (个人工作事项库) is the items the person used, most used first; copying
    takes the last earlier day's items with their quantities; the day's and the week's totals."""
    division, staff, review, window = desk
    make_library_entry(division, name="未用事项")
    log_day(staff, dt.date(2023, 10, 9), [Row(window.id, "2", "受理")])
    log_day(staff, dt.date(2023, 10, 10), [Row(window.id, "4", "受理"), Row(review.id, "1")])
    screen = day_screen(staff, TODAY, TODAY, copy=True)
    assert [line.name for line in screen.my_items] == ["窗口受理", "规划方案审查"]
    assert [line.name for line in screen.library][-1] == "未用事项"
    assert screen.copy_from == dt.date(2023, 10, 10)
    assert {k: v.quantity for k, v in screen.prefill.items()} == {window.id: Decimal(4), review.id: Decimal(1)}
    assert screen.day_total == 0 and screen.week_total == Decimal("5.50")
    assert [d.day.day for d in screen.week] == [9, 10, 11]


def _token(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert match, name
    return match.group(1)


def test_r_run_4_the_log_page_saves_ticked_items_with_csrf_once(desk, app, client, login_as):
    """R-RUN-4 over HTTP with CSRF on: one POST files two items; the same form resent files nothing more."""
    division, staff, review, window = desk
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(staff)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/log"' in home
    page = client.get("/log").get_data(as_text=True)
    assert f'for="tick-{window.id}"' in page and f'for="qty-{window.id}"' in page
    data = {
        "csrf_token": _token(page, "csrf_token"),
        "once_token": _token(page, "once_token"),
        "tick": [str(review.id), str(window.id)],
        f"qty-{review.id}": "2",
        f"desc-{review.id}": "两个方案",
        f"qty-{window.id}": "1.5",
    }
    assert client.post("/log/2023-10-11", data={k: v for k, v in data.items() if k != "csrf_token"}).status_code == 400
    assert not WorkLogEntry.select().exists(), "no CSRF token, nothing saved"
    saved = client.post("/log/2023-10-11", data=data)
    assert saved.status_code == 302 and saved.location.endswith("/log/2023-10-11")
    again = client.post("/log/2023-10-11", data=data)
    assert again.status_code == 302
    rows = [(e.item.name, e.quantity, e.hours, e.date) for e in WorkLogEntry.select().order_by(WorkLogEntry.id)]
    assert rows == [
        ("规划方案审查", Decimal(2), Decimal("5.00"), TODAY),
        ("窗口受理", Decimal("1.5"), Decimal("0.75"), TODAY),
    ]
    shown = client.get("/log/2023-10-11").get_data(as_text=True)
    assert "两个方案" in shown and re.search(r'id="day-total">5.75<', shown)


def test_r_run_4_a_refused_page_names_the_row_in_chinese_and_keeps_what_was_typed(desk, client, login_as):
    division, staff, review, window = desk
    login_as(staff)
    response = client.post(
        "/log",
        data={
            "tick": [str(review.id), str(window.id)],
            f"qty-{review.id}": "1",
            f"qty-{window.id}": "-1",
            f"desc-{window.id}": "保留的说明",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第2行（窗口受理）：数量必须大于 0" in page and "保留的说明" in page
    assert not WorkLogEntry.select().exists()


def test_r_run_6_rated_entries_are_shown_locked(desk, client, login_as):
    division, staff, review, window = desk
    make_log_entry(staff, window, date=TODAY, status="confirmed", confirmed_hours=Decimal("0.5"))
    make_log_entry(staff, review, date=TODAY)
    login_as(staff)
    page = client.get("/log").get_data(as_text=True)
    assert page.count("entry-locked") == 1 and "已评定，已锁定" in page
    assert client.get("/log/2023-10-12").status_code == 404, "a day after today is not open"
    assert client.get("/log/not-a-date").status_code == 404


def test_r_run_4_people_without_a_division_have_no_log(desk, client, login_as):
    login_as(make_person(position="director", division=None, level="局级"))
    assert client.get("/log").status_code == 403
    assert 'href="/log"' not in client.get("/").get_data(as_text=True)


def test_r_run_4_entries_not_yet_rated_are_changed_or_removed_in_the_same_save(desk, client, login_as):
    """R-RUN-4: an entry can be changed until it has been rated — on the same screen and in the same save as new
    items; a lowered entry frees hours for the new one; a rated entry refuses and nothing of the save is kept."""
    division, staff, review, window = desk
    first, second = log_day(staff, TODAY, [Row(review.id, "8", "八件"), Row(window.id, "2")])
    login_as(staff)
    page = client.get("/log").get_data(as_text=True)
    assert f'name="edit-qty-{first.id}"' in page and f'for="remove-entry-{second.id}"' in page
    extra = make_library_entry(division, name="专题会议", standard_hours=Decimal(4))
    data = {
        f"edit-qty-{first.id}": "2",
        f"edit-desc-{first.id}": "两件",
        f"edit-qty-{second.id}": "2",
        "remove-entry": str(second.id),
        "tick": str(extra.id),
        f"qty-{extra.id}": "4",  # 16 hours: fits only because the first entry drops from 20 to 5
    }
    assert client.post("/log", data=data).status_code == 302
    rows = {(e.item.name, e.quantity, e.hours, e.description) for e in WorkLogEntry.select()}
    assert rows == {
        ("规划方案审查", Decimal(2), Decimal("5.00"), "两件"),
        ("专题会议", Decimal(4), Decimal("16.00"), ""),
    }

    with chain_write("test: the head rates the entry"):
        rated = WorkLogEntry.get_by_id(first.id)
        rated.status, rated.confirmed_hours = "confirmed", Decimal(5)
        rated.save()
    refused = client.post("/log", data={f"edit-qty-{first.id}": "3", "tick": str(window.id), f"qty-{window.id}": "1"})
    assert refused.status_code == 400
    assert "已填日志“规划方案审查”：该日志已评定，不能再修改" in refused.get_data(as_text=True)
    assert WorkLogEntry.select().count() == 2 and WorkLogEntry.get_by_id(first.id).quantity == 2


def test_r_run_4_the_log_page_runs_a_fixed_number_of_queries(desk, client, login_as):
    """docs/style.md §6: the same statements however many items and entries there are."""
    division, staff, review, window = desk
    login_as(staff)
    counts = []
    for n in range(2):
        items = [make_library_entry(division, standard_hours=Decimal(1)) for _ in range(3)]
        log_day(staff, TODAY - dt.timedelta(days=n + 1), [Row(i.id, "1") for i in items])
        log_day(staff, TODAY, [Row(items[n].id, "1")])
        with count_queries() as queries:
            assert client.get("/log?copy=1").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == LOG_PAGE_QUERIES, counts
