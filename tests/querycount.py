"""Query budgets (STYLE §6, after scout's `assert_query_count`): count the SQL a block runs, so an N+1 is a
failing test and not a slow year. Import the fixture into a test module: `from tests.querycount import
assert_query_count`. It counts through peewee's query hooks, so it sees every statement of every model and
raw `execute_sql` call, on either backend."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from models import db


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL of every statement run on the bound database inside the block."""
    database = db.obj
    queries: list[str] = []

    def hook(event: Any) -> None:
        queries.append(event.sql)

    database.query_hooks.append(hook)
    try:
        yield queries
    finally:
        database.query_hooks.remove(hook)


@pytest.fixture
def assert_query_count() -> Callable[[int], contextlib.AbstractContextManager[list[str]]]:
    """`with assert_query_count(5): client.get("/")` fails unless exactly 5 statements ran, listing them."""

    @contextlib.contextmanager
    def _assert(expected: int) -> Iterator[list[str]]:
        with count_queries() as queries:
            yield queries
        listing = "\n".join(f"  {i}. {sql}" for i, sql in enumerate(queries, start=1))
        assert len(queries) == expected, f"expected {expected} queries, ran {len(queries)}:\n{listing}"

    return _assert
