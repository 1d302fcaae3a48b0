"""Reading big tables without holding them (issue 10 item 7): a query's rows one by one, and what the database
offers for text search.

`stream()` exists because a plain psycopg2 cursor fetches a whole result into the client before the first row
(5M work-log rows grew an export to 6 GiB); a named (server-side) cursor fetches `chunk` rows at a time instead.
SQLite's cursor already steps through the result lazily.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from typing import Any

import peewee as pw

from models.base import db

CHUNK = 2000


def _is_postgres(database: Any) -> bool:
    return isinstance(database, pw.PostgresqlDatabase)


def stream(query: pw.SelectBase, chunk: int | None = None) -> Iterator[Any]:
    """The rows of `query` (model instances, with their joined rows, as iterating the query gives them), fetched
    `chunk` (default `CHUNK`) at a time and never cached, so memory stays bounded whatever the row count."""
    chunk = chunk or CHUNK
    database = db.obj
    if not _is_postgres(database):
        yield from query.iterator()
        return
    sql, params = query.sql()
    with database.atomic():
        # withhold: psycopg2 refuses a named cursor on an autocommit connection otherwise; it is closed (and
        # so never spooled) before the transaction ends.
        cursor = database.connection().cursor(name=f"stream_{uuid.uuid4().hex}", withhold=True)
        cursor.itersize = chunk
        try:
            cursor.execute(sql, params)
            wrapper = query._get_cursor_wrapper(_FetchMany(cursor, chunk))
            yield from wrapper.iterator()
        finally:
            if not cursor.closed:
                cursor.close()


class _FetchMany:
    """A named cursor seen through `fetchone()`, as peewee's cursor wrapper reads it, but fetched in chunks
    (a named cursor's own `fetchone()` is one round trip per row)."""

    def __init__(self, cursor: Any, size: int) -> None:
        self.cursor = cursor
        self.size = size
        self.buffer: list[Any] = []
        self.position = 0

    @property
    def description(self) -> Any:
        return self.cursor.description

    def fetchone(self) -> Any:
        if self.position >= len(self.buffer):
            self.buffer = self.cursor.fetchmany(self.size)
            self.position = 0
            if not self.buffer:
                return None
        row = self.buffer[self.position]
        self.position += 1
        return row

    def close(self) -> None:
        self.cursor.close()


def is_postgres() -> bool:
    return _is_postgres(db.obj)


@functools.cache
def _trigram(database_key: str) -> bool:
    return bool(db.execute_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone())


def trigram_search() -> bool:
    """Whether text search may use contains (`ILIKE '%…%'`) backed by pg_trgm indexes (migration 016); without the
    extension, and on SQLite, text is searched by prefix so that a plain btree index serves it."""
    database = db.obj
    if not _is_postgres(database):
        return False
    return _trigram(f"{database.database}@{id(database)}")
