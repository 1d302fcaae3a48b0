"""The job queue in the portal (docs/deploy.md): binding it, the `/jobs` page the office watches, and the
`flask --app portal worker` command that runs the jobs.

Everyone logged in sees the jobs they started; the office and the director see every job: queued, running, done,
or failed with the reason.
"""

from __future__ import annotations

import logging

import click
from flask import Blueprint, Flask, render_template
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.commandline import BureauCommand
from portal.layout import register_nav
from services import jobs
from services.access import scope_of

bp = Blueprint("jobs", __name__)

KIND_NAMES = {
    "notice_batch": _l("Batch of individual notices"),
    "recompute": _l("Recompute a year's results"),
    "reminders": _l("Daily reminders"),
}
STATE_NAMES = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}


@bp.route("/jobs")
def index() -> str:
    scope = scope_of(current_user.person)
    listed = jobs.recent(current_user.person, sees_all=scope.can_manage)
    return render_template(
        "jobs/index.html", jobs=listed, kind_names=KIND_NAMES, state_names=STATE_NAMES, sees_all=scope.can_manage
    )


@click.command("worker", cls=BureauCommand)
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run queued jobs (notice batches, recomputes) and the daily reminder poll until stopped; start one or more
    anywhere the database and the queue (REDIS_URL, or BUREAU_QUEUE_FILE on this machine) can be reached."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    queue = jobs.queue()
    click.echo(f"后台任务执行进程已启动（队列：{jobs.backend()}，线程数 {workers}）", err=True)
    queue.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


def init_app(app: Flask) -> None:
    jobs.configure(
        redis_url=app.config["REDIS_URL"],
        queue_file=app.config["QUEUE_FILE"],
        name=app.config["QUEUE_NAME"],
        immediate=bool(app.config["JOBS_IMMEDIATE"]),
    )
    app.register_blueprint(bp)
    app.cli.add_command(worker_command)
    register_nav("jobs.index", _l("Jobs"))
