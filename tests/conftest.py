"""Shared fixtures in the flaskr shape (STYLE §5): `database_url`, `app`, `client`, `runner`, `login_as`.

Every database test runs twice: on a fresh SQLite file and on a fresh PostgreSQL database (R-DB-1).
PostgreSQL is `TEST_DATABASE_URL` (default postgresql://postgres@127.0.0.1:5432/test); each test session makes
its own database beside it, so runs never collide. Where none answers the PostgreSQL half is skipped with the
reason — except under CI=true, where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

import models
from models import db, init_db
from models.migrate import upgrade

models.org.PASSWORD_METHOD = "pbkdf2:sha256:1000"  # fast hashes in tests; production keeps scrypt

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _pg_admin_connection(url: str):
    import psycopg2

    conn = psycopg2.connect(url, connect_timeout=3)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite"
        yield f"sqlite:///{path}"
        return
    base = os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)
    try:
        admin = _pg_admin_connection(base)
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no PostgreSQL here"
        message = f"PostgreSQL at {base} does not answer: {str(exc).strip().splitlines()[0]}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL is required)")
        pytest.skip(message)
    name = f"bureau_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    if not db.is_closed():
        db.close()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


REDIS_DEFAULT = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session")
def redis_url() -> str:
    """`TEST_REDIS_URL` (default redis://127.0.0.1:6379/0) for the job queue's Redis backend; skipped with the
    reason where none answers — except under CI=true, where it fails, as PostgreSQL does."""
    url = os.environ.get("TEST_REDIS_URL", REDIS_DEFAULT)
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure to answer means "no Redis here"
        message = f"Redis at {url} does not answer: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}"
        if IN_CI:
            pytest.fail(message + " (CI=true: Redis is required)")
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    database = init_db(database_url)
    with database.connection_context():
        upgrade(database)
    return database_url


def _wipe() -> None:
    tables = [m._meta.table_name for m in models.ALL_MODELS]
    extra = [t for t in db.get_tables() if t not in tables and t != "migratehistory"]
    if db.obj.__class__.__name__.startswith("Postgres"):
        # DELETE with FK triggers off is far quicker than TRUNCATE for a few rows in many tables.
        statements = ["SET session_replication_role = replica"]
        statements += [f'DELETE FROM "{t}"' for t in tables + extra]  # noqa: S608 - names from our models
        statements.append("SET session_replication_role = DEFAULT")
        db.execute_sql("; ".join(statements))
    else:
        db.execute_sql("PRAGMA foreign_keys = OFF")
        for table in tables + extra:
            db.execute_sql(f'DELETE FROM "{table}"')  # noqa: S608 - table names come from our models
        db.execute_sql("PRAGMA foreign_keys = ON")


@pytest.fixture
def database(migrated: str) -> Iterator[str]:
    """A migrated, empty database bound to the models, wiped after the test."""
    init_db(migrated)
    db.connect(reuse_if_open=True)
    try:
        yield migrated
    finally:
        if db.is_closed():
            db.connect()
        _wipe()
        db.close()


@pytest.fixture
def app(database: str, tmp_path):
    from portal import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            # jobs run inside the request that queues them; tests/integration/test_jobs.py runs real workers
            "JOBS_IMMEDIATE": True,
            # raised so that no test trips over them by chance; test_accounts proves them with low ones
            "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
            "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        }
    )
    app.instance_path = str(tmp_path)
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Log the test client in as a person: `login_as(person)`; returns the person."""

    def _login(person):
        with client.session_transaction() as session:
            session["_user_id"] = str(person.id)
            session["_fresh"] = True
            session["_session_version"] = person.session_version
        return person

    return _login
