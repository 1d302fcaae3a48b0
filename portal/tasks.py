"""The approvers' screens (R-WF-2): 待办 and 已办, one task with its record, decision buttons, history and diagram;
the submit entry points (我的处室 / 我的申请); the diagram versions (R-WF-1); and `flask remind`, the poll that
lists what is overdue or falls due within two working days.

Views stay thin: every read comes from `services.task_views`, every write from `services.approvals`, which
checks who may act (403 otherwise) and answers refusals in Chinese.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models import Person, WorkflowTask, db
from portal import labels
from portal.commandline import DAY, BureauCommand
from portal.fields import BoundedIntegerField, FigureField
from portal.home import today
from portal.inputs import db_int
from portal.layout import register_nav
from portal.once import submitted
from scoring import limits
from services import approvals, clock, task_views
from services.approvals import ApprovalError, NotAllowed
from workflows.errors import DiagramError

bp = Blueprint("tasks", __name__, template_folder="templates")

FIELD_LABELS = {
    "division": _l("Division"),
    "period": _l("Period"),
    "year": _l("Year"),
    "content": _l("Content"),
    "completion": _l("Completion of last month"),
    "next_targets": _l("Next month's targets"),
    "due": _l("Due"),
    "late": _l("Submitted late"),
    "person": _l("Person"),
    "week_start": _l("Week of"),
    "date": _l("Date"),
    "hours": _l("Hours"),
    "bulletin": _l("Supervision bulletin"),
    "standard": _l("Standard"),
    "reason": _l("Reason"),
    "kind": _l("Kind"),
    "category": _l("Category"),
    "points": _l("Points"),
    "evidence": _l("Evidence"),
    "version": _l("Version"),
    "created_at": _l("Computed at"),
    "subject": _l("Subject"),
    "grounds": _l("Grounds"),
    "answer": _l("Answer"),
    "from_date": _l("From"),
}
ACTIONS = {
    "submit": _l("Submitted"),
    "claim": _l("Claimed"),
    "reassign": _l("Reassigned"),
    "acknowledge": _l("Acknowledged"),
}
STATUSES = {
    **labels.PLAN_STATUSES,
    "rejected": _l("Rejected"),
    "open": _l("Awaiting rating"),
    "done": _l("Rated"),
    "filed": _l("Filed"),
    "talking": _l("Talking with the superior"),
    "escalated": _l("With the performance office"),
    "resolved": _l("Resolved"),
    "upheld": _l("Upheld"),
}
ADJUSTMENT_KINDS = {"bonus": _l("Bonus"), "deduction": _l("Deduction")}
CHOICE_STYLES = {
    "approve": "success",
    "confirm": "success",
    "resolve": "success",
    "uphold": "success",
    "submit": "primary",
    "acknowledge": "primary",
    "adjust": "warning",
    "escalate": "warning",
    "return": "outline-danger",
    "reject": "danger",
}


# --- forms ----------------------------------------------------------------------------------------------------


class ExtraTimeForm(FlaskForm):
    date = DateField(_l("Date of the work"), validators=[DataRequired()])
    hours = FigureField(_l("Extra hours"), places=2, validators=[InputRequired(), NumberRange(min=0.5, max=200)])
    bulletin = StringField(_l("Supervision bulletin (督查通报)"), validators=[DataRequired(), Length(max=100)])
    standard = StringField(_l("Standard from the catalogue"), validators=[DataRequired(), Length(max=100)])
    reason = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=1000)])


class ExemptionForm(FlaskForm):
    from_date = DateField(_l("Not assessed from"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class AppealForm(FlaskForm):
    year = BoundedIntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    month = BoundedIntegerField(_l("Month (empty for the year)"), validators=[Optional(), NumberRange(min=1, max=12)])
    subject = StringField(_l("Which result"), validators=[DataRequired(), Length(max=200)])
    grounds = TextAreaField(_l("Grounds"), validators=[DataRequired(), Length(max=2000)])


class ReassignForm(FlaskForm):
    to = SelectField(_l("Hand over to"), coerce=int, validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


class UploadForm(FlaskForm):
    chain = SelectField(_l("Approval chain"), validators=[DataRequired()])
    diagram = FileField(_l("BPMN file"), validators=[FileRequired()])
    note = StringField(_l("What changes"), validators=[DataRequired(), Length(max=200)])


# --- the task list --------------------------------------------------------------------------------------------


def _page_arg() -> int:
    return max(1, request.args.get("page", 1, type=db_int) or 1)


@bp.route("/tasks")
def index() -> str:
    chain = request.args.get("chain") or None
    if chain is not None and chain not in approvals.CHAINS:
        chain = None
    board = task_views.task_page(current_user.person, today(), chain, _page_arg())
    return render_template("tasks/index.html", board=board, chains=approvals.CHAINS, tab="open")


@bp.route("/tasks/done")
def done() -> str:
    board = task_views.done_page(current_user.person, today(), _page_arg())
    return render_template("tasks/index.html", board=board, chains=approvals.CHAINS, tab="done")


def _detail(task_id: int) -> task_views.TaskDetail:
    try:
        return task_views.task_detail(task_id, current_user.person, today())
    except LookupError:
        abort(404)
    except NotAllowed:
        abort(403)
    except DiagramError as exc:  # a stored version the parser now refuses (e.g. one with a DOCTYPE)
        flash("；".join(exc.problems), "error")
        abort(redirect(url_for("tasks.index")))


def _render_detail(detail: task_views.TaskDetail, status: int = 200, **extra: Any) -> tuple[str, int]:
    form = ReassignForm(prefix="reassign")
    form.to.choices = [(pid, name) for pid, name in detail.people]
    page = render_template(
        "tasks/detail.html",
        d=detail,
        reassign=form,
        field_labels=FIELD_LABELS,
        actions=ACTIONS,
        statuses=STATUSES,
        kinds=ADJUSTMENT_KINDS,
        styles=CHOICE_STYLES,
        **extra,
    )
    return page, status


@bp.route("/tasks/<int:task_id>")
def detail(task_id: int) -> tuple[str, int]:
    return _render_detail(_detail(task_id))


def _adjusted_hours(form: Any) -> dict[str, str]:
    """The hours the rater allows per log entry (R-RUN-6), from inputs named `hours-<entry id>`."""
    allowed: dict[str, str] = {}
    for key, value in form.items():
        if not key.startswith("hours-") or not value.strip():
            continue
        try:
            hours = limits.figure(value)
        except limits.NotAFigure:
            raise ApprovalError(_("Hours must be a number: %(value)s", value=value)) from None
        if hours < 0 or hours > 24 * 7:
            raise ApprovalError(_("Hours out of range: %(value)s", value=value))
        allowed[key.removeprefix("hours-")] = str(hours)
    return allowed


@bp.route("/tasks/<int:task_id>/complete", methods=["POST"])
def complete(task_id: int) -> Response | tuple[str, int]:
    task = WorkflowTask.get_or_none(WorkflowTask.id == task_id)
    if task is None:
        abort(404)
    decision = request.form.get("decision") or None
    comment = request.form.get("comment", "").strip()
    try:
        data = None
        if decision == "adjust":
            data = {"adjusted_hours": _adjusted_hours(request.form)}
        approvals.complete(task, current_user.person, decision, comment, data)
    except NotAllowed:
        abort(403)
    except ApprovalError as exc:
        return _render_detail(_detail(task_id), 400, error=str(exc), comment=comment)
    flash(_("Done: %(step)s — %(title)s", step=task.name, title=task.case.title), "success")
    return redirect(url_for("tasks.index"))


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
def claim(task_id: int) -> Response:
    task = WorkflowTask.get_or_none(WorkflowTask.id == task_id)
    if task is None:
        abort(404)
    try:
        approvals.claim(task, current_user.person)
    except NotAllowed:
        abort(403)
    except ApprovalError as exc:  # someone else took it first: the message names them
        flash(str(exc), "error")
        return redirect(url_for("tasks.index"))
    flash(_("You have taken this task; the other members no longer see it."), "info")
    return redirect(url_for("tasks.detail", task_id=task_id))


@bp.route("/tasks/<int:task_id>/reassign", methods=["POST"])
def reassign(task_id: int) -> Response | tuple[str, int]:
    task = WorkflowTask.get_or_none(WorkflowTask.id == task_id)
    if task is None:
        abort(404)
    if "office" not in current_user.roles:
        abort(403)
    detail = _detail(task_id)
    form = ReassignForm(prefix="reassign")
    form.to.choices = [(pid, name) for pid, name in detail.people]
    if not form.validate_on_submit():
        errors = "；".join(f"{form[name].label.text}：{'、'.join(msgs)}" for name, msgs in form.errors.items())
        return _render_detail(detail, 400, error=errors)
    try:
        to = Person.get_by_id(form.to.data)
        approvals.reassign(task, to, form.reason.data, current_user.person)
    except NotAllowed:
        abort(403)
    except ApprovalError as exc:
        return _render_detail(detail, 400, error=str(exc))
    flash(_("The task now waits for %(name)s.", name=to.name), "success")
    return redirect(url_for("tasks.detail", task_id=task_id))


# --- submitting -----------------------------------------------------------------------------------------------


def _forms() -> dict[str, FlaskForm]:
    year = today().year
    return {
        "extra": ExtraTimeForm(prefix="extra", data={"date": today()}),
        "exemption": ExemptionForm(prefix="exemption", data={"from_date": today()}),
        "appeal": AppealForm(prefix="appeal", data={"year": year}),
    }


def _render_submit(status: int = 200, forms: dict | None = None, **extra: Any) -> tuple[str, int]:
    desk = task_views.submit_desk(current_user.person, today())
    page = render_template(
        "tasks/submit.html",
        desk=desk,
        forms={**_forms(), **(forms or {})},
        statuses=STATUSES,
        tab="submit",
        **extra,
    )
    return page, status


@bp.route("/tasks/submit")
def submit_page() -> tuple[str, int]:
    return _render_submit()


def _submitted(case: Any) -> Response:
    flash(_("Submitted for approval: %(title)s", title=case.title), "success")
    return redirect(url_for("tasks.submit_page"))


@bp.route("/tasks/submit/<chain>/<int:record_id>", methods=["POST"])
def submit_record(chain: str, record_id: int) -> Response | tuple[str, int]:
    if chain not in approvals.CHAINS:
        abort(404)
    try:
        comment = request.form.get("comment", "").strip()
        case = submitted(lambda: approvals.submit(chain, record_id, current_user.person, comment))
    except NotAllowed:
        abort(403)
    except ApprovalError as exc:
        return _render_submit(400, error=str(exc))
    return _submitted(case)


def _form_errors(form: FlaskForm) -> str:
    return "；".join(f"{form[name].label.text}：{'、'.join(msgs)}" for name, msgs in form.errors.items())


@bp.route("/tasks/submit/extra-time", methods=["POST"])
def submit_extra_time() -> Response | tuple[str, int]:
    form = ExtraTimeForm(prefix="extra")
    if not form.validate_on_submit():
        return _render_submit(400, {"extra": form}, error=_form_errors(form))
    try:
        case = submitted(
            lambda: approvals.file_extra_time(
                current_user.person,
                form.date.data,
                form.hours.data,
                form.bulletin.data,
                form.standard.data,
                form.reason.data or "",
            )
        )
    except ApprovalError as exc:
        return _render_submit(400, {"extra": form}, error=str(exc))
    return _submitted(case)


@bp.route("/tasks/submit/exemption", methods=["POST"])
def submit_exemption() -> Response | tuple[str, int]:
    form = ExemptionForm(prefix="exemption")
    if not form.validate_on_submit():
        return _render_submit(400, {"exemption": form}, error=_form_errors(form))
    try:
        case = submitted(lambda: approvals.apply_exemption(current_user.person, form.from_date.data, form.reason.data))
    except ApprovalError as exc:
        return _render_submit(400, {"exemption": form}, error=str(exc))
    return _submitted(case)


@bp.route("/tasks/submit/appeal", methods=["POST"])
def submit_appeal() -> Response | tuple[str, int]:
    form = AppealForm(prefix="appeal")
    if not form.validate_on_submit():
        return _render_submit(400, {"appeal": form}, error=_form_errors(form))
    try:
        case = submitted(
            lambda: approvals.file_appeal(
                current_user.person, form.year.data, form.month.data, form.subject.data, form.grounds.data
            )
        )
    except ApprovalError as exc:
        return _render_submit(400, {"appeal": form}, error=str(exc))
    return _submitted(case)


@bp.route("/tasks/submit/ranking", methods=["POST"])
def submit_ranking() -> Response | tuple[str, int]:
    if "office" not in current_user.roles:
        abort(403)
    year = request.form.get("year", type=db_int) or today().year
    try:
        comment = request.form.get("comment", "").strip()
        case = submitted(lambda: approvals.submit_ranking(current_user.person, year, comment))
    except NotAllowed:
        abort(403)
    except ApprovalError as exc:
        return _render_submit(400, error=str(exc))
    return _submitted(case)


# --- diagram versions -----------------------------------------------------------------------------------------


def _may_upload() -> bool:
    return bool(current_user.roles & {"office", "director"})


def _render_versions(status: int = 200, form: UploadForm | None = None, **extra: Any) -> tuple[str, int]:
    form = form or UploadForm(prefix="upload")
    form.chain.choices = [(key, chain.label) for key, chain in approvals.CHAINS.items()]
    page = render_template(
        "tasks/workflows.html",
        chains=task_views.diagram_versions(),
        form=form,
        may_upload=_may_upload(),
        tab="workflows",
        **extra,
    )
    return page, status


@bp.route("/workflows")
def workflows() -> tuple[str, int]:
    return _render_versions()


@bp.route("/workflows/<chain>/<int:version>")
def diagram(chain: str, version: int) -> str | tuple[str, int]:
    try:
        view = task_views.diagram_view(chain, version)
    except LookupError:
        abort(404)
    except DiagramError as exc:  # a stored version the parser now refuses (e.g. one with a DOCTYPE)
        return _render_versions(422, problems=list(exc.problems))
    return render_template("tasks/diagram.html", v=view, tab="workflows")


@bp.route("/workflows/upload", methods=["POST"])
def upload() -> Response | tuple[str, int]:
    if not _may_upload():
        abort(403)
    form = UploadForm(prefix="upload")
    form.chain.choices = [(key, chain.label) for key, chain in approvals.CHAINS.items()]
    if not form.validate_on_submit():
        return _render_versions(400, form, problems=[_form_errors(form)])
    try:
        stored = approvals.upload_diagram(
            form.chain.data, form.diagram.data.read(), current_user.person, form.note.data
        )
    except DiagramError as exc:
        return _render_versions(400, form, problems=list(exc.problems))
    except UnicodeDecodeError:
        return _render_versions(400, form, problems=["文件不是 UTF-8 编码的 BPMN XML"])
    except NotAllowed:
        abort(403)
    except ApprovalError as exc:
        return _render_versions(400, form, problems=[str(exc)])
    flash(
        _(
            "Version %(version)d of %(chain)s is stored; new cases follow it.",
            version=stored.version,
            chain=approvals.CHAINS[stored.chain].label,
        ),
        "success",
    )
    return redirect(url_for("tasks.workflows"))


# --- the poll ---------------------------------------------------------------------------------------------------


def _remind(day: dt.date | None) -> None:
    day = day or clock.today()
    with db.connection_context():
        digest = task_views.reminder_digest(day)
    click.echo(f"{day:%Y-%m-%d} 待办提醒（逾期及两个工作日内到期）")
    if not digest:
        click.echo("没有逾期或即将到期的任务。")
    for person in digest:
        where = f"（{person.division}）" if person.division else ""
        click.echo(
            f"{person.person}{where}：逾期 {len(person.overdue)} 项，即将到期 {len(person.due_soon)} 项"
            + (f"，下属逾期 {len(person.escalated)} 项" if person.escalated else "")
        )
        for line in person.overdue:
            click.echo(f"  [逾期] {line.due:%m-%d} {line.step} · {line.title}")
        for line in person.due_soon:
            click.echo(f"  [到期] {line.due:%m-%d} {line.step} · {line.title}")
        for late, line in person.escalated:
            click.echo(f"  [督办] {late} 未按期完成：{line.step} · {line.title}（{line.due:%m-%d} 到期）")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav("tasks.index", _l("Tasks"))

    @app.cli.command("remind", cls=BureauCommand)
    @click.option("--date", "day", type=DAY, help="Take this day as today (YYYY-MM-DD).")
    def remind_command(day: dt.date | None) -> None:
        """Print, per person, the tasks overdue or due within two working days (the scheduler's poll)."""
        _remind(day)
