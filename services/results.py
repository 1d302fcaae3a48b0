"""From the database to the scoring rules and back (issue 4 §3).

`build_input(year)` reads the models into exactly the input structure of `python -m scoring`
(RULES §7): only confirmed log hours, approved extra time, approved adjustments and exemptions, the year's
rule parameters, pay standards and calendar overrides. `recompute(year)` runs the same pure function and
stores the result as a new versioned `ScoreSnapshot`; screens and notices read snapshots only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import peewee as pw
from psycopg2.extras import execute_values

import scoring
from models import (
    Absence,
    Adjustment,
    AssessmentYear,
    CalendarOverride,
    DemocraticEvaluation,
    Division,
    DivisionMonthScore,
    DivisionYearResult,
    Exemption,
    ExtraTimeClaim,
    GradeOverride,
    LeaderAssignment,
    MassEvaluation,
    MonthlyPlan,
    PayStandard,
    Person,
    PersonMonthResult,
    PersonYearResult,
    PlanItem,
    ScoreSnapshot,
    Veto,
    WorkflowCase,
    WorkLogEntry,
    db,
)
from models.base import audit_batch, update_audited
from services import periods

COUNTED_LOG_STATUSES = ("confirmed", "adjusted")
BATCH = 1000


class ScoringFailed(Exception):
    """The database does not make a valid scoring input; `problems` lists each one in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _sum_by_person_month(model: type[pw.Model], hours: pw.Field, where: pw.Expression, year: int) -> list[dict]:
    """Σ hours per person and month, dated the 1st of the month: the rules only sum hours per month (RULES §4),
    so the input stays small for a city-scale year.

    One query per month over a date range, grouped by person alone: the (person, date, …) index then delivers
    each month's rows already grouped, so the database neither computes a month key for every row nor sorts
    millions of rows into a temporary B-tree (measured 1.7× faster on SQLite at city scale)."""
    codes = dict(Person.select(Person.id, Person.code).tuples())
    cent = Decimal("0.01")
    rows = []
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        query = (
            model.select(model.person, pw.fn.SUM(hours))
            .where(where, model.date.between(first, last))
            .group_by(model.person)
            .tuples()
        )
        label = f"{first:%Y-%m-%d}"
        for person_id, total in query:
            value = Decimal(str(total)).quantize(cent)
            rows.append({"person": codes[person_id], "date": label, "hours": str(value)})
    rows.sort(key=lambda r: (r["person"], r["date"]))
    return rows


def build_input(year: int) -> dict[str, Any]:
    """The scoring input of one year, read from the database (RULES §7, §8)."""
    settings = AssessmentYear.get_or_none(AssessmentYear.year == year)
    if settings is None:
        raise ScoringFailed([f"没有 {year} 年度的考核设置（规则设置 → 考核年度）"])
    start, end = settings.period_start, settings.period_end
    divisions = list(Division.select().where(Division.active).order_by(Division.sort_order, Division.id))
    division_code = {d.id: d.code for d in divisions}
    leader_of = {
        a.division_id: code
        for a, code in ((a, a.leader.code) for a in LeaderAssignment.select(LeaderAssignment, Person).join(Person))
    }
    people = list(Person.select().where(Person.active).order_by(Person.code))
    person_code = {p.id: p.code for p in people}

    plan_items = []
    plans = (
        PlanItem.select(PlanItem, MonthlyPlan)
        .join(MonthlyPlan)
        .where(
            MonthlyPlan.year == year,
            MonthlyPlan.month.between(start, end),
            MonthlyPlan.status == "approved",
        )
        .order_by(MonthlyPlan.division, MonthlyPlan.month, PlanItem.seq, PlanItem.id)
    )
    pending_months: set[int] = set()
    for item in plans:
        if item.outcome == "pending":
            pending_months.add(item.plan.id)
        plan_items.append(
            {
                "division": division_code.get(item.plan.division_id, f"#{item.plan.division_id}"),
                "month": f"{year}-{item.plan.month:02d}",
                "item": item.title,
                "weight": str(item.weight),
                "status": item.outcome,
                "_plan": item.plan.id,
            }
        )
    # A month whose meeting has not yet judged every item is not scored yet (RULES §2: then S = 0, warned).
    plan_items = [
        {k: v for k, v in row.items() if k != "_plan"} for row in plan_items if row["_plan"] not in pending_months
    ]

    hours = _sum_by_person_month(
        WorkLogEntry,
        WorkLogEntry.confirmed_hours,
        WorkLogEntry.status.in_(COUNTED_LOG_STATUSES) & WorkLogEntry.confirmed_hours.is_null(False),
        year,
    )
    extra = [
        {
            "person": person_code.get(c.person_id),
            "date": c.date.isoformat(),
            "hours": str(c.hours),
            "reason": c.bulletin,
        }
        for c in ExtraTimeClaim.select().where(ExtraTimeClaim.status == "approved").order_by(ExtraTimeClaim.id)
        if c.person_id in person_code
    ]
    absences = [
        {"person": person_code[a.person_id], "kind": a.kind, "start": a.start.isoformat(), "end": a.end.isoformat()}
        for a in Absence.select().order_by(Absence.id)
        if a.person_id in person_code and a.start.year <= year <= a.end.year
    ]
    exemptions = [
        {"person": person_code[e.person_id], "from": e.from_date.isoformat()}
        for e in Exemption.select().where(Exemption.status == "approved").order_by(Exemption.id)
        if e.person_id in person_code
    ]
    overrides = list(CalendarOverride.select().where(CalendarOverride.date.between(f"{year}-01-01", f"{year}-12-31")))
    data: dict[str, Any] = {
        "year": year,
        "period": {"start": f"{year}-{start:02d}", "end": f"{year}-{end:02d}"},
        "rules": settings.rules or {},
        "calendar": {
            "workdays": sorted(o.date.isoformat() for o in overrides if o.kind == "workday"),
            "holidays": sorted(o.date.isoformat() for o in overrides if o.kind == "holiday"),
        },
        "standards": {
            s.level: {
                "org_monthly": str(s.org_monthly),
                "personal_monthly": str(s.personal_monthly),
                "competitive_rate": str(s.competitive_rate),
                "annual_base": str(s.annual_base),
            }
            for s in PayStandard.select().where(PayStandard.year == year).order_by(PayStandard.level)
        },
        "divisions": [
            {"id": d.code, "name": d.name, "category": d.category, "leader": leader_of.get(d.id)} for d in divisions
        ],
        "people": [
            {
                "id": p.code,
                "name": p.name,
                "division": division_code.get(p.division_id) if p.division_id else None,
                "position": p.position,
                "level": p.level,
                "joined": p.joined.isoformat() if p.joined else None,
                "left": p.left.isoformat() if p.left else None,
            }
            for p in people
        ],
        "plan_items": plan_items,
        "hours": hours,
        "extra_time": extra,
        "absences": absences,
        "exemptions": exemptions,
        "mass_evaluation": {
            division_code[m.division_id]: str(m.score)
            for m in MassEvaluation.select().where(MassEvaluation.year == year)
            if m.division_id in division_code
        },
        "democratic_evaluation": {
            person_code[e.person_id]: str(e.score)
            for e in DemocraticEvaluation.select().where(DemocraticEvaluation.year == year)
            if e.person_id in person_code
        },
        "adjustments": [
            {"division": division_code[a.division_id], "kind": a.kind, "points": str(a.points), "reason": a.reason}
            for a in Adjustment.select()
            .where(Adjustment.year == year, Adjustment.status == "approved")
            .order_by(Adjustment.id)
            if a.division_id in division_code
        ],
        "vetoes": sorted(
            division_code[v.division_id]
            for v in Veto.select().where(Veto.year == year)
            if v.division_id in division_code
        ),
        "grades": {
            person_code[g.person_id]: g.grade
            for g in GradeOverride.select().where(GradeOverride.year == year)
            if g.person_id in person_code
        },
    }
    return data


def input_digest(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compute(data: dict[str, Any]) -> dict[str, Any]:
    """Run the pure rules on a JSON-shaped input; the same path as `python -m scoring`."""
    try:
        parsed = scoring.parse_input(data)
    except scoring.InputError as exc:
        raise ScoringFailed(list(exc.problems)) from exc
    return scoring.result_to_dict(scoring.compute(parsed))


MONTH_FIGURES = (
    "legal_hours",
    "qualifying_hours",
    "performance_hours",
    "competitive_hours",
    "personal_score",
    "composite",
    "org_bonus",
    "qualifying_bonus",
    "competitive_bonus",
)
"""The monthly figures of a person (RULES §4, §6): keys of the result JSON and columns of PersonMonthResult."""
ANNUAL_FIGURES = ("performance_hours", "qualifying_hours", "time_score", "personal", "composite")
DIVISION_FIGURES = (
    "monthly_avg",
    "mass_evaluation",
    "bonus",
    "deduction",
    "annual",
    "per_capita_hours",
    "rank",
    "tier",
    "vetoed",
)
"""A division's annual result (RULES §3): keys of the result JSON and columns of DivisionYearResult."""


def recompute(year: int, *, actor: Person | None = None, reason: str = "") -> ScoreSnapshot:
    """Recompute a year and store it as the new current snapshot (the previous ones are kept). Refused for a
    closed year (R-AUD-1): its results are final."""
    refuse_closed_year(year)
    data = build_input(year)
    return store(year, data, compute(data), actor=actor, reason=reason)


def refuse_closed_year(year: int) -> None:
    """ScoringFailed when the whole year is closed: neither its results nor its rules change any more."""
    if periods.year_closed(year):
        raise ScoringFailed([f"{year}年度已结账锁定，不能重新计算或修改规则"])


def store(
    year: int, data: dict[str, Any], result: dict[str, Any], *, actor: Person | None = None, reason: str = ""
) -> ScoreSnapshot:
    """Write one computed result as the new current snapshot of the year, in one transaction."""
    refuse_closed_year(year)
    divisions = {d.code: d.id for d in Division.select(Division.id, Division.code)}
    people = {p.code: (p.id, p.division_id) for p in Person.select(Person.id, Person.code, Person.division)}
    deductions: dict[tuple[str, str], list[dict]] = {}
    ratio = Decimal(str((data["rules"] or {}).get("unack_deduction_ratio", "0.5")))
    for item in data["plan_items"]:
        if item["status"] == "unfinished":
            lost = (Decimal(item["weight"]) * ratio).quantize(Decimal("0.01"))
            deductions.setdefault((item["division"], item["month"]), []).append(
                {"item": item["item"], "weight": item["weight"], "lost": str(lost)}
            )
    # The audit rows are queued and chained at the end: on PostgreSQL the chain's lock is then held for the commit
    # only, not while the result rows go in (R-AUD-1).
    with db.atomic(), audit_batch():
        last = ScoreSnapshot.select(pw.fn.MAX(ScoreSnapshot.version)).where(ScoreSnapshot.year == year).scalar() or 0
        update_audited(ScoreSnapshot.select().where(ScoreSnapshot.year == year, ScoreSnapshot.current), current=False)
        snapshot = ScoreSnapshot.create(
            year=year,
            version=last + 1,
            created_by=actor,
            reason=reason,
            input_sha256=input_digest(data),
            rules=data["rules"],
            warnings=result.get("warnings", []),
            current=True,
        )
        # Rows are tuples in the order of their column list: a year holds ~20 rows per person, and building a dict
        # per row only to take it apart again cost more than the insert itself. Result numbers are exact strings
        # with 2 decimals already; the database stores them as they are.
        sid = snapshot.id
        month_rows, year_rows = [], []
        for d in result["divisions"]:
            did = divisions[d["id"]]
            for ym, score in d["monthly"].items():
                deducted = DivisionMonthScore.deductions.db_value(deductions.get((d["id"], ym), []))
                month_rows.append((sid, did, int(ym[5:7]), score, deducted))
            year_rows.append((sid, did, *(d[k] for k in DIVISION_FIGURES)))
        _insert(DivisionMonthScore, ("snapshot", "division", "month", "score", "deductions"), month_rows)
        _insert(DivisionYearResult, ("snapshot", "division", *DIVISION_FIGURES), year_rows)
        person_year = (
            "snapshot",
            "person",
            "division",
            "assessed",
            "not_assessed_reason",
            *ANNUAL_FIGURES,
            "rank_in_division",
            "grade",
            "division_coefficient",
            "personal_coefficient",
            "annual_bonus",
        )
        pm_rows, py_rows = [], []
        for p in result["people"]:
            pid, division_id = people[p["id"]]
            for ym, m in (p.get("monthly") or {}).items():
                pm_rows.append((sid, pid, int(ym[5:7]), *(m.get(k) for k in MONTH_FIGURES)))
            annual = p.get("annual") or {}
            bonus = p.get("annual_bonus") or {}
            py_rows.append(
                (
                    sid,
                    pid,
                    division_id,
                    p.get("assessed"),
                    p.get("not_assessed_reason"),
                    *(annual.get(k) for k in ANNUAL_FIGURES),
                    p.get("rank_in_division"),
                    p.get("grade"),
                    bonus.get("division_coefficient"),
                    bonus.get("personal_coefficient"),
                    bonus.get("amount"),
                )
            )
        _insert(PersonMonthResult, ("snapshot", "person", "month", *MONTH_FIGURES), pm_rows)
        _insert(PersonYearResult, person_year, py_rows)
    return snapshot


def _insert(model: type[pw.Model], names: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk insert straight through the driver: `rows` hold the database values of the fields `names`."""
    if not rows:
        return
    columns = ", ".join(f'"{model._meta.fields[name].column_name}"' for name in names)
    cursor = db.cursor()
    if isinstance(db.obj, pw.PostgresqlDatabase):
        # psycopg2's executemany sends one statement per row (a round trip each); execute_values sends pages of
        # rows as one multi-row INSERT.
        sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES %s'  # noqa: S608 - model names
        execute_values(cursor, sql, rows, page_size=BATCH)
        return
    marks = ", ".join([db.obj.param] * len(names))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'  # noqa: S608 - model names
    for start in range(0, len(rows), BATCH * 10):
        cursor.executemany(sql, rows[start : start + BATCH * 10])


def current_snapshot(year: int) -> ScoreSnapshot | None:
    """The latest recompute of the year: a candidate until the party group approves it (R-SCO-3)."""
    return ScoreSnapshot.get_or_none((ScoreSnapshot.year == year) & (ScoreSnapshot.current == True))  # noqa: E712


def approved_snapshot(year: int) -> ScoreSnapshot | None:
    """The newest snapshot the party group approved (the ranking chain locks it, R-SCO-3): the official ranking
    and money of the year. A later recompute never replaces it until that one is approved in turn."""
    query = ScoreSnapshot.select().where(ScoreSnapshot.year == year, ScoreSnapshot.locked == True)  # noqa: E712
    return query.order_by(ScoreSnapshot.version.desc()).first()


def pending_candidate(year: int) -> ScoreSnapshot | None:
    """The latest recompute when it is newer than the approved snapshot (or nothing is approved): 待审定."""
    current, approved = current_snapshot(year), approved_snapshot(year)
    if current is None or current.locked or (approved is not None and approved.version > current.version):
        return None
    return current


def approved_on(snapshot: ScoreSnapshot) -> dt.date | None:
    """The day the party group approved this snapshot: when its ranking case ended approved."""
    if not snapshot.locked:
        return None
    case = (
        WorkflowCase.select(WorkflowCase.updated_at)
        .where(
            WorkflowCase.chain == "annual_ranking",
            WorkflowCase.subject_model == "ScoreSnapshot",
            WorkflowCase.subject_id == snapshot.id,
            WorkflowCase.finished == True,  # noqa: E712
            WorkflowCase.outcome == "approved",
        )
        .order_by(WorkflowCase.updated_at.desc())
        .first()
    )
    return case.updated_at.date() if case is not None else None


def snapshot_label(snapshot: ScoreSnapshot) -> str:
    """年度第N版考核结果, and when the party group approved it (docs/notices.md: a notice says its source)."""
    label = f"{snapshot.year}年度第{snapshot.version}版考核结果"
    day = approved_on(snapshot)
    if day is not None:
        return f"{label}（局党组{day.year}年{day.month}月{day.day}日审定）"
    return f"{label}（局党组已审定）" if snapshot.locked else f"{label}（待审定）"
