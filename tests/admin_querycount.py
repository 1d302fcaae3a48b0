"""Count the SQL statements a block runs (STYLE §6: list pages have a query budget).

Peewee logs every statement it executes on the "peewee" logger at DEBUG level; we count those records.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        sql = record.msg[0] if isinstance(record.msg, tuple) else str(record.msg)
        self.statements.append(sql)


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """`with count_queries() as statements:` — afterwards `len(statements)` is the number run."""
    logger = logging.getLogger("peewee")
    counter = _Counter()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter.statements
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
