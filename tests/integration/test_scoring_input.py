"""The database → scoring input path (issue 4 §3): what counts and what does not (R-SCO-5, R-RUN-6, R-RUN-7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import Adjustment, AssessmentYear, ExtraTimeClaim, PayStandard
from models.guard import chain_write
from services.results import ScoringFailed, build_input
from tests.factories import make_division, make_leader_of, make_library_entry, make_log_entry, make_person, make_plan


@pytest.fixture
def bureau(database):
    AssessmentYear.create(year=2023, period_start=10, period_end=12, rules={"daily_hours": "7.5"})
    PayStandard.create(year=2023, level="科级", personal_monthly=Decimal(600), competitive_rate=Decimal(15))
    division = make_division(code="GH", name="规划管理处")
    make_leader_of(division, code="L1")
    person = make_person(division=division, code="P01")
    return division, person, make_library_entry(division, standard_hours=Decimal("1.5"))


def test_only_confirmed_hours_count_summed_per_month(bureau):
    """R-RUN-6, R-SCO-5: only confirmed (or adjusted) hours count; drafts and rejected entries do not."""
    division, person, item = bureau
    make_log_entry(person, item, date=dt.date(2023, 10, 9), status="confirmed", confirmed_hours=Decimal("1.5"))
    make_log_entry(person, item, date=dt.date(2023, 10, 10), status="adjusted", confirmed_hours=Decimal("0.75"))
    make_log_entry(person, item, date=dt.date(2023, 10, 11), status="draft")
    make_log_entry(person, item, date=dt.date(2023, 10, 12), status="rejected", confirmed_hours=Decimal(0))
    make_log_entry(person, item, date=dt.date(2023, 11, 1), status="confirmed", confirmed_hours=Decimal(3))
    make_log_entry(person, item, date=dt.date(2022, 12, 30), status="confirmed", confirmed_hours=Decimal(9))
    data = build_input(2023)
    assert data["hours"] == [
        {"person": "P01", "date": "2023-10-01", "hours": "2.25"},
        {"person": "P01", "date": "2023-11-01", "hours": "3.00"},
    ]
    assert data["rules"] == {"daily_hours": "7.5"}
    assert data["period"] == {"start": "2023-10", "end": "2023-12"}


def test_only_approved_claims_and_adjustments_enter(bureau):
    """R-RUN-7, R-SCO-2: extra time and bonus/deduction items count once approved."""
    division, person, _ = bureau
    with chain_write("test history"):
        _claims_and_adjustments(division, person)
    data = build_input(2023)
    assert [c["reason"] for c in data["extra_time"]] == ["督查通报approved"]
    assert [a["reason"] for a in data["adjustments"]] == ["approved"]


def _claims_and_adjustments(division, person) -> None:
    for status in ("approved", "submitted", "rejected"):
        ExtraTimeClaim.create(
            person=person,
            date=dt.date(2023, 11, 20),
            hours=Decimal(6),
            bulletin=f"督查通报{status}",
            standard="办实事",
            status=status,
        )
        Adjustment.create(
            year=2023,
            division=division,
            kind="bonus",
            category="innovation",
            points=Decimal(2),
            reason=status,
            status=status,
        )


def test_unapproved_or_unjudged_plans_are_left_out(bureau):
    """R-TGT-4: a plan counts once approved; R-RUN-1: a month counts once the meeting judged every item."""
    division, _, _ = bureau
    judged = make_plan(division, 2023, 10, status="approved")
    with chain_write("the monthly meeting"):
        for item in judged.items:
            item.outcome = "done"
            item.save()
    make_plan(division, 2023, 11, status="approved")  # outcomes still pending
    make_plan(division, 2023, 12, status="submitted")
    data = build_input(2023)
    assert {row["month"] for row in data["plan_items"]} == {"2023-10"}
    assert sum(Decimal(row["weight"]) for row in data["plan_items"]) == Decimal(100)


def test_a_year_without_settings_is_refused_in_chinese(database):
    with pytest.raises(ScoringFailed, match="没有 2031 年度的考核设置"):
        build_input(2031)
