"""The result screens and the what-if screen (issue 4 §4–§5) over a small bureau built here, so each figure the
screens show is known: one division loses points for an unacknowledged item (R-SCO-1), one has no plan for
December (warning), two tie on the annual score and the per-capita hours decide (R-SCO-3), the top one is vetoed
and so is not A (R-SCO-4, R-SCO-8). Every role sees only its own rows (R-SEC-1), every table exports (R-RPT-2)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from models import (
    Absence,
    AssessmentYear,
    AuditLog,
    DemocraticEvaluation,
    Division,
    DivisionYearResult,
    ExtraTimeClaim,
    MassEvaluation,
    MonthlyPlan,
    PayStandard,
    Person,
    PersonMonthResult,
    PersonYearResult,
    PlanItem,
    ScoreSnapshot,
    Veto,
    audit_suspended,
)
from models.guard import chain_write
from services.results import current_snapshot, recompute
from tests.factories import make_division, make_leader_of, make_person, make_plan
from tests.querycount import assert_query_count  # noqa: F401 - fixture

YEAR = 2023
MONTHS = (10, 11, 12)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Bureau:
    divisions: list[Division] = field(default_factory=list)
    heads: list[Person] = field(default_factory=list)
    staff: list[list[Person]] = field(default_factory=list)
    leader: Person | None = None
    office: Person | None = None
    director: Person | None = None
    party: Person | None = None


def _division(bureau: Bureau, name: str, staff: int, hours: int, *, mass: str = "90", plans=MONTHS) -> Division:
    """A division with a head and `staff` people, approved plans whose items are all done, and `hours` of
    approved extra time per person and month (the simplest confirmed performance time, RULES §4)."""
    division = make_division(name=name, code=f"X{len(bureau.divisions) + 1:02d}", sort_order=len(bureau.divisions))
    head = make_person(division=division, position="head", level="处级", name=f"{name}处长")
    people = [make_person(division=division, name=f"{name}科员{i + 1}") for i in range(staff)]
    for month in plans:
        plan = make_plan(division, YEAR, month, weights=(60, 40), status="approved")
        PlanItem.update(outcome="done").where(PlanItem.plan == plan).execute()
    for person in [head, *people]:
        for month in MONTHS:
            ExtraTimeClaim.create(
                person=person,
                date=dt.date(YEAR, month, 10),
                hours=Decimal(hours),
                bulletin="督查通报",
                standard="办实事",
                status="approved",
            )
        DemocraticEvaluation.create(year=YEAR, person=person, score=Decimal(90))
    MassEvaluation.create(year=YEAR, division=division, score=Decimal(mass))
    bureau.divisions.append(division)
    bureau.heads.append(head)
    bureau.staff.append(people)
    return division


def build_bureau(staff: int = 2) -> Bureau:
    """Four divisions: 规划一处 loses 20 points in November, 规划二处 has no December plan, 规划三处 and 规划四处 tie
    on the annual score with 规划三处 ahead on per-capita hours — and 规划三处 is vetoed."""
    bureau = Bureau()
    with audit_suspended(), chain_write("test history"):
        AssessmentYear.create(year=YEAR, period_start=10, period_end=12)
        for level, amounts in {
            "科级": ("0", "600", "15", "10000"),
            "处级": ("1000", "800", "20", "15000"),
            "副局级": ("1500", "0", "0", "20000"),
        }.items():
            org, personal, rate, base = (Decimal(a) for a in amounts)
            PayStandard.create(
                year=YEAR,
                level=level,
                org_monthly=org,
                personal_monthly=personal,
                competitive_rate=rate,
                annual_base=base,
            )
        first = _division(bureau, "规划一处", staff, 150)
        _division(bureau, "规划二处", staff, 140, plans=(10, 11))
        third = _division(bureau, "规划三处", staff, 160)
        _division(bureau, "规划四处", staff, 130)
        november = MonthlyPlan.select(MonthlyPlan.id).where(MonthlyPlan.division == first, MonthlyPlan.month == 11)
        PlanItem.update(outcome="unfinished").where(PlanItem.plan.in_(november), PlanItem.seq == 1).execute()
        Veto.create(year=YEAR, division=third, reason="违反廉政纪律")
        bureau.leader = make_leader_of(bureau.divisions[0], bureau.divisions[1], name="分管副局长", username="leader")
        bureau.office = make_person(
            division=bureau.divisions[3], office_member=True, name="绩效办科员", username="office"
        )
        bureau.director = make_person(position="director", division=None, level="正局级", name="局长", username="boss")
        bureau.party = make_person(
            position="leader", division=None, level="副局级", party_group_member=True, name="党组成员", username="party"
        )
    return bureau


def grow(bureau: Bureau, divisions: int = 3, staff: int = 5) -> None:
    """More divisions and people of the same shape, for query budgets that must not grow with them."""
    with audit_suspended(), chain_write("test history"):
        for i in range(divisions):
            _division(bureau, f"新增{i + 1}处", staff, 120 + i)


@pytest.fixture
def bureau(database) -> Bureau:
    built = build_bureau()
    recompute(YEAR, reason="初次计算")
    return built


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response.mimetype == XLSX
    workbook = load_workbook(io.BytesIO(response.data))
    return list(workbook.active.iter_rows(values_only=True))


# ------------------------------------------------------------------------------------------------ ranking


def test_r_sco_3_r_sco_8_the_ranking_shows_tiers_the_veto_and_the_tie_break(bureau, client, login_as):
    """规划三处 and 规划四处 tie on the annual score; per-capita hours put 规划三处 first, but its veto keeps it out of
    tier A, which goes to 规划四处 (4 divisions → 1 A, 2 B, 1 C)."""
    login_as(bureau.office)
    html = page(client, "/results/")
    assert "处室年度排名" in html and "第1版" in html and "初次计算" in html
    rows = {
        r.division.name: r
        for r in DivisionYearResult.select().where(DivisionYearResult.snapshot == current_snapshot(YEAR))
    }
    assert rows["规划三处"].annual == rows["规划四处"].annual
    assert (rows["规划三处"].rank, rows["规划四处"].rank) == (1, 2)
    assert (rows["规划三处"].tier, rows["规划四处"].tier) == ("B", "A")

    def row_of(name: str) -> str:
        division_id = rows[name].division_id
        start = html.index(f'data-division="{division_id}"')
        return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]

    vetoed = row_of("规划三处")
    assert "一票否决" in vetoed and "年度得分相同，按人均绩效时间排序" in vetoed
    assert "tier-row-b" in vetoed and "先进处室" not in vetoed
    advanced = row_of("规划四处")
    assert "tier-row-a" in advanced and "先进处室" in advanced and "一票否决" not in advanced
    assert "年度得分相同，按人均绩效时间排序" in advanced
    assert "一票否决" not in row_of("规划一处") and "年度得分相同" not in row_of("规划一处")


def test_the_ranking_chart_is_inline_svg_with_every_number_as_text(bureau, client, login_as):
    login_as(bureau.office)
    html = page(client, "/results/")
    svg = html[html.index('<svg class="chart ranking-chart"') : html.index("</svg>", html.index("ranking-chart")) + 6]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<rect") == 4
    for r in DivisionYearResult.select().where(DivisionYearResult.snapshot == current_snapshot(YEAR)):
        assert f"{r.annual:.2f}" in svg
    # no script draws the chart: the only script of the page is the shell's one-click guard for forms
    assert "<script" not in html.replace('<script src="/static/once.js" defer></script>', "")


# ------------------------------------------------------------------------------------------------ months


def test_r_sco_1_each_lost_point_is_explained_and_a_month_without_plan_is_marked(bureau, client, login_as):
    """The unacknowledged item of weight 60 loses 30 points (R-SCO-1); a month without a plan scores 0, warned."""
    login_as(bureau.office)
    html = page(client, f"/results/months?division={bureau.divisions[0].id}")
    assert "处室月度得分" in html
    assert "“2023-11 重点工作1”（权重 60）未完成且未经局长认可：扣 30.00 分（权重 × 0.5）" in html
    assert "70.00" in html
    assert "无计划" in html
    assert "规划二处 12月没有已批准且已评定的月度计划：当月得分为 0" in html, "the snapshot's warning, in Chinese"
    trend = html[html.index('<svg class="chart trend-chart"') :]
    assert "规划一处" in trend[: trend.index("</svg>")] and "70.00" in trend[: trend.index("</svg>")]


def test_the_trend_chart_follows_the_chosen_division(bureau, client, login_as):
    login_as(bureau.office)
    second = bureau.divisions[1]
    html = page(client, f"/results/months?division={second.id}")
    trend = html[html.index('<svg class="chart trend-chart"') :]
    trend = trend[: trend.index("</svg>")]
    assert "规划二处月度得分" in trend and 'class="point no-plan"' in trend


# ------------------------------------------------------------------------------------------------ people


def test_r_sco_5_r_pay_1_r_pay_2_r_pay_3_a_person_page_shows_hours_scores_and_money(bureau, client, login_as):
    """A head's month: legal, qualifying, performance, competitive hours; division bonus; no competitive part."""
    head = bureau.heads[0]
    login_as(head)
    html = page(client, f"/results/people/{head.id}")
    snapshot = current_snapshot(YEAR)
    months = list(
        PersonMonthResult.select()
        .where(PersonMonthResult.snapshot == snapshot, PersonMonthResult.person == head)
        .order_by(PersonMonthResult.month)
    )
    assert [m.month for m in months] == [10, 11, 12]
    november = months[1]
    assert november.performance_hours == Decimal(150)
    assert november.competitive_hours == november.performance_hours - november.qualifying_hours
    assert november.org_bonus == Decimal("700.00"), "R-PAY-1: 1000 × 70 ÷ 100"
    assert november.competitive_bonus == Decimal(0), "R-PAY-2: heads take no competitive part"
    for value in (
        november.legal_hours,
        november.qualifying_hours,
        november.competitive_hours,
        november.personal_score,
        november.composite,
    ):
        assert f"{value:.2f}" in html
    assert "700.00" in html and "达标绩效时间" in html and "竞争绩效奖" in html
    year = PersonYearResult.get(PersonYearResult.snapshot == snapshot, PersonYearResult.person == head)
    assert f"{year.annual_bonus:,.2f}" in html, "R-PAY-3: the annual bonus"
    assert {"excellent": "优秀", "competent": "称职"}[year.grade] in html
    assert "处室内排名" in html and "年度奖金（元）" in html


def test_r_sco_7_the_people_table_lists_each_division_with_ranks_grades_and_reasons(bureau, client, login_as):
    with audit_suspended():
        absent = bureau.staff[1][0]
        Absence.create(person=absent, kind="sick", start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 6, 30))
    recompute(YEAR, reason="病假")
    login_as(bureau.director)
    html = page(client, "/results/people")
    for division in bureau.divisions:
        assert f"<h2>{division.name}</h2>" in html
    assert "病假、事假、脱产培训或借调共 181 天，超过 90 天" in html
    assert "优秀" in html and "称职" in html
    assert "局领导：不参与处室内排名" in html


# ------------------------------------------------------------------------------------------------ scope


def _visible(bureau: Bureau, who: str) -> tuple[Person, set[str]]:
    names = [d.name for d in bureau.divisions]
    return {
        "staff": (bureau.staff[0][0], {names[0]}),
        "head": (bureau.heads[1], {names[1]}),
        "leader": (bureau.leader, {names[0], names[1]}),
        "office": (bureau.office, set(names)),
        "director": (bureau.director, set(names)),
        "party": (bureau.party, set(names)),
    }[who]


@pytest.mark.parametrize("who", ["staff", "head", "leader", "office", "director", "party"])
def test_r_sec_1_lists_and_exports_never_leak_other_divisions_rows(bureau, client, login_as, who):
    """R-SEC-1, R-RPT-2: the ranking, the month table and the people table, on screen and in xlsx, hold only the
    divisions the viewer may see; staff see only their own person."""
    person, visible = _visible(bureau, who)
    login_as(person)
    hidden = {d.name for d in bureau.divisions} - visible
    for url in ("/results/", "/results/months", "/results/people"):
        html = page(client, url)
        for name in visible:
            assert name in html, (who, url, name)
        for name in hidden:
            assert name not in html, (who, url, name)
    ranking = sheet_rows(client.get("/results/?format=xlsx"))
    assert {row[1] for row in ranking[1:]} == visible
    months = sheet_rows(client.get("/results/months?format=xlsx"))
    assert {row[0] for row in months[1:]} == visible
    people = sheet_rows(client.get("/results/people?format=xlsx"))
    if who == "staff":
        assert [row[2] for row in people[1:]] == [person.name]
    else:
        assert {row[0] for row in people[1:]} - {"局领导"} == visible
        in_scope = Person.select().where(Person.division.in_([d for d in bureau.divisions if d.name in visible]))
        assert {row[2] for row in people[1:] if row[0] != "局领导"} == {p.name for p in in_scope}


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("staff", "self", 200),
        ("staff", "colleague", 403),
        ("staff", "other_division", 403),
        ("head", "colleague", 200),
        ("head", "other_division", 403),
        ("leader", "colleague", 200),
        ("leader", "far_division", 403),
        ("office", "far_division", 200),
        ("director", "far_division", 200),
        ("party", "far_division", 200),
    ],
)
def test_r_sec_1_a_person_page_outside_the_scope_is_forbidden(bureau, client, login_as, who, target, status):
    viewer = {
        "staff": bureau.staff[0][0],
        "head": bureau.heads[0],
        "leader": bureau.leader,
        "office": bureau.office,
        "director": bureau.director,
        "party": bureau.party,
    }[who]
    subject = {
        "self": bureau.staff[0][0],
        "colleague": bureau.staff[0][1],
        "other_division": bureau.staff[1][0],
        "far_division": bureau.staff[2][0],
    }[target]
    login_as(viewer)
    assert client.get(f"/results/people/{subject.id}").status_code == status
    assert client.get(f"/results/people/{subject.id}?format=xlsx").status_code == status


def test_r_sec_1_warnings_are_filtered_by_scope_too(bureau, client, login_as):
    """规划二处's missing plan is shown to its leader, not to 规划一处's staff."""
    login_as(bureau.leader)
    assert "规划二处 12月没有已批准且已评定的月度计划" in page(client, "/results/")
    login_as(bureau.staff[0][0])
    html = page(client, "/results/")
    assert "没有已批准且已评定的月度计划" not in html and "规划二处" not in html


def test_unknown_person_or_version_is_not_found(bureau, client, login_as):
    login_as(bureau.office)
    assert client.get("/results/people/999999").status_code == 404
    assert client.get("/results/?year=2023&version=99").status_code == 404


# ------------------------------------------------------------------------------------------------ exports


def test_r_rpt_2_every_table_exports_to_xlsx_with_chinese_headers_and_the_numbers(bureau, client, login_as):
    login_as(bureau.office)
    snapshot = current_snapshot(YEAR)
    ranking = sheet_rows(client.get("/results/?format=xlsx"))
    assert ranking[0][:3] == ("排名", "处室", "类别") and ranking[0][10] == "一票否决"
    results = {r.division.name: r for r in DivisionYearResult.select().where(DivisionYearResult.snapshot == snapshot)}
    for row in ranking[1:]:
        assert row[0] == results[row[1]].rank
        assert Decimal(str(row[7])).quantize(Decimal("0.01")) == results[row[1]].annual
    assert [row[10] for row in ranking[1:] if row[1] == "规划三处"] == ["是"]

    months = sheet_rows(client.get("/results/months?format=xlsx"))
    assert months[0] == ("处室", "10月", "11月", "12月", "平均", "扣分说明")
    first = next(row for row in months if row[0] == "规划一处")
    assert first[1:4] == (100, 70, 100) and "扣 30.00 分" in first[5]
    assert "无计划" in next(row for row in months if row[0] == "规划二处")[5]

    people = sheet_rows(client.get("/results/people?format=xlsx"))
    assert people[0][:4] == ("处室", "编号", "姓名", "职务") and len(people) == 1 + Person.select().count()

    head = bureau.heads[0]
    detail = sheet_rows(client.get(f"/results/people/{head.id}?format=xlsx"))
    assert detail[0][0] == "月份" and [row[0] for row in detail[1:]] == ["10月", "11月", "12月"]
    assert detail[2][8] == 700, "November's division bonus"


def test_r_rpt_2_an_older_version_exports_its_own_numbers(bureau, client, login_as):
    login_as(bureau.office)
    with audit_suspended():
        MassEvaluation.update(score=Decimal(50)).where(MassEvaluation.division == bureau.divisions[3]).execute()
    recompute(YEAR, reason="群众评议更正")
    old = sheet_rows(client.get("/results/?year=2023&version=1&format=xlsx"))
    new = sheet_rows(client.get("/results/?format=xlsx"))
    assert [r[1] for r in old[1:] if r[9] == "A"] == ["规划四处"]
    assert "规划四处" not in [r[1] for r in new[1:] if r[9] == "A"]


# ------------------------------------------------------------------------------------------------ versions, recompute


def test_an_older_version_is_viewable_with_its_number_creator_and_reason(bureau, client, login_as):
    login_as(bureau.office)
    recompute(YEAR, actor=bureau.office, reason="申诉成立")
    current = page(client, "/results/")
    assert "第2版" in current and "现行版本" in current and "计算人：绩效办科员" in current and "申诉成立" in current
    older = page(client, "/results/?year=2023&version=1")
    assert "第1版" in older and "历史版本" in older and "初次计算" in older and "计算人：系统" in older
    assert "您正在查看历史版本" in older and "您正在查看历史版本" not in current


def test_the_office_recomputes_with_a_reason_into_a_new_version(bureau, client, login_as):
    login_as(bureau.office)
    response = client.post("/results/recompute", data={"year": "2023", "reason": "申诉成立，重新计算"})
    assert response.status_code == 302
    snapshot = current_snapshot(YEAR)
    assert (snapshot.version, snapshot.reason, snapshot.created_by_id) == (2, "申诉成立，重新计算", bureau.office.id)
    assert "已重新计算：2023年度第2版。" in page(client, "/results/")


def test_recompute_needs_a_reason(bureau, client, login_as):
    login_as(bureau.director)
    client.post("/results/recompute", data={"year": "2023", "reason": "  "})
    assert current_snapshot(YEAR).version == 1
    assert "请填写重新计算的原因。" in page(client, "/results/")


@pytest.mark.parametrize("who", ["staff", "head", "leader", "party"])
def test_r_sec_1_only_the_office_and_director_may_recompute(bureau, client, login_as, who):
    person, _ = _visible(bureau, who)
    login_as(person)
    assert client.post("/results/recompute", data={"year": "2023", "reason": "试试"}).status_code == 403
    assert ScoreSnapshot.select().count() == 1
    assert "重新计算2023年度结果" not in page(client, "/results/")


def test_r_sec_1_recompute_needs_the_csrf_token(app, bureau, client, login_as):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(bureau.office)
    assert client.post("/results/recompute", data={"year": "2023", "reason": "无令牌"}).status_code == 400
    assert ScoreSnapshot.select().count() == 1
    assert 'name="csrf_token"' in page(client, "/results/")


def test_a_year_without_results_says_so_and_offers_the_office_a_first_computation(database, client, login_as):
    with chain_write("test history"):
        build_bureau()
    office = Person.get(Person.username == "office")
    login_as(office)
    html = page(client, "/results/")
    assert "本年度尚未计算考核结果。" in html and "重新计算2023年度结果" in html


# ------------------------------------------------------------------------------------------------ what-if


@pytest.mark.parametrize("who", ["staff", "head", "leader", "party"])
def test_r_sec_1_what_if_is_for_the_office_and_director_only(bureau, client, login_as, who):
    person, _ = _visible(bureau, who)
    login_as(person)
    assert client.get("/results/what-if").status_code == 403
    assert client.post("/results/what-if", data={"year": "2023", "tier_a": "0.5"}).status_code == 403
    assert (
        client.post("/results/what-if/commit", data={"year": "2023", "tier_a": "0.5", "reason": "x"}).status_code == 403
    )
    assert AssessmentYear.get(AssessmentYear.year == YEAR).rules == {}


def test_the_what_if_form_lists_every_rule_parameter_with_its_current_value(bureau, client, login_as):
    from services.whatif import RULE_PARAMETERS

    with audit_suspended():
        AssessmentYear.update(rules={"bonus_cap": "3"}).where(AssessmentYear.year == YEAR).execute()
    login_as(bureau.director)
    html = page(client, "/results/what-if")
    assert "模拟测算：2023年度规则参数" in html
    for name, label in RULE_PARAMETERS.items():
        assert f'name="{name}"' in html and label in html
    assert 'name="bonus_cap" value="3"' in html and 'name="tier_a" value="0.30"' in html
    assert 'name="competitive_cap_hours" value=""' in html


def _state() -> tuple:
    return (
        ScoreSnapshot.select().count(),
        AuditLog.select().count(),
        AssessmentYear.get(AssessmentYear.year == YEAR).rules,
        DivisionYearResult.select().count(),
    )


def test_what_if_shows_before_and_after_and_stores_nothing(bureau, client, login_as):
    """Issue 4 §5: tier_a 0.5 → 2 A divisions instead of 1; ranks stay; money rises; nothing is written."""
    login_as(bureau.office)
    before = _state()
    page(client, "/results/what-if")
    response = client.post("/results/what-if", data={"year": "2023", "tier_a": "0.5", "tier_b": "0.25"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _state() == before, "a what-if stores nothing"
    section = html[html.index('id="what-if-divisions"') :]
    section = section[: section.index("</table>")]
    assert "规划一处" in section and '<span class="before">B</span> → <strong class="after">A</strong>' in section
    assert "规划三处" not in section, "the vetoed division stays B"
    assert "现行规则兑现总额（元）" in html and "测算规则兑现总额（元）" in html
    assert "提交规则并重新计算" in html
    assert 'type="hidden" name="tier_a" value="0.5"' in html
    people = html[html.index('id="what-if-people"') :]
    assert "规划一处处长" in people[: people.index("</table>")]


def test_what_if_with_nothing_changed_says_so(bureau, client, login_as):
    login_as(bureau.office)
    html = client.post("/results/what-if", data={"year": "2023", "tier_a": "0.30", "w_mass": "0.2"}).get_data(
        as_text=True
    )
    assert "没有参数与现行规则不同。" in html and "提交规则并重新计算" not in html


def test_what_if_bad_input_gives_the_chinese_messages(bureau, client, login_as):
    login_as(bureau.office)
    before = _state()
    html = client.post(
        "/results/what-if", data={"year": "2023", "tier_a": "三成", "coef_a": "-1", "absence_limit_days": "1.5"}
    ).get_data(as_text=True)
    assert "A 档比例：“三成” 不是数字" in html and "A 档系数：不能为负数" in html
    assert 'value="三成"' in html, "the form keeps what was typed"
    html = client.post("/results/what-if", data={"year": "2023", "absence_limit_days": "1.5"}).get_data(as_text=True)
    assert "rules.absence_limit_days：&#39;1.5&#39; 应为整数天数" in html
    assert _state() == before


def test_committing_writes_the_rules_audited_and_recomputes(bureau, client, login_as):
    login_as(bureau.office)
    response = client.post(
        "/results/what-if/commit", data={"year": "2023", "tier_a": "0.5", "tier_b": "0.25", "reason": "党组会议决定"}
    )
    assert response.status_code == 302
    settings = AssessmentYear.get(AssessmentYear.year == YEAR)
    assert settings.rules == {"tier_a": "0.5", "tier_b": "0.25"}
    audit = AuditLog.select().where(AuditLog.model == "AssessmentYear").order_by(AuditLog.id.desc()).first()
    assert audit.actor_id == bureau.office.id and audit.after["rules"] == {"tier_a": "0.5", "tier_b": "0.25"}
    snapshot = current_snapshot(YEAR)
    assert (snapshot.version, snapshot.reason, snapshot.rules["tier_a"]) == (2, "党组会议决定", "0.5")
    tiers = [r.tier for r in DivisionYearResult.select().where(DivisionYearResult.snapshot == snapshot)]
    assert tiers.count("A") == 2
    assert "2023年度规则已调整，考核结果已重新计算为第2版。" in page(client, "/results/")


def test_committing_is_refused_once_the_year_is_locked(bureau, client, login_as):
    with audit_suspended():
        AssessmentYear.update(locked=True).where(AssessmentYear.year == YEAR).execute()
    login_as(bureau.director)
    html = client.post("/results/what-if", data={"year": "2023", "tier_a": "0.5"}).get_data(as_text=True)
    assert "2023年度规则已锁定：可以测算，但不能提交。" in html
    client.post("/results/what-if/commit", data={"year": "2023", "tier_a": "0.5", "reason": "试图修改"})
    assert AssessmentYear.get(AssessmentYear.year == YEAR).rules == {}
    assert ScoreSnapshot.select().count() == 1
    assert "2023 年度规则已锁定，不能修改" in page(client, "/results/what-if")


def test_committing_needs_a_reason(bureau, client, login_as):
    login_as(bureau.office)
    client.post("/results/what-if/commit", data={"year": "2023", "tier_a": "0.5", "reason": ""})
    assert AssessmentYear.get(AssessmentYear.year == YEAR).rules == {}
    assert "请填写规则调整的原因。" in page(client, "/results/what-if")


# ------------------------------------------------------------------------------------------------ budgets, language

PAGES = {
    "ranking": ("/results/", "office"),
    "ranking_xlsx": ("/results/?format=xlsx", "office"),
    "months": ("/results/months", "office"),
    "months_leader": ("/results/months", "leader"),
    "people": ("/results/people", "head"),
    "people_office": ("/results/people", "office"),
    "person": ("/results/people/{head}", "office"),
    "what_if": ("/results/what-if", "office"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_runs_a_fixed_number_of_queries(
    database,
    client,
    login_as,
    assert_query_count,  # noqa: F811 - the fixture imported above
    name,
):
    """STYLE §6: the same statements with 4 divisions of 3 people and with 7 divisions and 30 more people."""
    url, who = PAGES[name]
    bureau = build_bureau()
    recompute(YEAR)
    viewer = {"office": bureau.office, "leader": bureau.leader, "head": bureau.heads[0]}[who]
    login_as(viewer)
    url = url.format(head=bureau.heads[0].id)
    client.get(url)  # warm-up: translations and templates load once per process
    with assert_query_count(EXPECTED_QUERIES[name]):
        assert client.get(url).status_code == 200
    grow(bureau)
    recompute(YEAR)
    with assert_query_count(EXPECTED_QUERIES[name]):
        assert client.get(url).status_code == 200


# login (1) + the snapshot picker (3) + the page's own rows; +2 to name the divisions and people of the
# snapshot's warnings, +1 for a leader's divisions, +1 for the person and +2 for their months on a person page.
EXPECTED_QUERIES = {
    "ranking": 7,
    "ranking_xlsx": 5,
    "months": 7,
    "months_leader": 8,
    "people": 9,  # +1 the count and totals of all matching rows, +1 the divisions to filter by (paged, issue 10)
    "people_office": 9,
    "person": 8,
    "what_if": 3,
}


def test_r_ui_1_the_result_screens_are_chinese_by_default_and_english_on_request(bureau, client, login_as):
    login_as(bureau.office)
    chinese = page(client, "/results/")
    assert "考核结果" in chinese and "年度得分" in chinese and "导出 Excel" in chinese
    assert "Annual score" not in chinese
    english = page(client, "/results/?lang=en")
    assert "Annual score" in english and "Export to Excel" in english and "年度得分" not in english


def test_r_rpt_2_names_that_look_like_formulas_export_as_text_beside_numeric_hours(bureau, client, login_as):
    """Issue 9 §8: the portal's tables export through the same cell rule as the admin: text is literal, never a
    formula; Decimal hours stay numbers."""
    names = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]
    people = [staff[0] for staff in bureau.staff]
    with audit_suspended():
        for person, name in zip(people, names, strict=True):
            Person.update(name=name).where(Person.id == person.id).execute()
    login_as(bureau.office)
    response = client.get("/results/people?format=xlsx")
    sheet_rows(response)  # a workbook
    rows = {r[1].value: r for r in load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2)}
    for person, name in zip(people, names, strict=True):
        row = rows[person.code]
        assert (row[2].data_type, row[2].value) == ("s", name)
        assert row[4].data_type == "n" and Decimal(str(row[4].value)) > 0, "annual performance hours"
