"""NaN, Infinity, 1e400, absurd magnitudes and NUL characters in forms: the field's Chinese error (or the portal's
400), never a 500 and never a stored value (issue 9 §10; R-SEC-1, R-AUD-1, R-RUN-6, R-RUN-7, R-APL-2).

Each case posts every bad value to one form of the portal or the admin on SQLite and PostgreSQL, and checks the
answer and that the database did not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from models import (
    Appeal,
    AssessmentYear,
    AuditLog,
    Division,
    ExtraTimeClaim,
    ItemLibraryEntry,
    PayStandard,
    WeeklyReview,
    WorkLogEntry,
)
from services import approvals, clock
from tests.factories import make_division, make_library_entry, make_log_entry, make_person

BAD_NUMBERS = ["NaN", "sNaN", "-nan", "Infinity", "-Infinity", "inf", "1e400", "-1E400", "9" * 30, "1" + "0" * 5000]
FINITE = "请输入有限的数字"
TOO_LARGE = "数值过大"
NUL = "空字符"
TODAY = dt.date(2023, 10, 18)


@pytest.fixture
def bureau(database, app):
    app.config["TODAY"] = TODAY
    clock.pin(TODAY)
    division = make_division(name="规划管理处")
    people = {
        "staff": make_person(division=division, name="李科员"),
        "head": make_person(division=division, position="head", level="处级", name="王处长"),
        "office": make_person(division=make_division(name="办公室"), office_member=True, name="赵绩效"),
        "director": make_person(position="director", division=None, level="局级", name="局长甲"),
    }
    AssessmentYear.create(year=2023, period_start=1, period_end=12)
    PayStandard.create(year=2023, level="科级", org_monthly=0, personal_monthly=600, competitive_rate=15, annual_base=1)
    yield division, people
    clock.pin(None)


@dataclass(frozen=True)
class Case:
    """One form: who posts, where, the valid fields, the numeric field the bad value goes into, what the page
    must say for each kind of bad value, and a snapshot of what must not change."""

    who: str
    url: str
    form: dict[str, str]
    field: str
    says: Callable[[str], list[str]]
    state: Callable[[], object]
    statuses: tuple[int, ...] = (200, 400)


def _finite_or_large(value: str) -> list[str]:
    """The field's message: too large for the long ones, "finite" for NaN and Infinity."""
    return [TOO_LARGE if value[-1].isdigit() else FINITE]


def _integer_refusal(value: str) -> list[str]:
    return [TOO_LARGE if value.lstrip("-").isdigit() else "不是有效的整数"]


def _stored_rules() -> object:
    return AssessmentYear.get(AssessmentYear.year == 2023).rules


def _pay() -> object:
    return list(PayStandard.select().tuples())


CASES = {
    "extra time claim (R-RUN-7)": Case(
        "staff",
        "/tasks/submit/extra-time",
        {"extra-date": "2023-10-16", "extra-bulletin": "督查通报〔2023〕9期", "extra-standard": "宣传信息调研"},
        "extra-hours",
        _finite_or_large,
        lambda: ExtraTimeClaim.select().count(),
    ),
    "appeal year (R-APL-2)": Case(
        "staff",
        "/tasks/submit/appeal",
        {"appeal-month": "9", "appeal-subject": "9月个人绩效时间", "appeal-grounds": "两条未确认"},
        "appeal-year",
        _integer_refusal,
        lambda: Appeal.select().count(),
    ),
    "what-if parameter": Case(
        "office",
        "/results/what-if",
        {"year": "2023"},
        "tier_a",
        lambda value: ["A 档比例：", "超出允许的范围" if value[-1].isdigit() else "不是有限的数字"],
        _stored_rules,
    ),
    "what-if commit": Case(
        "office",
        "/results/what-if/commit",
        {"year": "2023", "reason": "试算"},
        "coef_a",
        lambda value: [],  # a flash on the redirect; the rules must not change
        _stored_rules,
        (302,),
    ),
    "admin money field (pay standard)": Case(
        "director",
        "/admin/paystandard/new/",
        {"year": "2024", "level": "科级", "personal_monthly": "600", "competitive_rate": "15", "annual_base": "1"},
        "org_monthly",
        _finite_or_large,
        _pay,
    ),
    "admin integer field (pay standard year)": Case(
        "director",
        "/admin/paystandard/new/",
        {"level": "处级", "org_monthly": "0", "personal_monthly": "6", "competitive_rate": "1", "annual_base": "1"},
        "year",
        _integer_refusal,
        _pay,
    ),
}


def _answer(client, case: Case, value: str):
    return client.post(case.url, data={**case.form, case.field: value})


@pytest.mark.parametrize("name", list(CASES))
def test_r_aud_1_bad_numbers_in_a_form_are_the_fields_error_and_nothing_is_stored(bureau, client, login_as, name):
    """R-SEC-1, R-AUD-1, issue 9 §10: NaN / Infinity / 1e400 / a 5,000-digit number in a numeric field."""
    _division, people = bureau
    case = CASES[name]
    login_as(people[case.who])
    before, audit = case.state(), AuditLog.select().count()
    for value in BAD_NUMBERS:
        response = _answer(client, case, value)
        page = response.get_data(as_text=True)
        assert response.status_code in case.statuses, (value, response.status_code, page[:500])
        expected = case.says(value)
        assert not expected or any(words in page for words in expected), (value, expected)
    assert case.state() == before
    assert AuditLog.select().count() == audit


def test_r_aud_1_an_admin_edit_with_nan_keeps_the_stored_value(bureau, client, login_as):
    """R-AUD-1: editing an existing record with NaN / 1e400 is the field's error; the row keeps its figure."""
    division, people = bureau
    entry = make_library_entry(division, name="方案审查", standard_hours=Decimal("2.5"))
    login_as(people["director"])
    for value in BAD_NUMBERS:
        form = {"division": str(division.id), "name": "方案审查", "standard_hours": value, "active": "y"}
        response = client.post(f"/admin/itemlibraryentry/edit/?id={entry.id}", data=form)
        assert response.status_code == 200, value
        assert FINITE in response.get_data(as_text=True) or TOO_LARGE in response.get_data(as_text=True), value
    assert ItemLibraryEntry.get_by_id(entry.id).standard_hours == Decimal("2.5")


def test_r_aud_1_the_year_rules_json_refuses_nan_and_infinity(bureau, client, login_as):
    """R-AUD-1: Python's json module reads NaN and Infinity; the admin's rules editor does not store them."""
    _division, people = bureau
    login_as(people["director"])
    year = AssessmentYear.get(AssessmentYear.year == 2023)
    for rules in ('{"tier_a": NaN}', '{"tier_a": Infinity}', '{"tier_a": -Infinity}', '{"tier_a": 1e400}'):
        form = {"year": "2023", "period_start": "1", "period_end": "12", "rules": rules}
        response = client.post(f"/admin/assessmentyear/edit/?id={year.id}", data=form)
        assert response.status_code == 200 and "不是有限且大小合理的数字" in response.get_data(as_text=True), rules
    assert AssessmentYear.get_by_id(year.id).rules == {}


def test_r_run_6_adjusted_hours_that_are_nan_are_refused_and_nothing_is_adjusted(bureau, client, login_as):
    """R-RUN-6: the head's per-entry hours (`hours-<id>`, read from request.form) refuse NaN and Infinity."""
    division, people = bureau
    item = make_library_entry(division, name="方案审查", standard_hours=Decimal(4))
    week = dt.date(2023, 10, 9)
    review = WeeklyReview.create(person=people["staff"], week_start=week, due=dt.date(2023, 10, 17))
    entry = make_log_entry(people["staff"], item, date=week, review=review)
    approvals.start("weekly_review", review, people["staff"])
    task = next(iter(approvals.open_tasks_query(people["head"])))
    login_as(people["head"])
    for value in BAD_NUMBERS:
        response = client.post(f"/tasks/{task.id}/complete", data={"decision": "adjust", f"hours-{entry.id}": value})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and ("工时须为数字" in page or "工时超出范围" in page), value
    stored = WorkLogEntry.get_by_id(entry.id)
    assert stored.confirmed_hours is None and stored.status == entry.status


NUL_REQUESTS = {
    "query string": ("GET", "/results/?year=2023%00", {}),
    "portal form field": (
        "POST",
        "/tasks/submit/extra-time",
        {"data": {"extra-date": "2023-10-16", "extra-hours": "4", "extra-bulletin": "通报\x00", "extra-standard": "x"}},
    ),
    "admin form field": ("POST", "/admin/division/new/", {"data": {"code": "N1", "name": "新处\x00室"}}),
    "form field name": ("POST", "/admin/division/new/", {"data": {"code": "N1", "name": "新处室", "x\x00": "1"}}),
    "JSON body": ("POST", "/results/what-if", {"json": {"year": "2023", "tier_a": ["0.5\x00"]}}),
    "path": ("GET", "/workflows/monthly_plan%00/1", {}),
}


@pytest.mark.parametrize("name", list(NUL_REQUESTS))
def test_r_sec_1_a_nul_character_anywhere_is_a_400_with_the_portals_message(bureau, client, login_as, name):
    """R-SEC-1, issue 9 §10: PostgreSQL cannot store NUL; one check before every view refuses it in Chinese."""
    _division, people = bureau
    login_as(people["director"])
    method, url, kwargs = NUL_REQUESTS[name]
    divisions, claims = Division.select().count(), ExtraTimeClaim.select().count()
    response = client.open(url, method=method, **kwargs)
    assert response.status_code == 400
    if "json" in kwargs:
        assert response.is_json and NUL in response.get_json()["message"]
    else:
        assert NUL in response.get_data(as_text=True)
    assert (Division.select().count(), ExtraTimeClaim.select().count()) == (divisions, claims)


def test_r_sec_1_a_nul_character_in_the_login_form_is_refused_before_any_lookup(database, client):
    """R-SEC-1: before login too (the username is compared in the database)."""
    response = client.post("/login", data={"username": "admin\x00", "password": "x"})
    assert response.status_code == 400 and NUL in response.get_data(as_text=True)
