"""Production serving (issue 10 §4, §6; R-DB-1): /healthz, the reverse proxy's headers, gunicorn with the
repository's config, and two gunicorn instances — two machines — sharing one PostgreSQL and one Redis queue."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import request

from models import Division, Person
from services import clock, demo
from services.results import recompute
from tests.factories import approve_ranking
from tests.integration import processes

TODAY = "2023-12-20"


def test_r_db_1_healthz_answers_json_without_a_login(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_r_db_1_healthz_answers_503_when_the_database_does_not_answer(tmp_path):
    from portal import create_app

    port = processes.free_port()  # nothing listens there
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/nowhere",
            "SECRET_KEY": "test-secret",
            "JOBS_IMMEDIATE": True,
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert (body["status"], body["database"]) == ("unavailable", "unreachable") and body["error"]


def _seen_by_the_app(app, client) -> dict[str, str]:
    seen: dict[str, str] = {}

    @app.after_request
    def _note(response):
        seen.update(scheme=request.scheme, host=request.host, remote=request.remote_addr or "")
        return response

    client.get(
        "/healthz",
        headers={"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "jx.example.gov.cn"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return seen


def test_r_sec_1_proxy_headers_are_ignored_unless_a_proxy_is_configured(app, client):
    """Without BUREAU_PROXY_HOPS anyone could claim an address or HTTPS with a header: they are ignored."""
    assert _seen_by_the_app(app, client) == {"scheme": "http", "host": "localhost", "remote": "127.0.0.1"}


def test_r_sec_1_behind_a_configured_proxy_its_headers_are_honoured(database):
    from portal import create_app

    app = create_app(
        {"TESTING": True, "DATABASE_URL": database, "SECRET_KEY": "s", "JOBS_IMMEDIATE": True, "PROXY_HOPS": 1}
    )
    seen = _seen_by_the_app(app, app.test_client())
    assert seen == {"scheme": "https", "host": "jx.example.gov.cn", "remote": "10.1.2.3"}


def test_r_db_1_gunicorn_serves_the_portal_with_the_repository_config(database, tmp_path):
    """scripts/serve.sh's gunicorn, with deploy/gunicorn.conf.py: /healthz over HTTP, the login page, an access log."""
    port = processes.free_port()
    env = processes.portal_env(DATABASE_URL=database, BUREAU_QUEUE_FILE=str(tmp_path / "queue.sqlite"))
    log = tmp_path / "gunicorn.log"
    browser = processes.Browser()
    base = f"http://127.0.0.1:{port}"
    with processes.gunicorn(port, env, log) as server:
        status, health = processes.wait_for(lambda: _health(browser, base), "gunicorn's /healthz", server, log)
        login_status, _headers, login_page = browser.request(f"{base}/login")
    assert (status, health) == (200, {"status": "ok", "database": "ok"})
    assert login_status == 200 and "用户名" in login_page.decode()
    assert re.search(r'"GET /login HTTP/1\.1" 200', log.read_text(encoding="utf-8")), "the access log"


def _health(browser: processes.Browser, base: str):
    try:
        return browser.json(f"{base}/healthz")
    except OSError:
        return None  # not listening yet


def test_r_db_1_r_rpt_1_a_batch_started_on_one_machine_is_followed_and_finished_on_another(request, database, tmp_path):
    """R-DB-1, R-RPT-1 (docs/deploy.md): two gunicorn instances with two workers each stand for two machines; with
    one PostgreSQL and one Redis queue and a job worker, a batch started through the first is followed to its end,
    and its zip fetched, through the second — the web workers keep no state of their own."""
    if not database.startswith("postgres"):
        pytest.skip("several machines share PostgreSQL (R-DB-1), not a SQLite file")
    redis_url = request.getfixturevalue("redis_url")
    clock.pin(TODAY)
    try:
        demo.load()
        recompute(2023, reason="test")
        approve_ranking(2023)  # notices come from results the party group approved (R-SCO-3)
    finally:
        clock.pin(None)
    division = Division.get(Division.code == "CZ")
    people = Person.select().where(Person.division == division).count()

    env = processes.portal_env(
        DATABASE_URL=database,
        REDIS_URL=redis_url,
        BUREAU_QUEUE_NAME=f"test-{uuid.uuid4().hex[:10]}",
        BUREAU_TODAY=TODAY,
    )
    ports = processes.free_port(), processes.free_port()
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    browser = processes.Browser()
    logs = [tmp_path / "machine1.log", tmp_path / "machine2.log", tmp_path / "worker.log"]
    with (
        processes.gunicorn(ports[0], env, logs[0]) as one,
        processes.gunicorn(ports[1], env, logs[1]) as two,
        processes.worker(env, logs[2]) as worker,
    ):
        processes.wait_for(lambda: _health(browser, first), "machine 1", one, logs[0])
        processes.wait_for(lambda: _health(browser, second), "machine 2", two, logs[1])
        token = browser.csrf_token(f"{first}/login")
        login = {"username": "jixiaoban", "password": demo.DEMO_PASSWORD, "csrf_token": token}
        assert browser.request(f"{first}/login", login)[0] == 302
        token = browser.csrf_token(f"{first}/notices/")
        status, headers, _body = browser.request(
            f"{first}/notices/batch", {"year": "2023", "division": "CZ", "csrf_token": token}
        )
        assert status == 302, _body[:300]
        job_id = headers["Location"].rsplit("/", 1)[-1]

        states: list[str] = []

        def finished_on_machine_two():
            code, progress = browser.json(f"{second}/notices/batch/{job_id}.json")
            assert code == 200, (code, progress)
            states.append(progress["state"])
            return progress["state"] in ("done", "failed") and progress

        progress = processes.wait_for(finished_on_machine_two, "the batch seen from machine 2", worker, logs[2])
        zip_status, zip_headers, _zip = browser.request(f"{second}{progress['zip_url']}")
        jobs_status, _h, jobs_page = browser.request(f"{second}/jobs")
    assert progress["state"] == "done", progress
    assert progress["done"] == progress["total"] == progress["issued"] == people
    assert zip_status == 200 and zip_headers["Content-Type"] == "application/zip"
    assert jobs_status == 200 and f'data-job="{job_id}"' in jobs_page.decode()
    assert set(states) <= {"queued", "running", "done"}
