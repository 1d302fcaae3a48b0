"""Calendars for every year (issue 11 §3): past the end of `chinesecalendar`'s data the task list, a submission
and the weekly rating's due date still work (weekends and `holidays.China`), the office sees a banner until it
enters the year, a day it enters on `/calendar/<year>` moves a due date, and an imported file is previewed with
an error per bad row. R-CAL-1, R-RUN-6, R-TGT-4, R-WF-2."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from models import CalendarOverride, MonthlyPlan, WeeklyReview, WorkflowTask
from services import approvals, clock
from services import calendar as workdays
from services.worklog import log_work
from tests.factories import make_division, make_library_entry, make_person, make_plan, open_year

BANNER = "2027年节假日安排尚未录入"


@pytest.fixture(params=[dt.date(2026, 12, 30), dt.date(2027, 1, 4)], ids=["2026-12-30", "2027-01-04"])
def today(request, app):
    app.config["TODAY"] = request.param.isoformat()
    clock.pin(request.param)
    yield request.param
    clock.pin(None)


@pytest.fixture
def org(database):
    division = make_division(name="规划管理处")
    office_division = make_division(name="办公室", category="general")
    return {
        "division": division,
        "head": make_person(division=division, position="head", level="处级", name="王处长"),
        "staff": make_person(division=division, name="李科员"),
        "office": make_person(division=office_division, office_member=True, name="赵绩效"),
    }


def test_r_cal_1_tasks_a_submission_and_the_rating_due_date_work_past_the_built_in_data(today, org, client, login_as):
    """R-CAL-1, R-TGT-4, R-RUN-6: no 500 past 2026: the head submits a plan, the office's task has a due date
    in 2027 on a working day, the task list shows it, and logged work gets its rating due date."""
    plan = make_plan(org["division"], year=2027, month=1)
    login_as(org["head"])
    assert client.get("/tasks").status_code == 200
    assert client.post(f"/tasks/submit/monthly_plan/{plan.id}").status_code == 302
    assert MonthlyPlan.get_by_id(plan.id).status == "in_review"
    task = WorkflowTask.get(WorkflowTask.status == "open")
    assert task.due > today and task.due.weekday() < 5 and task.due != dt.date(2027, 1, 1)
    login_as(org["office"])
    assert client.get("/tasks").status_code == 200
    open_year(today.year)
    log_work(org["staff"], today, make_library_entry(org["division"]), 1)
    monday = today - dt.timedelta(days=today.weekday())
    review = WeeklyReview.get(WeeklyReview.person == org["staff"])
    assert (review.week_start, review.due) == (monday, monday + dt.timedelta(days=8))  # the following Tuesday
    login_as(org["staff"])
    assert client.get("/").status_code == 200


def test_r_cal_1_the_office_sees_the_banner_until_it_enters_the_year(today, org, client, login_as):
    """R-CAL-1: the banner names 2027 for the office (not for staff) and goes once a day of 2027 is entered."""
    login_as(org["staff"])
    assert BANNER not in client.get("/tasks").get_data(as_text=True)
    login_as(org["office"])
    page = client.get("/tasks").get_data(as_text=True)
    assert BANNER in page and "/calendar/2027" in page
    assert client.post("/calendar/2027/toggle", data={"date": "2027-02-11"}).status_code == 302
    assert BANNER not in client.get("/tasks").get_data(as_text=True)


def test_r_cal_1_an_office_entered_holiday_moves_a_due_date(today, org, client, login_as):
    """R-CAL-1, R-WF-2: the three-working-day due date of a new task skips a day the office made a holiday on
    the year grid; a second click makes it an adjusted working day, a third removes it."""
    before = workdays.add_workdays(today, 3)
    login_as(org["office"])
    assert client.get("/calendar/2027").status_code == 200
    first_workday = workdays.add_workdays(today, 1)
    assert (
        client.post(f"/calendar/{first_workday.year}/toggle", data={"date": first_workday.isoformat()}).status_code
        == 302
    )
    assert CalendarOverride.get(CalendarOverride.date == first_workday).kind == "holiday"
    after = workdays.add_workdays(today, 3)
    assert after > before
    plan = make_plan(org["division"], year=2027, month=1)
    approvals.start("monthly_plan", plan, org["head"], "请审核")
    assert WorkflowTask.get(WorkflowTask.status == "open").due == after
    client.post(f"/calendar/{first_workday.year}/toggle", data={"date": first_workday.isoformat()})
    assert CalendarOverride.get(CalendarOverride.date == first_workday).kind == "workday"
    client.post(f"/calendar/{first_workday.year}/toggle", data={"date": first_workday.isoformat()})
    assert CalendarOverride.get_or_none(CalendarOverride.date == first_workday) is None


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_r_cal_1_an_imported_file_is_previewed_with_row_errors_in_chinese(org, client, login_as):
    """R-CAL-1: a CSV with bad rows is refused with one Chinese line per row and stores nothing; a good xlsx is
    previewed, and stored only when the office confirms."""
    login_as(org["office"])
    bad = "\n".join(
        (
            "日期,类型,名称",
            "2027-02-11,休息日,春节",
            "2027-02-30,休息日,x",
            "2026-05-01,休息日,x",
            "2027-02-14,放风筝,x",
            "2027-02-11,工作日,x",
        )
    )
    response = client.post(
        "/calendar/2027/import",
        data={"file": (io.BytesIO(bad.encode()), "2027.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for line in (
        "第 3 行：“2027-02-30”不是日期",
        "第 4 行：2026-05-01 不在 2027 年内",
        "第 5 行：“放风筝”既不是休息日",
        "第 6 行：2027-02-11 已在第 2 行出现",
    ):
        assert line in page
    assert CalendarOverride.select().count() == 0
    good = _xlsx(
        [("date", "kind", "name"), (dt.date(2027, 2, 11), "holiday", "春节"), ("2027-02-20", "调休上班", "春节调休")]
    )
    response = client.post(
        "/calendar/2027/import", data={"file": (io.BytesIO(good), "2027.xlsx")}, content_type="multipart/form-data"
    )
    assert response.status_code == 200 and "导入预览" in response.get_data(as_text=True)
    assert CalendarOverride.select().count() == 0
    rows = '[["2027-02-11", "holiday", "春节"], ["2027-02-20", "workday", "春节调休"]]'
    assert client.post("/calendar/2027/import", data={"confirm": "1", "rows": rows}).status_code == 302
    stored = {(o.date, o.kind, o.note) for o in CalendarOverride.select()}
    assert stored == {(dt.date(2027, 2, 11), "holiday", "春节"), (dt.date(2027, 2, 20), "workday", "春节调休")}
    assert workdays.work_calendar().is_workday(dt.date(2027, 2, 20))
