"""Long work on a job queue (docs/deploy.md): notice batches and recomputes run on `flask --app portal worker`,
not in the web process that was asked for them.

The queue is Huey: Redis when `REDIS_URL` is set (shared by the workers of every machine), otherwise Huey's
SQLite storage in one file (embedded, no extra service). What a job is and how far it has got lives in the `job`
table (models/jobs.py), in the bureau's own database, so every web worker reports the same progress and a
restart of either side loses nothing: a queued job waits in the queue's storage for a worker.

The workers also run the daily reminder poll (`daily_reminders`), once a day across all of them.

A job that fails with an unexpected error is tried again, up to `MAX_ATTEMPTS` times in all; a refusal the
office can act on (no results for that year, say) fails at once, with its reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

import peewee as pw
from huey import Huey, RedisHuey, SqliteHuey, crontab

from models import Division, Job, Person, acting_as, db
from services import clock

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_DELAY_SECONDS = 2
REMINDER_HOUR = 7  # the workers' daily reminder poll, local time


class JobRefused(Exception):  # noqa: N818 - a refusal with a reason for the office, not a programming error
    """The job cannot succeed as asked; trying again would not help. The message is shown on /jobs; `problems`,
    one line each, are kept in the job's result for the screen that queued it."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


Progress = Callable[[int, int], None]
Runner = Callable[[Job, Progress], dict[str, Any]]
KINDS: dict[str, Runner] = {}


def kind(name: str) -> Callable[[Runner], Runner]:
    """Register what a job of this kind does: `runner(job, progress) -> result` (a JSON-able dict)."""

    def register(runner: Runner) -> Runner:
        KINDS[name] = runner
        return runner

    return register


# --- the queue ----------------------------------------------------------------------------------------------

_queue: Huey | None = None
_task: Any = None


def configure(*, redis_url: str | None, queue_file: str, name: str = "bureau", immediate: bool = False) -> Huey:
    """Bind the queue for this process (the app factory calls it): the same settings on the web side and on the
    worker make them share one queue."""
    global _queue, _task
    if redis_url:
        queue: Huey = RedisHuey(name, url=redis_url, immediate=immediate)
    else:
        queue = SqliteHuey(name, filename=queue_file, immediate=immediate)
    _task = queue.task(retries=MAX_ATTEMPTS - 1, retry_delay=RETRY_DELAY_SECONDS, name="run_job")(run)
    queue.periodic_task(crontab(minute="0", hour=str(REMINDER_HOUR)), name="daily_reminders")(daily_reminders)
    _queue = queue
    return queue


def queue() -> Huey:
    if _queue is None:
        raise RuntimeError("the job queue is not configured (services.jobs.configure)")
    return _queue


def backend() -> str:
    return "redis" if isinstance(queue(), RedisHuey) else "sqlite"


def enqueue(kind_name: str, params: Mapping[str, Any], actor: Person | None = None) -> Job:
    """Record a queued job and put it on the queue; returns the job (already finished in immediate mode)."""
    if kind_name not in KINDS:
        raise ValueError(f"unknown job kind {kind_name!r}")
    job = Job.create(
        id=uuid.uuid4().hex[:16],
        kind=kind_name,
        params=dict(params),
        started_by=actor,
        created_at=clock.now(),
    )
    queue()  # refuses before anything is enqueued when the queue is not configured
    _task(job.id)
    return Job.get_by_id(job.id)


# --- running one ---------------------------------------------------------------------------------------------


def run(job_id: str) -> None:
    """The queue's task: run the job once, recording each state in the `job` table. Raises (so that the queue
    tries again later) on an unexpected error while attempts remain."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        _run(job_id)
    finally:
        if opened and not db.is_closed():
            db.close()


def _run(job_id: str) -> None:
    job = Job.get_or_none(Job.id == job_id)
    if job is None or job.state in ("done", "failed"):
        return  # a duplicate delivery of a finished job does nothing
    runner = KINDS[job.kind]
    attempt = job.attempts + 1
    Job.update(state="running", attempts=attempt, started_at=clock.now(), error="").where(Job.id == job_id).execute()
    job = Job.get_by_id(job_id)

    def progress(done: int, total: int) -> None:
        Job.update(done=done, total=total).where(Job.id == job_id).execute()

    actor = job.started_by
    try:
        with acting_as(actor.id if actor else None, actor.name if actor else f"job {job.kind}"):
            result = runner(job, progress)
    except JobRefused as exc:
        _finish(job_id, "failed", error=str(exc), result={"problems": exc.problems})
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if attempt < MAX_ATTEMPTS:
            log.warning("job %s (%s) attempt %d failed, will retry: %s", job_id, job.kind, attempt, reason)
            Job.update(state="queued", error=reason).where(Job.id == job_id).execute()
            raise
        log.exception("job %s (%s) failed after %d attempts", job_id, job.kind, attempt)
        _finish(job_id, "failed", error=reason)
    else:
        _finish(job_id, "done", result=result)


def _finish(job_id: str, state: str, *, error: str = "", result: dict[str, Any] | None = None) -> None:
    Job.update(state=state, error=error[:2000], result=result, finished_at=clock.now()).where(
        Job.id == job_id
    ).execute()


# --- reading them ---------------------------------------------------------------------------------------------


def recent(person: Person, *, sees_all: bool, limit: int = 200) -> list[Job]:
    """The newest jobs first: all of them for the office and the director, one's own for anyone else."""
    query = Job.select(Job, Person).join(Person, pw.JOIN.LEFT_OUTER, on=(Job.started_by == Person.id))
    if not sees_all:
        query = query.where(Job.started_by == person)
    return list(query.order_by(Job.created_at.desc(), Job.id).limit(limit))


# --- the kinds -----------------------------------------------------------------------------------------------


@kind("notice_batch")
def _notice_batch(job: Job, progress: Progress) -> dict[str, Any]:
    """The individual notices of a year, of the whole bureau or one division (R-RPT-1, issue 6 §6)."""
    from reports.viewmodels import NoticeSettings
    from services import notices

    params = job.params
    settings_values = dict(params["settings"])
    settings_values["copy_to"] = tuple(settings_values.get("copy_to") or ())
    settings = NoticeSettings(**settings_values)
    division = Division.get_by_id(params["division_id"]) if params.get("division_id") else None
    try:
        result = notices.issue_batch(params["year"], division, progress, settings=settings, actor=job.started_by)
    except notices.NoticeError as exc:
        raise JobRefused(str(exc)) from exc
    return {
        "issued": len(result.issued),
        "existing": len(result.existing),
        "skipped": [reason for _name, reason in result.skipped],
    }


def notice_batch(year: int, division: Division | None, settings: Any, actor: Person) -> Job:
    return enqueue(
        "notice_batch",
        {"year": year, "division_id": division.id if division else None, "settings": asdict(settings)},
        actor,
    )


@kind("recompute")
def _recompute(job: Job, progress: Progress) -> dict[str, Any]:
    """A year's results into a new snapshot (docs/rules.md §7)."""
    from services.results import ScoringFailed, recompute

    progress(0, 1)
    try:
        snapshot = recompute(job.params["year"], actor=job.started_by, reason=job.params["reason"])
    except ScoringFailed as exc:
        problems = [str(p) for p in exc.problems]
        raise JobRefused("；".join(problems), problems) from exc
    progress(1, 1)
    return {"year": snapshot.year, "version": snapshot.version}


def recompute(year: int, reason: str, actor: Person) -> Job:
    return enqueue("recompute", {"year": year, "reason": reason}, actor)


@kind("reminders")
def _reminders(job: Job, progress: Progress) -> dict[str, Any]:
    """The day's reminder poll (R-WF-2): per person, tasks overdue or due within two working days; the job keeps
    the counts, as `flask --app portal remind` prints the lines."""
    from services.task_views import reminder_digest

    digest = reminder_digest(dt.date.fromisoformat(job.params["date"]))
    progress(len(digest), len(digest))
    return {
        "date": job.params["date"],
        "people": len(digest),
        "overdue": sum(len(p.overdue) for p in digest),
        "due_soon": sum(len(p.due_soon) for p in digest),
        "escalated": sum(len(p.escalated) for p in digest),
    }


def daily_reminders() -> str | None:
    """The workers' daily periodic task: one reminder job per day, however many workers on however many machines
    fire it — the day is the job's key, so the database lets only the first one in (docs/style.md §15). Returns
    the job's id, or None when another worker has it."""
    day = clock.today()
    job_id = f"remind-{day:%Y%m%d}"
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        try:
            with db.atomic():
                Job.create(id=job_id, kind="reminders", params={"date": day.isoformat()}, created_at=clock.now())
        except pw.IntegrityError:
            return None
        run(job_id)
        return job_id
    finally:
        if opened and not db.is_closed():
            db.close()
