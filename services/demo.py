"""The demo bureau (issue 3): the 8 divisions of the plan, its leaders and people, item libraries, approved
monthly plans and confirmed work logs for October–December 2023, and the rules and pay standards of
`examples/scoring/basic.input.json`. Deterministic: the same database every time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import chinese_calendar

import models
from models import (
    Absence,
    Adjustment,
    AnalysisMeeting,
    AnnualArrangement,
    AnnualTarget,
    AssessmentYear,
    AuditLog,
    DemocraticEvaluation,
    Division,
    DivisionMembership,
    ExtraTimeClaim,
    ItemLibraryEntry,
    LeaderAssignment,
    MassEvaluation,
    MonthlyPlan,
    MonthlyReport,
    PayStandard,
    Person,
    PlanItem,
    WeeklyReview,
    WorkLogEntry,
    audit_suspended,
    db,
)
from models.guard import chain_write
from services import approvals, clock

YEAR = 2023
MONTHS = (10, 11, 12)
DEMO_PASSWORD = "demo2023"  # noqa: S105 - printed on purpose: it only ever opens the demo bureau

DIVISIONS = [
    ("GH", "规划管理处", "business"),
    ("YD", "用地规划处", "business"),
    ("GC", "工程规划处", "business"),
    ("SZ", "市政规划处", "business"),
    ("CZ", "村镇规划处", "business"),
    ("BGS", "办公室", "general"),
    ("ZCFG", "政策法规处", "general"),
    ("JCS", "监察室", "general"),
]
LEADERS = [("L1", ("GH", "YD", "GC")), ("L2", ("SZ", "CZ", "ZCFG")), ("L3", ("BGS", "JCS"))]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲婷雪琳晨阳宇浩然思远文博子涵欣怡嘉怡"

LIBRARY = {
    "business": [
        ("建设项目规划条件核定", "件", "4"),
        ("建设工程规划许可审查", "件", "6"),
        ("规划方案技术审查", "项", "3"),
        ("现场踏勘与核实", "次", "2.5"),
        ("规划咨询答复", "件", "1"),
        ("会议纪要与材料起草", "篇", "2"),
        ("窗口受理与档案整理", "批", "1.5"),
        ("专项规划编制协调", "次", "3.5"),
    ],
    "general": [
        ("公文起草与审核", "篇", "3"),
        ("会议组织与服务", "次", "2.5"),
        ("信息宣传稿件", "篇", "2"),
        ("制度文件清理审查", "件", "3"),
        ("来信来访办理", "件", "1.5"),
        ("督查督办事项", "项", "2"),
        ("档案与资产管理", "批", "1"),
        ("调研报告撰写", "篇", "4"),
    ],
}
TARGETS = [
    ("city", "完成市委市政府下达的年度规划审批目标任务"),
    ("province", "落实省住建厅对口工作要求"),
    ("party_group", "推进局党组年度重点工作"),
    ("function", "履行处室职能，提升审批服务效能"),
]
# Pay standards by rank level, in the shape of the scoring input (those of examples/scoring/basic.input.json).
STANDARDS: dict[str, dict[str, str]] = {
    level: dict(zip(("org_monthly", "personal_monthly", "competitive_rate", "annual_base"), values, strict=True))
    for level, values in {
        "副局级": ("1500", "0", "0", "20000"),
        "处级": ("1000", "800", "20", "15000"),
        "副处级": ("800", "700", "20", "12000"),
        "科级": ("0", "600", "15", "10000"),
    }.items()
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    name: str
    division: str


def has_data() -> bool:
    return Division.select().exists()


def reset() -> None:
    """Empty every table (children first) so the demo can be loaded again."""
    with db.atomic(), chain_write("demo reset"):
        for model in reversed(models.ALL_MODELS):
            model.delete().execute()


def workdays(year: int, month: int) -> list[dt.date]:
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        if chinese_calendar.is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


ROLE_LOGINS = [
    ("局长 director", "juzhang"),
    ("分管领导 leader in charge", "fenguan1"),
    ("局绩效办 performance office", "jixiaoban"),
    ("处室负责人 division head", "chuzhang"),
    ("处室副职 deputy head", "fuchuzhang"),
    ("工作人员 staff", "keyuan"),
    ("借用人员 borrowed staff", "jieyong"),
    ("系统管理员 system administrator", "guanliyuan"),
]


def load() -> list[DemoLogin]:
    """Create the demo bureau in one transaction; returns one login per role."""
    rng = random.Random(YEAR)  # noqa: S311 - demo data, not security
    with db.atomic(), audit_suspended(), chain_write("demo"):
        _load(rng)
        AuditLog.create(actor_name="demo", action="create", model="DemoBureau", record_id=str(YEAR), after={})
    return logins()


def logins() -> list[DemoLogin]:
    by_username = {p.username: p for p in Person.select().where(Person.username.in_([u for _, u in ROLE_LOGINS]))}
    result = []
    for role, username in ROLE_LOGINS:
        person = by_username.get(username)
        if person is not None:
            where = person.division.name if person.division_id else "局领导"
            result.append(DemoLogin(role, username, person.name, where))
    return result


def _names(rng: random.Random, count: int) -> list[str]:
    seen: set[str] = set()
    names = []
    while len(names) < count:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _load(rng: random.Random) -> None:
    AssessmentYear.create(year=YEAR, period_start=MONTHS[0], period_end=MONTHS[-1], rules={})
    for level, standard in STANDARDS.items():
        PayStandard.create(year=YEAR, level=level, **{key: Decimal(value) for key, value in standard.items()})
    divisions = {
        code: Division.create(code=code, name=name, category=cat, sort_order=i)
        for i, (code, name, cat) in enumerate(DIVISIONS, start=1)
    }
    names = iter(_names(rng, 60))
    _person("D01", next(names), None, "director", "局级", "juzhang", party_group=True)
    leaders = {}
    for code, owned in LEADERS:
        leader = _person(code, next(names), None, "leader", "副局级", f"fenguan{code[-1]}")
        leaders[code] = leader
        for div_code in owned:
            LeaderAssignment.create(division=divisions[div_code], leader=leader)
    people: list[Person] = []
    n = 0
    first_of = {}
    for code, _name, _cat in DIVISIONS:
        division = divisions[code]
        staff_count = 4 if code in {"GH", "YD", "BGS"} else 3
        roles = [("head", "处级"), ("deputy", "副处级")] + [("staff", "科级")] * staff_count
        for position, level in roles:
            n += 1
            person = _person(
                f"P{n:02d}",
                next(names),
                division,
                position,
                level,
                None,
                office=(code == "BGS" and position == "head"),  # the office's head runs 局绩效办
                borrowed=(position == "staff" and n % 7 == 0),
            )
            people.append(person)
            first_of.setdefault((code, position), person)
    usernames = {
        ("GH", "head"): "chuzhang",
        ("GH", "deputy"): "fuchuzhang",
        ("GH", "staff"): "keyuan",
        ("BGS", "head"): "jixiaoban",
        ("BGS", "staff"): "guanliyuan",
    }
    for key, username in usernames.items():
        person = first_of[key]
        person.username = username
        person.system_admin = username == "guanliyuan"  # accounts and roles: 办公室's IT clerk, not its office role
        person.set_password(DEMO_PASSWORD)
        person.save()
    borrowed = next(p for p in people if p.employment == "borrowed")
    borrowed.username = "jieyong"
    borrowed.set_password(DEMO_PASSWORD)
    borrowed.save()

    _library_and_logs(rng, divisions, people, leaders)
    _plans_and_targets(rng, divisions)
    _year_end(rng, divisions, people)
    _approvals_under_way(rng, divisions, people)


def _person(
    code: str,
    name: str,
    division: Division | None,
    position: str,
    level: str,
    username: str | None,
    *,
    office: bool = False,
    party_group: bool = False,
    borrowed: bool = False,
) -> Person:
    person = Person(
        code=code,
        name=name,
        division=division,
        position=position,
        level=level,
        employment="borrowed" if borrowed else "regular",
        joined=dt.date(2015, 1, 1) if not borrowed else dt.date(YEAR, 3, 1),
        office_member=office,
        party_group_member=party_group or position == "director",
        username=username or f"u{code.lower()}",
    )
    person.set_password(DEMO_PASSWORD)
    person.save()
    if division is not None:
        DivisionMembership.create(person=person, division=division, position=position, start=person.joined)
    return person


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _tuesday_after(week_start: dt.date) -> dt.date:
    return week_start + dt.timedelta(days=8)


def _library_and_logs(rng, divisions, people, leaders) -> None:
    libraries: dict[int, list[ItemLibraryEntry]] = {}
    for division in divisions.values():
        entries = []
        for name, unit, hours in LIBRARY[division.category]:
            entries.append(
                ItemLibraryEntry.create(division=division, name=name, unit=unit, standard_hours=Decimal(hours))
            )
        libraries[division.id] = entries
    heads = {p.division_id: p for p in people if p.position == "head"}
    leader_of = {a.division_id: a.leader for a in LeaderAssignment.select()}
    last_week = _week_start(dt.date(YEAR, 12, 25))
    rows = []
    for person in people:
        library = libraries[person.division_id]
        rater = leader_of[person.division_id] if person.position == "head" else heads[person.division_id]
        reviews: dict[dt.date, WeeklyReview] = {}
        for month in MONTHS:
            for day in workdays(YEAR, month):
                week = _week_start(day)
                if week not in reviews:
                    done = week < last_week
                    reviews[week] = WeeklyReview.create(
                        person=person,
                        week_start=week,
                        rater=rater,
                        due=_tuesday_after(week),
                        status="done" if done else "open",
                        rated_at=dt.datetime.combine(_tuesday_after(week), dt.time(16, 0)) if done else None,
                    )
                review = reviews[week]
                target = Decimal(rng.choice(["5", "5.5", "6", "6.5", "7", "7.5", "8"]))
                total = Decimal(0)
                for item in rng.sample(library, 3):
                    if total >= target:
                        break
                    quantity = Decimal(rng.choice([1, 1, 1, 2]))
                    hours = quantity * item.standard_hours
                    total += hours
                    confirmed = review.status == "done"
                    rows.append(
                        {
                            "person": person.id,
                            "date": day,
                            "item": item.id,
                            "quantity": quantity,
                            "description": f"{item.name}（{day.month}月{day.day}日）",
                            "hours": hours,
                            "confirmed_hours": hours if confirmed else None,
                            "status": "confirmed" if confirmed else "draft",
                            "review": review.id,
                        }
                    )
    for start in range(0, len(rows), 500):
        WorkLogEntry.insert_many(rows[start : start + 500]).execute()


def _plans_and_targets(rng, divisions) -> None:
    weights = [30, 25, 20, 15, 10]
    for division in divisions.values():
        for source, title in TARGETS:
            AnnualTarget.create(
                year=YEAR, division=division, source=source, title=f"{division.name}：{title}", status="approved"
            )
        AnnualArrangement.create(
            year=YEAR, division=division, content=f"{division.name}{YEAR}年度主要工作安排", status="approved"
        )
        for month in MONTHS:
            plan = MonthlyPlan.create(
                division=division,
                year=YEAR,
                month=month,
                status="approved",
                submitted_at=dt.datetime(YEAR, month, 1, 9),
                approved_at=dt.datetime(YEAR, month, 3, 17),
            )
            for seq, weight in enumerate(weights, start=1):
                roll = rng.random()
                outcome = "done" if roll < 0.86 else ("unfinished_ack" if roll < 0.93 else "unfinished")
                PlanItem.create(
                    plan=plan,
                    seq=seq,
                    title=f"{month}月重点工作{seq}：{rng.choice(LIBRARY[division.category])[0]}",
                    weight=Decimal(weight),
                    outcome=outcome,
                    outcome_note="" if outcome == "done" else "因上级部署调整未按期完成",
                )
            MonthlyReport.create(
                division=division,
                year=YEAR,
                month=month,
                completion=f"{division.name}{month}月绩效计划完成情况",
                next_targets=f"{division.name}{month % 12 + 1}月绩效目标",
                status="approved",
            )
    for month in (11, 12):
        meeting_day = _meeting_day(YEAR, month)
        AnalysisMeeting.create(year=YEAR, month=month, date=meeting_day, report_due=_add_workdays(meeting_day, 2))


def _meeting_day(year: int, month: int) -> dt.date:
    """R-RUN-1: before the 5th of the month; a holiday moves it to the next working day."""
    day = dt.date(year, month, 4)
    while not chinese_calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _add_workdays(day: dt.date, count: int) -> dt.date:
    while count:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            count -= 1
    return day


def _year_end(rng, divisions, people) -> None:
    for division in divisions.values():
        MassEvaluation.create(year=YEAR, division=division, score=Decimal(rng.randint(850, 980)) / 10)
    for person in people:
        DemocraticEvaluation.create(year=YEAR, person=person, score=Decimal(rng.randint(78, 98)))
    Adjustment.create(
        year=YEAR,
        division=divisions["GH"],
        kind="bonus",
        category="commendation",
        points=Decimal(3),
        reason="获省住建厅通报表扬",
        evidence="省住建厅通报〔2023〕45号",
        status="approved",
    )
    Adjustment.create(
        year=YEAR,
        division=divisions["YD"],
        kind="deduction",
        category="assigned_overdue",
        points=Decimal("1.5"),
        reason="市政府交办事项逾期办结",
        evidence="市督查室督查通报〔2023〕11期",
        status="approved",
    )
    trainee = next(p for p in people if p.division.code == "GH" and p.position == "staff")
    Absence.create(person=trainee, kind="training", start=dt.date(YEAR, 12, 4), end=dt.date(YEAR, 12, 15))
    claimant = next(p for p in people if p.division.code == "YD" and p.position == "staff")
    ExtraTimeClaim.create(
        person=claimant,
        date=dt.date(YEAR, 11, 20),
        hours=Decimal(6),
        bulletin="督查通报〔2023〕11期",
        standard="办实事 每件6小时",
        reason="牵头办理民生实事一件",
        status="approved",
    )


DEMO_TODAY = dt.date(YEAR, 12, 27)  # the day scripts/demo.sh pins (BUREAU_TODAY)
NEXT_PLAN = (YEAR + 1, 1)


@contextlib.contextmanager
def _on_day(day: dt.date) -> Iterator[None]:
    """Run the approvals as of `day`, so due dates and history are the same on every load of the demo."""
    saved = clock._pinned
    clock.pin(day)
    try:
        yield
    finally:
        clock.pin(saved)


def _approvals_under_way(rng, divisions, people) -> None:
    """Issue 5: cases in every approver's task list on the demo day, each started through the service so its
    case, tasks and history exist: January plans (one at the office's review, the rest drafts to submit),
    last week's ratings (R-RUN-6), an extra-time claim waiting since the 20th (overdue at the head, R-RUN-7)
    and an appeal at the superior's talk (R-APL-2)."""
    approvals.install_bundled_diagrams()
    heads = {p.division.code: p for p in people if p.position == "head"}
    year, month = NEXT_PLAN
    plans = {}
    for code, division in divisions.items():
        plan = MonthlyPlan.create(division=division, year=year, month=month, status="draft")
        for seq, weight in enumerate([30, 25, 20, 15, 10], start=1):
            PlanItem.create(
                plan=plan,
                seq=seq,
                title=f"{month}月重点工作{seq}：{rng.choice(LIBRARY[division.category])[0]}",
                weight=Decimal(weight),
            )
        plans[code] = plan
    with _on_day(dt.date(YEAR, 12, 20)):
        claimant = next(p for p in people if p.username == "keyuan")
        approvals.file_extra_time(
            claimant,
            dt.date(YEAR, 12, 18),
            Decimal(4),
            "督查通报〔2023〕12期",
            "宣传信息调研 每篇4小时",
            "撰写调研信息一篇",
        )
    with _on_day(DEMO_TODAY):
        approvals.start("monthly_plan", plans["YD"], heads["YD"], "1月绩效计划已按分析会意见编制，请审核")
        last_week = WeeklyReview.select().where(WeeklyReview.status == "open").order_by(WeeklyReview.id)
        for review in last_week:
            approvals.start("weekly_review", review, review.person)
        deputy = next(p for p in people if p.username == "fuchuzhang")
        approvals.file_appeal(deputy, YEAR, 11, "11月个人绩效时间", "11月两条现场踏勘日志未被确认，已补充佐证材料")
