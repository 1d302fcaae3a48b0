"""考核结果: the result screens (issue 4 §4) and the what-if screen (§5), thin views over
`services.result_views` and `services.whatif`.

Every screen reads one stored snapshot — the year's current one unless `?version=` picks an older one — and only
the rows the viewer may see (R-SEC-1); every table exports to xlsx with the same rows (`?format=xlsx`, R-RPT-2).
The office and the director may recompute a year and try rule changes before committing them.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from models import Person
from portal import labels
from portal.inputs import db_int
from portal.layout import hours, month_name, register_nav
from reports.xlsx import read_and_close, table_to_xlsx, xlsx_file
from services import jobs, result_pages, result_views, whatif
from services.access import Scope, scope_of
from services.results import ScoringFailed

bp = Blueprint("results", __name__, url_prefix="/results")

MANAGERS = frozenset({"office", "director"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GRADES = {
    "excellent": _l("Excellent"),
    "competent": _l("Competent"),
    "basically_competent": _l("Basically competent"),
    "incompetent": _l("Incompetent"),
}
CATEGORIES = {"business": _l("Business division"), "general": _l("General division")}
TIE_BREAKS = {
    "同分，按人均绩效时间": _l("Tied on the annual score: decided by per-capita hours"),
    "同分，按处室编号": _l("Tied on score and per-capita hours: decided by division code"),
}
WARNINGS = {
    "no_plan": _l("%(division)s has no judged, approved plan for %(month)s: monthly score 0"),
    "no_mass_evaluation": _l("%(division)s has no mass evaluation: counted as 0"),
    "no_standard": _l("No pay standard for level %(detail)s of %(person)s: no money computed"),
    "no_working_day": _l("%(person)s has no working day in scope during the period: time score 0"),
    "no_democratic_evaluation": _l("%(person)s has no democratic evaluation: counted as 0"),
    "grade_ignored": _l("The grade set by hand for %(person)s is ignored: excellence follows the quota"),
    "leader_without_division": _l("%(person)s leads no division: no division bonus"),
    "outside_year": _l("Hours of %(person)s dated %(detail)s are outside the year and ignored"),
}


# ---------------------------------------------------------------------------------------------------- helpers


def _is_manager() -> bool:
    return bool(current_user.roles & MANAGERS)


def _require_manager() -> None:
    if not _is_manager():
        abort(403)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, type=db_int)
    return value


def _selection() -> result_views.Selection:
    """The snapshot picked by `?year=&version=`; by default the configured year's (or the latest) current one."""
    year = _int_arg("year")
    if year is None and current_app.config.get("CURRENT_YEAR"):
        year = int(current_app.config["CURRENT_YEAR"])
    version = _int_arg("version")
    selection = result_views.select_snapshot(year, version)
    if version is not None and selection.snapshot is None:
        abort(404)
    return selection


def _picked(selection: result_views.Selection) -> dict[str, Any]:
    """Query arguments that keep the viewer on the snapshot they picked (only an older version needs them)."""
    args: dict[str, Any] = {}
    if selection.year is not None:
        args["year"] = selection.year
    if selection.info is not None and selection.info.id != selection.default_id:
        args["version"] = selection.info.version
    return args


def _wants_xlsx() -> bool:
    return request.args.get("format") == "xlsx"


def _xlsx(title: str, headers: Sequence[object], rows: Sequence[Sequence[object]], name: str) -> Response:
    data = table_to_xlsx(title, [str(h) for h in headers], rows)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"{name}.xlsx")


def _xlsx_streamed(title: str, headers: Sequence[object], rows: Iterable[Sequence[object]], name: str) -> Response:
    """A table of any length: written row by row into a temporary file, then sent (memory bounded)."""
    path, _size = xlsx_file(title, [str(h) for h in headers], rows)
    response = Response(read_and_close(path), mimetype=XLSX, direct_passthrough=True)
    response.headers.set("Content-Disposition", "attachment", filename=f"{name}.xlsx")
    return response


def _version_label(selection: result_views.Selection) -> str:
    info = selection.info
    return _("%(year)d, version %(version)d", year=info.year, version=info.version) if info else ""


def _grade(code: str | None) -> str:
    return str(GRADES[code]) if code in GRADES else (code or "")


def _percent(value: str | None) -> str:
    return "" if value is None else f"{(Decimal(value) * 100).normalize():f}%"


def score(value: Decimal | int | None) -> str:
    """Scores and hours with two decimals, as the rulebook rounds them (RULES §0)."""
    return "—" if value is None else f"{Decimal(value):.2f}"


def money(value: Decimal | None) -> str:
    """Yuan with a thousands separator and two decimals."""
    return "—" if value is None else f"{Decimal(value):,.2f}"


def warning_text(w: result_views.ResultWarning) -> str:
    if w.kind in WARNINGS:
        month = month_name(2000, w.month) if w.month else ""
        return str(WARNINGS[w.kind]) % {
            "division": w.division or "",
            "person": w.person or "",
            "month": month,
            "detail": w.detail or "",
        }
    return w.text


def _page(template: str, selection: result_views.Selection, scope: Scope, **context: Any) -> str:
    if "warnings" not in context:
        context["warnings"] = result_views.snapshot_warnings(selection.snapshot, scope) if selection.snapshot else []
    export_args = {**(request.view_args or {}), **request.args.to_dict(), "format": "xlsx"}
    return render_template(
        template,
        export_url=url_for(request.endpoint, **export_args),
        selection=selection,
        picked=_picked(selection),
        is_manager=_is_manager(),
        grades=GRADES,
        labels=labels,
        warning_text=warning_text,
        changes=result_views.candidate_changes(selection, scope),
        **context,
    )


# ---------------------------------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    y: float
    width: float
    css: str


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars of the annual ranking; the axis starts at `low` so close scores stay apart (it says so)."""

    bars: list[Bar]
    ticks: list[tuple[float, int]]
    low: int
    height: float
    label_width: int = 120
    plot_width: int = 520
    row: int = 28


def _axis(low_value: Decimal, high_value: Decimal, floor_at: int | None = None) -> tuple[int, int, int]:
    """A readable axis: round bounds, a tick step of 5, 10 or 20."""
    low = math.floor((float(low_value) - 5) / 10) * 10
    if floor_at is not None:
        low = max(low, floor_at) if low_value >= floor_at else low
    high = max(math.ceil(float(high_value) / 10) * 10, low + 10)
    span = high - low
    step = 5 if span <= 30 else 10 if span <= 60 else 20
    return low, high, step


def ranking_chart(rows: list[result_views.RankingRow]) -> BarChart | None:
    if not rows:
        return None
    low, high, step = _axis(min(r.annual for r in rows), max(r.annual for r in rows), floor_at=0)
    chart = BarChart([], [], low, 0)
    scale = chart.plot_width / (high - low)
    bars = [
        Bar(
            f"{r.rank}. {r.division}",
            r.annual,
            i * chart.row + 8,
            max(float(r.annual) - low, 0) * scale,
            f"tier-{r.tier.lower()}",
        )
        for i, r in enumerate(rows)
    ]
    ticks = [(chart.label_width + (t - low) * scale, t) for t in range(low, high + 1, step)]
    return BarChart(bars, ticks, low, len(rows) * chart.row + 34)


@dataclass(frozen=True)
class TrendChart:
    """A division's monthly scores as a line; each point carries its number as text."""

    points: list[tuple[float, float, str, Decimal, bool]]  # x, y, month label, score, no plan
    ticks: list[tuple[float, int]]
    width: int = 560
    height: int = 240
    left: int = 44
    right: int = 24
    top: int = 24
    bottom: int = 34

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y, *_) in enumerate(self.points))


def trend_chart(months: list[int], row: result_views.MonthRow, year: int) -> TrendChart | None:
    scores = [(m, row.scores[m]) for m in months if m in row.scores]
    if not scores:
        return None
    values = [s for _, s in scores]
    low, high, step = _axis(min(values), max(max(values), Decimal(100)), floor_at=0)
    chart = TrendChart([], [])
    plot_w = chart.width - chart.left - chart.right
    plot_h = chart.height - chart.top - chart.bottom
    gap = plot_w / len(scores)

    def y_of(value: float) -> float:
        return chart.top + plot_h - (value - low) / (high - low) * plot_h

    points = [
        (chart.left + gap * (i + 0.5), y_of(float(s)), month_name(year, m), s, m in row.no_plan)
        for i, (m, s) in enumerate(scores)
    ]
    ticks = [(y_of(t), t) for t in range(low, high + 1, step)]
    return TrendChart(points, ticks)


# ---------------------------------------------------------------------------------------------------- screens


@bp.route("/")
def ranking() -> Any:
    """年度处室排名 (R-SCO-3, R-SCO-8): rank, scores, tier, veto, the tie-break where it decided."""
    selection = _selection()
    scope = scope_of(current_user.person)
    rows = result_views.ranking(selection.snapshot, scope) if selection.snapshot else []
    if _wants_xlsx() and selection.snapshot:
        headers = [
            _("Rank"),
            _("Division"),
            _("Category"),
            _("Monthly average"),
            _("Mass evaluation"),
            _("Bonus points"),
            _("Deduction points"),
            _("Annual score"),
            _("Per-capita hours"),
            _("Tier"),
            _("One-vote veto"),
            _("Tie-break"),
        ]
        table = [
            [
                r.rank,
                r.division,
                str(CATEGORIES.get(r.category, r.category)),
                r.monthly_avg,
                r.mass_evaluation,
                r.bonus,
                r.deduction,
                r.annual,
                r.per_capita_hours,
                r.tier,
                _("Yes") if r.vetoed else "",
                str(TIE_BREAKS.get(r.tie_break, r.tie_break)),
            ]
            for r in rows
        ]
        title = _("Division ranking")
        return _xlsx(title, headers, table, f"{title} {_version_label(selection)}")
    rules = whatif.with_defaults(selection.snapshot.rules or {}) if selection.snapshot else whatif.with_defaults({})
    return _page(
        "results/ranking.html",
        selection,
        scope,
        rules=rules,
        tier_a_share=_percent(rules["tier_a"]),
        rows=rows,
        chart=ranking_chart(rows),
        categories=CATEGORIES,
        tie_breaks=TIE_BREAKS,
    )


def _deduction_text(d: dict, ratio: str) -> str:
    return _(
        "“%(item)s” (weight %(weight)s) was unfinished and not acknowledged by the director: "
        "%(lost)s points lost (weight × %(ratio)s)",
        item=d.get("item", ""),
        weight=hours(d["weight"]) if d.get("weight") is not None else "",
        lost=d.get("lost", ""),
        ratio=ratio,
    )


@bp.route("/months")
def months() -> Any:
    """月度处室得分 (R-SCO-1): a division × month table, every lost point explained, months without a plan marked."""
    selection = _selection()
    scope = scope_of(current_user.person)
    snapshot = selection.snapshot
    warnings = result_views.snapshot_warnings(snapshot, scope) if snapshot else []
    month_list, rows = result_views.month_table(snapshot, scope, warnings) if snapshot else ([], [])
    ratio = str((snapshot.rules or {}).get("unack_deduction_ratio", "0.5")) if snapshot else "0.5"
    if _wants_xlsx() and snapshot:
        headers = [
            _("Division"),
            *[month_name(snapshot.year, m) for m in month_list],
            _("Average"),
            _("Points lost"),
        ]
        table = []
        for row in rows:
            notes = [
                f"{month_name(snapshot.year, m)}：{_deduction_text(d, ratio)}"
                for m in month_list
                for d in row.deductions.get(m, [])
            ]
            notes += [f"{month_name(snapshot.year, m)}：{_('no plan')}" for m in month_list if m in row.no_plan]
            table.append([row.division, *[row.scores.get(m) for m in month_list], row.average, "\n".join(notes)])
        title = _("Monthly division scores")
        return _xlsx(title, headers, table, f"{title} {_version_label(selection)}")
    chosen = None
    wanted = _int_arg("division")
    if rows:
        own = current_user.person.division_id
        chosen = next((r for r in rows if r.division_id == wanted), None) or next(
            (r for r in rows if r.division_id == own), rows[0]
        )
    return _page(
        "results/months.html",
        selection,
        scope,
        warnings=warnings,
        months=month_list,
        rows=rows,
        chosen=chosen,
        chart=trend_chart(month_list, chosen, snapshot.year) if chosen else None,
        deduction_text=lambda d: _deduction_text(d, ratio),
        ratio=ratio,
    )


@bp.route("/people")
def people() -> Any:
    """个人考核结果 (R-SCO-5, R-SCO-7, R-PAY-3): each visible person's annual figures, by division, a page at a time
    (issue 10 item 7) with search, a division filter and the totals of every matching row; the xlsx has them all."""
    selection = _selection()
    scope = scope_of(current_user.person)
    division_id = _int_arg("division")
    search = (request.args.get("q") or "").strip()[:50] or None
    if _wants_xlsx() and selection.snapshot:
        headers = [
            _("Division"),
            _("Code"),
            _("Name"),
            _("Position"),
            _("Annual performance hours"),
            _("Time score"),
            _("Composite score"),
            _("Rank in division"),
            _("Grade"),
            _("Annual bonus (yuan)"),
            _("Not assessed because"),
        ]
        table = (
            [
                r.division,
                r.code,
                r.name,
                str(labels.ROLES.get(r.position, r.position)),
                r.performance_hours,
                r.time_score,
                r.composite,
                r.rank_in_division,
                _grade(r.grade),
                r.annual_bonus,
                r.not_assessed_reason or "",
            ]
            for r in result_pages.all_people(selection.snapshot, scope, division_id, search)
        )
        title = _("Individual results")
        return _xlsx_streamed(title, headers, table, f"{title} {_version_label(selection)}")
    listing = (
        result_pages.people_page(selection.snapshot, scope, division_id, search, _int_arg("page") or 1)
        if selection.snapshot
        else None
    )
    rows = listing.rows if listing else []
    groups = [(name, list(group)) for name, group in itertools.groupby(rows, key=lambda r: r.division)]
    page_args = {**_picked(selection), **({"division": division_id} if division_id else {})}
    if search:
        page_args["q"] = search
    return _page(
        "results/people.html",
        selection,
        scope,
        groups=groups,
        division_id=division_id,
        search=search or "",
        listing=listing,
        page_args=page_args,
        divisions=result_pages.division_choices(scope) if not scope.own_only else [],
    )


@bp.route("/promotion")
def promotion() -> Any:
    """选人用人参考 (R-PAY-4): people excellent in several years — for the office and the director."""
    _require_manager()
    window = sorted(result_views.assessment_years())[-3:]  # the last three assessment years
    minimum = max(1, min(_int_arg("min") or 2, len(window) or 1))
    rows = result_views.promotion_reference(window, minimum)
    if _wants_xlsx():
        headers = [_("Name"), _("Division"), _("Excellent in"), _("Years assessed"), _("Best rank in division")]
        table = [
            [r.name, r.division, "、".join(str(y) for y in r.excellent_years), r.years_assessed, r.best_rank]
            for r in rows
        ]
        return _xlsx(_("Promotion reference"), headers, table, _("Promotion reference"))
    return render_template("results/promotion.html", rows=rows, window=window, minimum=minimum)


@bp.route("/people/<int:person_id>")
def person(person_id: int) -> Any:
    """One person's monthly figures and annual rank, grade and money (RULES §4–§6); 403 outside the scope."""
    selection = _selection()
    scope = scope_of(current_user.person)
    subject = Person.get_or_none(Person.id == person_id)
    if subject is None:
        abort(404)
    if not scope.allows_person(subject):
        abort(403)
    detail = result_views.person_detail(selection.snapshot, subject) if selection.snapshot else None
    if _wants_xlsx() and detail is not None:
        headers = [
            _("Month"),
            _("Legal hours"),
            _("Qualifying hours"),
            _("Performance hours"),
            _("Competitive hours"),
            _("Personal score"),
            _("Division score"),
            _("Composite score"),
            _("Division bonus"),
            _("Qualifying bonus"),
            _("Competitive bonus"),
        ]
        table = [
            [
                month_name(selection.snapshot.year, m.month),
                m.legal_hours,
                m.qualifying_hours,
                m.performance_hours,
                m.competitive_hours,
                m.personal_score,
                detail.division_scores.get(m.month),
                m.composite,
                m.org_bonus,
                m.qualifying_bonus,
                m.competitive_bonus,
            ]
            for m in detail.months
        ]
        title = _("Monthly figures of %(name)s", name=subject.name)
        return _xlsx(title, headers, table, f"{title} {_version_label(selection)}")
    return _page("results/person.html", selection, scope, subject=subject, detail=detail, warnings=[])


@bp.route("/recompute", methods=["POST"])
def recompute_year() -> Response:
    """The office or the director recomputes a year with a reason: a new current snapshot version, computed by a
    job on the queue (services/jobs.py); the office follows it on /jobs."""
    _require_manager()
    year = request.form.get("year", type=db_int)
    reason = (request.form.get("reason") or "").strip()
    if year is None:
        abort(400)
    if not reason:
        flash(_("Give a reason for recomputing."), "danger")
        return redirect(url_for("results.ranking", year=year))
    job = jobs.recompute(year, reason[:200], current_user.person)
    if job.state == "failed":
        for problem in (job.result or {}).get("problems", [job.error]):
            flash(problem, "danger")
        return redirect(url_for("results.ranking", year=year))
    if job.state == "done":
        version = job.result["version"]
        flash(_("Results recomputed: %(year)d, version %(version)d.", year=year, version=version), "success")
        return redirect(url_for("results.ranking", year=year))
    flash(
        _(
            "Recomputing %(year)d on the job queue; the new version appears in the results when the job is done.",
            year=year,
        )
    )
    return redirect(url_for("jobs.index"))


# ---------------------------------------------------------------------------------------------------- what-if


@dataclass(frozen=True)
class Compared:
    """One division's or person's changed figures, each as (before, after)."""

    subject: str
    subject_id: str
    fields: dict[str, tuple[Any, Any]]


def _compare(changes: list[whatif.Change], kind: str) -> list[Compared]:
    grouped: dict[str, Compared] = {}
    for c in changes:
        if c.kind != kind:
            continue
        entry = grouped.setdefault(c.subject_id, Compared(c.subject, c.subject_id, {}))
        entry.fields[c.key] = (c.before, c.after)
    return list(grouped.values())


def _year_of_form() -> tuple[int, list[int]]:
    """The year a what-if works on (form, setting, else the latest assessment year) and all assessment years."""
    years = result_views.assessment_years()
    year = request.values.get("year", type=db_int)
    if year is None and request.values.get("year"):
        abort(404)  # a year was named but is no year: never fall back to the default for a write
    if year is None and current_app.config.get("CURRENT_YEAR"):
        year = int(current_app.config["CURRENT_YEAR"])
    if year is None and years:
        year = years[0]
    if year is None or year not in years:
        abort(404)
    return year, years


@bp.route("/what-if", methods=["GET", "POST"])
def what_if() -> Any:
    """模拟测算 (issue 4 §5): try rule parameters on a copy of the year; nothing is stored."""
    _require_manager()
    year, years = _year_of_form()
    settings = result_views.year_settings(year)
    if settings is None:
        abort(404)
    current = whatif.with_defaults(settings.rules or {})
    values = dict(current)
    report, problems, proposed = None, [], {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in whatif.RULE_PARAMETERS}
        try:
            proposed = whatif.changed_only(year, whatif.clean_form(request.form), current)
            if proposed:
                report = whatif.what_if(year, proposed)
            else:
                flash(_("No parameter differs from the rules in force."), "info")
        except ScoringFailed as exc:
            problems = exc.problems
    return render_template(
        "results/what_if.html",
        year=year,
        years=years,
        locked=settings.locked,
        parameters=whatif.RULE_PARAMETERS,
        nullable=whatif.NULLABLE,
        current=current,
        values=values,
        proposed=proposed,
        problems=problems,
        report=report,
        divisions=_compare(report.changes, "division") if report else [],
        people=_compare(report.changes, "person") if report else [],
        division_of=result_views.division_names_by_person_code() if report else {},
        grades=GRADES,
        is_manager=True,
    )


@bp.route("/what-if/commit", methods=["POST"])
def commit() -> Response:
    """Write the tried rules into the year (audited; refused once the year is locked) and recompute."""
    _require_manager()
    year, _years = _year_of_form()
    reason = (request.form.get("reason") or "").strip()
    try:
        overrides = whatif.changed_only(year, whatif.clean_form(request.form))
        if not overrides:
            flash(_("No parameter differs from the rules in force."), "info")
            return redirect(url_for("results.what_if", year=year))
        if not reason:
            flash(_("Give a reason for the rule change."), "danger")
            return redirect(url_for("results.what_if", year=year))
        snapshot = whatif.commit_and_recompute(year, overrides, current_user.person, reason[:200])
    except ScoringFailed as exc:
        for problem in exc.problems:
            flash(problem, "danger")
        return redirect(url_for("results.what_if", year=year))
    flash(
        _("Rules of %(year)d changed; results recomputed as version %(version)d.", year=year, version=snapshot.version),
        "success",
    )
    return redirect(url_for("results.ranking", year=year))


@bp.context_processor
def _formatting() -> dict[str, Any]:
    return {"score": score, "money": money}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav("results.ranking", _l("Results"))
