"""Issued documents (发文): the archive list, issuing one notice or a batch, downloads (issue 6 §4–§6).

Everyone sees here the documents they may read (R-SEC-1, `services.notices.may_read`); the office and the
director also issue. A batch of individual notices runs on the job queue (services/jobs.py, `flask --app portal
worker`) and its progress, kept in the job table, is read by a small JSON endpoint the page polls — on whichever
web worker answers; its zip is built from the archive when downloaded, so it can be fetched again later.
The `notice` CLI command lives here too and is registered by `portal.cli`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from models import Division, IssuedDocument, Job, Person, acting_as, db
from portal.commandline import MONTH, OUT_FILE, YEAR, BureauCommand, fail
from portal.inputs import assessment_year, db_int
from portal.layout import register_nav
from services import jobs, notices
from services.access import scope_of

bp = Blueprint("notices", __name__, url_prefix="/notices")

# What the form and the CLI call a kind → the archive's kind (payout splits by whether a month is given).
FORM_KINDS = ("monthly", "annual", "individual", "letter", "payout")
KIND_NAMES = {
    "monthly": _l("Monthly division results notice"),
    "annual": _l("Annual ranking notice"),
    "individual": _l("Individual result notice"),
    "letter": _l("Target responsibility letter"),
    "payout": _l("Bonus payout sheet"),
    "payout_monthly": _l("Monthly bonus payout sheet"),
    "payout_annual": _l("Annual bonus payout sheet"),
}


def archive_kind(kind: str, month: int | None) -> str:
    if kind == "payout":
        return "payout_monthly" if month is not None else "payout_annual"
    return kind


def _can_issue() -> bool:
    return scope_of(current_user.person).can_manage


def _require_issuer() -> None:
    if not _can_issue():
        abort(403)


def _settings():
    return notices.settings_from(current_app.config)


def _int(value: Any) -> int | None:
    try:
        return db_int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- batches on the job queue -------------------------------------------------------------------------------


def start_batch(year: int, division: Division | None, person: Person) -> Job:
    """Queue the batch (services/jobs.py); a queue worker issues it and records its progress in the job table."""
    return jobs.notice_batch(year, division, _settings(), person)


def _job(job_id: str) -> Job:
    job = Job.get_or_none((Job.id == job_id) & (Job.kind == "notice_batch"))
    if job is None:
        abort(404)
    if job.started_by_id != current_user.person.id and not _can_issue():
        abort(403)
    return job


# --- pages --------------------------------------------------------------------------------------------------


@bp.route("/")
def index() -> str:
    person = current_user.person
    years = [
        y
        for (y,) in notices.readable(person, IssuedDocument.select(IssuedDocument.year).distinct())
        .order_by(IssuedDocument.year.desc())
        .tuples()
    ]
    year = request.args.get("year", type=assessment_year) or (years[0] if years else _default_year())
    kind = request.args.get("kind") or ""
    query = (
        notices.readable(person, notices.light())
        .where(IssuedDocument.year == year)
        .order_by(IssuedDocument.doc_year.desc(), IssuedDocument.seq.desc())
    )
    if kind in notices.KINDS:
        query = query.where(IssuedDocument.kind == kind)
    documents = list(query)
    people_ids = {d.person_id for d in documents if d.person_id} | {d.issued_by_id for d in documents if d.issued_by_id}
    names = dict(Person.select(Person.id, Person.name).where(Person.id.in_(list(people_ids) or [0])).tuples())
    replaced_by = dict(
        IssuedDocument.select(IssuedDocument.replaces, IssuedDocument.number)
        .where(IssuedDocument.replaces.in_([d.id for d in documents] or [0]))
        .tuples()
    )
    numbers = {d.id: d.number for d in documents}
    can_issue = _can_issue()
    divisions = list(Division.select().where(Division.active).order_by(Division.sort_order, Division.id))
    return render_template(
        "notices/index.html",
        documents=documents,
        names=names,
        replaced_by=replaced_by,
        numbers=numbers,
        year=year,
        years=sorted(set(years) | {year}, reverse=True),
        kind=kind,
        kinds=notices.KINDS,
        kind_names=KIND_NAMES,
        form_kinds=FORM_KINDS,
        can_issue=can_issue,
        divisions=divisions,
    )


def _default_year() -> int:
    configured = current_app.config.get("CURRENT_YEAR")
    if configured:
        return int(configured)
    from models import ScoreSnapshot

    latest = ScoreSnapshot.select(ScoreSnapshot.year).order_by(ScoreSnapshot.year.desc()).scalar()
    return int(latest) if latest else dt.date.today().year


@bp.route("/issue", methods=["POST"])
def issue() -> Response:
    _require_issuer()
    form = request.form
    year = _int(form.get("year"))
    month = _int(form.get("month"))
    kind = form.get("kind", "")
    try:
        if year is None:
            raise notices.NoticeError(_("Give the year."))
        if kind not in FORM_KINDS:
            raise notices.NoticeError(_("Choose a kind of document."))
        if kind in ("annual", "individual", "letter"):
            month = None
        person = notices.find_person(form.get("person", "")) if kind == "individual" else None
        division_text = form.get("division", "").strip()
        division = notices.find_division(division_text) if division_text and kind in ("letter", "payout") else None
        document = notices.issue(
            archive_kind(kind, month),
            year,
            month=month,
            person=person,
            division=division,
            actor=current_user.person,
            settings=_settings(),
        )
    except notices.NoticeError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("notices.index", year=year))
    flash(_("Issued %(number)s: %(title)s.", number=document.number, title=document.title), "success")
    return redirect(url_for("notices.index", year=year))


@bp.route("/<int:doc_id>/reissue", methods=["POST"])
def reissue(doc_id: int) -> Response:
    _require_issuer()
    document = notices.light().where(IssuedDocument.id == doc_id).first() or abort(404)
    try:
        new = notices.reissue(document, request.form.get("reason", ""), actor=current_user.person, settings=_settings())
    except notices.NoticeError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Issued %(number)s, replacing %(old)s.", number=new.number, old=document.number), "success")
    return redirect(url_for("notices.index", year=document.year))


@bp.route("/<int:doc_id>.pdf")
def download(doc_id: int) -> Response:
    document = IssuedDocument.get_or_none(IssuedDocument.id == doc_id)
    if document is None:
        abort(404)
    if not notices.may_read(current_user.person, document):
        abort(403)
    from io import BytesIO

    return send_file(
        BytesIO(bytes(document.pdf)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{document.number}-{document.title}.pdf",
        etag=document.sha256,
    )


@bp.route("/batch", methods=["POST"])
def batch() -> Response:
    _require_issuer()
    year = _int(request.form.get("year"))
    if year is None:
        flash(_("Give the year."), "danger")
        return redirect(url_for("notices.index"))
    division_text = request.form.get("division", "").strip()
    try:
        division = notices.find_division(division_text) if division_text else None
    except notices.NoticeError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("notices.index", year=year))
    job = start_batch(year, division, current_user.person)
    return redirect(url_for("notices.batch_page", job_id=job.id))


@bp.route("/batch/<job_id>")
def batch_page(job_id: str) -> str:
    job = _job(job_id)
    division_id = job.params.get("division_id")
    division = Division.get_by_id(division_id) if division_id else None
    return render_template("notices/batch.html", job=job, year=job.params["year"], division=division)


@bp.route("/batch/<job_id>.json")
def batch_status(job_id: str) -> Response:
    job = _job(job_id)
    division_id = job.params.get("division_id")
    division = Division.get_by_id(division_id) if division_id else None
    result = job.result or {}
    issued, existing = result.get("issued", 0), result.get("existing", 0)
    return jsonify(
        state=job.state,
        done=job.done,
        total=job.total,
        attempts=job.attempts,
        error=job.error,
        issued=issued,
        existing=existing,
        skipped=result.get("skipped", []),
        zip_url=url_for("notices.zip_download", year=job.params["year"], division=division.code if division else None)
        if job.state == "done" and issued + existing
        else None,
    )


@bp.route("/individual.zip")
def zip_download() -> Response:
    """Every live individual notice of a year (or of one division) as a zip, straight from the archive."""
    _require_issuer()
    year = _int(request.args.get("year"))
    if year is None:
        abort(400)
    division_text = request.args.get("division", "")
    try:
        division = notices.find_division(division_text) if division_text else None
    except notices.NoticeError:
        abort(404)
    documents = list(notices.live_individual_notices(year, division))
    if not documents:
        abort(404)
    name = f"{year}年度个人绩效考核结果通知书{'-' + division.name if division else ''}.zip"
    from io import BytesIO

    return send_file(
        BytesIO(notices.zip_bytes(documents)), mimetype="application/zip", as_attachment=True, download_name=name
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav("notices.index", _l("Documents"))


# --- flask --app portal notice ------------------------------------------------------------------------------


@click.command("notice", cls=BureauCommand)
@click.option("--kind", required=True, help="monthly | annual | individual | letter | payout")
@click.option("--year", type=YEAR, required=True, help="Assessment year, e.g. 2023.")
@click.option("--month", type=MONTH, help="Month (monthly notice; payout with a month is the monthly sheet).")
@click.option("--person", help="Person code or username (individual notice).")
@click.option("--division", help="Division code or name (target letter; limits payout and --all).")
@click.option("--all", "everyone", is_flag=True, help="Individual notices of everyone (or of --division): a zip.")
@click.option("--out", required=True, type=OUT_FILE, help="Where to write the PDF (or zip).")
@with_appcontext
def notice_command(
    kind: str, year: int, month: int | None, person: str | None, division: str | None, everyone: bool, out: str
) -> None:
    """Issue an official notice from the stored results and write its PDF (issue 6 §5)."""
    if kind not in FORM_KINDS:
        fail(f"未知的种类“{kind}”，可选：{'、'.join(FORM_KINDS)}")
    if everyone and kind != "individual":
        fail("--all 只用于个人绩效考核结果通知书（--kind individual）")
    settings = notices.settings_from(current_app.config)
    with db.connection_context(), acting_as(None, "flask notice"):
        try:
            found_division = notices.find_division(division) if division else None
            if everyone:
                _batch_to_zip(year, found_division, settings, out)
                return
            if kind == "individual" and not person:
                fail("个人绩效考核结果通知书需要 --person（人员编号或用户名），或用 --all 批量出具")
            found_person = notices.find_person(person) if person else None
            document = notices.issue(
                archive_kind(kind, month),
                year,
                month=month,
                person=found_person,
                division=found_division if kind in ("letter", "payout") else None,
                settings=settings,
            )
            message = f"已出具 {document.number}《{document.title}》"
        except notices.AlreadyIssued as exc:
            document = IssuedDocument.get_by_id(exc.document.id)
            message = f"{exc.document.number}《{exc.document.title}》此前已出具，未重新编号；已导出存档件"
        except notices.NoticeError as exc:
            fail(str(exc))
            return
        Path(out).write_bytes(bytes(document.pdf))
    click.echo(f"{message}：{out}（SHA-256 {document.sha256[:12]}…）")


def _batch_to_zip(year: int, division: Division | None, settings, out: str) -> None:
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="出具个人通知书", show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = notices.issue_batch(year, division, progress, settings=settings)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    with open(out, "wb") as handle:
        notices.write_zip(result.documents, handle)
    click.echo(
        f"已出具 {len(result.issued)} 份，此前已出具 {len(result.existing)} 份，共 {len(result.documents)} 份：{out}"
    )
    for _name, reason in result.skipped:
        click.echo(f"  未出具：{reason}")
