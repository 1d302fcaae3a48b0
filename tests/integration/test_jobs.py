"""Long work on the job queue (issue 10 §5; R-RPT-1, R-DB-1): a batch of individual notices queued while no worker
runs waits in the queue's storage and is finished by a real `flask --app portal worker` started afterwards, on
Huey's SQLite storage and on Redis; a job that fails unexpectedly is tried again and then shown failed, with its
reason, on /jobs."""

from __future__ import annotations

import uuid

import pytest

from models import Division, IssuedDocument, Job, Person
from services import clock, demo, jobs, notices
from services.results import recompute
from tests.factories import approve_ranking, make_person
from tests.integration import processes

TODAY = "2023-12-20"


@pytest.fixture
def bureau(app):
    app.config["TODAY"] = TODAY
    clock.pin(TODAY)
    demo.load()
    recompute(2023, reason="test")
    approve_ranking(2023)  # notices come from results the party group approved (R-SCO-3)
    yield app
    clock.pin(None)


@pytest.fixture
def real_queue(app, tmp_path):
    """Point this process's queue at real storage (as the web workers do); the app's immediate queue after."""
    yield
    jobs.configure(redis_url=None, queue_file=str(tmp_path / "unused.sqlite"), immediate=True)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_r_rpt_1_a_queued_batch_survives_until_a_worker_starts_and_finishes_it(
    request, bureau, real_queue, database, tmp_path, backend
):
    """R-RPT-1, R-DB-1: the job is queued with no worker running (as after a restart), then a worker process picks
    it up; its progress and outcome are in the job table, where any web worker reads them."""
    redis_url = request.getfixturevalue("redis_url") if backend == "redis" else None
    name = f"test-{uuid.uuid4().hex[:10]}"
    queue_file = tmp_path / "queue.sqlite"
    jobs.configure(redis_url=redis_url, queue_file=str(queue_file), name=name)
    office = Person.get(Person.username == "jixiaoban")
    division = Division.get(Division.code == "CZ")
    job = jobs.notice_batch(2023, division, notices.settings_from(bureau.config), office)
    assert Job.get_by_id(job.id).state == "queued"
    assert IssuedDocument.select().count() == 0

    env = processes.portal_env(
        DATABASE_URL=database,
        BUREAU_TODAY=TODAY,
        BUREAU_QUEUE_NAME=name,
        BUREAU_QUEUE_FILE=str(queue_file),
        REDIS_URL=redis_url,
    )
    log = tmp_path / "worker.log"
    with processes.worker(env, log) as worker:
        finished = processes.wait_for(
            lambda: Job.get_by_id(job.id).state in ("done", "failed") and Job.get_by_id(job.id),
            "the batch job",
            worker,
            log,
        )
    people = Person.select().where(Person.division == division).count()
    assert (finished.state, finished.error) == ("done", "")
    assert finished.done == finished.total == finished.result["issued"] == people
    assert finished.attempts == 1
    assert IssuedDocument.select().where(IssuedDocument.issued_by == office).count() == people
    assert (f"队列：{backend}").encode() in log.read_bytes()


def test_r_rpt_1_an_unexpected_failure_is_retried_then_shown_failed_with_its_reason(app, client, login_as, monkeypatch):
    """A job whose work raises is put back on the queue (the queue runs it again) until its last attempt; then it
    is failed, and the office sees it on /jobs with the reason. Staff see only the jobs they started."""
    calls = []

    def flaky(job, progress):
        calls.append(job.attempts)
        raise RuntimeError("渲染进程意外退出")

    monkeypatch.setitem(jobs.KINDS, "flaky", flaky)
    office = make_person(office_member=True, name="绩效办")
    staff = make_person(name="科员甲")
    job = Job.create(id="flakyjob", kind="flaky", params={"year": 2023}, started_by=office, created_at=clock.now())
    for attempt in range(1, jobs.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            jobs.run(job.id)
        again = Job.get_by_id(job.id)
        assert (again.state, again.attempts, again.error) == ("queued", attempt, "RuntimeError: 渲染进程意外退出")
    jobs.run(job.id)
    failed = Job.get_by_id(job.id)
    assert (failed.state, failed.attempts) == ("failed", jobs.MAX_ATTEMPTS)
    assert failed.error == "RuntimeError: 渲染进程意外退出" and failed.finished_at is not None
    jobs.run(job.id)  # a late duplicate delivery changes nothing
    assert len(calls) == jobs.MAX_ATTEMPTS

    login_as(office)
    page = client.get("/jobs").get_data(as_text=True)
    assert 'data-job="flakyjob"' in page and "失败" in page and "渲染进程意外退出" in page
    login_as(staff)
    assert 'data-job="flakyjob"' not in client.get("/jobs").get_data(as_text=True)


def test_r_rpt_1_a_refused_batch_fails_at_once_with_its_reason(app, client, login_as):
    """A batch for a year without results cannot succeed: no retry, the reason is on the batch's progress."""
    office = make_person(office_member=True)
    login_as(office)
    response = client.post("/notices/batch", data={"year": "2031"})
    job_id = response.location.rsplit("/", 1)[-1]
    status = client.get(f"/notices/batch/{job_id}.json").get_json()
    assert (status["state"], status["attempts"]) == ("failed", 1)
    assert status["error"] and status["zip_url"] is None


def test_r_wf_2_the_daily_reminder_poll_runs_once_a_day_however_many_workers_fire_it(app):
    """R-WF-2: every worker's scheduler fires the daily poll; the day is the job's key, so only the first makes
    a job, and the job keeps the day's counts."""
    clock.pin("2023-12-20")
    try:
        first = jobs.daily_reminders()
        second = jobs.daily_reminders()
    finally:
        clock.pin(None)
    assert (first, second) == ("remind-20231220", None)
    job = Job.get_by_id(first)
    assert (job.kind, job.state, job.attempts) == ("reminders", "done", 1)
    assert job.result == {"date": "2023-12-20", "people": 0, "overdue": 0, "due_soon": 0, "escalated": 0}
