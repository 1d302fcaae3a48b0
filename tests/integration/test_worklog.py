"""The daily work log from the item library (R-RUN-3, R-RUN-4) and improvement records (R-APL-1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import ImprovementRecord, WorkLogEntry
from services.worklog import WorkLogError, day_log, log_work
from tests.factories import make_division, make_leader_of, make_library_entry, make_person, open_year


@pytest.fixture
def desk(database):
    open_year(2023)
    division = make_division(name="规划管理处")
    staff = make_person(division=division, name="科员甲")
    item = make_library_entry(division, name="规划方案审查", standard_hours=Decimal("2.5"), unit="件")
    return division, staff, item


def test_r_run_3_hours_are_quantity_times_the_standard_hours_of_the_library_item(desk):
    """R-RUN-3, R-RUN-4: ticking an item with a quantity yields quantity × standard hours; the day's log is
    generated from the day's entries."""
    division, staff, item = desk
    other = make_library_entry(division, name="窗口受理", standard_hours=Decimal("0.5"))
    day = dt.date(2023, 10, 9)
    log_work(staff, day, item, 3, "三个方案")
    log_work(staff, day, other, "1.5")
    entries, total = day_log(staff, day)
    assert [(e.item.name, e.hours) for e in entries] == [
        ("规划方案审查", Decimal("7.50")),
        ("窗口受理", Decimal("0.75")),
    ]
    assert total == Decimal("8.25")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quantity": 0}, "数量必须大于 0"),
        ({"foreign": True}, "不属于科员甲所在处室的事项库"),
        ({"inactive": True}, "已停用"),
    ],
)
def test_r_run_4_entries_outside_the_library_rules_are_refused_in_chinese(desk, change, message):
    division, staff, item = desk
    if change.get("foreign"):
        item = make_library_entry(make_division(), name="别处事项")
    if change.get("inactive"):
        item.active = False
        item.save()
    with pytest.raises(WorkLogError, match=message):
        log_work(staff, dt.date(2023, 10, 9), item, change.get("quantity", 1))
    assert not WorkLogEntry.select().exists()


def test_r_run_4_the_admin_form_derives_hours_instead_of_taking_them(desk, client, login_as):
    """Staff cannot type hours: the admin form has no hours field and the saved entry carries the derived ones."""
    division, staff, item = desk
    login_as(staff)
    form = client.get("/admin/worklogentry/new/").get_data(as_text=True)
    assert 'name="hours"' not in form and 'name="quantity"' in form
    response = client.post(
        "/admin/worklogentry/new/",
        data={"person": staff.id, "date": "2023-10-10", "item": item.id, "quantity": "2", "description": "审查"},
    )
    assert response.status_code == 302
    assert WorkLogEntry.get().hours == Decimal("5.00")


def test_r_apl_1_heads_record_talks_with_their_staff_and_leaders_guidance_for_their_divisions(desk, client, login_as):
    """R-APL-1: improvement records — a head's talk with a low-scoring person, a leader's guidance."""
    division, staff, _ = desk
    head = make_person(division=division, position="head", name="处长乙")
    leader = make_leader_of(division)
    outsider = make_person(division=make_division(), position="head")
    talk = {
        "year": "2023",
        "month": "10",
        "kind": "talk",
        "division": division.id,
        "person": staff.id,
        "author": head.id,
        "findings": "工时偏少",
        "actions": "每周跟进",
        "date": "2023-11-06",
    }
    login_as(head)
    assert client.post("/admin/improvementrecord/new/", data=talk).status_code == 302
    guidance = {**talk, "kind": "guidance", "person": "__None", "author": leader.id, "findings": "月度得分偏低"}
    login_as(leader)
    assert client.post("/admin/improvementrecord/new/", data=guidance).status_code == 302
    assert [(r.kind, r.author_id) for r in ImprovementRecord.select().order_by(ImprovementRecord.id)] == [
        ("talk", head.id),
        ("guidance", leader.id),
    ]
    login_as(outsider)
    listing = client.get("/admin/improvementrecord/").get_data(as_text=True)
    assert "工时偏少" not in listing and "月度得分偏低" not in listing


def test_r_run_6_the_first_entry_of_a_week_opens_its_review_for_the_head_due_tuesday(desk):
    """R-RUN-6: each week's entries wait for the rater (the head for staff) by the end of the following Tuesday;
    a rated week takes no more entries."""
    from services import approvals

    division, staff, item = desk
    head = make_person(division=division, position="head", name="处长乙")
    first = log_work(staff, dt.date(2023, 10, 10), item, 1)
    second = log_work(staff, dt.date(2023, 10, 12), item, 2)
    assert first.review_id == second.review_id
    review = first.review
    assert (review.week_start, review.due, review.rater_id) == (dt.date(2023, 10, 9), dt.date(2023, 10, 17), head.id)
    [task] = list(approvals.open_tasks_query(head))
    assert task.bpmn_id == "head_rate" and task.due == dt.date(2023, 10, 17)
    approvals.complete(task, head, "confirm", "属实")
    assert {e.status for e in WorkLogEntry.select()} == {"confirmed"}
    with pytest.raises(WorkLogError, match="该周工作已评定"):
        log_work(staff, dt.date(2023, 10, 13), item, 1)
