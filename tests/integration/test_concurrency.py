"""Many people at once (issue 10 §1–§2): real parallel requests against a live portal, on SQLite and PostgreSQL.

Each test logs real people in through the login form, takes the CSRF and one-time tokens from the page the way
a browser does, fires the requests from threads released together, and then checks the database: exactly one
case, no lost confirmed write, no draft entry left on a rated week, and never a 500. A write that waits too long
would answer 503 ("系统繁忙，请稍后重试") and save nothing; none is expected here, so it also counts as a failure.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from models import Exemption, MonthlyPlan, ScoreSnapshot, WeeklyReview, WorkflowCase, WorkLogEntry, db
from portal import create_app
from services import clock
from services.worklog import log_work
from tests.factories import (
    PASSWORD,
    make_division,
    make_leader_of,
    make_library_entry,
    make_person,
    make_plan,
    open_year,
)
from tests.live import Browser, Reply, csrf_field, form_tokens, served

TODAY = dt.date(2023, 10, 18)  # a Wednesday; the week rated below is the one before


@pytest.fixture
def live(database, tmp_path):
    """The portal served on a free port, with CSRF on, taking TODAY as today."""
    app = create_app(
        {
            "DATABASE_URL": database,
            "SECRET_KEY": "test-secret",
            "TODAY": TODAY.isoformat(),
            "LOGIN_LIMIT_PER_ADDRESS": "10000 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT": "10000 per minute",
        }
    )
    app.instance_path = str(tmp_path)
    clock.pin(TODAY)
    db.connect(reuse_if_open=True)  # create_app bound the proxy anew; this thread builds the data on it
    with served(app) as base:
        yield base
    clock.pin(None)


@pytest.fixture
def bureau(live):
    division = make_division(name="规划管理处")
    office_division = make_division(name="办公室", category="general")
    people = {
        "head": make_person(division=division, position="head", level="处级", name="王处长", username="wangcz"),
        "staff": make_person(division=division, name="李科员", username="likeyuan"),
        "office": make_person(division=office_division, office_member=True, name="赵绩效", username="zhaojx"),
        "director": make_person(position="director", division=None, level="局级", name="局长甲", username="juzhang"),
    }
    make_leader_of(division, office_division, name="刘分管", username="liufg")
    return live, division, people


def browser(base: str, person) -> Browser:
    b = Browser(base)
    b.login(person.username, PASSWORD)
    return b


def together(*calls: Callable[[], Reply]) -> list[Reply]:
    """Run the calls from threads released at the same moment; their replies in order."""
    gate = threading.Barrier(len(calls))

    def released(call: Callable[[], Reply]) -> Reply:
        gate.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(released, calls))


def no_failure(replies: list[Reply]) -> None:
    statuses = [r.status for r in replies]
    assert not [s for s in statuses if s >= 500], statuses


def open_cases(model: str, record_id: int) -> int:
    return (
        WorkflowCase.select()
        .where(
            (WorkflowCase.subject_model == model)
            & (WorkflowCase.subject_id == record_id)
            & (WorkflowCase.finished == False)  # noqa: E712
        )
        .count()
    )


def test_r_wf_1_a_double_click_on_submit_plan_starts_one_case(bureau):
    """R-WF-1, R-TGT-4 (issue 10 §2): the same form sent twice at once — both answers are the submission, one
    case exists."""
    base, division, p = bureau
    plan = make_plan(division, month=11, weights=(60, 40))
    head = browser(base, p["head"])
    action = f"/tasks/submit/monthly_plan/{plan.id}"
    fields = form_tokens(head.get("/tasks/submit").text, action=action)
    replies = together(*[lambda: head.post(action, fields)] * 2)
    no_failure(replies)
    assert [r.status for r in replies] == [302, 302]
    assert open_cases("MonthlyPlan", plan.id) == 1
    assert MonthlyPlan.get_by_id(plan.id).status == "in_review"


def test_r_wf_1_eight_concurrent_submits_of_one_plan_start_one_case(bureau):
    """R-WF-1 (issue 10 §2): eight tabs each with their own form submit one plan at once; one submission wins,
    the others are told in Chinese that it is already submitted, and one case exists."""
    base, division, p = bureau
    plan = make_plan(division, month=12, weights=(50, 50))
    action = f"/tasks/submit/monthly_plan/{plan.id}"
    tabs = [browser(base, p["head"]) for _ in range(8)]
    forms = [form_tokens(tab.get("/tasks/submit").text, action=action) for tab in tabs]
    replies = together(*[lambda tab=tab, f=f: tab.post(action, f) for tab, f in zip(tabs, forms, strict=True)])
    no_failure(replies)
    assert sorted(r.status for r in replies) == [302] + [400] * 7
    assert all("不能再次提交" in r.text for r in replies if r.status == 400)
    assert open_cases("MonthlyPlan", plan.id) == 1


def test_r_scp_3_a_double_exemption_application_makes_one_record_and_one_case(bureau):
    """R-SCP-3 (issue 10 §2): the application sent twice with one form token, and twice with two forms: one
    exemption, one case."""
    base, _, p = bureau
    staff = browser(base, p["staff"])
    data = {"exemption-from_date": "2023-11-01", "exemption-reason": "赴外单位挂职一年"}
    fields = form_tokens(staff.get("/tasks/submit").text, form_id="exemption-form")
    replies = together(*[lambda: staff.post("/tasks/submit/exemption", {**fields, **data})] * 2)
    no_failure(replies)
    assert [r.status for r in replies] == [302, 302]
    second = Browser(base)
    second.login(p["staff"].username, PASSWORD)
    forms = [form_tokens(b.get("/tasks/submit").text, form_id="exemption-form") for b in (staff, second)]
    replies = together(
        *[
            lambda b=b, f=f: b.post("/tasks/submit/exemption", {**f, **data})
            for b, f in zip((staff, second), forms, strict=True)
        ]
    )
    no_failure(replies)
    assert all("已有一份申请正在审批中" in r.text for r in replies if r.status == 400)
    exemptions = list(Exemption.select().where(Exemption.person == p["staff"]))
    assert len(exemptions) == 1
    assert open_cases("Exemption", exemptions[0].id) == 1
    assert WorkflowCase.select().where(WorkflowCase.chain == "exemption").count() == 1


def test_r_sco_3_a_double_ranking_submission_starts_one_case(bureau):
    """R-SCO-3 (issue 10 §2): the office sends the ranking twice at once (one form, then two forms): one case."""
    base, _, p = bureau
    snapshot = ScoreSnapshot.create(year=2023, version=1, input_sha256="0" * 64, current=True)
    office = browser(base, p["office"])
    fields = {**form_tokens(office.get("/tasks/submit").text, action="/tasks/submit/ranking"), "year": "2023"}
    replies = together(*[lambda: office.post("/tasks/submit/ranking", fields)] * 2)
    no_failure(replies)
    assert [r.status for r in replies] == [302, 302]
    assert open_cases("ScoreSnapshot", snapshot.id) == 1
    assert WorkflowCase.select().where(WorkflowCase.chain == "annual_ranking").count() == 1


def test_r_run_6_a_log_entry_saved_while_the_head_rates_the_week_is_never_a_draft_on_a_rated_week(bureau):
    """R-RUN-6, R-RUN-4 (issue 10 §2): entries filed while the head confirms the week either land before the
    rating (and are confirmed with it) or are refused in Chinese; none stays a draft on the rated week, and no
    confirmed entry is lost."""
    base, division, p = bureau
    open_year(2023)
    item = make_library_entry(division, name="规划方案审查", standard_hours=Decimal("2.5"))
    monday = dt.date(2023, 10, 9)
    first = log_work(p["staff"], monday, item, 1, "周一")
    review = WeeklyReview.get(WeeklyReview.person == p["staff"], WeeklyReview.week_start == monday)
    task = review_task(review)
    head = browser(base, p["head"])
    detail = head.get(f"/tasks/{task}").text
    decisions = re.findall(r'name="decision" value="([^"]+)"', detail)
    assert "confirm" in decisions
    rate = {**form_tokens(detail, action=f"/tasks/{task}/complete"), "decision": "confirm", "comment": "确认"}
    staff = [browser(base, p["staff"]) for _ in range(4)]
    forms = [dict([csrf_field(b.get("/admin/worklogentry/new/").text)]) for b in staff]

    def entry(b: Browser, f: dict, n: int) -> Callable[[], Reply]:
        day = monday + dt.timedelta(days=n % 5)
        data = {**f, "person": p["staff"].id, "date": day.isoformat(), "item": item.id, "quantity": "1"}
        return lambda: b.post("/admin/worklogentry/new/", {**data, "description": f"并发{n}"})

    replies = together(
        lambda: head.post(f"/tasks/{task}/complete", rate),
        *[entry(b, f, n) for n, (b, f) in enumerate(zip(staff, forms, strict=True))],
    )
    no_failure(replies)
    assert replies[0].status == 302
    review = WeeklyReview.get_by_id(review.id)
    assert review.status == "done"
    week = WorkLogEntry.select().where(
        (WorkLogEntry.person == p["staff"]) & WorkLogEntry.date.between(monday, monday + dt.timedelta(days=6))
    )
    assert not [e.id for e in week if e.status == "draft"], "a draft on a rated week"
    assert all(e.review_id == review.id and e.confirmed_hours == e.hours for e in week)
    assert WorkLogEntry.get_by_id(first.id).status == "confirmed"
    saved = sum(1 for r in replies[1:] if r.status == 302)
    refused = [r for r in replies[1:] if r.status != 302]
    assert all(r.status == 200 and "该周工作已评定，不能再补记日志" in r.text for r in refused)
    assert week.count() == 1 + saved, "every entry answered as saved is on the rated week, confirmed"


def review_task(review: WeeklyReview) -> int:
    from models import WorkflowTask

    case = WorkflowCase.get((WorkflowCase.subject_model == "WeeklyReview") & (WorkflowCase.subject_id == review.id))
    return WorkflowTask.get((WorkflowTask.case == case) & (WorkflowTask.status == "open")).id


@pytest.fixture
def impatient(database, tmp_path):
    """The live portal with a lock wait of 200 ms, so a held lock runs the wait out at once."""
    app = create_app(
        {"DATABASE_URL": database, "SECRET_KEY": "test-secret", "TODAY": TODAY.isoformat(), "LOCK_TIMEOUT_MS": 200}
    )
    app.instance_path = str(tmp_path)
    clock.pin(TODAY)
    db.connect(reuse_if_open=True)
    with served(app) as base:
        yield base
    clock.pin(None)


def hold_lock(url: str, plan_id: int):
    """Another connection holding the plan's row lock (PostgreSQL) or the write lock (SQLite) until closed."""
    if url.startswith("sqlite"):
        import sqlite3

        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        return other
    import psycopg2

    other = psycopg2.connect(url)
    other.cursor().execute("SELECT id FROM monthly_plan WHERE id = %s FOR UPDATE", (plan_id,))
    return other


def test_r_db_1_a_write_that_waits_too_long_answers_503_in_chinese_and_saves_nothing(database, impatient):
    """R-DB-1 (issue 10 §1): while another holds the lock, a submit waits LOCK_TIMEOUT_MS and then answers 503
    系统繁忙，请稍后重试 — the plan stays a draft, no case, no token consumed — and works once the lock is gone."""
    division = make_division(name="规划管理处")
    head = make_person(division=division, position="head", level="处级", name="王处长", username="wangcz")
    plan = make_plan(division, month=11, weights=(60, 40))
    b = browser(impatient, head)
    action = f"/tasks/submit/monthly_plan/{plan.id}"
    fields = form_tokens(b.get("/tasks/submit").text, action=action)
    other = hold_lock(database, plan.id)
    try:
        busy = b.post(action, fields)
    finally:
        other.rollback()
        other.close()
    assert busy.status == 503 and "系统繁忙，请稍后重试" in busy.text
    assert MonthlyPlan.get_by_id(plan.id).status == "draft" and open_cases("MonthlyPlan", plan.id) == 0
    assert b.post(action, fields).status == 302
    assert open_cases("MonthlyPlan", plan.id) == 1
