"""The home page of each role shows real figures of what waits for the person, only from what they may see
(SPEC §1, R-SEC-1), and runs a fixed number of queries however much history there is (STYLE §6)."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from models import (
    Adjustment,
    Appeal,
    Division,
    ExtraTimeClaim,
    MassEvaluation,
    MonthlyPlan,
    PlanItem,
    Veto,
    WeeklyReview,
    WorkLogEntry,
    db,
)
from models.guard import chain_write
from services.dashboard import HoursSummary, dashboard_of
from tests.factories import (
    make_adjustment,
    make_appeal,
    make_claim,
    make_division,
    make_leader_of,
    make_library_entry,
    make_log_entry,
    make_person,
    make_plan,
    make_review,
)
from tests.querycount import assert_query_count  # noqa: F401 - a fixture

TODAY = dt.date(2023, 10, 18)  # a Wednesday: last week's reviews fell due yesterday
LAST_WEEK = dt.date(2023, 10, 9)
THIS_WEEK = dt.date(2023, 10, 16)


@pytest.fixture(autouse=True)
def _pinned_today(app):
    app.config["TODAY"] = TODAY.isoformat()


def section(page: str, section_id: str) -> str | None:
    """The visible text of `<section id=…>` of a page, whitespace collapsed; None when absent."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    if match is None:
        return None
    text = re.sub(r"<[^>]+>", " ", match.group(0))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_staff_home_shows_my_hours_this_month_and_my_open_weeks(database, client, login_as):
    """Staff: total, confirmed and awaiting hours of this month only, my recent entries, my open reviews."""
    division = make_division(name="规划管理处")
    me = make_person(division=division, name="李工")
    colleague = make_person(division=division, name="赵工")
    item = make_library_entry(division, name="方案审查", standard_hours=Decimal("2.5"))
    make_log_entry(me, item, date=dt.date(2023, 10, 9))  # 2.5 awaiting
    make_log_entry(me, item, date=dt.date(2023, 10, 10), quantity=Decimal(2), status="confirmed", confirmed_hours=5)
    make_log_entry(me, item, date=dt.date(2023, 10, 11), quantity=Decimal(2), status="adjusted", confirmed_hours=3)
    make_log_entry(me, item, date=dt.date(2023, 10, 12), status="rejected", confirmed_hours=0)
    make_log_entry(me, item, date=dt.date(2023, 9, 28), quantity=Decimal(4), status="confirmed", confirmed_hours=10)
    make_log_entry(colleague, item, date=dt.date(2023, 10, 9), quantity=Decimal(8))
    make_review(me, LAST_WEEK)
    make_review(me, dt.date(2023, 10, 2), status="done")
    make_review(colleague, LAST_WEEK)

    board = dashboard_of(me, TODAY)

    assert board.my_work.hours == HoursSummary(Decimal("15.00"), Decimal("8.00"), Decimal("2.50"))
    assert [line.date.day for line in board.my_work.recent] == [12, 11, 10, 9, 28]
    assert [(r.person, r.week_start, r.overdue) for r in board.my_work.open_reviews] == [("李工", LAST_WEEK, True)]
    assert (board.division, board.leader, board.bureau, board.ranking) == (None, None, None, None)

    login_as(me)
    page = home(client)
    mine = section(page, "my-work")
    assert "15 已填报工时" in mine and "8 已确认工时" in mine and "2.5 待评定" in mine
    assert "方案审查" in mine and "逾期" in mine
    assert section(page, "division") is None and section(page, "bureau") is None
    assert "赵工" not in page


def test_head_home_shows_weeks_to_rate_with_overdue_marks_plans_and_member_hours(database, client, login_as):
    """Head: the division's plans this year by month, the reviews I rate (overdue when due < today), and the
    members' confirmed hours this month."""
    division = make_division(name="用地规划处")
    head = make_person(division=division, position="head", name="王处长")
    early = make_person(division=division, name="陈工")
    late = make_person(division=division, name="周工")
    item = make_library_entry(division, standard_hours=Decimal("2.5"))
    make_log_entry(early, item, date=dt.date(2023, 10, 9), quantity=Decimal(2), status="confirmed", confirmed_hours=5)
    make_log_entry(early, item, date=dt.date(2023, 10, 10))
    make_log_entry(late, item, date=dt.date(2023, 9, 29), status="confirmed", confirmed_hours=Decimal("2.5"))
    make_review(early, LAST_WEEK, rater=head)
    make_review(late, THIS_WEEK, rater=head)
    make_review(late, dt.date(2023, 10, 2), rater=head, status="done")
    make_plan(division, 2023, 9, status="approved")
    make_plan(division, 2023, 10, weights=(50, 30), status="in_review")
    make_plan(division, 2022, 12, status="approved")

    board = dashboard_of(head, TODAY)

    desk = board.division
    assert desk.division == "用地规划处"
    assert [(p.month, p.status, p.items, p.weight) for p in desk.plans] == [
        (9, "approved", 2, Decimal("100.00")),
        (10, "in_review", 2, Decimal("80.00")),
    ]
    assert [(r.person, r.overdue, r.hours) for r in desk.to_rate] == [
        ("陈工", True, Decimal("7.50")),
        ("周工", False, Decimal("0.00")),
    ]
    assert [(m.person, m.confirmed, m.awaiting) for m in desk.members] == [
        ("王处长", Decimal("0.00"), Decimal("0.00")),
        ("周工", Decimal("0.00"), Decimal("0.00")),
        ("陈工", Decimal("5.00"), Decimal("2.50")),
    ]
    assert board.my_work is not None and board.bureau is None

    login_as(head)
    text = section(home(client), "division")
    assert "陈工 2023年10月9日 7.5 2023年10月17日 逾期" in text
    assert "周工 2023年10月16日 0 2023年10月24日" in text and "2023年10月24日 逾期" not in text
    assert "10月 审批中 2 80" in text and "9月 已生效 2 100" in text
    assert "陈工 工作人员 5 2.5" in text


def test_head_never_sees_another_divisions_people_or_plans(database, client, login_as):
    """R-SEC-1: a head's home shows their own division only."""
    mine = make_division(name="工程规划处")
    other = make_division(name="市政规划处")
    head = make_person(division=mine, position="head", name="吴处长")
    stranger = make_person(division=other, name="郑工")
    other_head = make_person(division=other, position="head", name="冯处长")
    make_log_entry(stranger, make_library_entry(other), date=dt.date(2023, 10, 9))
    make_review(stranger, LAST_WEEK, rater=other_head)
    make_plan(other, 2023, 10, status="returned")

    login_as(head)
    page = home(client)

    for secret in ("郑工", "冯处长", "市政规划处", "已退回"):
        assert secret not in page
    assert "工程规划处" in page


def test_leader_home_lists_my_divisions_plans_and_the_heads_weeks_i_rate(database, client, login_as):
    """Leader in charge: each of my divisions with this and next month's plan, their open reviews, and the
    heads' weeks I must rate; divisions of other leaders stay out (R-SEC-1)."""
    first = make_division(name="规划管理处", sort_order=1)
    second = make_division(name="村镇规划处", sort_order=2)
    foreign = make_division(name="监察室", sort_order=3)
    leader = make_leader_of(first, second, name="刘局")
    make_leader_of(foreign, name="孙局")
    first_head = make_person(division=first, position="head", name="钱处长")
    first_staff = make_person(division=first, name="钱工")
    foreign_staff = make_person(division=foreign, name="监察甲")
    make_plan(first, 2023, 10, status="approved")
    make_plan(first, 2023, 11, status="submitted")
    make_plan(foreign, 2023, 10, status="draft")
    make_review(first_head, LAST_WEEK, rater=leader)
    make_review(first_staff, THIS_WEEK, rater=first_head)
    make_review(foreign_staff, LAST_WEEK)

    board = dashboard_of(leader, TODAY)

    rows = [(d.name, d.this_month, d.next_month, d.open_reviews, d.overdue_reviews) for d in board.leader.divisions]
    assert rows == [("规划管理处", "approved", "submitted", 2, 1), ("村镇规划处", None, None, 0, 0)]
    assert [(r.person, r.overdue) for r in board.leader.to_rate] == [("钱处长", True)]
    assert board.my_work is None and board.bureau is None

    login_as(leader)
    page = home(client)
    text = section(page, "leader")
    assert "规划管理处 已生效 已提交 2 1件逾期" in text
    assert "10月计划" in text and "11月计划" in text
    assert "监察室" not in page and "监察甲" not in page


def test_office_home_shows_every_division_plan_grid_and_bureau_backlogs(database, client, login_as):
    """Performance office: all divisions' plans per month this year and the counts of what waits bureau-wide."""
    first = make_division(name="办公室", sort_order=1)
    second = make_division(name="政策法规处", sort_order=2)
    make_division(name="已撤销处", active=False)
    office = make_person(division=first, office_member=True, name="绩效办甲")
    staff = make_person(division=second, name="法规甲")
    make_plan(first, 2023, 9, status="approved")
    make_plan(first, 2023, 10, status="submitted")
    make_plan(second, 2023, 10, status="in_review")
    make_plan(second, 2022, 10, status="approved")
    make_review(staff, LAST_WEEK)
    make_review(staff, dt.date(2023, 10, 2))
    make_review(office, THIS_WEEK)
    make_review(office, dt.date(2023, 9, 25), status="done")
    for status in ("submitted", "in_review", "approved", "draft"):
        # one pending claim per person, day and bulletin (migration 014)
        make_claim(staff, status=status, bulletin=f"督查通报2023年第9期（{status}）")
    make_adjustment(second, status="submitted")
    make_adjustment(second, status="approved")
    make_adjustment(second, year=2022, status="submitted")
    make_appeal(staff, status="filed")
    make_appeal(staff, status="escalated")
    make_appeal(staff, status="upheld")

    bureau = dashboard_of(office, TODAY).bureau

    assert [(row.name, row.statuses[8], row.statuses[9], row.statuses[10]) for row in bureau.rows] == [
        ("办公室", "approved", "submitted", None),
        ("政策法规处", None, "in_review", None),
    ]
    assert bureau.month_counts["approved"][8] == 1 and bureau.month_counts["approved"][9] == 0
    assert (bureau.open_reviews, bureau.overdue_reviews) == (3, 2)
    assert (bureau.pending_claims, bureau.pending_adjustments) == (2, 1)
    assert (bureau.open_appeals, bureau.escalated_appeals) == (2, 1)

    login_as(office)
    text = section(home(client), "bureau")
    assert "2 逾期未评定的周评定 共3件待评定" in text
    assert "2 待审加时申报" in text and "1 待审加扣分项" in text and "2 未办结申诉 其中1件已提交绩效办" in text
    assert "办公室 — — — — — — — — 已生效 已提交 — —" in text
    assert "已撤销处" not in text


def test_director_sees_the_bureau_desk_without_a_personal_log(database, client, login_as):
    """The director has no work log of their own (R-SCO-5 is for heads, deputies, staff)."""
    division = make_division(name="规划管理处")
    director = make_person(position="director", level="正局级", division=None, name="局长甲")
    make_plan(division, 2023, 10, status="approved")

    board = dashboard_of(director, TODAY)

    assert board.my_work is None and board.division is None
    assert [row.statuses[9] for row in board.bureau.rows] == ["approved"]
    login_as(director)
    page = home(client)
    assert section(page, "my-work") is None and "规划管理处" in section(page, "bureau")


def test_party_group_home_shows_the_inputs_of_the_annual_ranking(database, client, login_as):
    """Party group: real counts of what the annual ranking (R-SCO-3) will be built from."""
    first = make_division(name="规划管理处")
    second = make_division(name="监察室")
    member = make_person(position="leader", level="副局级", division=None, party_group_member=True, name="党组甲")
    for month in (8, 9, 10):
        make_plan(first, 2023, month, status="approved")
    make_plan(second, 2023, 10, status="submitted")
    make_plan(second, 2023, 11, status="approved")
    make_adjustment(first, status="approved")
    make_adjustment(second, status="in_review")
    MassEvaluation.create(year=2023, division=first, score=Decimal("92.5"))
    Veto.create(year=2023, division=second, reason="违纪")
    Veto.create(year=2022, division=first, reason="往年")

    ranking = dashboard_of(member, TODAY).ranking

    assert (ranking.divisions, ranking.plans_approved, ranking.plans_expected) == (2, 3, 20)
    assert ranking.adjustments == {"approved": 1, "in_review": 1}
    assert (ranking.mass_evaluations, ranking.vetoes) == (1, 1)
    login_as(member)
    text = section(home(client), "ranking")
    assert "3 已生效月度计划 截至本月应有20份" in text and "1 已录入群众评议 共2个处室" in text


# --- query budgets --------------------------------------------------------------------------------------------

# Statements one GET / runs: 1 loads the logged-in person (with the division), then per section:
# my work 3, division desk 4, leader desk 3 (+1 when scope_of looks up a plain leader's divisions), bureau desk 8,
# ranking 5.
# each role's sections, plus 2 for the 待办 block every role has (services.task_views.task_summary)
BUDGETS = {"staff": 6, "head": 10, "leader": 7, "office": 14, "director": 11, "party_group": 11}


def _bureau() -> dict:
    first = make_division(name="规划管理处")
    second = make_division(name="用地规划处")
    head = make_person(division=first, position="head", name="王处长")
    people = {
        "staff": make_person(division=first, name="李工"),
        "head": head,
        "leader": make_leader_of(first, second, name="刘局"),
        "office": make_person(division=second, office_member=True, name="绩效办甲"),
        "director": make_person(position="director", level="正局级", division=None, name="局长甲"),
        "party_group": make_person(position="leader", division=None, party_group_member=True, name="党组甲"),
    }
    return {"divisions": [first, second], "item": make_library_entry(first), "people": people}


def _grow(bureau: dict, rows: int, start: int) -> None:
    """Add `rows` of every kind of record the home pages read, for every person and division (bulk inserts:
    the rows only need to exist)."""
    first, second = bureau["divisions"]
    people = bureau["people"]
    writers = (people["staff"], people["head"], people["office"])
    entries, reviews, claims, appeals, plans, adjustments = [], [], [], [], [], []
    for i in range(start, start + rows):
        for person in writers:
            entries.append(
                {
                    "person": person,
                    "date": TODAY - dt.timedelta(days=i),
                    "item": bureau["item"],
                    "hours": Decimal("2.5"),
                    "confirmed_hours": Decimal(1),
                    "status": "confirmed" if i % 2 else "draft",
                }
            )
            rater = people["leader"] if person is people["head"] else people["head"]
            week = LAST_WEEK - dt.timedelta(weeks=i)
            reviews.append({"person": person, "week_start": week, "rater": rater, "due": week + dt.timedelta(days=8)})
            claims.append({"person": person, "date": TODAY, "hours": 1, "bulletin": "b", "standard": "s"})
            appeals.append({"year": 2023, "appellant": person, "subject": "s", "grounds": "g"})
        for division in (first, second):
            plans.append({"division": division, "year": 2023 - i // 12, "month": 12 - i % 12, "status": "approved"})
            adjustments.append(
                {
                    "year": 2023,
                    "division": division,
                    "kind": "bonus",
                    "category": "innovation",
                    "points": 1,
                    "reason": "r",
                }
            )
    with db.atomic(), chain_write("test history"):
        for model, values in (
            (WorkLogEntry, entries),
            (WeeklyReview, reviews),
            (ExtraTimeClaim, claims),
            (Appeal, appeals),
            (MonthlyPlan, plans),
            (Adjustment, adjustments),
        ):
            model.insert_many(values).execute()
        for plan in MonthlyPlan.select().where(MonthlyPlan.id.not_in(PlanItem.select(PlanItem.plan))):
            PlanItem.insert_many([{"plan": plan, "title": "重点工作", "weight": w} for w in (60, 40)]).execute()


@pytest.mark.parametrize("role", list(BUDGETS))
def test_home_page_runs_a_fixed_number_of_queries_whatever_the_history(
    database,
    client,
    login_as,
    assert_query_count,  # noqa: F811 - the fixture imported above
    role,
):
    """STYLE §6: the same statements with 1 row of each kind and with 50 — no N+1 on any role's home page."""
    bureau = _bureau()
    login_as(bureau["people"][role])
    _grow(bureau, 1, start=0)
    with assert_query_count(BUDGETS[role]):
        home(client)
    _grow(bureau, 49, start=1)
    with assert_query_count(BUDGETS[role]) as queries:
        page = home(client)
    assert len(queries) == BUDGETS[role] and "<section" in page
    assert Division.select().count() == 2
