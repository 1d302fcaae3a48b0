"""Closing a period locks everything of it; only the director reopens it, with a reason (R-AUD-1, issue 9 item 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import (
    Absence,
    AnnualTarget,
    AuditLog,
    ClosedPeriod,
    DemocraticEvaluation,
    GradeOverride,
    MassEvaluation,
    MonthlyReport,
    PayStandard,
    PeriodLocked,
    Veto,
    WorkLogEntry,
)
from models.guard import chain_write
from services import periods, whatif
from services.results import ScoringFailed, recompute
from tests.factories import make_adjustment, make_library_entry, make_log_entry, open_year
from tests.integration.admin_world import build_world


@pytest.fixture
def world(database):
    return build_world()


def _year_records(world):
    """One draft of every kind of input of 2023 that the office or the division may still edit."""
    with chain_write("test history"):
        return [
            AnnualTarget.create(year=2023, division=world.mine, source="city", title="目标"),
            MonthlyReport.create(division=world.mine, year=2023, month=10),
            make_adjustment(world.mine, year=2023),
            MassEvaluation.create(year=2023, division=world.mine, score=Decimal(90)),
            DemocraticEvaluation.create(year=2023, person=world.staff, score=Decimal(90)),
            Veto.create(year=2023, division=world.mine, reason="否决"),
            GradeOverride.create(year=2023, person=world.staff, grade="competent"),
            Absence.create(person=world.staff, kind="sick", start=dt.date(2023, 3, 1), end=dt.date(2023, 3, 5)),
            open_year(2023),
            PayStandard.create(year=2023, level="科级", org_monthly=Decimal(500)),
            make_log_entry(world.staff, make_library_entry(world.mine), date=dt.date(2023, 10, 9)),
        ]


def test_after_the_office_closes_2023_reports_targets_adjustments_evaluations_vetoes_grade_overrides_rules_absences_still_change_recompute_still_makes_new_versions_the_closure_row_can_be_deleted_R_AUD_1(  # noqa: E501
    world,
):
    """Regression (issue 9 item 5): once the office closes 2023, none of these changes any more — each is refused
    with a Chinese message — the year is not recomputed, its rules are not committed, and the closure row is
    neither deleted nor edited."""
    records = _year_records(world)
    closure = periods.close(world.office, 2023)
    for record in records:
        with pytest.raises(PeriodLocked, match="2023年度已结账锁定|2023年\\d+月已结账锁定"):
            _touch(record)
        with pytest.raises(PeriodLocked, match="已结账锁定"):
            record.delete_instance()
    with pytest.raises(PeriodLocked):
        AnnualTarget.create(year=2023, division=world.mine, source="city", title="新目标")
    with pytest.raises(ScoringFailed, match="2023年度已结账锁定"):
        recompute(2023)
    with pytest.raises(ScoringFailed, match="2023年度已结账锁定"):
        whatif.commit_rules(2023, {"tier_a": "0.4"})
    with pytest.raises(PeriodLocked, match="结账记录不能修改或删除"):
        closure.delete_instance()
    with pytest.raises(PeriodLocked):
        ClosedPeriod.delete().where(ClosedPeriod.id == closure.id).execute()
    closure.month = 5
    with pytest.raises(PeriodLocked):
        closure.save()
    assert ClosedPeriod.get_by_id(closure.id).month is None


def _touch(record):
    """Change one harmless field of the record and save it."""
    for name in ("note", "reason", "title", "completion", "description", "score", "rules", "annual_base"):
        if name in record._meta.fields:
            value = getattr(record, name)
            if isinstance(value, Decimal):
                setattr(record, name, value + 1)
            elif isinstance(value, dict):
                setattr(record, name, {**value, "tier_a": "0.4"})
            else:
                setattr(record, name, f"{value}改")
            return record.save()
    raise AssertionError(f"nothing to touch on {type(record).__name__}")


def test_closing_a_month_locks_that_month_only_R_AUD_1(world):
    entry = make_log_entry(world.staff, make_library_entry(world.mine), date=dt.date(2023, 9, 5))
    periods.close(world.office, 2023, 9)
    entry.description = "改"
    with pytest.raises(PeriodLocked, match="2023年9月已结账锁定"):
        entry.save()
    later = make_log_entry(world.staff, entry.item, date=dt.date(2023, 10, 9))
    later.description = "改"
    later.save()
    assert recompute_allowed(2023)


def recompute_allowed(year: int) -> bool:
    return not periods.year_closed(year)


def test_only_the_office_closes_and_only_once_R_AUD_1(world):
    for role in ("staff", "head", "leader", "director"):
        with pytest.raises(periods.PeriodError) as refused:
            periods.close(world.role(role), 2023)
        assert refused.value.code == "not_allowed"
    periods.close(world.office, 2023, 3)
    with pytest.raises(periods.PeriodError, match="2023年3月已结账"):
        periods.close(world.office, 2023, 3)
    with pytest.raises(periods.PeriodError) as bad:
        periods.close(world.office, 2023, 13)
    assert bad.value.code == "bad_period"


def test_only_the_director_reopens_with_a_reason_and_the_row_is_kept_R_AUD_1(world):
    """Reopening is the director's explicit act with a mandatory reason, audited, never a row deletion; the
    period may then be closed again, which makes a new row."""
    entry = make_log_entry(world.staff, make_library_entry(world.mine), date=dt.date(2023, 9, 5))
    closure = periods.close(world.office, 2023, 9)
    for role in ("staff", "head", "leader", "office"):
        with pytest.raises(periods.PeriodError) as refused:
            periods.reopen(world.role(role), closure.id, "理由")
        assert refused.value.code == "not_allowed"
    with pytest.raises(periods.PeriodError) as no_reason:
        periods.reopen(world.director, closure.id, "  ")
    assert no_reason.value.code == "reason_required"
    periods.reopen(world.director, closure.id, "申诉成立，需更正9月日志")
    stored = ClosedPeriod.get_by_id(closure.id)
    assert (stored.reopened_by_id, stored.reopen_reason) == (world.director.id, "申诉成立，需更正9月日志")
    assert stored.reopened_at is not None
    trail = AuditLog.select().where(AuditLog.model == "ClosedPeriod", AuditLog.action == "update").get()
    assert trail.after["reopen_reason"] == "申诉成立，需更正9月日志"
    entry.description = "更正"
    entry.save()
    with pytest.raises(periods.PeriodError) as again:
        periods.reopen(world.director, closure.id, "再开一次")
    assert again.value.code == "already_reopened"
    stored.reopen_reason = "改过的理由"
    with pytest.raises(PeriodLocked):
        stored.save()
    periods.close(world.office, 2023, 9)
    assert [c.in_force for c in periods.closures(2023)] == [False, True]
    with pytest.raises(PeriodLocked):
        WorkLogEntry.get_by_id(entry.id).delete_instance()


def test_the_periods_screen_closes_for_the_office_and_reopens_for_the_director_R_AUD_1(client, login_as, world):
    """/periods: the office closes a month or the year; the director reopens with a reason; refusals are
    Chinese."""
    login_as(world.office)
    assert client.post("/periods/close", data={"year": "2023", "month": "9"}).status_code == 302
    page = client.get("/periods?year=2023").get_data(as_text=True)
    assert "2023年09月" in page and "有效" in page
    again = client.post("/periods/close", data={"year": "2023", "month": "9"})
    assert again.status_code == 400 and "2023年9月已结账" in again.get_data(as_text=True)
    assert client.post(f"/periods/{periods.closures(2023)[0].id}/reopen", data={"reason": "x"}).status_code == 403
    closure = periods.closures(2023)[0]
    login_as(world.director)
    refused = client.post(f"/periods/{closure.id}/reopen?year=2023", data={"reason": " "})
    assert refused.status_code == 400 and "重新开放必须说明理由" in refused.get_data(as_text=True)
    assert client.post("/periods/close", data={"year": "2023"}).status_code == 403
    done = client.post(f"/periods/{closure.id}/reopen", data={"reason": "更正日志"}, follow_redirects=True)
    assert "已重新开放该结账期间" in done.get_data(as_text=True) and "更正日志" in done.get_data(as_text=True)
    assert not periods.is_closed(2023, 9)


def test_recompute_of_a_closed_year_is_refused_on_the_results_screen_in_chinese_R_AUD_1(client, login_as, world):
    """/results/recompute for a closed year makes no new version and says why."""
    periods.close(world.office, 2023)
    login_as(world.office)
    response = client.post("/results/recompute", data={"year": "2023", "reason": "再算"}, follow_redirects=True)
    assert "2023年度已结账锁定，不能重新计算或修改规则" in response.get_data(as_text=True)
    from models import ScoreSnapshot

    assert ScoreSnapshot.select().count() == 0


def test_closing_a_month_with_open_approvals_is_refused_with_their_list_R_AUD_1(world):
    """Issue 10 §3: a month whose approvals are still open is not closed — closing would lock their records and
    leave steps nobody could ever take. The refusal names what is open; once it is decided the month closes."""
    from models import WorkflowTask
    from services import approvals
    from tests.factories import make_plan

    plan = make_plan(world.mine, year=2023, month=10, weights=(60, 40))
    case = approvals.start("monthly_plan", plan, world.head)
    with pytest.raises(periods.PeriodError) as refused:
        periods.close(world.office, 2023, 10)
    assert refused.value.code == "open_approvals"
    assert [c.id for c in refused.value.open_cases] == [case.id]
    assert case.title in str(refused.value) and "2023年10月还有 1 项审批未办结" in str(refused.value)
    with pytest.raises(periods.PeriodError, match="审批未办结"):
        periods.close(world.office, 2023)  # the year holds the month
    assert not ClosedPeriod.select().where(ClosedPeriod.year == 2023).exists()
    periods.close(world.office, 2023, 11)  # another month is not held up by it
    while (task := WorkflowTask.get_or_none(WorkflowTask.case == case, WorkflowTask.status == "open")) is not None:
        people = (world.head, world.leader, world.office, world.director)
        approvals.complete(task, next(p for p in people if approvals.may_act(p, task)), "approve", "同意")
    assert periods.open_cases_in(2023, 10) == []
    assert periods.close(world.office, 2023, 10).month == 10
